/**
 * Report and export periods: calendar days on the clinic's clock, both ends included.
 * Pure (Intl only).
 */
import "server-only";
import { localDate } from "@/lib/core/clinical/red-flags";
import { wallClockToInstant } from "@/lib/core/clinical/time";

const DAY_MS = 86_400_000;

export interface Period {
  from: string; // YYYY-MM-DD
  to: string; // YYYY-MM-DD
}

/** A YYYY-MM-DD date moved by whole calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Today's calendar date on the clinic's clock. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return localDate(now, timeZone);
}

/**
 * Fills in a missing end: `to` defaults to today, `from` to `days` days ending on `to`
 * (so the default period is the last `days` days, today included).
 */
export function resolvePeriod(query: { from?: string; to?: string }, today: string, days: number): Period {
  const to = query.to ?? (query.from && query.from > today ? query.from : today);
  const from = query.from ?? addDays(to, -(days - 1));
  return { from, to };
}

/**
 * The instants a period covers on the clinic's clock: from the start of `from` (inclusive) to the
 * start of the day after `to` (exclusive). Either end may be open.
 */
export function periodBounds(period: { from?: string; to?: string }, timeZone: string): { gte?: Date; lt?: Date } {
  const bounds: { gte?: Date; lt?: Date } = {};
  if (period.from) bounds.gte = wallClockToInstant(`${period.from}T00:00`, timeZone) ?? undefined;
  if (period.to) bounds.lt = wallClockToInstant(`${addDays(period.to, 1)}T00:00`, timeZone) ?? undefined;
  return bounds;
}

/** "2026-09-01 to 2026-11-29", or the open form for a one-sided or unbounded export. */
export function describePeriod(period: { from?: string; to?: string }): string {
  if (period.from && period.to) return `${period.from} to ${period.to}`;
  if (period.from) return `from ${period.from}`;
  if (period.to) return `up to ${period.to}`;
  return "all dates";
}
