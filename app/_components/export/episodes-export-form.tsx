"use client";
import { useState } from "react";
import { CsvDownload } from "./csv-download";

/** The clinic-wide episodes export with an optional period (clinic-local calendar days). */
export function EpisodesExportForm() {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const backwards = !!from && !!to && to < from;
  const query = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
  return (
    <div>
      <div className="toolbar">
        <div>
          <label htmlFor="export-from">From</label>
          <input id="export-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div>
          <label htmlFor="export-to">To</label>
          <input id="export-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={backwards || undefined} aria-describedby={backwards ? "export-to-error" : undefined} />
        </div>
      </div>
      {backwards ? (
        <p id="export-to-error" className="error-text" role="alert">The end date is before the start date.</p>
      ) : (
        <CsvDownload key={query} href={`/api/v1/export/episodes.csv${query ? `?${query}` : ""}`} label="Export episodes (CSV)" fallbackName="episodes.csv" />
      )}
    </div>
  );
}
