import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { readTogether } from "@/lib/server/transaction";
import { parseWith } from "@/lib/core/validation/common";
import { getPatient, type PatientDetail } from "@/lib/features/patients/data";
import { getClinicDashboard, getLabTrends, getPatientTrends, type ClinicDashboard, type LabTrends, type PatientTrends } from "./data";
import { DEFAULT_TREND_PERIOD, pickTrendParams, trendsQuerySchema } from "./schema";

type SearchParams = Record<string, string | string[] | undefined>;

interface ChosenPeriod {
  /** The trend parameters as the URL gave them (shown back in the period form). */
  picked: Record<string, string | undefined>;
  /** Why the URL's custom period was refused, by field (empty when it was not). */
  errors: Record<string, string>;
}

/** The period the URL asks for (`period`, `periodFrom`, `periodTo`), or the default period when the URL's is refused. */
function choosePeriod(searchParams: SearchParams): ChosenPeriod & { query: Record<string, string> } {
  const picked = pickTrendParams(searchParams);
  const parsed = parseWith(trendsQuerySchema, picked);
  return parsed.ok ? { picked, query: picked, errors: {} } : { picked, query: { period: DEFAULT_TREND_PERIOD }, errors: parsed.fields };
}

export interface TrendsSectionData extends ChosenPeriod {
  trends: PatientTrends;
}

/** The data of a patient's trends section, read with the page's other reads (inside its readTogether). */
export async function loadTrendsSection(actor: Actor, patientId: string, searchParams: SearchParams): Promise<TrendsSectionData> {
  const { query, ...period } = choosePeriod(searchParams);
  return { trends: await getPatientTrends(actor, patientId, query), ...period };
}

export interface PatientTrendsPageData {
  patient: PatientDetail;
  trends: TrendsSectionData;
  labTrends: LabTrends;
}

/** /patients/[id]/trends: the patient for the heading, the trends and the lab trends, in one transaction. */
export function loadPatientTrendsPage(actor: Actor, patientId: string, searchParams: SearchParams): Promise<PatientTrendsPageData> {
  return readTogether(async () => ({
    patient: await getPatient(actor, patientId),
    trends: await loadTrendsSection(actor, patientId, searchParams),
    labTrends: await getLabTrends(actor, patientId),
  }));
}

export interface DashboardData extends ChosenPeriod {
  dashboard: ClinicDashboard;
}

/** /dashboard: the clinics' figures over the chosen period (the red flags and likely causes stream in on their own). */
export async function loadDashboard(actor: Actor, searchParams: SearchParams): Promise<DashboardData> {
  const { query, ...period } = choosePeriod(searchParams);
  return { dashboard: await getClinicDashboard(actor, query), ...period };
}
