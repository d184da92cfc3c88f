"use client";
import { useActionState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";

/** A soft delete with a confirmation step; the version guards against deleting a newer edit. */
export function DeleteForm({ action, version, what }: { action: (s: FormState, f: FormData) => Promise<FormState>; version: number; what: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(`Delete this ${what}? It disappears from lists; an administrator can restore it.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="version" value={version} />
      <div aria-live="polite">{state.status === "error" && <p className="alert error" role="alert">{state.message}</p>}</div>
      <button className="btn danger" type="submit" disabled={pending}>{pending ? "Deleting…" : `Delete ${what}`}</button>
    </form>
  );
}
