import "server-only";
import { invalid } from "./errors";

/** Keyset cursor: the sort value and id of the row at a page edge, and which way to read. */
export interface Cursor {
  value: string | number | null;
  id: string;
  back: boolean;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id, cursor.back ? 1 : 0])).toString("base64url");
}

export function decodeCursor(raw: string | undefined | null): Cursor | null {
  if (!raw) return null;
  try {
    const [value, id, back] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof id !== "string" || !["string", "number"].includes(typeof value) && value !== null) throw new Error();
    return { value, id, back: back === 1 };
  } catch {
    throw invalid({ cursor: "Not a valid cursor: start again from the first page" });
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface KeysetOptions {
  /**
   * Columns that hold one value throughout the scope (e.g. "deletedAt", always NULL there), put
   * first in ORDER BY. PostgreSQL does not treat `IS NULL` as pinning a column, so without them it
   * cannot read an index such as (patientId, deletedAt, occurredAt) in order and sorts instead.
   */
  constantPrefix?: string[];
}

/**
 * Builds the `where` and `orderBy` of a keyset page over (field, id). The caller fetches
 * `take` rows and hands them to `finishKeysetPage`.
 */
export function keysetQuery(
  field: string,
  dir: "asc" | "desc",
  cursor: Cursor | null,
  limit: number,
  toValue: (v: Cursor["value"]) => unknown = (v) => v,
  opts: KeysetOptions = {},
) {
  const readDir = cursor?.back ? (dir === "asc" ? "desc" : "asc") : dir;
  const op = readDir === "asc" ? "gt" : "lt";
  let where = {};
  if (cursor) {
    const value = toValue(cursor.value);
    // "After the cursor row" as an inclusive range on the sort field, less the rows at the
    // cursor's own value up to its id: both planners start an index range there, so a deep page
    // costs what the first one does. (The same condition written as `field > v OR (field = v AND
    // id > i)` makes SQLite read both branches separately and sort everything past the cursor.)
    const notId = readDir === "asc" ? "lte" : "gte";
    where =
      value === null
        ? { OR: [{ [field]: { [op]: value } }, { [field]: value, id: { [op]: cursor.id } }] }
        : { AND: [{ [field]: { [`${op}e`]: value } }, { NOT: { [field]: value, id: { [notId]: cursor.id } } }] };
  }
  const orderBy = [...(opts.constantPrefix ?? []).map((c) => ({ [c]: readDir })), { [field]: readDir }, { id: readDir }];
  return { where, orderBy, take: limit + 1 };
}

/**
 * Lists count their rows up to this many. Beyond it they say "more than 1,000" instead of
 * counting every matching row again on every page (a network-wide list would scan tens of
 * thousands of rows for a number nobody reads exactly).
 */
export const LIST_COUNT_CAP = 1000;

export interface CappedCount {
  /** The number of rows, or LIST_COUNT_CAP when there are more (`totalCapped`). */
  total: number;
  totalCapped: boolean;
}

/**
 * `count(take)` counts at most `take` rows (Prisma's count accepts `take`). Give that count an
 * `orderBy` on a column constant in its scope (e.g. `{ deletedAt: "asc" }`): without one Prisma
 * orders the counted rows by id, which sorts every matching row before the first is counted.
 */
export async function cappedCount(count: (take: number) => Promise<number>): Promise<CappedCount> {
  const n = await count(LIST_COUNT_CAP + 1);
  return n > LIST_COUNT_CAP ? { total: LIST_COUNT_CAP, totalCapped: true } : { total: n, totalCapped: false };
}

/** "1 patient", "25 patients", "more than 1,000 patients". */
export function countLabel(c: CappedCount, one: string, many: string): string {
  if (c.totalCapped) return `more than ${c.total.toLocaleString("en")} ${many}`;
  return `${c.total.toLocaleString("en")} ${c.total === 1 ? one : many}`;
}

export function finishKeysetPage<T extends { id: string }>(
  rows: T[],
  cursor: Cursor | null,
  limit: number,
  valueOf: (row: T) => Cursor["value"],
): Page<T> {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  if (cursor?.back) items.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  const edge = (row: T | undefined, back: boolean) => (row ? encodeCursor({ value: valueOf(row), id: row.id, back }) : null);
  if (cursor?.back) return { items, nextCursor: edge(last, false), prevCursor: hasMore ? edge(first, true) : null };
  return { items, nextCursor: hasMore ? edge(last, false) : null, prevCursor: cursor ? edge(first, true) : null };
}
