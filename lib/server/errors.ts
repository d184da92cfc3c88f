/**
 * Errors the data layer throws on purpose. Routes turn them into a form state, a page or an
 * API error body; anything else is an unexpected fault and is logged, never shown.
 */
import "server-only";
export class DataError extends Error {
  constructor(
    readonly code: "VALIDATION" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT",
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "DataError";
  }
}

export const notFound = (what = "Record") => new DataError("NOT_FOUND", `${what} not found.`);
export const forbidden = () => new DataError("FORBIDDEN", "You do not have permission to do this.");
export const unauthenticated = () => new DataError("UNAUTHENTICATED", "Please sign in.");
export const conflict = (message: string, fields: Record<string, string> = {}) =>
  new DataError("CONFLICT", message, fields);
export const invalid = (fields: Record<string, string>, message = "Please correct the highlighted fields.") =>
  new DataError("VALIDATION", message, fields);

export const STALE_VERSION_MESSAGE =
  "Someone else saved this record after you opened it. Reload to see their changes, then apply yours again.";

export function isDataError(error: unknown): error is DataError {
  return error instanceof DataError;
}
