import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { listPatients } from "./data";
import { patientListQuerySchema, type PatientListQuery } from "./schema";

type SearchParams = Record<string, string | undefined>;

export interface PatientListPageData {
  query: PatientListQuery;
  page: Awaited<ReturnType<typeof listPatients>>;
}

/** /patients: the search, sort and page the URL asks for, and that page of patients. */
export async function loadPatientListPage(actor: Actor, searchParams: SearchParams): Promise<PatientListPageData> {
  const query = patientListQuerySchema.parse(searchParams);
  return { query, page: await listPatients(actor, query) };
}
