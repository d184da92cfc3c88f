"use client";
import { useActionState, useState } from "react";
import { ANALYTE_LABELS, ANALYTE_UNITS, ANALYTES, type Analyte } from "@/lib/clinical/vocabulary";
import { initialFormState, type FormState } from "@/lib/validation/form-state";
import { errorProps, FieldError, FormAlert } from "../../_components/field";

export interface VisitFormValues {
  occurredAt: string;
  systolic: string;
  diastolic: string;
  weightKg: string;
  temperatureC: string;
  notes: string;
  labs: { analyte: string; value: string; unit: string }[];
  version?: number;
}

const UNITS = [...new Set(Object.values(ANALYTE_UNITS))];

export function VisitForm({ action, initial, timeZone, submitLabel, formId }: { action: (s: FormState, f: FormData) => Promise<FormState>; initial: VisitFormValues; timeZone: string; submitLabel: string; formId?: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const sv = state.values as Record<string, string> | undefined;
  const values: VisitFormValues = sv
    ? {
        ...initial,
        occurredAt: sv.occurredAt ?? "",
        systolic: sv.systolic ?? "",
        diastolic: sv.diastolic ?? "",
        weightKg: sv.weightKg ?? "",
        temperatureC: sv.temperatureC ?? "",
        notes: sv.notes ?? "",
        labs: Array.from({ length: Number(sv.labRows ?? 0) }, (_, i) => ({ analyte: sv[`lab.${i}.analyte`] ?? "", value: sv[`lab.${i}.value`] ?? "", unit: sv[`lab.${i}.unit`] ?? "" })),
      }
    : initial;
  const [labRows, setLabRows] = useState(Math.max(values.labs.length, 1));
  const [analytes, setAnalytes] = useState<string[]>(values.labs.map((l) => l.analyte));
  const f = state.fields ?? {};
  const num = (name: "systolic" | "diastolic" | "weightKg" | "temperatureC", label: string, step = "1") => (
    <div className="field">
      <label htmlFor={`v-${name}`}>{label}</label>
      <input id={`v-${name}`} name={name} type="number" inputMode="decimal" step={step} style={{ maxWidth: "9rem" }} defaultValue={values[name]} {...errorProps(`v-${name}`, f[name])} />
      <FieldError id={`v-${name}`} error={f[name]} />
    </div>
  );
  return (
    <form action={formAction} key={state.submission ?? 0} noValidate aria-label="Visit">
      <FormAlert status={state.status} message={state.message} fields={state.fields} />
      <input type="hidden" name="timeZone" value={timeZone} />
      {formId && <input type="hidden" name="idempotencyKey" value={`${formId}-${state.submission ?? 0}`} />}
      <input type="hidden" name="labRows" value={labRows} />
      {values.version !== undefined && <input type="hidden" name="version" value={values.version} />}
      <div className="inline" style={{ alignItems: "flex-start", gap: "1rem" }}>
        <div className="field">
          <label htmlFor="v-occurredAt">Date and time</label>
          <p className="hint" id="v-occurredAt-hint">Clinic time ({timeZone})</p>
          <input id="v-occurredAt" name="occurredAt" type="datetime-local" defaultValue={values.occurredAt} {...errorProps("v-occurredAt", f.occurredAt, "v-occurredAt-hint")} />
          <FieldError id="v-occurredAt" error={f.occurredAt} />
        </div>
        {num("systolic", "Systolic (mmHg)")}
        {num("diastolic", "Diastolic (mmHg)")}
        {num("weightKg", "Weight (kg)", "0.1")}
        {num("temperatureC", "Temperature (°C)", "0.1")}
      </div>
      <fieldset>
        <legend>Lab results</legend>
        {Array.from({ length: labRows }, (_, i) => {
          const k = (field: string) => `lab.${i}.${field}`;
          const lab = values.labs[i];
          const analyte = analytes[i] ?? lab?.analyte ?? "";
          return (
            <div className="inline" key={i} style={{ alignItems: "flex-start", marginBottom: ".4rem" }}>
              <div>
                <label className="sr-only" htmlFor={k("analyte")}>Lab {i + 1} analyte</label>
                <select id={k("analyte")} name={k("analyte")} defaultValue={lab?.analyte ?? ""} onChange={(e) => setAnalytes((a) => Object.assign([...a], { [i]: e.target.value }))} {...errorProps(k("analyte"), f[`labs.${i}.analyte`])}>
                  <option value="">Analyte…</option>
                  {ANALYTES.map((a) => (
                    <option key={a} value={a}>{ANALYTE_LABELS[a]}</option>
                  ))}
                </select>
                <FieldError id={k("analyte")} error={f[`labs.${i}.analyte`]} />
              </div>
              <div>
                <label className="sr-only" htmlFor={k("value")}>Lab {i + 1} value</label>
                <input id={k("value")} name={k("value")} type="number" step="any" inputMode="decimal" placeholder="Value" style={{ maxWidth: "8rem" }} defaultValue={lab?.value ?? ""} {...errorProps(k("value"), f[`labs.${i}.value`])} />
                <FieldError id={k("value")} error={f[`labs.${i}.value`]} />
              </div>
              <div>
                <label className="sr-only" htmlFor={k("unit")}>Lab {i + 1} unit</label>
                <select id={k("unit")} name={k("unit")} key={analyte} defaultValue={lab?.unit || (analyte ? ANALYTE_UNITS[analyte as Analyte] : "")} style={{ maxWidth: "9rem" }} {...errorProps(k("unit"), f[`labs.${i}.unit`])}>
                  <option value="">Unit…</option>
                  {UNITS.map((u) => (
                    <option key={u} value={u}>{u}</option>
                  ))}
                </select>
                <FieldError id={k("unit")} error={f[`labs.${i}.unit`]} />
              </div>
            </div>
          );
        })}
        <button type="button" className="btn small secondary" onClick={() => setLabRows((n) => n + 1)}>Add a lab result</button>
      </fieldset>
      <div className="field">
        <label htmlFor="v-notes">Notes</label>
        <textarea id="v-notes" name="notes" maxLength={2000} defaultValue={values.notes} {...errorProps("v-notes", f.notes)} />
        <FieldError id="v-notes" error={f.notes} />
      </div>
      <button className="btn" type="submit" disabled={pending}>{pending ? "Saving…" : submitLabel}</button>
    </form>
  );
}
