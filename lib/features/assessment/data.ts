import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { Actor } from "@/lib/server/permissions";
import {
  CAUSE_IDS,
  CAUSES_BY_ID,
  suggestChecklist,
  type CauseId,
  type ChecklistSuggestion,
  type PatientFacts,
} from "@/lib/core/clinical/checklist";
import { computeRedFlags, type EpisodeFacts, type RedFlag, type VisitFindingFacts } from "@/lib/core/clinical/red-flags";
import { DEFAULT_THRESHOLDS } from "@/lib/core/clinical/thresholds";
import type {
  Analyte,
  ChecklistStatus,
  Classification,
  Condition,
  ExamFinding,
  LifestyleFlag,
  MuscleGroup,
  Relief,
  Trigger,
} from "@/lib/core/clinical/vocabulary";
import { parseWith } from "@/lib/core/validation/common";
import { checklistUpdateSchema } from "@/lib/features/assessment/schema";
import { appendAudit } from "@/lib/server/audit";
import { conflict, invalid, notFound, STALE_VERSION_MESSAGE } from "@/lib/server/errors";
import { asBool, asDate, asDateOrNull, asNumberOrNull, asStringOrNull } from "@/lib/server/sql-values";
import { guarded, isUniqueViolation } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { splitList } from "@/lib/server/sql-values";
import type { Tx } from "@/lib/server/db";

const DAY_MS = 24 * 3600 * 1000;

export interface ChecklistItemView extends ChecklistSuggestion {
  status: ChecklistStatus;
  note: string;
  version: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export interface Assessment {
  asOf: Date;
  timeZone: string;
  windowDays: number;
  redFlags: RedFlag[];
  checklist: ChecklistItemView[];
}

export interface ChecklistHistoryEntry {
  causeId: CauseId;
  fromStatus: ChecklistStatus;
  toStatus: ChecklistStatus;
  note: string;
  changedBy: string;
  changedAt: Date;
}

type EpisodeFactRow = {
  id: string;
  occurredAt: Date;
  durationSeconds: number;
  muscleGroup: string;
  triggers: string;
  relief: string;
  consciousnessImpaired: boolean;
  tongueBitten: boolean;
  wetThemselves: boolean;
  classification: string | null;
  suggestedClassification: string | null;
};

export const episodeFactSelect = {
  id: true,
  occurredAt: true,
  durationSeconds: true,
  muscleGroup: true,
  triggers: true,
  relief: true,
  consciousnessImpaired: true,
  tongueBitten: true,
  wetThemselves: true,
  classification: true,
  suggestedClassification: true,
} as const;

export function toEpisodeFacts(e: EpisodeFactRow): EpisodeFacts {
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    durationSeconds: e.durationSeconds,
    muscleGroup: e.muscleGroup as MuscleGroup,
    triggers: splitList(e.triggers) as Trigger[],
    relief: splitList(e.relief) as Relief[],
    consciousnessImpaired: e.consciousnessImpaired,
    seizureSigns: e.tongueBitten || e.wetThemselves,
    classification: e.classification as Classification | null,
    suggestedClassification: e.suggestedClassification as Classification | null,
  };
}

export function toVisitFindingFacts(v: { id: string; occurredAt: Date; examFindings: string }): VisitFindingFacts {
  return { id: v.id, occurredAt: v.occurredAt, examFindings: splitList(v.examFindings) as ExamFinding[] };
}

/** Everything the rules read about one patient, as of a moment: no rule reads the database itself. */
async function loadFacts(tx: Tx, patientId: string, asOf: Date): Promise<PatientFacts> {
  const loaded = (await loadFactsBatch(tx, [patientId], asOf)).get(patientId);
  if (!loaded) throw notFound("Patient");
  return loaded.facts;
}

/** Rows of several patients, by patient, in their order. */
export function groupByPatient<T extends { patientId: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.patientId);
    if (list) list.push(r);
    else m.set(r.patientId, [r]);
  }
  return m;
}

/**
 * The rules' input for several patients in one statement (the dashboard's suggested causes, the
 * assessment, the chart's Overview): one branch of a UNION ALL per kind of fact, each row tagged
 * with its kind, in shared typed columns. Plain SQL: the same reads through the ORM's relation
 * loading cost about three times as much at 200 patients, and one statement instead of six keeps
 * the Overview within its budget.
 */
export async function loadFactsBatch(tx: Tx, patientIds: string[], asOf: Date): Promise<Map<string, { facts: PatientFacts; timeZone: string }>> {
  if (!patientIds.length) return new Map();
  const windowStart = new Date(asOf.getTime() - DEFAULT_THRESHOLDS.windowDays * DAY_MS);
  const ids = Prisma.join(patientIds);
  // Columns: kind, patientId, id, at (a moment), n1..n4 (numbers), t1..t5 (texts), b1 (a flag),
  // typed in the first branch: PostgreSQL resolves a UNION's column types branch by branch.
  // A lab result's visit is its patient's (checkDatabase holds that): naming the patients in the
  // NOT EXISTS lets PostgreSQL probe the Visit index instead of scanning every visit.
  const rows = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT 'P' AS "kind", p."id" AS "patientId", p."id" AS "id", CAST(NULL AS TIMESTAMP) AS "at", p."heightCm" AS "n1",
      CAST(NULL AS DOUBLE PRECISION) AS "n2", CAST(NULL AS DOUBLE PRECISION) AS "n3", CAST(NULL AS DOUBLE PRECISION) AS "n4",
      p."lifestyle" AS "t1", c."timeZone" AS "t2", CAST(NULL AS TEXT) AS "t3", CAST(NULL AS TEXT) AS "t4", CAST(NULL AS TEXT) AS "t5", p."pregnant" AS "b1"
      FROM "Patient" p JOIN "Clinic" c ON c."id" = p."clinicId" WHERE p."id" IN (${ids})
    UNION ALL
    SELECT 'C', "patientId", "id", NULL, NULL, NULL, NULL, NULL, "code", NULL, NULL, NULL, NULL, NULL
      FROM "PatientCondition" WHERE "patientId" IN (${ids})
    UNION ALL
    SELECT 'M', "patientId", "id", NULL, NULL, NULL, NULL, NULL, "name", "startedOn", NULL, NULL, NULL, "active"
      FROM "Medication" WHERE "patientId" IN (${ids})
    UNION ALL
    SELECT 'V', "patientId", "id", "occurredAt", "systolic", "diastolic", "weightKg", "temperatureC", "examFindings", NULL, NULL, NULL, NULL, NULL
      FROM "Visit" WHERE "patientId" IN (${ids}) AND "deletedAt" IS NULL AND "occurredAt" <= ${asOf}
    UNION ALL
    SELECT 'L', l."patientId", l."id", l."takenAt", l."value", NULL, NULL, NULL, l."analyte", l."unit", NULL, NULL, NULL, NULL
      FROM "LabResult" l
      WHERE l."patientId" IN (${ids}) AND l."takenAt" <= ${asOf}
        AND NOT EXISTS (SELECT 1 FROM "Visit" v WHERE v."id" = l."visitId" AND v."patientId" IN (${ids}) AND v."deletedAt" IS NOT NULL)
    UNION ALL
    SELECT 'E', "patientId", "id", "occurredAt", "durationSeconds", CAST("tongueBitten" AS INTEGER), CAST("wetThemselves" AS INTEGER), NULL, "muscleGroup", "triggers", "relief", "classification", "suggestedClassification", "consciousnessImpaired"
      FROM "Episode" WHERE "patientId" IN (${ids}) AND "deletedAt" IS NULL AND "occurredAt" >= ${windowStart} AND "occurredAt" <= ${asOf}
    ORDER BY "kind", "patientId", "at" DESC, "id"`;
  const text = (v: unknown) => String(v ?? "");
  const patients: { id: string; pregnant: boolean; heightCm: number | null; lifestyle: string; timeZone: string }[] = [];
  const conditions: { patientId: string; code: string }[] = [];
  const medications: { patientId: string; name: string; active: boolean; startedOn: string | null }[] = [];
  const visits: { id: string; patientId: string; occurredAt: Date; systolic: number | null; diastolic: number | null; weightKg: number | null; temperatureC: number | null; examFindings: string }[] = [];
  const labs: { patientId: string; analyte: string; value: number; unit: string; takenAt: Date }[] = [];
  const episodes: (EpisodeFactRow & { patientId: string })[] = [];
  for (const r of rows) {
    const patientId = String(r.patientId);
    switch (r.kind) {
      case "P":
        patients.push({ id: patientId, pregnant: asBool(r.b1), heightCm: asNumberOrNull(r.n1), lifestyle: text(r.t1), timeZone: text(r.t2) });
        break;
      case "C":
        conditions.push({ patientId, code: text(r.t1) });
        break;
      case "M":
        medications.push({ patientId, name: text(r.t1), active: asBool(r.b1), startedOn: asStringOrNull(r.t2) });
        break;
      case "V":
        visits.push({ id: String(r.id), patientId, occurredAt: asDate(r.at), systolic: asNumberOrNull(r.n1), diastolic: asNumberOrNull(r.n2), weightKg: asNumberOrNull(r.n3), temperatureC: asNumberOrNull(r.n4), examFindings: text(r.t1) });
        break;
      case "L":
        labs.push({ patientId, analyte: text(r.t1), value: Number(r.n1), unit: text(r.t2), takenAt: asDate(r.at) });
        break;
      case "E":
        episodes.push({
          id: String(r.id),
          patientId,
          occurredAt: asDate(r.at),
          durationSeconds: Number(r.n1),
          muscleGroup: text(r.t1),
          triggers: text(r.t2),
          relief: text(r.t3),
          classification: asStringOrNull(r.t4),
          suggestedClassification: asStringOrNull(r.t5),
          consciousnessImpaired: asBool(r.b1),
          tongueBitten: Number(r.n2) === 1,
          wetThemselves: Number(r.n3) === 1,
        });
        break;
    }
  }
  const conditionsBy = groupByPatient(conditions);
  const medicationsBy = groupByPatient(medications);
  const visitsBy = groupByPatient(visits);
  const labsBy = groupByPatient(labs);
  const episodesBy = groupByPatient(episodes);
  return new Map(
    patients.map((p) => [
      p.id,
      {
        timeZone: p.timeZone,
        facts: {
          pregnant: p.pregnant,
          heightCm: p.heightCm,
          conditions: (conditionsBy.get(p.id) ?? []).map((c) => c.code as Condition),
          lifestyle: splitList(p.lifestyle) as LifestyleFlag[],
          medications: (medicationsBy.get(p.id) ?? []).map((m) => ({ name: m.name, active: m.active, startedOn: m.startedOn })),
          visits: (visitsBy.get(p.id) ?? []).map((v) => ({
            id: v.id,
            occurredAt: v.occurredAt,
            systolic: v.systolic,
            diastolic: v.diastolic,
            weightKg: v.weightKg,
            temperatureC: v.temperatureC,
            examFindings: splitList(v.examFindings) as ExamFinding[],
          })),
          labs: (labsBy.get(p.id) ?? []).map((l) => ({ analyte: l.analyte as Analyte, value: l.value, unit: l.unit, takenAt: l.takenAt })),
          episodes: (episodesBy.get(p.id) ?? []).map(toEpisodeFacts),
        },
      },
    ]),
  );
}

export async function getAssessment(actor: Actor, patientId: string, asOf: Date = new Date()): Promise<Assessment> {
  return guarded(actor, "clinical:read", { action: "ASSESSMENT_VIEW", patientId }, async (tx) => {
    const patient = await requirePatientInScope(tx, actor, patientId);
    const timeZone = patient.clinic.timeZone;
    const facts = await loadFacts(tx, patientId, asOf);
    // Plain SQL with the editor's name joined: read on every patient page (see loadFactsBatch).
    const items = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT i."causeId", i."status", i."note", i."version", i."updatedAt", u."name" AS "updatedBy"
      FROM "ChecklistItem" i LEFT JOIN "User" u ON u."id" = i."updatedById" WHERE i."patientId" = ${patientId}`;
    const byCause = new Map(items.map((i) => [String(i.causeId), i]));
    const checklist = suggestChecklist(facts, asOf, timeZone).map((s): ChecklistItemView => {
      const item = byCause.get(s.causeId);
      return {
        ...s,
        status: (item ? String(item.status) : "NOT_ASSESSED") as ChecklistStatus,
        note: item ? String(item.note) : "",
        version: item ? Number(item.version) : 0,
        updatedAt: item ? asDateOrNull(item.updatedAt) : null,
        updatedBy: item ? asStringOrNull(item.updatedBy) : null,
      };
    });
    await appendAudit(tx, actor, { action: "ASSESSMENT_VIEW", patientId, details: { asOf: asOf.toISOString() } });
    const visits = facts.visits.map((v) => ({ id: v.id, occurredAt: v.occurredAt, examFindings: v.examFindings ?? [] }));
    return { asOf, timeZone, windowDays: DEFAULT_THRESHOLDS.windowDays, redFlags: computeRedFlags({ episodes: facts.episodes, visits, asOf, timeZone }), checklist };
  });
}

function requireCause(causeId: string): CauseId {
  if (!(CAUSE_IDS as readonly string[]).includes(causeId)) throw notFound("Checklist item");
  return causeId as CauseId;
}

/**
 * Sets a checklist item's status and note. The change and its history row commit together;
 * `version` must match (0 for an item nobody has set yet), so a stale page cannot overwrite.
 */
export async function setChecklistStatus(actor: Actor, patientId: string, causeIdInput: string, input: unknown) {
  const parsed = parseWith(checklistUpdateSchema, input);
  return guarded(actor, "clinical:write", { action: "CHECKLIST_UPDATE", patientId, targetType: "ChecklistItem", targetId: causeIdInput }, async (tx) => {
    await requirePatientInScope(tx, actor, patientId);
    const causeId = requireCause(causeIdInput);
    if (!parsed.ok) throw invalid(parsed.fields);
    const { status, note, version } = parsed.data;
    const existing = await tx.checklistItem.findUnique({ where: { patientId_causeId: { patientId, causeId } } });
    const fromStatus = existing?.status ?? "NOT_ASSESSED";
    let itemId: string;
    if (!existing) {
      if (version !== 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
      try {
        itemId = (await tx.checklistItem.create({ data: { patientId, causeId, status, note, updatedById: actor.userId } })).id;
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
        throw error;
      }
    } else {
      const { count } = await tx.checklistItem.updateMany({
        where: { id: existing.id, version },
        data: { status, note, updatedById: actor.userId, version: { increment: 1 } },
      });
      if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
      itemId = existing.id;
    }
    await tx.checklistHistory.create({ data: { itemId, patientId, causeId, fromStatus, toStatus: status, note, changedById: actor.userId } });
    await appendAudit(tx, actor, { action: "CHECKLIST_UPDATE", patientId, targetType: "ChecklistItem", targetId: causeId, details: { from: fromStatus, to: status } });
    const item = await tx.checklistItem.findUniqueOrThrow({ where: { id: itemId } });
    const cause = CAUSES_BY_ID[causeId];
    return { causeId, label: cause.label, source: cause.source, status: item.status as ChecklistStatus, note: item.note, version: item.version, updatedAt: item.updatedAt };
  });
}

export async function getChecklistHistory(actor: Actor, patientId: string): Promise<ChecklistHistoryEntry[]> {
  return guarded(actor, "clinical:read", { action: "CHECKLIST_HISTORY_VIEW", patientId }, async (tx) => {
    await requirePatientInScope(tx, actor, patientId);
    const rows = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT h."causeId", h."fromStatus", h."toStatus", h."note", h."changedAt", u."name" AS "changedBy"
      FROM "ChecklistHistory" h LEFT JOIN "User" u ON u."id" = h."changedById"
      WHERE h."patientId" = ${patientId} ORDER BY h."changedAt" DESC, h."id" DESC`;
    await appendAudit(tx, actor, { action: "CHECKLIST_HISTORY_VIEW", patientId });
    return rows.map((r) => ({
      causeId: r.causeId as CauseId,
      fromStatus: r.fromStatus as ChecklistStatus,
      toStatus: r.toStatus as ChecklistStatus,
      note: String(r.note),
      changedBy: asStringOrNull(r.changedBy) ?? "unknown user",
      changedAt: asDate(r.changedAt),
    }));
  });
}
