"use client";
import { useState } from "react";
import type { ImportPreview, ImportProgress, ImportResult } from "@/lib/features/import/data";

interface Props {
  clinics: { id: string; name: string }[];
  maxFileBytes: number;
}

const count = new Intl.NumberFormat("en-GB");
const n = (x: number) => count.format(x);
const ACTION_WORDS = { create: "Create", update: "Update", unchanged: "Unchanged", refuse: "Refused" } as const;

type Phase = "idle" | "checking" | "importing" | "downloading";

/** The file picker, the dry run's table, the import's progress bar and the refused rows download. */
export function ImportForm({ clinics, maxFileBytes }: Props) {
  const [clinicId, setClinicId] = useState(clinics.length === 1 ? clinics[0].id : "");
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  const reset = () => {
    setPreview(null);
    setResult(null);
    setProgress(null);
    setError(null);
  };

  /** The request body, or null (with the error shown) when the form is not complete. */
  async function body(): Promise<string | null> {
    const fields: Record<string, string> = {};
    if (!clinicId) fields.clinicId = "Choose the clinic";
    if (!file) fields.file = "Choose a CSV or FHIR JSON file";
    else if (file.size > maxFileBytes) fields.file = `The file is ${(file.size / 1048576).toFixed(1)} MB; the import takes at most ${n(maxFileBytes / 1048576)} MB`;
    if (Object.keys(fields).length) {
      setError({ message: "Please correct the highlighted fields.", fields });
      return null;
    }
    return JSON.stringify({ clinicId, content: await file!.text() });
  }

  async function post(path: string, payload: string): Promise<Response | null> {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: payload });
    if (response.ok) return response;
    const answer = await response.json().catch(() => null);
    const e = answer?.error;
    setError({ message: e?.message ?? "Something went wrong and nothing was saved. Please try again.", fields: e?.fields ?? {} });
    return null;
  }

  async function check() {
    reset();
    const payload = await body();
    if (!payload) return;
    setPhase("checking");
    try {
      const response = await post("/admin/import/preview", payload);
      if (response) setPreview(await response.json());
    } finally {
      setPhase("idle");
    }
  }

  async function runImport() {
    const payload = await body();
    if (!payload) return;
    setResult(null);
    setError(null);
    setPhase("importing");
    try {
      const response = await post("/admin/import/run", payload);
      if (!response?.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          if (!line.trim()) continue;
          const event = JSON.parse(line);
          if (event.type === "progress") setProgress(event);
          else if (event.type === "done") setResult(event.result);
          else if (event.type === "error") setError({ message: event.message, fields: {} });
        }
      }
    } catch {
      setError({ message: "The connection was lost during the import. Batches already saved stay saved; check the file again to see what is left.", fields: {} });
    } finally {
      setPhase("idle");
    }
  }

  async function downloadRefused() {
    const payload = await body();
    if (!payload) return;
    setPhase("downloading");
    try {
      const response = await post("/admin/import/refused", payload);
      if (!response) return;
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = "refused-patient-rows.csv";
      a.click();
      URL.revokeObjectURL(url);
    } finally {
      setPhase("idle");
    }
  }

  const busy = phase !== "idle";
  const fieldError = (name: string) =>
    error?.fields[name] ? (
      <span className="error-text" id={`${name}-error`} role="alert">
        {error.fields[name]}
      </span>
    ) : null;

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 className="card-title" id="import-title">Import a file</h2>
      <div className="field">
        <label htmlFor="import-clinic">Clinic</label>
        <select
          id="import-clinic"
          value={clinicId}
          onChange={(e) => {
            setClinicId(e.target.value);
            reset();
          }}
          aria-invalid={!!error?.fields.clinicId}
          aria-describedby={error?.fields.clinicId ? "clinicId-error" : undefined}
          disabled={busy}
        >
          {clinics.length > 1 && <option value="">Choose the clinic</option>}
          {clinics.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        {fieldError("clinicId")}
      </div>
      <div className="field">
        <label htmlFor="import-file">File (CSV, or FHIR R4 Bundle as JSON)</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,.json,text/csv,application/json,application/fhir+json"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            reset();
          }}
          aria-invalid={!!error?.fields.file}
          aria-describedby={error?.fields.file ? "file-error" : undefined}
          disabled={busy}
        />
        {fieldError("file")}
      </div>
      <p>
        <button type="button" className="btn secondary" onClick={check} disabled={busy}>
          {phase === "checking" ? "Checking…" : "Check the file (dry run)"}
        </button>{" "}
        <button type="button" className="btn" onClick={runImport} disabled={busy || !preview || preview.created + preview.updated === 0}>
          {phase === "importing" ? "Importing…" : "Import"}
        </button>{" "}
        {preview && preview.refused > 0 && (
          <button type="button" className="btn secondary" onClick={downloadRefused} disabled={busy}>
            {phase === "downloading" ? "Preparing…" : `Download the ${preview.refused === 1 ? "refused row" : `${n(preview.refused)} refused rows`} (CSV)`}
          </button>
        )}
      </p>
      <div aria-live="polite">
        {error && (
          <p className="alert error" role="alert">
            {error.message}
          </p>
        )}
        {phase === "importing" && progress && (
          <p>
            <progress value={progress.done} max={Math.max(progress.total, 1)} aria-label="Import progress" /> {n(progress.done)} of {n(progress.total)} rows
            (batch {n(progress.batch)} of {n(progress.batches)} saved)
          </p>
        )}
        {result && <ResultSummary result={result} />}
      </div>
      {preview && <PreviewTable preview={preview} />}
    </section>
  );
}

function ResultSummary({ result }: { result: ImportResult }) {
  const counts = `${n(result.created)} created, ${n(result.updated)} updated, ${n(result.unchanged)} unchanged, ${n(result.refused)} refused of ${n(result.rows)} rows`;
  if (result.failure)
    return (
      <p className="alert error" role="alert">
        The import stopped at batch {n(result.failure.batch)} of {n(result.batches)} (rows {n(result.failure.firstRow)} to {n(result.failure.lastRow)}):{" "}
        {result.failure.message} That batch saved nothing; the {n(result.committedBatches)} batches before it were saved ({counts}). Import the file
        again to finish.
      </p>
    );
  return (
    <p className="alert ok" role="status">
      Import finished: {counts}.
    </p>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  const rowWord = preview.format === "csv" ? "Row" : "Entry";
  return (
    <>
      <h3>Dry run: nothing has been saved</h3>
      <p>
        {n(preview.rows)} {preview.format === "csv" ? "rows" : "Patient entries"}: {n(preview.created)} to create, {n(preview.updated)} to update,{" "}
        {n(preview.unchanged)} unchanged, {n(preview.refused)} refused
        {preview.skipped > 0 && <> ({n(preview.skipped)} {preview.format === "csv" ? "blank rows" : "entries that are not Patient resources"} skipped)</>}.
        {preview.listed.length < preview.rows && <> The first {n(preview.listed.length)} are listed; the refused rows download has every refused row.</>}
      </p>
      <div className="table-wrap">
        <table className="data">
          <caption className="sr-only">What the import would do with each row</caption>
          <thead>
            <tr>
              <th scope="col">{rowWord}</th>
              <th scope="col">Patient</th>
              <th scope="col">MRN</th>
              <th scope="col">Would be</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {preview.listed.map((r) => (
              <tr key={r.row}>
                <td>{n(r.row)}</td>
                <td>{r.name || <span className="muted">no name</span>}</td>
                <td>{r.mrn || <span className="muted">none</span>}</td>
                <td>{ACTION_WORDS[r.action]}</td>
                <td>{r.reasons ?? (r.changes ? `Changes: ${r.changes.join(", ")}` : "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
