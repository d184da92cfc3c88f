"use client";
import { useActionState } from "react";
import { UNIT_SYSTEM_LABELS, UNIT_SYSTEMS } from "@/lib/core/clinical/units";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { errorProps, FieldError } from "../../_components/field";

export function UnitSystemForm({ action, clinicId, current }: { action: (s: FormState, f: FormData) => Promise<FormState>; clinicId: string; current: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const id = `units-${clinicId}`;
  return (
    <form action={formAction} className="toolbar" style={{ margin: 0 }}>
      <div>
        <label htmlFor={id}>Units</label>
        <select id={id} name="unitSystem" defaultValue={current} {...errorProps(id, state.fields?.unitSystem)}>
          {UNIT_SYSTEMS.map((u) => (
            <option key={u} value={u}>{UNIT_SYSTEM_LABELS[u]}</option>
          ))}
        </select>
        <FieldError id={id} error={state.fields?.unitSystem} />
      </div>
      <button className="btn secondary" type="submit" disabled={pending}>Save</button>
      <span aria-live="polite">{state.status === "ok" && <span className="badge">{state.message}</span>}</span>
    </form>
  );
}
