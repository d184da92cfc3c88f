import "server-only";
import type { Assessment } from "@/lib/features/assessment/data";
import type { EpisodeView } from "@/lib/features/episodes/data";
import type { PatientDetail, PatientSummary } from "@/lib/features/patients/data";
import type { VisitView } from "@/lib/features/visits/data";

/**
 * API shapes (docs/api.md). Fields a client sends back in a PATCH come out in the form they go
 * in (conditions as codes, medications without ids), so a read-modify-write round-trips.
 */
export function patientJson(p: PatientDetail) {
  return {
    id: p.id,
    clinicId: p.clinicId,
    clinicName: p.clinicName,
    mrn: p.mrn,
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate,
    sex: p.sex,
    pregnant: p.pregnant,
    heightCm: p.heightCm,
    heightEntered: p.heightEntered,
    conditions: p.conditions.map((c) => c.code),
    lifestyle: p.lifestyle,
    medications: p.medications.map((m) => ({ name: m.name, active: m.active, startedOn: m.startedOn, stoppedOn: m.stoppedOn })),
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function patientSummaryJson(p: PatientSummary) {
  return {
    id: p.id,
    mrn: p.mrn,
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate,
    sex: p.sex,
    pregnant: p.pregnant,
    clinicName: p.clinicName,
    createdAt: p.createdAt,
  };
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
