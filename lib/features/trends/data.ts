/**
 * Trend series for the charts: a patient's episodes over a period, and a clinic dashboard.
 *
 * Every series is aggregated by the database (GROUP BY), never by loading the episodes. Weeks start
 * on Monday and day-parts are taken in the clinic's time zone:
 * - PostgreSQL converts with `AT TIME ZONE` (its own tz database);
 * - SQLite has no tz database, so the zone's UTC offsets over the period are computed here
 *   (lib/core/clinical/time.ts) and the period is cut where the offset changes (daylight saving): one
 *   SELECT per run, each adding its own constant offset, glued with UNION ALL.
 * Both dialects produce the same two numbers per row, the local day (days since 1970-01-01) and
 * the local hour, and the rest of each query is shared.
 */
import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { Prisma } from "@/generated/prisma/client";
import { suggestChecklist, CAUSES_BY_ID, type CauseId } from "@/lib/core/clinical/checklist";
import { dayNumber, localDate } from "@/lib/core/clinical/red-flags";
import { DEFAULT_THRESHOLDS } from "@/lib/core/clinical/thresholds";
import { wallClockToInstant } from "@/lib/core/clinical/time";
import { MEASURE_DEFS, referenceFlag, type Measure, type ReferenceFlag } from "@/lib/core/clinical/units";
import {
  ANALYTES,
  CLASSIFICATIONS,
  DAY_PARTS,
  MUSCLE_GROUPS,
  SIDES,
  TRIGGERS,
  type DayPart,
  type MuscleGroup,
  type Side,
  type Trigger,
} from "@/lib/core/clinical/vocabulary";
import { currentDatabaseKind, type DatabaseKind } from "@/lib/server/db-adapter";
import { parseWith } from "@/lib/core/validation/common";
import { TREND_PERIOD_DAYS, trendsQuerySchema, type TrendPeriod, type TrendsQuery } from "@/lib/features/trends/schema";
import { loadFactsBatch } from "@/lib/features/assessment/data";
import { appendAudit } from "@/lib/server/audit";
import { countAwaitingReview, listActivePatients } from "@/lib/features/attention/data";
import { ensureDayCounts, queryDayCountsByWeek } from "@/lib/features/episodes/day-counts";
import { invalid } from "@/lib/server/errors";
import { EFFECTIVE_TYPE, OCCURRED_AT, perRun, UNCLASSIFIED, weekIndexSql, type ZonedBounds } from "@/lib/features/episodes/sql";
import { asBool, asDate } from "@/lib/server/sql-values";
import { guarded } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import type { Tx } from "@/lib/server/db";

const DAY_MS = 24 * 3600 * 1000;

/** An episode's type on the charts: the clinician's label, else the suggestion, else unclassified. */
export const EPISODE_TYPE_KEYS = [...CLASSIFICATIONS, "UNCLASSIFIED"] as const;
export type EpisodeTypeKey = (typeof EPISODE_TYPE_KEYS)[number];

/** How many patients the dashboard runs the checklist rules for (the most recently active ones). */
export const DASHBOARD_CAUSE_PATIENT_LIMIT = 200;

// ---------------------------------------------------------------------------------------------
// Periods and calendar arithmetic (local calendar dates as day numbers since 1970-01-01)

export interface ResolvedPeriod {
  period: TrendPeriod;
  /** First and last local calendar day, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  days: number;
}

export const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** Day number of the Monday on or before `day` (1970-01-01 was a Thursday). */
export const mondayOf = (day: number): number => day - ((((day + 3) % 7) + 7) % 7);
const mondayOfWeekIndex = (week: number): number => week * 7 - 3;

/** The period's local calendar days; presets end today in `timeZone`. */
export function resolvePeriod(query: TrendsQuery, timeZone: string, now: Date = new Date()): ResolvedPeriod {
  if (query.period === "custom") {
    const from = query.periodFrom!;
    const to = query.periodTo!;
    return { period: "custom", from, to, days: dayNumber(to) - dayNumber(from) + 1 };
  }
  const today = dayNumber(localDate(now, timeZone));
  const days = TREND_PERIOD_DAYS[query.period];
  return { period: query.period, from: isoOfDay(today - days + 1), to: isoOfDay(today), days };
}

export function zonedBounds(period: Pick<ResolvedPeriod, "from" | "to">, timeZone: string): ZonedBounds {
  const start = wallClockToInstant(`${period.from}T00:00`, timeZone);
  const end = wallClockToInstant(`${isoOfDay(dayNumber(period.to) + 1)}T00:00`, timeZone);
  if (!start || !end) throw invalid({ period: "Not a valid period" });
  return { timeZone, start, end };
}

export interface WeekSlot {
  /** The Monday (local date) that starts the week. */
  weekStart: string;
  /** The period covers only part of this week (its first or last week). */
  partial: boolean;
}

/** Every week that overlaps the period, in order, including weeks without episodes. */
export function weeksOf(period: Pick<ResolvedPeriod, "from" | "to">): WeekSlot[] {
  const first = dayNumber(period.from);
  const last = dayNumber(period.to);
  const out: WeekSlot[] = [];
  for (let monday = mondayOf(first); monday <= last; monday += 7) {
    out.push({ weekStart: isoOfDay(monday), partial: monday < first || monday + 6 > last });
  }
  return out;
}


/** Numbers from either driver (PostgreSQL's bigint and numeric arrive as BigInt or text). */
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// ---------------------------------------------------------------------------------------------
// Queries (exported for the benchmark, which times them one by one)

export interface WeeklyTypeRow {
  week: number;
  type: EpisodeTypeKey;
  count: number;
  painCount: number;
  painSum: number;
  painMin: number | null;
  painMax: number | null;
  durationSum: number;
  durationMax: number | null;
  /** Of `count`, the episodes the patient sent from the diary (the clinic-wide counts do not split them). */
  diaryCount: number;
}

/** A patient's episodes per (week, type), with pain and duration statistics. */
export function patientWeeklySql(kind: DatabaseKind, patientId: string, bounds: ZonedBounds): Prisma.Sql {
  return perRun(
    kind,
    OCCURRED_AT,
    bounds,
    (local, range) => Prisma.sql`SELECT t.wk AS "week", t.ty AS "type", COUNT(*) AS "count",
      COUNT(t.pain) AS "painCount", SUM(t.pain) AS "painSum", MIN(t.pain) AS "painMin", MAX(t.pain) AS "painMax",
      SUM(t.dur) AS "durationSum", MAX(t.dur) AS "durationMax", SUM(t.diary) AS "diaryCount"
    FROM (SELECT ${weekIndexSql(local.day)} AS wk, ${EFFECTIVE_TYPE} AS ty, e."painScore" AS pain, e."durationSeconds" AS dur,
                 CASE WHEN e."source" = 'PATIENT' THEN 1 ELSE 0 END AS diary
          FROM "Episode" e WHERE e."patientId" = ${patientId} AND e."deletedAt" IS NULL AND ${range}) t
    GROUP BY t.wk, t.ty`,
  );
}

const toWeeklyTypeRow = (r: Record<string, unknown>): WeeklyTypeRow => ({
  week: num(r.week),
  type: r.type as EpisodeTypeKey,
  count: num(r.count),
  painCount: num(r.painCount),
  painSum: num(r.painSum),
  painMin: numOrNull(r.painMin),
  painMax: numOrNull(r.painMax),
  durationSum: num(r.durationSum),
  durationMax: numOrNull(r.durationMax),
  diaryCount: num(r.diaryCount),
});

export async function queryPatientWeekly(tx: Tx, kind: DatabaseKind, patientId: string, bounds: ZonedBounds): Promise<WeeklyTypeRow[]> {
  return (await tx.$queryRaw<Record<string, unknown>[]>(patientWeeklySql(kind, patientId, bounds))).map(toWeeklyTypeRow);
}

const countRow = (week: number, type: EpisodeTypeKey, count: number): WeeklyTypeRow => ({
  week,
  type,
  count,
  painCount: 0,
  painSum: 0,
  painMin: null,
  painMax: null,
  durationSum: 0,
  durationMax: null,
  diaryCount: 0,
});

/** The clinic's (week, type) counts over the period's local days. The caller has built the day counts (ensureDayCounts). */
export async function queryClinicWeekly(tx: Tx, clinicId: string, period: Pick<ResolvedPeriod, "from" | "to">): Promise<WeeklyTypeRow[]> {
  return (await queryDayCountsByWeek(tx, clinicId, dayNumber(period.from), dayNumber(period.to))).map((r) =>
    countRow(r.week, r.type as EpisodeTypeKey, r.count),
  );
}

export interface DistributionRow {
  part: DayPart;
  asleep: boolean;
  side: string;
  muscleGroup: string;
  count: number;
  triggers: Record<Trigger, number>;
}

/** One pass for a patient's day-part x sleep, side, muscle group and trigger counts. */
export function distributionSql(kind: DatabaseKind, patientId: string, bounds: ZonedBounds): Prisma.Sql {
  // Triggers are a comma-separated list: match ",CODE," inside ",list,".
  const triggerSums = TRIGGERS.map(
    (t, i) => Prisma.sql`SUM(CASE WHEN t.tr LIKE ${`%,${t},%`} THEN 1 ELSE 0 END) AS ${Prisma.raw(`"t${i}"`)}`,
  );
  return perRun(
    kind,
    OCCURRED_AT,
    bounds,
    (local, range) => Prisma.sql`SELECT t.part AS "part", t.asleep AS "asleep", t.side AS "side", t.muscle AS "muscleGroup",
      COUNT(*) AS "count", ${Prisma.join(triggerSums, ", ")}
    FROM (SELECT ${local.hour} / 6 AS part, e."duringSleep" AS asleep, e."side" AS side, e."muscleGroup" AS muscle,
                 (',' || e."triggers" || ',') AS tr
          FROM "Episode" e WHERE e."patientId" = ${patientId} AND e."deletedAt" IS NULL AND ${range}) t
    GROUP BY t.part, t.asleep, t.side, t.muscle`,
  );
}

export async function queryDistribution(tx: Tx, kind: DatabaseKind, patientId: string, bounds: ZonedBounds): Promise<DistributionRow[]> {
  const rows = await tx.$queryRaw<Record<string, unknown>[]>(distributionSql(kind, patientId, bounds));
  return rows.map((r) => ({
    part: DAY_PARTS[num(r.part)],
    asleep: asBool(r.asleep),
    side: String(r.side),
    muscleGroup: String(r.muscleGroup),
    count: num(r.count),
    triggers: Object.fromEntries(TRIGGERS.map((t, i) => [t, num(r[`t${i}`])])) as Record<Trigger, number>,
  }));
}

export function newPatientsWeeklySql(kind: DatabaseKind, clinicId: string, bounds: ZonedBounds): Prisma.Sql {
  const createdAt = Prisma.sql`p."createdAt"`;
  return perRun(
    kind,
    createdAt,
    bounds,
    (local, range) => Prisma.sql`SELECT t.wk AS "week", COUNT(*) AS "count"
    FROM (SELECT ${weekIndexSql(local.day)} AS wk FROM "Patient" p WHERE p."clinicId" = ${clinicId} AND p."deletedAt" IS NULL AND ${range}) t
    GROUP BY t.wk`,
  );
}

export async function queryNewPatientsWeekly(
  tx: Tx,
  kind: DatabaseKind,
  clinicId: string,
  bounds: ZonedBounds,
): Promise<{ week: number; count: number }[]> {
  const rows = await tx.$queryRaw<Record<string, unknown>[]>(newPatientsWeeklySql(kind, clinicId, bounds));
  return rows.map((r) => ({ week: num(r.week), count: num(r.count) }));
}


// ---------------------------------------------------------------------------------------------
// Shaping rows into chart series

export interface WeekPoint extends WeekSlot {
  total: number;
  byType: Record<EpisodeTypeKey, number>;
  /** Pain score statistics of the week's episodes that have one (null when none has). */
  painCount: number;
  painAvg: number | null;
  painMin: number | null;
  painMax: number | null;
  /** Duration in seconds. */
  durationAvg: number | null;
  durationMax: number | null;
  /** Of `total`, the episodes the patient sent from the diary. */
  fromDiary: number;
}

const emptyByType = () => Object.fromEntries(EPISODE_TYPE_KEYS.map((k) => [k, 0])) as Record<EpisodeTypeKey, number>;

/** Merges (week, type) rows, possibly of several clinics, into one point per week of the period. */
export function weekSeries(period: Pick<ResolvedPeriod, "from" | "to">, rows: WeeklyTypeRow[]): WeekPoint[] {
  const acc = new Map<
    string,
    {
      byType: Record<EpisodeTypeKey, number>;
      total: number;
      painCount: number;
      painSum: number;
      painMin: number | null;
      painMax: number | null;
      durationSum: number;
      durationMax: number | null;
      fromDiary: number;
    }
  >();
  for (const r of rows) {
    const key = isoOfDay(mondayOfWeekIndex(r.week));
    const a = acc.get(key) ?? {
      byType: emptyByType(),
      total: 0,
      painCount: 0,
      painSum: 0,
      painMin: null,
      painMax: null,
      durationSum: 0,
      durationMax: null,
      fromDiary: 0,
    };
    const type = (EPISODE_TYPE_KEYS as readonly string[]).includes(r.type) ? r.type : UNCLASSIFIED;
    a.byType[type] += r.count;
    a.total += r.count;
    a.painCount += r.painCount;
    a.painSum += r.painSum;
    if (r.painMin !== null) a.painMin = a.painMin === null ? r.painMin : Math.min(a.painMin, r.painMin);
    if (r.painMax !== null) a.painMax = a.painMax === null ? r.painMax : Math.max(a.painMax, r.painMax);
    a.durationSum += r.durationSum;
    a.fromDiary += r.diaryCount;
    if (r.durationMax !== null) a.durationMax = a.durationMax === null ? r.durationMax : Math.max(a.durationMax, r.durationMax);
    acc.set(key, a);
  }
  return weeksOf(period).map((slot) => {
    const a = acc.get(slot.weekStart);
    if (!a)
      return {
        ...slot,
        total: 0,
        byType: emptyByType(),
        painCount: 0,
        painAvg: null,
        painMin: null,
        painMax: null,
        durationAvg: null,
        durationMax: null,
        fromDiary: 0,
      };
    return {
      ...slot,
      total: a.total,
      byType: a.byType,
      painCount: a.painCount,
      painAvg: a.painCount ? a.painSum / a.painCount : null,
      painMin: a.painMin,
      painMax: a.painMax,
      durationAvg: a.total ? a.durationSum / a.total : null,
      durationMax: a.durationMax,
      fromDiary: a.fromDiary,
    };
  });
}

export interface CountItem<K extends string> {
  key: K;
  count: number;
}

export interface DayPartPoint {
  part: DayPart;
  asleep: number;
  awake: number;
}

export interface Distribution {
  dayParts: DayPartPoint[];
  sides: CountItem<Side>[];
  muscleGroups: CountItem<MuscleGroup>[];
  triggers: CountItem<Trigger>[];
}

export function distributionSeries(rows: DistributionRow[]): Distribution {
  const dayParts = DAY_PARTS.map((part) => ({ part, asleep: 0, awake: 0 }));
  const sides = new Map<string, number>();
  const muscles = new Map<string, number>();
  const triggers = new Map<string, number>();
  for (const r of rows) {
    const dp = dayParts[DAY_PARTS.indexOf(r.part)];
    if (dp) dp[r.asleep ? "asleep" : "awake"] += r.count;
    sides.set(r.side, (sides.get(r.side) ?? 0) + r.count);
    muscles.set(r.muscleGroup, (muscles.get(r.muscleGroup) ?? 0) + r.count);
    for (const t of TRIGGERS) triggers.set(t, (triggers.get(t) ?? 0) + r.triggers[t]);
  }
  return {
    dayParts,
    sides: SIDES.map((key) => ({ key, count: sides.get(key) ?? 0 })),
    muscleGroups: MUSCLE_GROUPS.map((key) => ({ key, count: muscles.get(key) ?? 0 })),
    triggers: TRIGGERS.map((key) => ({ key, count: triggers.get(key) ?? 0 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Patient trends

export type MarkerKind = "VISIT" | "MEDICATION_START" | "MEDICATION_STOP";

export interface TrendMarker {
  kind: MarkerKind;
  /** Local date of the event. */
  date: string;
  /** The week it falls in, to place it on the weekly charts. */
  weekStart: string;
  label: string;
}

export interface PatientTrends extends Distribution {
  patientId: string;
  timeZone: string;
  period: ResolvedPeriod;
  total: number;
  weeks: WeekPoint[];
  markers: TrendMarker[];
}

function parseTrendsQuery(rawQuery: unknown): TrendsQuery {
  const parsed = parseWith(trendsQuerySchema, rawQuery ?? {});
  if (!parsed.ok) throw invalid(parsed.fields);
  return parsed.data;
}

function markersFor(
  period: ResolvedPeriod,
  timeZone: string,
  visits: { occurredAt: Date }[],
  medications: { name: string; startedOn: string | null; stoppedOn: string | null }[],
): TrendMarker[] {
  const inPeriod = (date: string | null): date is string => !!date && date >= period.from && date <= period.to;
  const mk = (kind: MarkerKind, date: string, label: string): TrendMarker => ({
    kind,
    date,
    weekStart: isoOfDay(mondayOf(dayNumber(date))),
    label,
  });
  const out: TrendMarker[] = [];
  for (const v of visits) out.push(mk("VISIT", localDate(v.occurredAt, timeZone), "Visit"));
  for (const m of medications) {
    if (inPeriod(m.startedOn)) out.push(mk("MEDICATION_START", m.startedOn, `Started ${m.name}`));
    if (inPeriod(m.stoppedOn)) out.push(mk("MEDICATION_STOP", m.stoppedOn, `Stopped ${m.name}`));
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
}

/** A patient's trends over a period (`rawQuery`: period, periodFrom, periodTo). */
export async function getPatientTrends(
  actor: Actor,
  patientId: string,
  rawQuery: unknown = {},
  now: Date = new Date(),
): Promise<PatientTrends> {
  return guarded(actor, "clinical:read", { action: "TRENDS_VIEW", patientId }, async (tx) => {
    const patient = await requirePatientInScope(tx, actor, patientId);
    const query = parseTrendsQuery(rawQuery);
    const timeZone = patient.clinic.timeZone;
    const period = resolvePeriod(query, timeZone, now);
    const bounds = zonedBounds(period, timeZone);
    const kind = currentDatabaseKind();
    // One after another: a transaction holds one connection, so parallel calls would only queue (and pg warns).
    const weekly = await queryPatientWeekly(tx, kind, patientId, bounds);
    const distribution = await queryDistribution(tx, kind, patientId, bounds);
    // Plain SQL, as every read on the patient page: an ORM statement costs a query compilation.
    const visits = (
      await tx.$queryRaw<{ occurredAt: unknown }[]>`
        SELECT "occurredAt" FROM "Visit" WHERE "patientId" = ${patientId} AND "deletedAt" IS NULL
          AND "occurredAt" >= ${bounds.start} AND "occurredAt" < ${bounds.end} ORDER BY "occurredAt"`
    ).map((v) => ({ occurredAt: asDate(v.occurredAt) }));
    const medications = await tx.$queryRaw<{ name: string; startedOn: string | null; stoppedOn: string | null }[]>`
      SELECT "name", "startedOn", "stoppedOn" FROM "Medication" WHERE "patientId" = ${patientId} ORDER BY "id"`;
    const weeks = weekSeries(period, weekly);
    await appendAudit(tx, actor, {
      action: "TRENDS_VIEW",
      patientId,
      details: { period: period.period, from: period.from, to: period.to },
    });
    return {
      patientId,
      timeZone,
      period,
      total: weeks.reduce((s, w) => s + w.total, 0),
      weeks,
      ...distributionSeries(distribution),
      markers: markersFor(period, timeZone, visits, medications),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Lab trends

/** The measures charted over time, in this order: the analytes, then temperature and weight from the visits. */
export const LAB_TREND_MEASURES = [...ANALYTES, "TEMPERATURE", "WEIGHT"] as const satisfies readonly Measure[];
export type LabTrendMeasure = (typeof LAB_TREND_MEASURES)[number];

export interface LabTrendPoint {
  takenAt: Date;
  /** In the canonical unit (clinical spec section 7). */
  value: number;
  /** As the clinician entered it (the canonical value and unit when entered so). */
  enteredValue: number;
  enteredUnit: string;
  flag: ReferenceFlag;
}

export interface LabTrendSeries {
  measure: LabTrendMeasure;
  label: string;
  /** The canonical unit of the values and the reference range. */
  unit: string;
  /** In the canonical unit; a null bound is open (vitamin D has no high, temperature no low, weight neither). */
  reference: { low: number | null; high: number | null };
  points: LabTrendPoint[];
}

export interface LabTrends {
  patientId: string;
  timeZone: string;
  /** Only the measures that have values, in LAB_TREND_MEASURES order; points oldest first. */
  series: LabTrendSeries[];
}

/** Every lab result, temperature and weight of the patient's visits (not deleted ones), oldest first. */
export async function getLabTrends(actor: Actor, patientId: string): Promise<LabTrends> {
  return guarded(actor, "clinical:read", { action: "LAB_TRENDS_VIEW", patientId }, async (tx) => {
    const patient = await requirePatientInScope(tx, actor, patientId);
    // One statement: the labs and the visits' two measures as rows of one shape.
    const rows = await tx.$queryRaw<{ measure: string; at: unknown; value: unknown; enteredValue: unknown; enteredUnit: string | null }[]>`
      SELECT l."analyte" AS "measure", l."takenAt" AS "at", l."value" AS "value", l."enteredValue" AS "enteredValue", l."enteredUnit" AS "enteredUnit"
        FROM "LabResult" l JOIN "Visit" v ON v."id" = l."visitId"
        WHERE v."patientId" = ${patientId} AND v."deletedAt" IS NULL
      UNION ALL
      SELECT 'TEMPERATURE', v."occurredAt", v."temperatureC", v."temperatureEnteredValue", v."temperatureEnteredUnit"
        FROM "Visit" v WHERE v."patientId" = ${patientId} AND v."deletedAt" IS NULL AND v."temperatureC" IS NOT NULL
      UNION ALL
      SELECT 'WEIGHT', v."occurredAt", v."weightKg", v."weightEnteredValue", v."weightEnteredUnit"
        FROM "Visit" v WHERE v."patientId" = ${patientId} AND v."deletedAt" IS NULL AND v."weightKg" IS NOT NULL
      ORDER BY "at", "measure"`;
    const byMeasure = new Map<string, LabTrendPoint[]>();
    for (const r of rows) {
      const def = MEASURE_DEFS[r.measure as LabTrendMeasure];
      if (!def) continue;
      const value = Number(r.value);
      // Visits keep the entered value only when it was not in the canonical unit.
      const asEntered = r.enteredUnit !== null && r.enteredValue !== null;
      const list = byMeasure.get(r.measure) ?? [];
      list.push({
        takenAt: asDate(r.at),
        value,
        enteredValue: asEntered ? Number(r.enteredValue) : value,
        enteredUnit: asEntered ? String(r.enteredUnit) : def.canonicalUnit,
        flag: referenceFlag(def.measure, value),
      });
      byMeasure.set(r.measure, list);
    }
    const series = LAB_TREND_MEASURES.filter((m) => byMeasure.has(m)).map((measure) => ({
      measure,
      label: MEASURE_DEFS[measure].label,
      unit: MEASURE_DEFS[measure].canonicalUnit,
      reference: { ...MEASURE_DEFS[measure].reference },
      points: byMeasure.get(measure)!,
    }));
    await appendAudit(tx, actor, {
      action: "LAB_TRENDS_VIEW",
      patientId,
      details: { measures: series.map((s) => s.measure), points: rows.length },
    });
    return { patientId, timeZone: patient.clinic.timeZone, series };
  });
}

// ---------------------------------------------------------------------------------------------
// Clinic dashboard

export interface CauseCount {
  causeId: CauseId;
  label: string;
  patients: number;
}

export interface ClinicDashboard {
  period: ResolvedPeriod;
  clinics: { id: string; name: string; timeZone: string }[];
  weeks: WeekPoint[];
  episodesInPeriod: number;
  newPatients: (WeekSlot & { count: number })[];
  newPatientsInPeriod: number;
  /** Episodes marked for review, whatever their date. */
  awaitingReview: number;
}

export interface SuggestedCauses {
  asOf: Date;
  /** Checklist causes the rules suggest, by how many of the checked patients they are suggested for. */
  causes: CauseCount[];
  /** The rules ran for the `patientsChecked` most recently active of `patientsActive` patients. */
  patientsChecked: number;
  patientsActive: number;
  windowDays: number;
  limit: number;
}


/** The dashboard's suggested-cause counts (exported for the benchmark; pages use getClinicDashboard). */
export async function querySuggestedCauses(
  tx: Tx,
  clinicIds: string[],
  asOf: Date,
): Promise<{ causes: CauseCount[]; checked: number; active: number }> {
  const { ids, active } = await listActivePatients(tx, clinicIds, asOf, DASHBOARD_CAUSE_PATIENT_LIMIT);
  if (!ids.length) return { causes: [], checked: 0, active };
  const facts = await loadFactsBatch(tx, ids, asOf);
  const counts = new Map<CauseId, number>();
  for (const { facts: f, timeZone } of facts.values()) {
    for (const s of suggestChecklist(f, asOf, timeZone)) if (s.suggested) counts.set(s.causeId, (counts.get(s.causeId) ?? 0) + 1);
  }
  const causes = [...counts]
    .map(([causeId, patients]) => ({ causeId, label: CAUSES_BY_ID[causeId].label, patients }))
    .sort((a, b) => b.patients - a.patients || a.label.localeCompare(b.label));
  return { causes, checked: facts.size, active };
}

/**
 * The dashboard across the actor's clinics. The period's dates are those of the first clinic's
 * calendar; each clinic's episodes are then bucketed in its own time zone.
 */
export async function getClinicDashboard(actor: Actor, rawQuery: unknown = {}, now: Date = new Date()): Promise<ClinicDashboard> {
  return guarded(actor, "clinical:read", { action: "DASHBOARD_VIEW" }, async (tx) => {
    const query = parseTrendsQuery(rawQuery);
    const clinics = await tx.clinic.findMany({
      where: { id: { in: actor.clinicIds } },
      select: { id: true, name: true, timeZone: true },
      orderBy: { name: "asc" },
    });
    const period = resolvePeriod(query, clinics[0]?.timeZone ?? "UTC", now);
    const kind = currentDatabaseKind();
    const clinicIds = clinics.map((c) => c.id);
    await ensureDayCounts(tx, clinicIds);
    const perClinic: { weekly: WeeklyTypeRow[]; patients: { week: number; count: number }[] }[] = [];
    for (const c of clinics) {
      perClinic.push({
        weekly: await queryClinicWeekly(tx, c.id, period),
        patients: await queryNewPatientsWeekly(tx, kind, c.id, zonedBounds(period, c.timeZone)),
      });
    }
    const awaitingReview = await countAwaitingReview(tx, clinicIds);
    const weeks = weekSeries(
      period,
      perClinic.flatMap((c) => c.weekly),
    );
    const patientRows = new Map<string, number>();
    for (const r of perClinic.flatMap((c) => c.patients)) {
      const key = isoOfDay(mondayOfWeekIndex(r.week));
      patientRows.set(key, (patientRows.get(key) ?? 0) + r.count);
    }
    const newPatients = weeksOf(period).map((w) => ({ ...w, count: patientRows.get(w.weekStart) ?? 0 }));
    await appendAudit(tx, actor, {
      action: "DASHBOARD_VIEW",
      details: { period: period.period, from: period.from, to: period.to, clinics: clinicIds.length },
    });
    return {
      period,
      clinics,
      weeks,
      episodesInPeriod: weeks.reduce((s, w) => s + w.total, 0),
      newPatients,
      newPatientsInPeriod: newPatients.reduce((s, w) => s + w.count, 0),
      awaitingReview,
    };
  });
}

/**
 * The checklist causes most often suggested across the actor's clinics: the rules of lib/core/clinical
 * run for the most recently active patients (at most DASHBOARD_CAUSE_PATIENT_LIMIT, so the cost
 * stays bounded). Separate from getClinicDashboard so a page can show the counts without waiting.
 */
export async function getSuggestedCauses(actor: Actor, now: Date = new Date()): Promise<SuggestedCauses> {
  return guarded(actor, "clinical:read", { action: "DASHBOARD_VIEW" }, async (tx) => {
    const r = actor.clinicIds.length ? await querySuggestedCauses(tx, actor.clinicIds, now) : { causes: [], checked: 0, active: 0 };
    await appendAudit(tx, actor, { action: "DASHBOARD_VIEW", details: { section: "suggestedCauses", patients: r.checked } });
    return {
      asOf: now,
      causes: r.causes,
      patientsChecked: r.checked,
      patientsActive: r.active,
      windowDays: DEFAULT_THRESHOLDS.windowDays,
      limit: DASHBOARD_CAUSE_PATIENT_LIMIT,
    };
  });
}
