import type { Metadata } from "next";
import { requireActor } from "@/lib/http/session";
import { CsvDownload } from "@/app/_components/export/csv-download";
import { EpisodesExportForm } from "@/app/_components/export/episodes-export-form";

export const metadata: Metadata = { title: "Exports" };

export default async function ExportsPage() {
  await requireActor();
  return (
    <>
      <h1>Exports</h1>
      <p className="muted">
        Spreadsheet files (CSV, UTF-8) of everything you may see in your clinics. Large exports stream: progress is shown as the
        rows arrive. Every export is recorded in the audit log with your name, what was exported and the period.
      </p>
      <section className="card" aria-labelledby="episodes-export">
        <h2 id="episodes-export" className="card-title">Episodes</h2>
        <p>Every episode of every patient, oldest first, with the patient&apos;s name and MRN. Leave the dates empty for all episodes.</p>
        <EpisodesExportForm />
      </section>
      <section className="card" aria-labelledby="patients-export">
        <h2 id="patients-export" className="card-title">Patients</h2>
        <p>The patient list with every column it shows, the problem list and current medications.</p>
        <CsvDownload href="/api/v1/export/patients.csv" label="Export patients (CSV)" fallbackName="patients.csv" />
      </section>
    </>
  );
}
