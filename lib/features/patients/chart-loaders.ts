/**
 * The patient chart (app/patients/[id]): its layout's header and one loader per tab, each reading
 * only what its tab shows. The header is read once per request (React's cache: the layout and the
 * tab ask for it together), before the tab's transaction opens; the tab's reads then run in one
 * transaction with one audit insert, which also records the header's view.
 */
import "server-only";
import { cache } from "react";
import { can, type Actor } from "@/lib/server/permissions";
import { readTogether } from "@/lib/server/transaction";
import { getAssessment, getChecklistHistory, type Assessment, type ChecklistHistoryEntry } from "@/lib/features/assessment/data";
import { listEpisodes } from "@/lib/features/episodes/data";
import { episodeListQuerySchema, type EpisodeListQuery } from "@/lib/features/episodes/schema";
import { getLabTrends, type LabTrends } from "@/lib/features/trends/data";
import { loadTrendsSection, type TrendsSectionData } from "@/lib/features/trends/loaders";
import { listVisits, type VisitView } from "@/lib/features/visits/data";
import { getChartOverview, listVisitOptions, readChartHeader, recordChartView, type ChartHeader, type ChartOverview } from "./chart-data";
import { getPatient, type PatientDetail } from "./data";

type SearchParams = Record<string, string | string[] | undefined>;

export type { ChartHeader };

/** The chart's header, read once per request whoever asks first (the layout or the tab). */
export const loadChartHeader = cache((actor: Actor, patientId: string): Promise<ChartHeader> => readChartHeader(actor, patientId));

/** A tab's reads after the header, in one transaction whose audit rows include the header's view. */
async function tabReads<T>(actor: Actor, patientId: string, reads: (header: ChartHeader) => Promise<T>): Promise<{ header: ChartHeader } & T> {
  const header = await loadChartHeader(actor, patientId);
  return readTogether(async () => {
    await recordChartView(actor, header);
    return { header, ...(await reads(header)) };
  });
}

export type PatientOverviewData = { header: ChartHeader } & ChartOverview;

/** Overview: the last episodes and the weekly counts (the red flags, checklist marks and last visit come with the header). */
export function loadPatientOverview(actor: Actor, patientId: string): Promise<PatientOverviewData> {
  return tabReads(actor, patientId, (header) => getChartOverview(actor, header));
}

export interface PatientEpisodesTabData {
  header: ChartHeader;
  /** The episode filters, sort and page the URL asks for. */
  episodeQuery: EpisodeListQuery;
  episodes: Awaited<ReturnType<typeof listEpisodes>>;
  /** The visits an episode can be reported at, for the record form (none for a reader). */
  visitOptions: { id: string; occurredAt: Date }[];
}

/** Episodes: the filtered, sorted page of episodes, and for a writer the visits of the record form. */
export async function loadPatientEpisodesTab(actor: Actor, patientId: string, searchParams: SearchParams): Promise<PatientEpisodesTabData> {
  const episodeQuery = episodeListQuerySchema.parse(searchParams);
  return tabReads(actor, patientId, async (header) => ({
    episodeQuery,
    episodes: await listEpisodes(actor, patientId, episodeQuery),
    visitOptions: can(actor, "clinical:write") ? await listVisitOptions(actor, header) : [],
  }));
}

export interface PatientVisitsTabData {
  header: ChartHeader;
  visits: VisitView[];
  labTrends: LabTrends;
}

/** Visits and labs: the visits with their values, and every lab result over time. */
export function loadPatientVisitsTab(actor: Actor, patientId: string): Promise<PatientVisitsTabData> {
  return tabReads(actor, patientId, async () => ({
    visits: await listVisits(actor, patientId),
    labTrends: await getLabTrends(actor, patientId),
  }));
}

export interface PatientChecklistTabData {
  header: ChartHeader;
  assessment: Assessment;
  history: ChecklistHistoryEntry[];
  /** The visits, for the links of the red flags found at an examination. */
  visitOptions: { id: string; occurredAt: Date }[];
}

/** Checklist: the red flags with their evidence, and the differential checklist with each item's history. */
export function loadPatientChecklistTab(actor: Actor, patientId: string): Promise<PatientChecklistTabData> {
  return tabReads(actor, patientId, async (header) => ({
    assessment: await getAssessment(actor, patientId),
    history: await getChecklistHistory(actor, patientId),
    visitOptions: await listVisitOptions(actor, header),
  }));
}

/** Trends: the episode charts over the period the URL asks for. */
export function loadPatientTrendsTab(actor: Actor, patientId: string, searchParams: SearchParams): Promise<{ header: ChartHeader; trends: TrendsSectionData }> {
  return tabReads(actor, patientId, async () => ({ trends: await loadTrendsSection(actor, patientId, searchParams) }));
}

/** Reports: links only; the header is all it reads. */
export function loadPatientReportsTab(actor: Actor, patientId: string): Promise<{ header: ChartHeader }> {
  return tabReads(actor, patientId, async () => ({}));
}

export interface PatientHistoryTabData {
  header: ChartHeader;
  /** Demographics, problem list, lifestyle and medications. */
  patient: PatientDetail;
  /** Every change of the checklist, newest first. */
  checklistHistory: ChecklistHistoryEntry[];
}

/** History: the patient's history (problems, lifestyle, medications, past ones included) and the checklist's changes. */
export async function loadPatientHistoryTab(actor: Actor, patientId: string): Promise<PatientHistoryTabData> {
  const header = await loadChartHeader(actor, patientId);
  // The full patient read records the patient's view itself.
  return readTogether(async () => ({
    header,
    patient: await getPatient(actor, patientId),
    checklistHistory: await getChecklistHistory(actor, patientId),
  }));
}
