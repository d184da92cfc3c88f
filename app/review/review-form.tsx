"use client";
import { useActionState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { CLASSIFICATIONS, CLASSIFICATION_LABELS, type Classification } from "@/lib/core/clinical/vocabulary";

/**
 * One step from the queue: the type to give the episode, the suggestion chosen to start with and
 * named as such, then "Set type". A type other than the suggestion is confirmed by the same step.
 */
export function ReviewForm({
  action,
  version,
  suggestion,
  current,
  describedBy,
}: {
  action: (s: FormState, f: FormData) => Promise<FormState>;
  version: number;
  suggestion: Classification | null;
  current: Classification | null;
  describedBy: string;
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  if (state.status === "ok") return <p className="small" role="status">{state.message}</p>;
  const chosen = (state.values?.classification as string | undefined) ?? current ?? suggestion ?? "";
  return (
    <form action={formAction} className="review-form" aria-describedby={describedBy}>
      <input type="hidden" name="version" value={version} />
      <label className="sr-only" htmlFor={`type-${describedBy}`}>Type</label>
      <select id={`type-${describedBy}`} name="classification" defaultValue={chosen} required>
        <option value="" disabled>Choose a type…</option>
        {CLASSIFICATIONS.map((c) => (
          <option key={c} value={c}>
            {CLASSIFICATION_LABELS[c]}
            {c === suggestion ? " (suggested)" : ""}
          </option>
        ))}
      </select>
      <button className="btn small" type="submit" disabled={pending}>{pending ? "Saving…" : "Set type"}</button>
      {state.status === "error" && (
        <span className="error-text" role="alert">{state.fields?.classification ?? state.fields?.version ?? state.message}</span>
      )}
    </form>
  );
}
