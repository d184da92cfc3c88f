"use client";
import { useActionState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { errorProps, FieldError } from "../../_components/field";

/** How long a new patient diary link works, in days. */
export function DiaryLinkDaysForm({ action, clinicId, current }: { action: (s: FormState, f: FormData) => Promise<FormState>; clinicId: string; current: number }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const id = `diary-days-${clinicId}`;
  return (
    <form action={formAction} className="toolbar" style={{ margin: 0 }}>
      <div>
        <label htmlFor={id}>Diary links work for (days)</label>
        <input id={id} name="diaryLinkDays" type="number" inputMode="numeric" min={1} max={365} step={1} defaultValue={current} style={{ width: "6rem" }} {...errorProps(id, state.fields?.diaryLinkDays)} />
        <FieldError id={id} error={state.fields?.diaryLinkDays} />
      </div>
      <button className="btn secondary" type="submit" disabled={pending}>Save</button>
      <span aria-live="polite">{state.status === "ok" && <span className="badge">{state.message}</span>}</span>
    </form>
  );
}
