/**
 * CSV cells and lines (RFC 4180), safe to open in a spreadsheet.
 *
 * A cell starting with = + - @ (or a tab or carriage return, which some spreadsheets skip
 * before reading a formula) is prefixed with a single quote, so the spreadsheet shows it as text
 * instead of running it as a formula (OWASP "CSV injection"). Audit rows carry text that users
 * typed (search terms, email addresses), so this matters.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that make a cell quoted. (Module constants: a regex literal in the function is a new object per call.) */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  // Numbers are written as numbers: "-5" is a value, not a formula, when we produced it ourselves.
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export function csvLine(values: readonly Parameters<typeof csvCell>[0][]): string {
  return values.map(csvCell).join(",") + "\r\n";
}
