"use client";
import { useActionState, useState } from "react";
import { ALLERGY_STATUS_LABELS, ALLERGY_STATUSES, CONDITION_LABELS, CONDITIONS, LIFESTYLE_FLAG_LABELS, LIFESTYLE_FLAGS, SEX_LABELS, SEXES } from "@/lib/core/clinical/vocabulary";
import { unitsOf } from "@/lib/core/clinical/units";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { errorProps, FieldError, FormAlert } from "../_components/field";
import { LIMIT_NEAR, LimitedTextArea, LimitedTextInput } from "../_components/limited-text";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

export interface PatientFormValues {
  clinicId?: string;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: string;
  pregnant: boolean;
  /** As entered, with its unit (cm or in). */
  height: string;
  heightUnit: string;
  conditions: string[];
  lifestyle: string[];
  medications: { name: string; active: boolean; startedOn: string | null; stoppedOn: string | null }[];
  allergyStatus: string;
  allergies: string;
  version?: number;
}

/** A refused submission comes back as the API input: the height in heightCm or heightIn. */
type SubmittedHeight = { heightCm?: number | null; heightIn?: number | null };
function heightOf(v: SubmittedHeight): Pick<PatientFormValues, "height" | "heightUnit"> {
  const [value, unit] = v.heightIn !== undefined ? [v.heightIn, "in"] : [v.heightCm, "cm"];
  return { height: value == null ? "" : String(value), heightUnit: unit };
}

export function PatientForm({
  action,
  initial,
  clinics,
  submitLabel,
  formId,
}: {
  formId?: string;
  action: (state: FormState, form: FormData) => Promise<FormState>;
  initial: PatientFormValues;
  clinics: { id: string; name: string }[];
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const submitted = state.values as (Partial<PatientFormValues> & SubmittedHeight) | undefined;
  const values = { ...initial, ...submitted, ...(submitted && heightOf(submitted)) };
  const [medRows, setMedRows] = useState(Math.max(values.medications.length + 1, 2));
  const f = state.fields ?? {};
  const text = (name: "mrn" | "givenName" | "familyName", label: string, max: number, autoComplete?: string) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <LimitedTextInput id={name} name={name} max={max} defaultValue={values[name]} autoComplete={autoComplete ?? "off"} error={f[name]} />
      <FieldError id={name} error={f[name]} />
    </div>
  );
  return (
    <form action={formAction} key={state.submission ?? 0} noValidate>
      <FormAlert status={state.status} message={state.message} fields={state.fields} />
      {initial.version !== undefined && <input type="hidden" name="version" value={initial.version} />}
      <input type="hidden" name="medRows" value={medRows} />
      {formId && <input type="hidden" name="idempotencyKey" value={`${formId}-${state.submission ?? 0}`} />}
      <div className="grid-2">
        <div>
          {clinics.length > 1 && (
            <div className="field">
              <label htmlFor="clinicId">Clinic</label>
              <select id="clinicId" name="clinicId" defaultValue={values.clinicId ?? ""} {...errorProps("clinicId", f.clinicId)}>
                <option value="">Choose…</option>
                {clinics.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
              <FieldError id="clinicId" error={f.clinicId} />
            </div>
          )}
          {text("mrn", "Medical record number (MRN)", TEXT_LIMITS.mrn)}
          {text("familyName", "Family name", TEXT_LIMITS.personName)}
          {text("givenName", "Given name", TEXT_LIMITS.personName)}
          <div className="field">
            <label htmlFor="birthDate">Date of birth</label>
            <input id="birthDate" name="birthDate" type="date" defaultValue={values.birthDate} {...errorProps("birthDate", f.birthDate)} />
            <FieldError id="birthDate" error={f.birthDate} />
          </div>
          <div className="field">
            <label htmlFor="sex">Sex</label>
            <select id="sex" name="sex" defaultValue={values.sex} {...errorProps("sex", f.sex)}>
              <option value="">Choose…</option>
              {SEXES.map((s) => (
                <option key={s} value={s}>
                  {SEX_LABELS[s]}
                </option>
              ))}
            </select>
            <FieldError id="sex" error={f.sex} />
          </div>
          <div className="field">
            <label htmlFor="height">Height</label>
            <div className="inline">
              <input id="height" name="height" type="number" inputMode="decimal" step="any" style={{ maxWidth: "8rem" }} defaultValue={values.height} {...errorProps("height", f.height)} />
              <label className="sr-only" htmlFor="heightUnit">Height unit</label>
              <select id="heightUnit" name="heightUnit" defaultValue={values.heightUnit} style={{ width: "auto" }}>
                {unitsOf("HEIGHT").map((u) => (
                  <option key={u} value={u}>{u}</option>
                ))}
              </select>
            </div>
            <FieldError id="height" error={f.height} />
          </div>
          <div className="field checks">
            <label>
              <input type="checkbox" name="pregnant" defaultChecked={values.pregnant} {...errorProps("pregnant", f.pregnant)} /> Pregnant
            </label>
            <FieldError id="pregnant" error={f.pregnant} />
          </div>
        </div>
        <div>
          <fieldset aria-describedby={f.conditions ? "conditions-error" : undefined}>
            <legend>Problem list</legend>
            <div className="checks">
              {CONDITIONS.map((c) => (
                <label key={c}>
                  <input type="checkbox" name="conditions" value={c} defaultChecked={values.conditions.includes(c)} /> {CONDITION_LABELS[c]}
                </label>
              ))}
            </div>
            <FieldError id="conditions" error={f.conditions} />
          </fieldset>
          <fieldset aria-describedby={f.lifestyle ? "lifestyle-error" : undefined}>
            <legend>Lifestyle</legend>
            <div className="checks">
              {LIFESTYLE_FLAGS.map((c) => (
                <label key={c}>
                  <input type="checkbox" name="lifestyle" value={c} defaultChecked={values.lifestyle.includes(c)} /> {LIFESTYLE_FLAG_LABELS[c]}
                </label>
              ))}
            </div>
            <FieldError id="lifestyle" error={f.lifestyle} />
          </fieldset>
        </div>
      </div>
      <fieldset aria-describedby={f.allergyStatus ? "allergyStatus-error" : undefined}>
        <legend>Allergies</legend>
        <div className="checks" role="radiogroup" aria-label="Allergies asked">
          {ALLERGY_STATUSES.map((s) => (
            <label key={s}>
              <input type="radio" name="allergyStatus" value={s} defaultChecked={values.allergyStatus === s} /> {ALLERGY_STATUS_LABELS[s]}
            </label>
          ))}
        </div>
        <FieldError id="allergyStatus" error={f.allergyStatus} />
        <div className="field">
          <label htmlFor="allergies">Substances and reactions (with allergies recorded)</label>
          <LimitedTextArea id="allergies" name="allergies" rows={2} max={TEXT_LIMITS.allergies} visibleFrom={LIMIT_NEAR * TEXT_LIMITS.allergies} defaultValue={values.allergies} error={f.allergies} />
          <FieldError id="allergies" error={f.allergies} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Medications</legend>
        <p className="muted">Generic names work best for the checklist (brand names such as Eufillin are recognised too). Untick “current” for a past medication.</p>
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name and dose</th>
                <th scope="col">Started</th>
                <th scope="col">Stopped</th>
                <th scope="col">Current</th>
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: medRows }, (_, i) => {
                const m = values.medications[i];
                const k = (field: string) => `med.${i}.${field}`;
                return (
                  <tr key={i}>
                    <td>
                      <LimitedTextInput id={k("name")} name={k("name")} aria-label={`Medication ${i + 1} name`} max={TEXT_LIMITS.medicationName} visibleFrom={LIMIT_NEAR * TEXT_LIMITS.medicationName} defaultValue={m?.name ?? ""} error={f[k("name")]} />
                      <FieldError id={k("name")} error={f[k("name")]} />
                    </td>
                    <td>
                      <input type="date" name={k("startedOn")} aria-label={`Medication ${i + 1} started on`} defaultValue={m?.startedOn ?? ""} {...errorProps(k("startedOn"), f[k("startedOn")])} />
                      <FieldError id={k("startedOn")} error={f[k("startedOn")]} />
                    </td>
                    <td>
                      <input type="date" name={k("stoppedOn")} aria-label={`Medication ${i + 1} stopped on`} defaultValue={m?.stoppedOn ?? ""} {...errorProps(k("stoppedOn"), f[k("stoppedOn")])} />
                      <FieldError id={k("stoppedOn")} error={f[k("stoppedOn")]} />
                    </td>
                    <td>
                      <input type="checkbox" name={k("active")} aria-label={`Medication ${i + 1} is current`} defaultChecked={m ? m.active : true} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="button" className="btn small secondary" style={{ marginTop: ".5rem" }} onClick={() => setMedRows((n) => n + 1)}>
          Add a medication row
        </button>
      </fieldset>
      <button className="btn" type="submit" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}
