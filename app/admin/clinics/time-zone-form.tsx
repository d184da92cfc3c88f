"use client";
import { useActionState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { errorProps, FieldError } from "../../_components/field";

export function TimeZoneForm({ action, clinicId, current, zones }: { action: (s: FormState, f: FormData) => Promise<FormState>; clinicId: string; current: string; zones: string[] }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const id = `tz-${clinicId}`;
  return (
    <form action={formAction} className="toolbar" style={{ margin: 0 }}>
      <div>
        <label htmlFor={id}>Time zone</label>
        <input id={id} name="timeZone" type="text" list="time-zones" defaultValue={current} {...errorProps(id, state.fields?.timeZone)} />
        <datalist id="time-zones">{zones.map((z) => <option key={z} value={z} />)}</datalist>
        <FieldError id={id} error={state.fields?.timeZone} />
      </div>
      <button className="btn secondary" type="submit" disabled={pending}>Save</button>
      <span aria-live="polite">{state.status === "ok" && <span className="badge">{state.message}</span>}</span>
    </form>
  );
}
