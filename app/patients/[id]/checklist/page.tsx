import type { Metadata } from "next";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { formatInZone } from "@/lib/core/clinical/time";
import { loadPatientChecklistTab } from "@/lib/features/patients/chart-loaders";
import { AssessmentPanel } from "../assessment-panel";

export const metadata: Metadata = { title: "Checklist" };

/** The Checklist tab: the red flags with their evidence and advice, and the differential checklist. */
export default async function PatientChecklistPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const { header: h, assessment, history, visitOptions } = await pageData(loadPatientChecklistTab(actor, id));
  const visits = visitOptions.map((v) => ({ id: v.id, label: formatInZone(v.occurredAt, h.timeZone) }));
  return <AssessmentPanel patientId={h.id} assessment={assessment} history={history} canWrite={can(actor, "clinical:write")} visits={visits} />;
}
