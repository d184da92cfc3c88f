/**
 * Fast "YYYY-MM-DD HH:mm" on a clinic's clock, for exports of a million rows: Intl formatting
 * costs microseconds per call, so the zone's offset is looked up once per UTC day (at its start)
 * and reused for every instant in it (no zone changes its offset twice within a day; a day whose
 * start and the next day's start disagree, a daylight-saving day, is formatted exactly, instant
 * by instant). The quarter-hour bucket used before cost about one Intl call per row for a clinic
 * recording an episode every few minutes. The text of each local day and of each minute of a day
 * is made once, so an instant costs one concatenation.
 *
 * Also the same for `toISOString` (`isoTimeFormatter`), and the instants as the databases store
 * them (`instantMs`), read without a Date per row.
 */
import { instantToWallClock, zoneOffsetMs } from "@/lib/core/clinical/time";

const DAY_MS = 24 * 3600_000;
const MAX_CACHED = 10_000;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** "HH:mm" for each minute of a day. */
const MINUTES = Array.from({ length: 1440 }, (_, m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`);

/** ":ss." for each second, "mmmZ" for each millisecond. */
const SECONDS = Array.from({ length: 60 }, (_, sec) => `:${pad2(sec)}.`);
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, "0")}Z`);

/**
 * `Date.prototype.toISOString` of epoch milliseconds, the same text made from a per-day prefix and
 * tables (toISOString took a sixth of the export's writing time). Years outside 0 to 9999, which
 * toISOString writes with a sign, go through it.
 */
export function isoTimeFormatter(): (at: number) => string {
  // UTC day -> "YYYY-MM-DDT".
  const days = new Map<number, string>();
  return (at: number) => {
    const day = Math.floor(at / DAY_MS);
    let date = days.get(day);
    if (date === undefined) {
      const text = new Date(day * DAY_MS).toISOString();
      if (text.length !== 24) return new Date(at).toISOString();
      if (days.size >= MAX_CACHED) days.clear();
      days.set(day, (date = text.slice(0, 11)));
    }
    const inDay = at - day * DAY_MS;
    const ms = inDay % 1000;
    const sec = Math.floor(inDay / 1000) % 60;
    return date + MINUTES[Math.floor(inDay / 60_000)] + SECONDS[sec] + MILLIS[ms];
  };
}

export function localTimeFormatter(timeZone: string): (at: Date | number) => string {
  // UTC day -> the zone's offset at its start (one Intl call per day).
  const starts = new Map<number, number>();
  const startOffset = (day: number) => {
    let offset = starts.get(day);
    if (offset === undefined) {
      if (starts.size >= MAX_CACHED) starts.clear();
      starts.set(day, (offset = zoneOffsetMs(new Date(day * DAY_MS), timeZone)));
    }
    return offset;
  };
  // UTC day -> offset in ms, or null when the offset at its start and at the next day's differ.
  const offsets = new Map<number, number | null>();
  // Local day -> "YYYY-MM-DD ".
  const days = new Map<number, string>();
  return (at: Date | number) => {
    const t = typeof at === "number" ? at : at.getTime();
    const utcDay = Math.floor(t / DAY_MS);
    let offset = offsets.get(utcDay);
    if (offset === undefined) {
      if (offsets.size >= MAX_CACHED) offsets.clear();
      const start = startOffset(utcDay);
      offset = start === startOffset(utcDay + 1) ? start : null;
      offsets.set(utcDay, offset);
    }
    if (offset === null) return instantToWallClock(new Date(t), timeZone).replace("T", " ");
    const local = t + offset;
    const day = Math.floor(local / DAY_MS);
    let date = days.get(day);
    if (date === undefined) {
      if (days.size >= MAX_CACHED) days.clear();
      const d = new Date(day * DAY_MS);
      date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} `;
      days.set(day, date);
    }
    return date + MINUTES[Math.floor((local - day * DAY_MS) / 60_000)];
  };
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const digits = (s: string, i: number, n: number) => {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = digit(s, k);
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
};

/**
 * An instant as a database row gives it, in milliseconds since the epoch: a Date, a number, or
 * text as SQLite stores it (`2026-03-28T00:37:00.000+00:00`) or PostgreSQL prints a timestamptz
 * (`2026-03-28 00:37:00.5+00`). Text is read digit by digit (a Date per row costs more than the
 * rest of the cell); anything else goes through `Date`. An unreadable value throws, as a Date's
 * text would.
 */
export function instantMs(value: unknown): number {
  if (typeof value === "number") return value;
  if (value instanceof Date) return checked(value.getTime(), value);
  if (typeof value !== "string") return checked(new Date(value as string).getTime(), value);
  const s = value;
  // YYYY-MM-DD(T| )HH:MM:SS
  const sep = s.charCodeAt(10);
  if (s.length < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return checked(new Date(s).getTime(), value);
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // Fraction: milliseconds from its first three digits (PostgreSQL drops trailing zeros).
    i++;
    let scale = 100;
    for (; i < s.length; i++) {
      const c = digit(s, i);
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  // Z, ±HH, ±HH:MM or ±HH:MM:SS; none at all is UTC (as Prisma stores it).
  let offsetMs = 0;
  if (i < s.length) {
    const z = s.charCodeAt(i);
    if (z === 90 && i === s.length - 1) offsetMs = 0;
    else if (z === 43 || z === 45) {
      const rest = s.length - i - 1;
      const oh = digits(s, i + 1, 2);
      const om = rest >= 5 && s.charCodeAt(i + 3) === 58 ? digits(s, i + 4, 2) : 0;
      const os = rest === 8 && s.charCodeAt(i + 6) === 58 ? digits(s, i + 7, 2) : 0;
      if ((rest !== 2 && rest !== 5 && rest !== 8) || oh < 0 || om < 0 || os < 0) return checked(new Date(s).getTime(), value);
      offsetMs = (z === 43 ? 1 : -1) * ((oh * 60 + om) * 60 + os) * 1000;
    } else return checked(new Date(s).getTime(), value);
  }
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return checked(new Date(s).getTime(), value);
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offsetMs;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): Date.UTC without its cost. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function checked(t: number, value: unknown): number {
  if (Number.isNaN(t)) throw new RangeError(`Not an instant: ${String(value)}`);
  return t;
}
