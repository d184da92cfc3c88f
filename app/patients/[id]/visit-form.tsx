"use client";
import { useActionState, useState } from "react";
import { defaultUnit, unitsOf, type Measure, type UnitSystem } from "@/lib/core/clinical/units";
import { ANALYTE_LABELS, ANALYTES, EXAM_FINDING_LABELS, EXAM_FINDINGS, isOneOf } from "@/lib/core/clinical/vocabulary";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { CheckboxGroup } from "../../_components/checkbox-group";
import { errorProps, FieldError, FormAlert } from "../../_components/field";
import { LimitedTextArea } from "../../_components/limited-text";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

/** The form's text: each measured value with the unit it is entered in (lib/core/validation/episode-form.ts visitFromForm reads it). */
export interface VisitFormValues {
  occurredAt: string;
  systolic: string;
  diastolic: string;
  weight: string;
  weightUnit: string;
  temperature: string;
  temperatureUnit: string;
  examFindings: string[];
  notes: string;
  labs: { analyte: string; value: string; unit: string }[];
  version?: number;
}

/** A refused submission comes back as form text; turn it into form values again. */
function fromSubmitted(sv: Record<string, string | string[]> | undefined, initial: VisitFormValues): VisitFormValues {
  if (!sv) return initial;
  const str = (k: string) => (typeof sv[k] === "string" ? (sv[k] as string) : "");
  const findings = sv.examFindings;
  return {
    ...initial,
    occurredAt: str("occurredAt"),
    systolic: str("systolic"),
    diastolic: str("diastolic"),
    weight: str("weight"),
    weightUnit: str("weightUnit") || initial.weightUnit,
    temperature: str("temperature"),
    temperatureUnit: str("temperatureUnit") || initial.temperatureUnit,
    examFindings: Array.isArray(findings) ? findings : findings ? [findings] : [],
    notes: str("notes"),
    labs: Array.from({ length: Number(str("labRows") || 0) }, (_, i) => ({ analyte: str(`lab.${i}.analyte`), value: str(`lab.${i}.value`), unit: str(`lab.${i}.unit`) })),
  };
}

export function VisitForm({
  action,
  initial,
  timeZone,
  unitSystem,
  submitLabel,
  formId,
}: {
  action: (s: FormState, f: FormData) => Promise<FormState>;
  initial: VisitFormValues;
  timeZone: string;
  /** The clinic's units: what a new lab row defaults to. */
  unitSystem: UnitSystem;
  submitLabel: string;
  formId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const values = fromSubmitted(state.values as Record<string, string | string[]> | undefined, initial);
  return <VisitFields key={state.submission ?? 0} state={state} formAction={formAction} pending={pending} values={values} timeZone={timeZone} unitSystem={unitSystem} submitLabel={submitLabel} formId={formId} />;
}

function VisitFields({
  state,
  formAction,
  pending,
  values,
  timeZone,
  unitSystem,
  submitLabel,
  formId,
}: {
  state: FormState;
  formAction: (f: FormData) => void;
  pending: boolean;
  values: VisitFormValues;
  timeZone: string;
  unitSystem: UnitSystem;
  submitLabel: string;
  formId?: string;
}) {
  const [labRows, setLabRows] = useState(Math.max(values.labs.length, 1));
  const [analytes, setAnalytes] = useState<string[]>(values.labs.map((l) => l.analyte));
  const f = state.fields ?? {};
  const pressure = (name: "systolic" | "diastolic", label: string) => (
    <div className="field">
      <label htmlFor={`v-${name}`}>{label}</label>
      <input id={`v-${name}`} name={name} type="number" inputMode="numeric" step="1" style={{ maxWidth: "8rem" }} defaultValue={values[name]} {...errorProps(`v-${name}`, f[name])} />
      <FieldError id={`v-${name}`} error={f[name]} />
    </div>
  );
  /** A value with its unit picker; the server's error (range, "did you mean") shows under both. */
  const measured = (name: "weight" | "temperature", measure: Measure, label: string) => (
    <div className="field">
      <label htmlFor={`v-${name}`}>{label}</label>
      <div className="inline">
        <input id={`v-${name}`} name={name} type="number" inputMode="decimal" step="any" style={{ maxWidth: "7rem" }} defaultValue={values[name]} {...errorProps(`v-${name}`, f[name])} />
        <label className="sr-only" htmlFor={`v-${name}Unit`}>{label} unit</label>
        <select id={`v-${name}Unit`} name={`${name}Unit`} defaultValue={values[`${name}Unit`]} style={{ width: "auto" }}>
          {unitsOf(measure).map((u) => (
            <option key={u} value={u}>{u}</option>
          ))}
        </select>
      </div>
      <FieldError id={`v-${name}`} error={f[name]} />
    </div>
  );
  return (
    <form action={formAction} noValidate aria-label="Visit">
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
        {pressure("systolic", "Systolic (mmHg)")}
        {pressure("diastolic", "Diastolic (mmHg)")}
        {measured("weight", "WEIGHT", "Weight")}
        {measured("temperature", "TEMPERATURE", "Temperature")}
      </div>
      <CheckboxGroup
        legend="Examination"
        name="examFindings"
        codes={EXAM_FINDINGS}
        labels={EXAM_FINDING_LABELS}
        checked={values.examFindings}
        errorId="v-examFindings"
        fields={f}
      />
      <fieldset>
        <legend>Lab results</legend>
        {Array.from({ length: labRows }, (_, i) => {
          const k = (field: string) => `lab.${i}.${field}`;
          const lab = values.labs[i];
          const analyte = analytes[i] ?? lab?.analyte ?? "";
          const known = isOneOf(ANALYTES, analyte) ? analyte : null;
          // The unit entered stays while the analyte does; a newly chosen analyte starts in the clinic's unit.
          const unit = lab && lab.analyte === analyte && lab.unit ? lab.unit : known ? defaultUnit(known, unitSystem) : "";
          return (
            // The row's errors go under the whole row, so a long message ("did you mean mg/dL?") does not push the unit away.
            <div key={i} style={{ marginBottom: ".5rem" }}>
              <div className="inline">
                <label className="sr-only" htmlFor={k("analyte")}>Lab {i + 1} analyte</label>
                <select id={k("analyte")} name={k("analyte")} defaultValue={lab?.analyte ?? ""} style={{ width: "auto" }} onChange={(e) => setAnalytes((a) => Object.assign([...a], { [i]: e.target.value }))} {...errorProps(k("analyte"), f[k("analyte")])}>
                  <option value="">Analyte…</option>
                  {ANALYTES.map((a) => (
                    <option key={a} value={a}>{ANALYTE_LABELS[a]}</option>
                  ))}
                </select>
                <label className="sr-only" htmlFor={k("value")}>Lab {i + 1} value</label>
                <input id={k("value")} name={k("value")} type="number" step="any" inputMode="decimal" placeholder="Value" style={{ maxWidth: "8rem" }} defaultValue={lab?.value ?? ""} {...errorProps(k("value"), f[k("value")])} />
                <label className="sr-only" htmlFor={k("unit")}>Lab {i + 1} unit</label>
                <select id={k("unit")} name={k("unit")} key={analyte} defaultValue={unit} style={{ width: "auto" }} {...errorProps(k("unit"), f[k("unit")])}>
                  {!known && <option value="">Unit…</option>}
                  {known && unitsOf(known).map((u) => <option key={u} value={u}>{u}</option>)}
                </select>
              </div>
              <FieldError id={k("analyte")} error={f[k("analyte")]} />
              <FieldError id={k("value")} error={f[k("value")]} />
              <FieldError id={k("unit")} error={f[k("unit")]} />
            </div>
          );
        })}
        <button type="button" className="btn small secondary" onClick={() => setLabRows((n) => n + 1)}>Add a lab result</button>
      </fieldset>
      <div className="field">
        <label htmlFor="v-notes">Notes</label>
        <LimitedTextArea id="v-notes" name="notes" max={TEXT_LIMITS.notes} defaultValue={values.notes} error={f.notes} />
        <FieldError id="v-notes" error={f.notes} />
      </div>
      <button className="btn" type="submit" disabled={pending}>{pending ? "Saving…" : submitLabel}</button>
    </form>
  );
}
