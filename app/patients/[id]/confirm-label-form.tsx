"use client";
import { useActionState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";

/** Confirms, on review, a label that differs from the suggestion; the version guards against confirming an older edit. */
export function ConfirmLabelForm({ action, version, label }: { action: (s: FormState, f: FormData) => Promise<FormState>; version: number; label: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form action={formAction}>
      <input type="hidden" name="version" value={version} />
      <div aria-live="polite">{state.status === "error" && <p className="alert error" role="alert">{state.message}</p>}</div>
      <button className="btn secondary" type="submit" disabled={pending} aria-describedby="confirm-label-hint">
        {pending ? "Confirming…" : `Confirm label "${label}"`}
      </button>
      <p className="small" id="confirm-label-hint" style={{ margin: ".4rem 0 0" }}>
        Takes the episode off the review list. Changing the label or the observations behind the suggestion puts it back.
      </p>
    </form>
  );
}
