/**
 * SQL building blocks shared by the trend queries (lib/features/trends/data.ts) and the clinics' day counts
 * (lib/features/episodes/day-counts.ts): an instant's local day and hour in a clinic's time zone, in both
 * dialects, and an episode's type on the charts.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { zoneOffsetMs } from "@/lib/core/clinical/time";
import type { DatabaseKind } from "@/lib/server/db-adapter";

const DAY_MS = 24 * 3600 * 1000;

/** An episode's type on the charts when it has neither the clinician's label nor a suggestion. */
export const UNCLASSIFIED = "UNCLASSIFIED";

/** The instants [start, end) of a period in a clinic's time zone (local midnight to local midnight). */
export interface ZonedBounds {
  timeZone: string;
  start: Date;
  end: Date;
}

/** A run of instants with one UTC offset: applies before `until` (and from the previous segment's `until`). */
export interface OffsetSegment {
  until: Date | null;
  offsetSeconds: number;
}

const SEGMENT_STEP_MS = 7 * DAY_MS;
const segmentCache = new Map<string, OffsetSegment[]>();

/**
 * The zone's UTC offsets over [start, end), split where they change. Steps a week at a time (no
 * zone changes its offset twice within a week) and pins each change to the second by bisection.
 * Remembered per zone and period: each chart query of a page asks for the same one.
 */
export function offsetSegments(start: Date, end: Date, timeZone: string): OffsetSegment[] {
  const key = `${timeZone}|${start.getTime()}|${end.getTime()}`;
  const cached = segmentCache.get(key);
  if (cached) return cached;
  const offsetAt = (ms: number) => Math.round(zoneOffsetMs(new Date(ms), timeZone) / 1000);
  const segments: OffsetSegment[] = [];
  let current = offsetAt(start.getTime());
  for (let t = start.getTime(); t < end.getTime(); t += SEGMENT_STEP_MS) {
    const next = Math.min(t + SEGMENT_STEP_MS, end.getTime());
    const after = offsetAt(next);
    if (after === current) continue;
    let lo = Math.floor(t / 1000); // offset `current` here
    let hi = Math.floor(next / 1000); // offset `after` here
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid * 1000) === current) lo = mid;
      else hi = mid;
    }
    segments.push({ until: new Date(hi * 1000), offsetSeconds: current });
    current = after;
  }
  segments.push({ until: null, offsetSeconds: current });
  if (segmentCache.size >= 200) segmentCache.delete(segmentCache.keys().next().value!);
  segmentCache.set(key, segments);
  return segments;
}

// ---------------------------------------------------------------------------------------------
// SQL building blocks (both dialects)

export interface LocalTimeSql {
  /** Local calendar day of the instant, as days since 1970-01-01 (integer). */
  day: Prisma.Sql;
  /** Local hour of the instant, 0..23 (integer). */
  hour: Prisma.Sql;
}

/** A stretch of the period, with the local day and hour of `column` for instants inside it. */
export interface OffsetRun {
  start: Date;
  end: Date;
  local: LocalTimeSql;
}

/**
 * The period cut where the zone's offset changes. SQLite: one run per offset, each shifting by its
 * constant offset (unixepoch() reads the ISO 8601 text the adapter stores), so no per-row CASE is
 * needed. PostgreSQL: one run, converted with AT TIME ZONE.
 */
export function offsetRuns(kind: DatabaseKind, column: Prisma.Sql, bounds: ZonedBounds): OffsetRun[] {
  if (kind === "postgresql") {
    const local = Prisma.sql`(${column} AT TIME ZONE ${bounds.timeZone}::text)`;
    return [
      {
        start: bounds.start,
        end: bounds.end,
        local: {
          day: Prisma.sql`(CAST(${local} AS date) - DATE '1970-01-01')`,
          hour: Prisma.sql`CAST(EXTRACT(HOUR FROM ${local}) AS integer)`,
        },
      },
    ];
  }
  const runs: OffsetRun[] = [];
  let from = bounds.start;
  for (const segment of offsetSegments(bounds.start, bounds.end, bounds.timeZone)) {
    const to = segment.until ?? bounds.end;
    // CAST: a bound JS number may arrive as REAL, and the divisions below must be integer ones.
    const seconds = Prisma.sql`(unixepoch(${column}) + CAST(${segment.offsetSeconds} AS INTEGER))`;
    runs.push({ start: from, end: to, local: { day: Prisma.sql`(${seconds} / 86400)`, hour: Prisma.sql`((${seconds} % 86400) / 3600)` } });
    from = to;
  }
  return runs;
}

/**
 * `build(local, range)` for each run, glued with UNION ALL. Every query here is additive (counts,
 * sums, min and max), so the parts' rows for one group are merged afterwards (weekSeries etc.).
 */
export function perRun(
  kind: DatabaseKind,
  column: Prisma.Sql,
  bounds: ZonedBounds,
  build: (local: LocalTimeSql, range: Prisma.Sql) => Prisma.Sql,
): Prisma.Sql {
  const parts = offsetRuns(kind, column, bounds).map((run) =>
    build(run.local, Prisma.sql`${column} >= ${run.start} AND ${column} < ${run.end}`),
  );
  return Prisma.join(parts, " UNION ALL ");
}

/** Monday-based week index of a local day number: week w starts on day 7w - 3. */
export const weekIndexSql = (day: Prisma.Sql) => Prisma.sql`((${day} + 3) / 7)`;

export const EFFECTIVE_TYPE = Prisma.sql`COALESCE(e."classification", e."suggestedClassification", ${UNCLASSIFIED})`;
export const OCCURRED_AT = Prisma.sql`e."occurredAt"`;
