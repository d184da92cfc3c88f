"use client";
import { useState } from "react";

/**
 * The report's options: period and sections. Submits a GET to the PDF route (opening in a new
 * tab); checks the obvious mistakes here first so the clinician is not sent to an error page.
 */
export function ReportForm({
  action,
  sections,
  defaults,
}: {
  action: string;
  sections: { id: string; label: string; hint: string }[];
  defaults: { from: string; to: string };
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  function check(event: React.FormEvent<HTMLFormElement>) {
    const form = new FormData(event.currentTarget);
    const from = String(form.get("from") ?? "");
    const to = String(form.get("to") ?? "");
    const next: Record<string, string> = {};
    if (from && to && to < from) next.to = "The end date is before the start date";
    if (form.getAll("sections").length === 0) next.sections = "Choose at least one section";
    setErrors(next);
    if (Object.keys(next).length) event.preventDefault();
  }
  return (
    <form action={action} method="get" target="_blank" onSubmit={check} noValidate>
      <fieldset>
        <legend>Period</legend>
        <p className="muted" style={{ marginTop: 0 }}>Calendar days on the clinic&apos;s clock, both included. Leave both empty for the last 90 days.</p>
        <div className="toolbar">
          <div>
            <label htmlFor="report-from">From</label>
            <input id="report-from" name="from" type="date" defaultValue={defaults.from} />
          </div>
          <div>
            <label htmlFor="report-to">To</label>
            <input id="report-to" name="to" type="date" defaultValue={defaults.to} aria-invalid={errors.to ? true : undefined} aria-describedby={errors.to ? "report-to-error" : undefined} />
            {errors.to && <p id="report-to-error" className="error-text">{errors.to}</p>}
          </div>
        </div>
      </fieldset>
      <fieldset aria-describedby={errors.sections ? "report-sections-error" : undefined}>
        <legend>Sections</legend>
        <div className="checks">
          {sections.map((s) => (
            <label key={s.id} title={s.hint}>
              <input type="checkbox" name="sections" value={s.id} defaultChecked /> {s.label}
            </label>
          ))}
        </div>
        {errors.sections && <p id="report-sections-error" className="error-text">{errors.sections}</p>}
      </fieldset>
      <p className="sr-only" aria-live="polite">{Object.values(errors).join(". ")}</p>
      <button type="submit" className="btn">Create PDF</button>{" "}
      <span className="muted">Opens in a new tab; the export is recorded in the audit log.</span>
    </form>
  );
}
