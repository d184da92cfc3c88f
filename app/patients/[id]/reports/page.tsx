import type { Metadata } from "next";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { loadPatientReportsTab } from "@/lib/features/patients/chart-loaders";
import { loadDiaryLinksPanel } from "@/lib/features/diary/loaders";
import { PatientExportLinks } from "@/app/_components/export/patient-export-links";
import { DiaryLinksTable } from "./diary-links-table";
import { GiveDiaryLinkForm } from "./diary-links";
import { createDiaryLinkAction } from "./diary-actions";

export const metadata: Metadata = { title: "Reports and diary" };

/**
 * The Reports and diary tab: the PDF report (with its options), the handout, the FHIR bundle and
 * the episodes as CSV; and the patient's diary links (give one, see their use, stop one).
 */
export default async function PatientReportsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const { header: h } = await pageData(loadPatientReportsTab(actor, id));
  const panel = await pageData(loadDiaryLinksPanel(actor, id));
  const writer = can(actor, "clinical:write");
  const patientLabel = `${h.givenName} ${h.familyName}, MRN ${h.mrn}`;
  return (
    <>
      <PatientExportLinks patientId={h.id} />
      <section className="card" aria-labelledby="diary-title">
        <h2 id="diary-title" className="card-title">Patient diary</h2>
        <p className="muted" style={{ marginTop: 0 }}>
          A diary link lets the patient record episodes on their phone when they happen, without an account. What they send is
          marked as reported by the patient and waits for a clinician&apos;s review before it counts as labelled.
        </p>
        {writer && (
          <GiveDiaryLinkForm
            action={createDiaryLinkAction.bind(null, h.id)}
            patientId={h.id}
            patientLabel={patientLabel}
            timeZone={h.timeZone}
            defaultDays={panel.defaultDays}
            maxDays={panel.maxDays}
          />
        )}
        <DiaryLinksTable links={panel.links} timeZone={h.timeZone} canStop={writer} />
      </section>
    </>
  );
}
