"use client";
import { useActionState } from "react";
import { CHECKLIST_STATUS_LABELS, CHECKLIST_STATUSES } from "@/lib/core/clinical/vocabulary";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { errorProps, FieldError } from "../../_components/field";
import { LIMIT_NEAR, LimitedTextInput } from "../../_components/limited-text";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

export function ChecklistItemForm({ action, causeId, label, status, note, version }: { action: (s: FormState, f: FormData) => Promise<FormState>; causeId: string; label: string; status: string; note: string; version: number }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const f = state.fields ?? {};
  const id = `cl-${causeId}`;
  return (
    <form action={formAction} className="checklist-form" aria-label={`Status of ${label}`}>
      <input type="hidden" name="version" value={version} />
      <div>
        <label className="sr-only" htmlFor={`${id}-status`}>Status of {label}</label>
        <select id={`${id}-status`} name="status" defaultValue={status} {...errorProps(`${id}-status`, f.status)}>
          {CHECKLIST_STATUSES.map((s) => (
            <option key={s} value={s}>{CHECKLIST_STATUS_LABELS[s]}</option>
          ))}
        </select>
        <FieldError id={`${id}-status`} error={f.status} />
      </div>
      <div className="checklist-note">
        <label className="sr-only" htmlFor={`${id}-note`}>Note on {label}</label>
        <LimitedTextInput id={`${id}-note`} name="note" placeholder="Note" defaultValue={note} max={TEXT_LIMITS.checklistNote} visibleFrom={LIMIT_NEAR * TEXT_LIMITS.checklistNote} error={f.note} />
        <FieldError id={`${id}-note`} error={f.note} />
      </div>
      <button className="btn small secondary" type="submit" disabled={pending}>{pending ? "Saving…" : "Save"}</button>
      <span aria-live="polite" className="checklist-status">
        {state.status === "ok" && <span className="badge">Saved</span>}
        {state.status === "error" && <span className="error-text" role="alert">{state.message}</span>}
      </span>
    </form>
  );
}
