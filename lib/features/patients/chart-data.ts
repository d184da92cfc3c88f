/**
 * The patient chart's own reads (app/patients/[id]): the header every tab shows, and the Overview
 * tab's small summaries. Plain SQL, few statements: the Overview of a busy patient is read in
 * three (header with the last visit, last episodes, weekly counts) besides the session check and
 * the audit insert, where the one long patient page took about forty.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { can, type Actor } from "@/lib/server/permissions";
import { asUnitSystem, referenceFlag, type UnitSystem } from "@/lib/core/clinical/units";
import { dayNumber, localDate, RED_FLAG_CODES, RED_FLAG_URGENCY, type RedFlagCode, type RedFlagUrgency } from "@/lib/core/clinical/red-flags";
import { CAUSE_IDS, suggestChecklist, type CauseId } from "@/lib/core/clinical/checklist";
import type { AllergyStatus, Analyte, ChecklistStatus, Classification, ExamFinding, Sex, Side, Trigger } from "@/lib/core/clinical/vocabulary";
import { loadFactsBatch } from "@/lib/features/assessment/data";
import { refreshAttention } from "@/lib/features/attention/data";
import { isoOfDay, mondayOf, queryPatientWeekly, weekSeries, zonedBounds } from "@/lib/features/trends/data";
import type { VisitView } from "@/lib/features/visits/data";
import { appendAudit } from "@/lib/server/audit";
import { db } from "@/lib/server/db";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { forbidden, notFound } from "@/lib/server/errors";
import { asBool, asDate, asDateOrNull, asNumberOrNull, asStringOrNull, splitList } from "@/lib/server/sql-values";
import { auditRefusal, guarded } from "@/lib/server/transaction";

/** What the chart's header shows on every tab, and the marks the Overview lists. */
export interface ChartHeader {
  id: string;
  clinicId: string;
  clinicName: string;
  timeZone: string;
  unitSystem: UnitSystem;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: Sex;
  pregnant: boolean;
  allergyStatus: AllergyStatus;
  /** Substances and reactions when the status is RECORDED. */
  allergies: string;
  activeMedications: number;
  /** The stored red flags of the last 30 days (PatientAttention), most urgent first. */
  redFlags: RedFlagCode[];
  /** The most urgent of them, or null without red flags. */
  urgency: RedFlagUrgency | null;
  /** Episodes marked for review (the clinician's label differs from the suggestion). */
  awaitingReview: number;
  /** Checklist causes a clinician marked suspected, confirmed or ruled out. */
  checklistMarks: { causeId: CauseId; status: ChecklistStatus }[];
  /** The latest visit with its labs, for the Overview. */
  lastVisit: VisitView | null;
}

/** A column of several rows as one comma-separated text (both dialects). */
function commaList(expression: Prisma.Sql): Prisma.Sql {
  return currentDatabaseKind() === "postgresql" ? Prisma.sql`string_agg(${expression}, ',')` : Prisma.sql`group_concat(${expression}, ',')`;
}

async function queryHeaderRows(actor: Actor, patientId: string): Promise<Record<string, unknown>[]> {
  if (!actor.clinicIds.length) return [];
  // The last visit and its labs come along (a row per lab): the Overview shows them, and a statement of its own would cost one more.
  return db.$queryRaw<Record<string, unknown>[]>`
    SELECT p."id", p."clinicId", c."name" AS "clinicName", c."timeZone", c."unitSystem", p."mrn", p."givenName", p."familyName",
      p."birthDate", p."sex", p."pregnant", p."allergyStatus", p."allergies",
      (SELECT COUNT(*) FROM "Medication" m WHERE m."patientId" = p."id" AND m."active" = TRUE) AS "activeMedications",
      (SELECT ${commaList(Prisma.sql`i."causeId" || ':' || i."status"`)} FROM "ChecklistItem" i
        WHERE i."patientId" = p."id" AND i."status" IN ('SUSPECTED', 'CONFIRMED', 'RULED_OUT')) AS "checklistMarks",
      a."patientId" AS "attentionOf", a."flagCodes", a."reviewCount", a."computedAt", a."validUntil",
      v."id" AS "visitId", v."occurredAt" AS "visitAt", v."systolic", v."diastolic", v."weightKg", v."temperatureC", v."notes" AS "visitNotes",
      v."version" AS "visitVersion", v."weightEnteredValue", v."weightEnteredUnit", v."temperatureEnteredValue", v."temperatureEnteredUnit", v."examFindings",
      l."analyte", l."value" AS "labValue", l."unit" AS "labUnit", l."enteredValue" AS "labEnteredValue", l."enteredUnit" AS "labEnteredUnit"
    FROM "Patient" p JOIN "Clinic" c ON c."id" = p."clinicId" LEFT JOIN "PatientAttention" a ON a."patientId" = p."id"
      LEFT JOIN "Visit" v ON v."id" = (SELECT lv."id" FROM "Visit" lv WHERE lv."patientId" = p."id" AND lv."deletedAt" IS NULL
        ORDER BY lv."occurredAt" DESC, lv."id" DESC LIMIT 1)
      LEFT JOIN "LabResult" l ON l."visitId" = v."id"
    WHERE p."id" = ${patientId} AND p."deletedAt" IS NULL AND p."clinicId" IN (${Prisma.join(actor.clinicIds)})
    ORDER BY l."analyte", l."id"`;
}

/** The stored answer holds now: it exists, has not run out, and was not computed for a later moment. */
function attentionHolds(row: Record<string, unknown>, now: Date): boolean {
  if (row.attentionOf == null) return false;
  const validUntil = asDateOrNull(row.validUntil);
  return asDate(row.computedAt) <= now && (validUntil === null || validUntil > now);
}

function toHeader(rows: Record<string, unknown>[]): ChartHeader {
  const r = rows[0];
  const codes = splitList(String(r.flagCodes ?? "")).filter((c): c is RedFlagCode => (RED_FLAG_CODES as readonly string[]).includes(c));
  const redFlags = RED_FLAG_CODES.filter((c) => codes.includes(c));
  const marks = splitList(String(r.checklistMarks ?? ""))
    .map((m) => m.split(":") as [string, string])
    .filter((m): m is [CauseId, ChecklistStatus] => (CAUSE_IDS as readonly string[]).includes(m[0]))
    .sort((a, b) => CAUSE_IDS.indexOf(a[0]) - CAUSE_IDS.indexOf(b[0]));
  return {
    id: String(r.id),
    clinicId: String(r.clinicId),
    clinicName: String(r.clinicName),
    timeZone: String(r.timeZone),
    unitSystem: asUnitSystem(r.unitSystem),
    mrn: String(r.mrn),
    givenName: String(r.givenName),
    familyName: String(r.familyName),
    birthDate: String(r.birthDate),
    sex: r.sex as Sex,
    pregnant: asBool(r.pregnant),
    allergyStatus: String(r.allergyStatus) as AllergyStatus,
    allergies: String(r.allergies ?? ""),
    activeMedications: Number(r.activeMedications ?? 0),
    redFlags,
    urgency: redFlags.length ? RED_FLAG_URGENCY[redFlags[0]] : null,
    awaitingReview: Number(r.reviewCount ?? 0),
    checklistMarks: marks.map(([causeId, status]) => ({ causeId, status })),
    lastVisit: toVisit(String(r.id), rows),
  };
}

/**
 * The header in one statement, outside a transaction: the patient, the clinic, the stored red
 * flags and review count, the active medications and the checklist marks (every status but not assessed). Scoped to the actor's
 * clinics; a refusal is audited as a refused patient view. The view itself is recorded by the
 * tab's reads (recordChartView), in their transaction. The last visit with its labs comes along
 * for the Overview. When the stored red flags have run out
 * they are recomputed first, as the attention list does.
 */
export async function readChartHeader(actor: Actor, patientId: string, now: Date = new Date()): Promise<ChartHeader> {
  const refusal = { action: "PATIENT_VIEW", targetType: "Patient", targetId: patientId };
  if (!can(actor, "clinical:read")) {
    await auditRefusal(actor, refusal, "FORBIDDEN");
    throw forbidden();
  }
  let rows = await queryHeaderRows(actor, patientId);
  if (rows.length && !attentionHolds(rows[0], now)) {
    await guarded(actor, "clinical:read", refusal, (tx) => refreshAttention(tx, [patientId], now));
    rows = await queryHeaderRows(actor, patientId);
  }
  if (!rows.length) {
    await auditRefusal(actor, refusal, "NOT_FOUND");
    throw notFound("Patient");
  }
  return toHeader(rows);
}

/** Records that the chart (its header) was shown: inside the tab's readTogether, one more row of its one audit insert. */
export async function recordChartView(actor: Actor, header: ChartHeader): Promise<void> {
  await guarded(actor, "clinical:read", { action: "PATIENT_VIEW", targetType: "Patient", targetId: header.id }, (tx) =>
    appendAudit(tx, actor, { action: "PATIENT_VIEW", patientId: header.id, targetType: "Patient", targetId: header.id }),
  );
}

export interface RecentEpisode {
  id: string;
  occurredAt: Date;
  durationSeconds: number;
  side: Side;
  classification: Classification | null;
  suggestedClassification: Classification | null;
  painScore: number | null;
  triggers: Trigger[];
  needsReview: boolean;
  /** Sent by the patient from the diary. */
  patientReported: boolean;
}

export interface WeeklyCount {
  /** The Monday (local date) that starts the week. */
  weekStart: string;
  count: number;
}

/** A checklist cause the record suggests and no clinician has ruled out, with the first reason. */
export interface OverviewSuggestion {
  causeId: CauseId;
  label: string;
  /** Why the record suggests it, the first of its reasons (the checklist tab lists them all). */
  reason: string;
  reasonCount: number;
  /** Suspected or confirmed when a clinician marked it; null while not assessed. */
  status: ChecklistStatus | null;
}

export interface ChartOverview {
  /** Suggested causes not ruled out, in the checklist's order. */
  suggestions: OverviewSuggestion[];
  /** The latest episodes, newest first. */
  lastEpisodes: RecentEpisode[];
  /** Episodes per week over the last weeks, oldest first; the last week is the current one. */
  weekly: WeeklyCount[];
}

export const OVERVIEW_EPISODES = 5;
export const OVERVIEW_WEEKS = 12;

/**
 * The Overview's summaries in three statements: the rules' facts (for the suggested causes), the
 * last episodes, and the episodes per week of the last weeks on the clinic's calendar (the trend
 * tab's query). The last visit and the checklist marks came with the header. `header` is the
 * patient as read in the actor's scope (readChartHeader).
 */
export async function getChartOverview(actor: Actor, header: ChartHeader, now: Date = new Date()): Promise<ChartOverview> {
  const patientId = header.id;
  return guarded(actor, "clinical:read", { action: "EPISODE_LIST", patientId }, async (tx) => {
    const episodeRows = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT "id", "occurredAt", "durationSeconds", "side", "classification", "suggestedClassification", "painScore", "triggers", "needsReview", "source"
      FROM "Episode" WHERE "patientId" = ${patientId} AND "deletedAt" IS NULL
      ORDER BY "occurredAt" DESC, "id" DESC LIMIT ${OVERVIEW_EPISODES}`;
    const today = dayNumber(localDate(now, header.timeZone));
    const period = { from: isoOfDay(mondayOf(today) - 7 * (OVERVIEW_WEEKS - 1)), to: isoOfDay(today) };
    const weeklyRows = await queryPatientWeekly(tx, currentDatabaseKind(), patientId, zonedBounds(period, header.timeZone));
    const facts = (await loadFactsBatch(tx, [patientId], now)).get(patientId);
    const lastVisit = header.lastVisit;
    const lastEpisodes = episodeRows.map(toRecentEpisode);
    const marks = new Map(header.checklistMarks.map((m) => [m.causeId, m.status]));
    const suggestions = (facts ? suggestChecklist(facts.facts, now, header.timeZone) : [])
      .filter((s) => s.suggested && marks.get(s.causeId) !== "RULED_OUT")
      .map((s): OverviewSuggestion => ({ causeId: s.causeId, label: s.label, reason: s.reasons[0] ?? "", reasonCount: s.reasons.length, status: marks.get(s.causeId) ?? null }));
    await appendAudit(tx, actor, { action: "ASSESSMENT_VIEW", patientId, details: { asOf: now.toISOString(), view: "overview" } });
    await appendAudit(tx, actor, { action: "VISIT_LIST", patientId, details: { returned: lastVisit ? 1 : 0, view: "overview" } });
    await appendAudit(tx, actor, { action: "EPISODE_LIST", patientId, details: { returned: lastEpisodes.length, view: "overview" } });
    await appendAudit(tx, actor, { action: "TRENDS_VIEW", patientId, details: { ...period, view: "overview" } });
    return {
      suggestions,
      lastEpisodes,
      weekly: weekSeries(period, weeklyRows).map((w) => ({ weekStart: w.weekStart, count: w.total })),
    };
  });
}

/** The header rows' last visit (null without one), its labs one per row. */
function toVisit(patientId: string, rows: Record<string, unknown>[]): VisitView | null {
  const r = rows[0];
  if (r.visitId == null) return null;
  const entered = (value: unknown, unit: unknown) => {
    const v = asNumberOrNull(value);
    const u = asStringOrNull(unit);
    return v === null || u === null ? null : { value: v, unit: u };
  };
  return {
    id: String(r.visitId),
    patientId,
    occurredAt: asDate(r.visitAt),
    systolic: asNumberOrNull(r.systolic),
    diastolic: asNumberOrNull(r.diastolic),
    weightKg: asNumberOrNull(r.weightKg),
    weightEntered: entered(r.weightEnteredValue, r.weightEnteredUnit),
    temperatureC: asNumberOrNull(r.temperatureC),
    temperatureEntered: entered(r.temperatureEnteredValue, r.temperatureEnteredUnit),
    examFindings: splitList(String(r.examFindings ?? "")) as ExamFinding[],
    labs: rows
      .filter((l) => l.analyte != null)
      .map((l) => {
        const analyte = l.analyte as Analyte;
        const value = Number(l.labValue);
        return { analyte, value, unit: String(l.labUnit), enteredValue: Number(l.labEnteredValue), enteredUnit: String(l.labEnteredUnit), flag: referenceFlag(analyte, value) };
      }),
    notes: String(r.visitNotes ?? ""),
    // Not counted here: the Overview does not show it.
    episodeCount: 0,
    version: Number(r.visitVersion),
  };
}

function toRecentEpisode(r: Record<string, unknown>): RecentEpisode {
  return {
    id: String(r.id),
    occurredAt: asDate(r.occurredAt),
    durationSeconds: Number(r.durationSeconds),
    side: r.side as Side,
    classification: (asStringOrNull(r.classification) as Classification | null) ?? null,
    suggestedClassification: (asStringOrNull(r.suggestedClassification) as Classification | null) ?? null,
    painScore: asNumberOrNull(r.painScore),
    triggers: splitList(String(r.triggers ?? "")) as Trigger[],
    needsReview: asBool(r.needsReview),
    patientReported: r.source === "PATIENT",
  };
}

/** The patient's visits as options (date only), newest first: the episode form's visit picker and the red flags' evidence links. */
export async function listVisitOptions(actor: Actor, header: ChartHeader, limit = 50): Promise<{ id: string; occurredAt: Date }[]> {
  const patientId = header.id;
  return guarded(actor, "clinical:read", { action: "VISIT_LIST", patientId }, async (tx) => {
    const rows = await tx.$queryRaw<{ id: string; occurredAt: unknown }[]>`
      SELECT "id", "occurredAt" FROM "Visit" WHERE "patientId" = ${patientId} AND "deletedAt" IS NULL
      ORDER BY "occurredAt" DESC, "id" DESC LIMIT ${limit}`;
    await appendAudit(tx, actor, { action: "VISIT_LIST", patientId, details: { returned: rows.length, view: "options" } });
    return rows.map((r) => ({ id: String(r.id), occurredAt: asDate(r.occurredAt) }));
  });
}
