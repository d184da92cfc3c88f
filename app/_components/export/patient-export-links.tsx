import Link from "next/link";
import { CsvDownload } from "./csv-download";

/**
 * The patient page's export panel: the report (with its options), the handout, the FHIR bundle
 * and the episodes as CSV. Every export is recorded in the audit log.
 */
export function PatientExportLinks({ patientId }: { patientId: string }) {
  const id = encodeURIComponent(patientId);
  return (
    <section className="card" aria-labelledby="exports-title">
      <h2 id="exports-title" className="card-title">Reports and exports</h2>
      <ul className="tight link-list">
        <li><Link href={`/patients/${id}/report`}>Patient report (PDF)…</Link> <span className="muted">choose the period and sections</span></li>
        <li><Link href={`/patients/${id}/handout`}>Patient handout</Link> (<a href={`/api/v1/patients/${id}/handout.pdf`} target="_blank" rel="noopener">PDF</a>)</li>
        <li><a href={`/api/v1/patients/${id}/fhir`} download>FHIR R4 bundle (JSON)</a></li>
      </ul>
      <CsvDownload href={`/api/v1/patients/${id}/episodes.csv`} label="Episodes (CSV)" fallbackName={`episodes-${patientId}.csv`} />
    </section>
  );
}
