import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { loadReportPage } from "@/lib/features/exports/loaders";
import { REPORT_SECTION_LABELS, REPORT_SECTIONS, type ReportSection } from "@/lib/features/exports/schema";
import { CsvDownload } from "@/app/_components/export/csv-download";
import { ReportForm } from "@/app/_components/export/report-form";

export const metadata: Metadata = { title: "Patient report" };

const HINTS: Record<ReportSection, string> = {
  patient: "Name, date of birth, problem list, medications",
  period: "The dates covered and the clinic's time zone",
  summary: "Episodes by type, mean pain, mean duration, red-flag count",
  charts: "Episodes per week, by type and by time of day",
  episodes: "Every episode, grouped by type, with suggested codes",
  redFlags: "Red flags at the end of the period, with evidence and advice",
  checklist: "The differential checklist with statuses and notes",
  producedBy: "Your name and when the report was made",
};

export default async function ReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const { patient, defaults } = await pageData(loadReportPage(actor, id));
  const base = `/api/v1/patients/${encodeURIComponent(id)}`;
  return (
    <>
      <p><Link href={`/patients/${id}/reports`}>← Reports</Link></p>
      <h1>Patient report</h1>
      <p>
        A PDF for {patient.familyName}, {patient.givenName} (MRN {patient.mrn}) that prints well in black and white.
      </p>
      <section className="card" aria-labelledby="report-options">
        <h2 id="report-options" className="card-title">Options</h2>
        <ReportForm action={`${base}/report.pdf`} defaults={defaults} sections={REPORT_SECTIONS.map((s) => ({ id: s, label: REPORT_SECTION_LABELS[s], hint: HINTS[s] }))} />
      </section>
      <section className="card" aria-labelledby="other-exports">
        <h2 id="other-exports" className="card-title">Other exports</h2>
        <ul className="tight link-list">
          <li><Link href={`/patients/${id}/handout`}>Patient handout</Link> (<a href={`${base}/handout.pdf`} target="_blank" rel="noopener">PDF</a>)</li>
          <li><a href={`${base}/fhir`} download>FHIR R4 bundle (JSON)</a></li>
        </ul>
        <CsvDownload href={`${base}/episodes.csv`} label="All episodes (CSV)" fallbackName={`episodes-${id}.csv`} />
      </section>
    </>
  );
}
