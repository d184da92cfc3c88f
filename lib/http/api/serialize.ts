import "server-only";
import type { Assessment } from "@/lib/features/assessment/data";
import type { EpisodeView } from "@/lib/features/episodes/data";
import type { PatientDetail, PatientSummary } from "@/lib/features/patients/data";
import type { VisitView } from "@/lib/features/visits/data";
import type { DiaryEntryView } from "@/lib/features/diary/data";
import { PATIENT_FIELD_NAMES, PATIENT_SUMMARY_FIELDS, type PatientField } from "@/lib/core/fields/patient";

/** The named fields of a record, in the names' order. */
function pick<T, K extends keyof T>(record: T, names: readonly K[]): Pick<T, K> {
  return Object.fromEntries(names.map((name) => [name, record[name]])) as Pick<T, K>;
}

/** A patient's fields in the field list's order, but the clinic's unit system (a setting of the clinic, not the patient's). */
const PATIENT_API_FIELDS = PATIENT_FIELD_NAMES.filter((f): f is Exclude<PatientField, "unitSystem"> => f !== "unitSystem");

/**
 * API shapes (docs/api.md). Fields a client sends back in a PATCH come out in the form they go
 * in (conditions as codes, medications without ids), so a read-modify-write round-trips.
 */
export function patientJson(p: PatientDetail) {
  return {
    ...pick(p, PATIENT_API_FIELDS),
    conditions: p.conditions.map((c) => c.code),
    medications: p.medications.map((m) => ({ name: m.name, active: m.active, startedOn: m.startedOn, stoppedOn: m.stoppedOn })),
  };
}

export function patientSummaryJson(p: PatientSummary) {
  return pick(p, PATIENT_SUMMARY_FIELDS);
}

export function assessmentJson(a: Assessment) {
  return {
    asOf: a.asOf,
    timeZone: a.timeZone,
    windowDays: a.windowDays,
    redFlags: a.redFlags.map((f) => ({ code: f.code, message: f.message, evidence: f.evidence, advice: f.advice, urgency: f.urgency })),
    checklist: a.checklist.map((c) => ({
      causeId: c.causeId,
      label: c.label,
      source: c.source,
      citation: c.citation,
      weakEvidence: c.weakEvidence,
      suggested: c.suggested,
      reasons: c.reasons,
      status: c.status,
      note: c.note,
      version: c.version,
      updatedAt: c.updatedAt,
      updatedBy: c.updatedBy,
    })),
  };
}

/** A visit: each lab as entered (`value`, `unit`) and canonical, with its reference flag. */
export function visitJson(v: VisitView) {
  const { labs, ...rest } = v;
  return {
    ...rest,
    labs: labs.map((l) => ({
      analyte: l.analyte,
      value: l.enteredValue,
      unit: l.enteredUnit,
      canonicalValue: l.value,
      canonicalUnit: l.unit,
      flag: l.flag,
    })),
  };
}

/** An episode, with version 1's `worseAtRestOrEvening` kept (deprecated): true when either is. */
export function episodeJson(e: EpisodeView) {
  return { ...e, worseAtRestOrEvening: e.worseAtRest || e.worseInEvening };
}

/** A diary entry as the patient's phone reads it back: what was sent, and when it arrived. */
export function diaryEntryJson(e: DiaryEntryView) {
  return e;
}
