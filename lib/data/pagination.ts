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

/**
 * Builds the `where` and `orderBy` of a keyset page over (field, id). The caller fetches
 * `take` rows and hands them to `finishKeysetPage`.
 */
export function keysetQuery(field: string, dir: "asc" | "desc", cursor: Cursor | null, limit: number, toValue: (v: Cursor["value"]) => unknown = (v) => v) {
  const readDir = cursor?.back ? (dir === "asc" ? "desc" : "asc") : dir;
  const op = readDir === "asc" ? "gt" : "lt";
  const where = cursor
    ? { OR: [{ [field]: { [op]: toValue(cursor.value) } }, { [field]: toValue(cursor.value), id: { [op]: cursor.id } }] }
    : {};
  return { where, orderBy: [{ [field]: readDir }, { id: readDir }], take: limit + 1 };
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
