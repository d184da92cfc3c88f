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
