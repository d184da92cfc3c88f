import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { readTogether } from "@/lib/server/transaction";
import { getAssessment, getChecklistHistory, type Assessment, type ChecklistHistoryEntry } from "@/lib/features/assessment/data";
import { listEpisodes } from "@/lib/features/episodes/data";
import { episodeListQuerySchema, type EpisodeListQuery } from "@/lib/features/episodes/schema";
import { getLabTrends, type LabTrends } from "@/lib/features/trends/data";
import { loadTrendsSection, type TrendsSectionData } from "@/lib/features/trends/loaders";
import { listVisits, type VisitView } from "@/lib/features/visits/data";
import { getPatient, listPatients, type PatientDetail } from "./data";
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

export interface PatientPageData {
  patient: PatientDetail;
  visits: VisitView[];
  /** The episode filters, sort and page the URL asks for. */
  episodeQuery: EpisodeListQuery;
  episodes: Awaited<ReturnType<typeof listEpisodes>>;
  assessment: Assessment;
  history: ChecklistHistoryEntry[];
  trends: TrendsSectionData;
  labTrends: LabTrends;
}

/** /patients/[id]: every section's data, read in one transaction (each read still audited): one commit instead of one per read. */
export async function loadPatientPage(actor: Actor, patientId: string, searchParams: SearchParams): Promise<PatientPageData> {
  const episodeQuery = episodeListQuerySchema.parse(searchParams);
  const reads = await readTogether(async () => ({
    patient: await getPatient(actor, patientId),
    visits: await listVisits(actor, patientId),
    episodes: await listEpisodes(actor, patientId, episodeQuery),
    assessment: await getAssessment(actor, patientId),
    history: await getChecklistHistory(actor, patientId),
    trends: await loadTrendsSection(actor, patientId, searchParams),
    labTrends: await getLabTrends(actor, patientId),
  }));
  return { ...reads, episodeQuery };
}
