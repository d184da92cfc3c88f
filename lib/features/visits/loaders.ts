import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { notFound } from "@/lib/server/errors";
import { readTogether } from "@/lib/server/transaction";
import { getPatient, type PatientDetail } from "@/lib/features/patients/data";
import { getVisit, type VisitView } from "./data";

export interface VisitPageData {
  visit: VisitView & { timeZone: string };
  /** For the heading (name and MRN) and the clinic's units. */
  patient: PatientDetail;
}

/** /patients/[id]/visits/[visitId]: the visit and its patient, in one transaction. */
export async function loadVisitPage(actor: Actor, patientId: string, visitId: string): Promise<VisitPageData> {
  const data = await readTogether(async () => ({ visit: await getVisit(actor, visitId), patient: await getPatient(actor, patientId) }));
  // Checked after the reads commit (their audit rows stand): the URL paired the visit with another patient.
  if (data.visit.patientId !== patientId) throw notFound("Visit");
  return data;
}
