import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { getPatient, listActorClinics, type PatientDetail } from "@/lib/features/patients/data";
import { resolvePeriod, todayIn, type Period } from "./period";
import { DEFAULT_REPORT_DAYS } from "./schema";

export interface ReportPageData {
  patient: PatientDetail;
  /** The report form's starting period: the last days up to today on the clinic's calendar. */
  defaults: Period;
}

/** /patients/[id]/report: the patient and the report form's default period. */
export async function loadReportPage(actor: Actor, patientId: string): Promise<ReportPageData> {
  const patient = await getPatient(actor, patientId);
  const clinics = await listActorClinics(actor);
  const timeZone = clinics.find((c) => c.id === patient.clinicId)?.timeZone ?? "UTC";
  return { patient, defaults: resolvePeriod({}, todayIn(timeZone), DEFAULT_REPORT_DAYS) };
}
