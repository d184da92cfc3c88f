"use client";
import { useEffect, useRef, useState } from "react";

/**
 * Downloads a streamed CSV export with visible progress: reads the response batch by batch,
 * counts records and bytes as they arrive (against the X-Total-Rows the server recorded), then
 * saves the file. Screen readers hear the progress every few seconds, not on every batch.
 */
type State =
  | { phase: "idle" }
  | { phase: "running"; rows: number; bytes: number; total: number | null }
  | { phase: "done"; rows: number; bytes: number; filename: string }
  | { phase: "cancelled" }
  | { phase: "error"; message: string };

const ANNOUNCE_EVERY_MS = 3000;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const fmt = (n: number) => n.toLocaleString("en-GB");

/** The name the server gave: its UTF-8 `filename*` (an MRN in any script) if there is one, else the ASCII `filename`. */
function filenameOf(response: Response, fallback: string): string {
  const header = response.headers.get("content-disposition") ?? "";
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // A malformed escape: the plain name below.
    }
  }
  return /filename="([^"]+)"/.exec(header)?.[1] ?? fallback;
}

/** Counts record ends (LF outside quotes) across chunks: a quoted line break is not a new row. */
function recordCounter() {
  let inQuotes = false;
  return (bytes: Uint8Array): number => {
    let n = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x22) inQuotes = !inQuotes;
      else if (b === 0x0a && !inQuotes) n++;
    }
    return n;
  };
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string; fields?: Record<string, string> } };
    const fields = Object.entries(body.error?.fields ?? {})
      .filter(([k]) => k !== "_form")
      .map(([k, v]) => `${k}: ${v}`);
    return [body.error?.message, ...fields].filter(Boolean).join(" ") || `The export failed (${response.status}).`;
  } catch {
    return `The export failed (${response.status}).`;
  }
}

export function CsvDownload({ href, label, fallbackName = "export.csv" }: { href: string; label: string; fallbackName?: string }) {
  const [state, setState] = useState<State>({ phase: "idle" });
  const [announcement, setAnnouncement] = useState("");
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  async function start() {
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: "running", rows: 0, bytes: 0, total: null });
    setAnnouncement("Export started.");
    try {
      const response = await fetch(href, { signal: controller.signal, credentials: "same-origin", cache: "no-store" });
      if (!response.ok || !response.body) {
        setState({ phase: "error", message: await errorMessage(response) });
        return;
      }
      const totalHeader = response.headers.get("x-total-rows");
      const total = totalHeader === null ? null : Number(totalHeader);
      const reader = response.body.getReader();
      const count = recordCounter();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let records = 0;
      let bytes = 0;
      let lastAnnounce = Date.now();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value as Uint8Array<ArrayBuffer>);
        bytes += value.byteLength;
        records += count(value);
        const rows = Math.max(0, records - 1); // less the header line
        setState({ phase: "running", rows, bytes, total });
        if (Date.now() - lastAnnounce > ANNOUNCE_EVERY_MS) {
          lastAnnounce = Date.now();
          setAnnouncement(`${fmt(rows)}${total !== null ? ` of ${fmt(total)}` : ""} rows received.`);
        }
      }
      const rows = Math.max(0, records - 1);
      const filename = filenameOf(response, fallbackName);
      const url = URL.createObjectURL(new Blob(chunks, { type: "text/csv;charset=utf-8" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ phase: "done", rows, bytes, filename });
      setAnnouncement(`Export finished: ${fmt(rows)} rows saved as ${filename}.`);
    } catch (error) {
      if (controller.signal.aborted) {
        setState({ phase: "cancelled" });
        setAnnouncement("Export cancelled.");
      } else {
        setState({ phase: "error", message: "The download was interrupted. Please try again." });
        setAnnouncement("The export failed.");
        console.error(error);
      }
    } finally {
      abort.current = null;
    }
  }

  const running = state.phase === "running";
  return (
    <div className="csv-download">
      <div className="inline">
        <button type="button" className="btn secondary small" onClick={start} disabled={running} aria-disabled={running}>
          {label}
        </button>
        {running && (
          <button type="button" className="btn secondary small" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
      {running && (
        <p className="muted" style={{ margin: ".3rem 0" }}>
          {state.total ? <progress max={state.total} value={state.rows} aria-label={`${label}: progress`} style={{ marginRight: ".5rem" }} /> : null}
          {fmt(state.rows)}
          {state.total !== null ? ` of ${fmt(state.total)}` : ""} rows, {formatBytes(state.bytes)}
        </p>
      )}
      {state.phase === "done" && (
        <p className="muted" style={{ margin: ".3rem 0" }}>
          Saved {state.filename}: {fmt(state.rows)} rows, {formatBytes(state.bytes)}.
        </p>
      )}
      {state.phase === "cancelled" && <p className="muted" style={{ margin: ".3rem 0" }}>Cancelled.</p>}
      {state.phase === "error" && (
        <p className="error-text" role="alert">
          {state.message}
        </p>
      )}
      <p className="sr-only" aria-live="polite" role="status">
        {announcement}
      </p>
    </div>
  );
}
