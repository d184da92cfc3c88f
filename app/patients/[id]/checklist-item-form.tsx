"use client";
import { useActionState } from "react";
import { CHECKLIST_STATUS_LABELS, CHECKLIST_STATUSES } from "@/lib/core/clinical/vocabulary";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { errorProps, FieldError } from "../../_components/field";
import { LIMIT_NEAR, LimitedTextArea } from "../../_components/limited-text";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

/** A submitted value as text, if the refused form sent one. */
const sent = (values: Record<string, unknown> | undefined, key: string) => (typeof values?.[key] === "string" ? (values[key] as string) : undefined);

/**
 * One cause's status and note. A refused save (a note over its limit, a colleague who saved
 * first) keeps what the clinician chose and typed in the form, with the reason beside it: the
 * form is drawn again from the values the server sends back, not from the stored ones.
 */
export function ChecklistItemForm({ action, causeId, label, status, note, version }: { action: (s: FormState, f: FormData) => Promise<FormState>; causeId: string; label: string; status: string; note: string; version: number }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const f = state.fields ?? {};
  const refused = state.status === "error" ? state.values : undefined;
  const shownStatus = sent(refused, "status") ?? status;
  const shownNote = sent(refused, "note") ?? note;
  const id = `cl-${causeId}`;
  return (
    <form action={formAction} key={state.submission ?? 0} className="checklist-form" aria-label={`Status of ${label}`}>
      <input type="hidden" name="version" value={version} />
      <div className="checklist-status-field">
        <label className="sr-only" htmlFor={`${id}-status`}>Status of {label}</label>
        <select id={`${id}-status`} name="status" defaultValue={shownStatus} {...errorProps(`${id}-status`, f.status)}>
          {CHECKLIST_STATUSES.map((s) => (
            <option key={s} value={s}>{CHECKLIST_STATUS_LABELS[s]}</option>
          ))}
        </select>
        <FieldError id={`${id}-status`} error={f.status} />
      </div>
      <div className="checklist-note">
        <label className="sr-only" htmlFor={`${id}-note`}>Note on {label}</label>
        <LimitedTextArea id={`${id}-note`} name="note" rows={2} placeholder="Note" defaultValue={shownNote} max={TEXT_LIMITS.checklistNote} visibleFrom={LIMIT_NEAR * TEXT_LIMITS.checklistNote} error={f.note} />
        <FieldError id={`${id}-note`} error={f.note} />
      </div>
      <button className="btn small secondary" type="submit" disabled={pending}>{pending ? "Saving…" : "Save"}</button>
      <span aria-live="polite" className="checklist-result">
        {state.status === "ok" && <span className="badge">Saved</span>}
        {state.status === "error" && <span className="error-text" role="alert">{state.message}</span>}
      </span>
    </form>
  );
}
