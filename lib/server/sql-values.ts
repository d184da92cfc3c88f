/**
 * Values of plain-SQL rows (`$queryRaw`), read one way whichever database answered. Both adapters
 * type a plain column by its declared type (Date, boolean), but a computed column on SQLite comes
 * as ISO 8601 text or 0/1, and counts come as bigint.
 */
import "server-only";
export function asDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number" || typeof value === "bigint") return new Date(Number(value));
  return new Date(String(value));
}

export function asDateOrNull(value: unknown): Date | null {
  return value == null ? null : asDate(value);
}

export function asBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1" || value === "t" || value === "true";
}

export function asNumberOrNull(value: unknown): number | null {
  return value == null ? null : Number(value);
}

export function asStringOrNull(value: unknown): string | null {
  return value == null ? null : String(value);
}

/** A list stored as comma-separated text (conditions, triggers, exam findings). */
export function splitList(value: string): string[] {
  return value ? value.split(",") : [];
}
