import type { Metadata } from "next";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { loadPatientReportsTab } from "@/lib/features/patients/chart-loaders";
import { PatientExportLinks } from "@/app/_components/export/patient-export-links";

export const metadata: Metadata = { title: "Reports" };

/** The Reports tab: the PDF report (with its options), the handout, the FHIR bundle and the episodes as CSV. */
export default async function PatientReportsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const { header: h } = await pageData(loadPatientReportsTab(actor, id));
  return <PatientExportLinks patientId={h.id} />;
}
