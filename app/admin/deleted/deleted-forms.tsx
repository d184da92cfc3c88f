"use client";
import { useActionState, useState } from "react";
import { initialFormState } from "@/lib/core/form-state";
import { errorProps, FieldError, FormAlert } from "../../_components/field";
import { LimitedTextArea } from "../../_components/limited-text";
import { PURGE_REASON_MIN_LENGTH, TEXT_LIMITS } from "@/lib/core/validation/text-limits";
import { purgeAction, restoreAction } from "./actions";

export function RestoreButton({ kind, id, label, blockedReason }: { kind: "patient" | "visit" | "episode"; id: string; label: string; blockedReason?: string }) {
  const [state, action, pending] = useActionState(restoreAction, initialFormState);
  return (
    <form action={action} style={{ margin: 0 }}>
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="id" value={id} />
      <button className="btn small secondary" type="submit" disabled={pending || !!blockedReason} aria-label={label} title={blockedReason}>
        {pending ? "Restoring…" : "Restore"}
      </button>
      {blockedReason && <p className="hint muted" style={{ margin: ".25rem 0 0" }}>{blockedReason}</p>}
      <div aria-live="polite">{state.status === "error" && <p className="error-text" role="alert">{state.message}</p>}</div>
    </form>
  );
}

/** Legal erasure: a reason, and the MRN typed again, before anything is sent. */
export function PurgeForm({ patient }: { patient: { id: string; mrn: string; name: string } }) {
  const [state, action, pending] = useActionState(purgeAction, initialFormState);
  const [typed, setTyped] = useState("");
  const f = state.fields ?? {};
  const id = `purge-${patient.id}`;
  const reasonDefault = state.status === "error" ? String(state.values?.reason ?? "") : "";
  return (
    <details className="purge">
      <summary>Purge…</summary>
      <form
        action={action}
        key={state.submission ?? 0}
        noValidate
        style={{ marginTop: ".5rem", maxWidth: "28rem" }}
        onSubmit={(e) => {
          if (!window.confirm(`Erase ${patient.name} (${patient.mrn}) and all their records permanently? This cannot be undone.`)) e.preventDefault();
        }}
      >
        <p className="alert warn" style={{ marginBottom: ".5rem" }}>
          Permanently erases this patient with every visit, lab result, episode and checklist entry. The audit log keeps its rows (by patient id) and records the purge. Backups made before still hold the patient until they expire.
        </p>
        <FormAlert status={state.status} message={state.message} fields={state.fields} />
        <input type="hidden" name="patientId" value={patient.id} />
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <p className="hint" id={`${id}-reason-hint`}>At least {PURGE_REASON_MIN_LENGTH} characters, e.g. the erasure request&apos;s reference. No patient details.</p>
          <LimitedTextArea id={`${id}-reason`} name="reason" rows={2} minLength={PURGE_REASON_MIN_LENGTH} max={TEXT_LIMITS.purgeReason} required defaultValue={reasonDefault} error={f.reason} hintId={`${id}-reason-hint`} />
          <FieldError id={`${id}-reason`} error={f.reason} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-mrn`}>Type the MRN <strong>{patient.mrn}</strong> to confirm</label>
          <input id={`${id}-mrn`} name="confirmMrn" type="text" autoComplete="off" required value={typed} onChange={(e) => setTyped(e.target.value)} {...errorProps(`${id}-mrn`, f.confirmMrn)} />
          <FieldError id={`${id}-mrn`} error={f.confirmMrn} />
        </div>
        <button className="btn danger" type="submit" disabled={pending || typed.trim() !== patient.mrn}>
          {pending ? "Purging…" : "Purge permanently"}
        </button>
      </form>
    </details>
  );
}
