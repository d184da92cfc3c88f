import "server-only";
import type { FormState } from "@/lib/core/form-state";
import { isDataError } from "@/lib/server/errors";
import { log } from "@/lib/server/log";

/** Turns a data-layer refusal into form state; unexpected faults are logged and stay generic. */
export function formStateFromError(error: unknown, values?: Record<string, unknown>): FormState {
  const submission = Date.now();
  if (isDataError(error)) {
    return { status: "error", message: error.message, fields: error.fields, values, submission };
  }
  log.error({ err: error }, "Unexpected error in a form action");
  return { status: "error", message: "Something went wrong and nothing was saved. Please try again.", values, submission };
}
