"use client";
import { useActionState, useEffect, useRef, useState } from "react";
import { suggestClassification, type LabelConfirmation } from "@/lib/core/clinical/classification";
import {
  CLASSIFICATION_LABELS,
  CLASSIFICATIONS,
  MOVEMENT_LABELS,
  MOVEMENTS,
  MUSCLE_GROUP_LABELS,
  MUSCLE_GROUPS,
  RELIEF_LABELS,
  RELIEFS,
  RHYTHM_LABELS,
  RHYTHMS,
  SIDE_LABELS,
  SIDES,
  TRIGGER_LABELS,
  TRIGGERS,
  type Classification,
  type Movement,
  type Rhythm,
} from "@/lib/core/clinical/vocabulary";
import { EPISODE_FLAGS, type EpisodeFlag } from "@/lib/core/validation/episode-form";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { CheckboxGroup } from "../../_components/checkbox-group";
import { errorProps, FieldError, FormAlert } from "../../_components/field";
import { LimitedTextArea } from "../../_components/limited-text";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

export interface EpisodeFormValues {
  occurredAt: string;
  duration: string;
  durationUnit: "s" | "min";
  side: string;
  muscleGroup: string;
  movement: string;
  rhythm: string;
  painScore: string;
  triggers: string[];
  relief: string[];
  classification: string;
  notes: string;
  visitId: string;
  voluntaryControl: boolean;
  urgeToMove: boolean;
  worseAtRest: boolean;
  worseInEvening: boolean;
  reliefByMovement: boolean;
  consciousnessImpaired: boolean;
  duringSleep: boolean;
  version?: number;
}

/** The yes/no questions, in plain words. */
const FLAG_LABELS: Record<EpisodeFlag, string> = {
  voluntaryControl: "Patient can control or stop the movement",
  duringSleep: "During sleep",
  consciousnessImpaired: "Consciousness impaired",
  urgeToMove: "Urge to move the legs",
  worseAtRest: "Begins or gets worse at rest (sitting or lying down)",
  reliefByMovement: "Eased by moving, at least while moving",
  worseInEvening: "Only or mostly in the evening or at night",
};
const FINDINGS: EpisodeFlag[] = ["voluntaryControl", "duringSleep", "consciousnessImpaired"];
/** IRLSSG criteria 1 to 4, in the criteria's order. */
const RLS_QUESTIONS: EpisodeFlag[] = ["urgeToMove", "worseAtRest", "reliefByMovement", "worseInEvening"];

function flagsFrom(read: (flag: EpisodeFlag) => boolean): Record<EpisodeFlag, boolean> {
  return Object.fromEntries(EPISODE_FLAGS.map((flag) => [flag, read(flag)])) as Record<EpisodeFlag, boolean>;
}

/** A refused submission comes back as form text; turn it into form values again. */
function fromSubmitted(v: Record<string, unknown> | undefined, base: EpisodeFormValues): EpisodeFormValues {
  if (!v) return base;
  const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : "");
  const list = (k: string) => (Array.isArray(v[k]) ? (v[k] as string[]) : v[k] ? [String(v[k])] : []);
  if (!("side" in v) && "occurredAt" in v) return { ...base, occurredAt: str("occurredAt") || base.occurredAt, visitId: str("visitId") };
  return {
    ...base,
    occurredAt: str("occurredAt"),
    duration: str("duration"),
    durationUnit: str("durationUnit") === "min" ? "min" : "s",
    side: str("side"),
    muscleGroup: str("muscleGroup") || "CALF",
    movement: str("movement"),
    rhythm: str("rhythm"),
    painScore: str("painScore"),
    triggers: list("triggers"),
    relief: list("relief"),
    classification: str("classification"),
    notes: str("notes"),
    visitId: str("visitId"),
    ...flagsFrom((flag) => v[flag] === "on"),
  };
}

export function EpisodeForm({
  action,
  initial,
  visits,
  timeZone,
  submitLabel,
  formId,
  labelConfirmedFor = null,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  /** A stored confirmation on review, so the live suggestion says whether it still holds. */
  labelConfirmedFor?: LabelConfirmation | null;
  /** Server-made id of this form; with the submission count it keys idempotent creates. */
  formId?: string;
  initial: EpisodeFormValues;
  visits: { id: string; label: string }[];
  timeZone: string;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const values = fromSubmitted(state.values, initial);
  return (
    <EpisodeFields
      key={state.submission ?? 0}
      state={state}
      formAction={formAction}
      pending={pending}
      values={values}
      visits={visits}
      timeZone={timeZone}
      submitLabel={submitLabel}
      labelConfirmedFor={labelConfirmedFor}
      idempotencyKey={formId ? `${formId}-${state.submission ?? 0}` : undefined}
    />
  );
}

function EpisodeFields({
  state,
  formAction,
  pending,
  values,
  visits,
  timeZone,
  submitLabel,
  idempotencyKey,
  labelConfirmedFor,
}: {
  idempotencyKey?: string;
  labelConfirmedFor: LabelConfirmation | null;
  state: FormState;
  formAction: (form: FormData) => void;
  pending: boolean;
  values: EpisodeFormValues;
  visits: { id: string; label: string }[];
  timeZone: string;
  submitLabel: string;
}) {
  const f = state.fields ?? {};
  // The fields the classification reads are controlled, so the suggestion follows every change.
  const [movement, setMovement] = useState(values.movement);
  const [rhythm, setRhythm] = useState(values.rhythm);
  const [classification, setClassification] = useState(values.classification);
  const [flags, setFlags] = useState(() => flagsFrom((flag) => values[flag]));
  const suggestion = suggestClassification({
    movement: (movement || null) as Movement | null,
    rhythm: (rhythm || null) as Rhythm | null,
    ...flags,
    classification: (classification || null) as Classification | null,
    labelConfirmedFor,
  });
  const durationRef = useRef<HTMLInputElement>(null);
  const firstErrorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // After a save, start the next episode at the duration; after a refusal, go to the message.
    if (state.status === "ok") durationRef.current?.focus();
    if (state.status === "error") firstErrorRef.current?.focus();
  }, [state.status]);

  // Field errors name the stored field; map them to the form's inputs.
  const durationError = f.durationSeconds;
  const flagBoxes = (list: EpisodeFlag[]) =>
    list.map((flag) => (
      <label key={flag} className="choice">
        <input type="checkbox" name={flag} checked={flags[flag]} onChange={(e) => setFlags({ ...flags, [flag]: e.target.checked })} /> {FLAG_LABELS[flag]}
      </label>
    ));
  return (
    <form action={formAction} noValidate aria-label="Episode">
      <div ref={firstErrorRef} tabIndex={-1}>
        <FormAlert status={state.status} message={state.message} fields={state.fields} />
        {state.status === "ok" && (
          <p className="alert ok" role="status">
            {state.message}
          </p>
        )}
      </div>
      <input type="hidden" name="timeZone" value={timeZone} />
      {idempotencyKey && <input type="hidden" name="idempotencyKey" value={idempotencyKey} />}
      {values.version !== undefined && <input type="hidden" name="version" value={values.version} />}
      <div className="episode-layout">
        <div className="episode-main">
          <div className="episode-grid">
            <div>
              <div className="field">
                <label htmlFor="ep-occurredAt">When</label>
                <p className="hint" id="ep-occurredAt-hint">Clinic time ({timeZone})</p>
                <input id="ep-occurredAt" name="occurredAt" type="datetime-local" defaultValue={values.occurredAt} {...errorProps("ep-occurredAt", f.occurredAt, "ep-occurredAt-hint")} />
                <FieldError id="ep-occurredAt" error={f.occurredAt} />
              </div>
              <div className="field">
                <label htmlFor="ep-duration">Duration</label>
                <div className="inline">
                  <input ref={durationRef} id="ep-duration" name="duration" type="number" inputMode="numeric" min={1} step="any" style={{ maxWidth: "8rem" }} defaultValue={values.duration} {...errorProps("ep-duration", durationError)} />
                  <label className="sr-only" htmlFor="ep-durationUnit">Duration unit</label>
                  <select id="ep-durationUnit" name="durationUnit" defaultValue={values.durationUnit} style={{ maxWidth: "9rem" }}>
                    <option value="s">seconds</option>
                    <option value="min">minutes</option>
                  </select>
                </div>
                <FieldError id="ep-duration" error={durationError} />
              </div>
              <fieldset aria-describedby={f.side ? "ep-side-error" : undefined}>
                <legend>Side</legend>
                <div className="inline">
                  {SIDES.map((s) => (
                    <label key={s} className="choice">
                      <input type="radio" name="side" value={s} defaultChecked={values.side === s} /> {SIDE_LABELS[s]}
                    </label>
                  ))}
                </div>
                <FieldError id="ep-side" error={f.side} />
              </fieldset>
              <div className="field">
                <label htmlFor="ep-muscleGroup">Muscle group</label>
                <select id="ep-muscleGroup" name="muscleGroup" defaultValue={values.muscleGroup || "CALF"} {...errorProps("ep-muscleGroup", f.muscleGroup)}>
                  {MUSCLE_GROUPS.map((m) => (
                    <option key={m} value={m}>{MUSCLE_GROUP_LABELS[m]}</option>
                  ))}
                </select>
                <FieldError id="ep-muscleGroup" error={f.muscleGroup} />
              </div>
              <div className="field">
                <label htmlFor="ep-painScore">Pain (0–10)</label>
                <input id="ep-painScore" name="painScore" type="number" inputMode="numeric" min={0} max={10} step={1} style={{ maxWidth: "6rem" }} defaultValue={values.painScore} {...errorProps("ep-painScore", f.painScore)} />
                <FieldError id="ep-painScore" error={f.painScore} />
              </div>
              {visits.length > 0 && (
                <div className="field">
                  <label htmlFor="ep-visitId">Reported at visit</label>
                  <select id="ep-visitId" name="visitId" defaultValue={values.visitId} {...errorProps("ep-visitId", f.visitId)}>
                    <option value="">No visit (patient-reported)</option>
                    {visits.map((v) => (
                      <option key={v.id} value={v.id}>{v.label}</option>
                    ))}
                  </select>
                  <FieldError id="ep-visitId" error={f.visitId} />
                </div>
              )}
            </div>
            <div>
              <fieldset aria-describedby={f.movement ? "ep-movement-error" : undefined}>
                <legend>What was seen or felt</legend>
                {MOVEMENTS.map((m) => (
                  <label key={m} className="choice">
                    <input type="radio" name="movement" value={m} checked={movement === m} onChange={() => setMovement(m)} /> {MOVEMENT_LABELS[m]}
                  </label>
                ))}
                <label className="choice">
                  <input type="radio" name="movement" value="" checked={movement === ""} onChange={() => setMovement("")} /> Not recorded
                </label>
                <FieldError id="ep-movement" error={f.movement} />
              </fieldset>
              <div className="field">
                <label htmlFor="ep-rhythm">Rhythm</label>
                <select id="ep-rhythm" name="rhythm" value={rhythm} onChange={(e) => setRhythm(e.target.value)} {...errorProps("ep-rhythm", f.rhythm)}>
                  <option value="">Not recorded</option>
                  {RHYTHMS.map((r) => (
                    <option key={r} value={r}>{RHYTHM_LABELS[r]}</option>
                  ))}
                </select>
                <FieldError id="ep-rhythm" error={f.rhythm} />
              </div>
              <fieldset>
                <legend>Findings</legend>
                {flagBoxes(FINDINGS)}
              </fieldset>
              <fieldset>
                <legend>Restless legs questions</legend>
                <p className="hint">The four IRLSSG criteria; whether another condition explains the symptoms is for you to judge.</p>
                {flagBoxes(RLS_QUESTIONS)}
              </fieldset>
            </div>
          </div>
          <div className="grid-2">
            <CheckboxGroup
              legend="Triggers"
              name="triggers"
              codes={TRIGGERS}
              labels={TRIGGER_LABELS}
              checked={values.triggers}
              errorId="ep-triggers"
              fields={f}
            />
            <CheckboxGroup
              legend="What helped"
              name="relief"
              codes={RELIEFS}
              labels={RELIEF_LABELS}
              checked={values.relief}
              errorId="ep-relief"
              fields={f}
            />
          </div>
        </div>
        <aside className="episode-aside" aria-label="Suggested type and your classification">
          <section className="suggestion" aria-labelledby="ep-suggestion-title">
            <h3 id="ep-suggestion-title">Suggested type</h3>
            <div aria-live="polite" aria-atomic="true">
              <p className="suggestion-value" data-testid="suggestion">
                {suggestion.suggestion ? CLASSIFICATION_LABELS[suggestion.suggestion] : "No suggestion"}
              </p>
              <ul className="rationale">
                {suggestion.rationale.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              {suggestion.warnings.map((w) => (
                <p key={w} className="alert warn" role="note">{w}</p>
              ))}
            </div>
          </section>
          <div className="field">
            <label htmlFor="ep-classification">Your classification</label>
            <p className="hint" id="ep-classification-hint">A label that differs from the suggestion marks the episode for review.</p>
            <select id="ep-classification" name="classification" value={classification} onChange={(e) => setClassification(e.target.value)} {...errorProps("ep-classification", f.classification, "ep-classification-hint")}>
              <option value="">Not labelled</option>
              {CLASSIFICATIONS.map((c) => (
                <option key={c} value={c}>{CLASSIFICATION_LABELS[c]}</option>
              ))}
            </select>
            <FieldError id="ep-classification" error={f.classification} />
          </div>
        </aside>
      </div>
      <div className="field">
        <label htmlFor="ep-notes">Notes</label>
        <LimitedTextArea id="ep-notes" name="notes" max={TEXT_LIMITS.notes} defaultValue={values.notes} error={f.notes} />
        <FieldError id="ep-notes" error={f.notes} />
      </div>
      <button className="btn" type="submit" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}
