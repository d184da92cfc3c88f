import { isDataError } from "@/lib/data/errors";

/** What a server action returns to its form (useActionState). */
export interface FormState {
  status: "idle" | "error" | "ok";
  message?: string;
  fields?: Record<string, string>;
  /** The submitted values, so a refused form keeps what the clinician typed. */
  values?: Record<string, unknown>;
  /** Changes on every submission so the form re-applies `values` as defaults. */
  submission?: number;
}

export const initialFormState: FormState = { status: "idle" };

/** Turns a data-layer refusal into form state; unexpected faults are logged and stay generic. */
export function formStateFromError(error: unknown, values?: Record<string, unknown>): FormState {
  const submission = Date.now();
  if (isDataError(error)) {
    return { status: "error", message: error.message, fields: error.fields, values, submission };
  }
  console.error("Unexpected error in a form action", error);
  return { status: "error", message: "Something went wrong and nothing was saved. Please try again.", values, submission };
}
