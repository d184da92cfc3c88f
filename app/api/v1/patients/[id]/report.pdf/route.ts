import { getPatientReport } from "@/lib/features/exports/data";
import { exportRoute, fileResponse, queryInput } from "@/lib/http/export-route";
import { buildReportPdf } from "@/lib/features/exports/report-pdf";
import { patientExportFileName } from "@/lib/core/file-names";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/report.pdf?from=&to=&sections=: the patient report (EXPORT_PDF). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const data = await getPatientReport(actor, id, queryInput(new URL(request.url).searchParams));
  const pdf = await buildReportPdf(data);
  const filename = patientExportFileName(data.patient.mrn, "report", data.producedAt, data.timeZone);
  return fileResponse(pdf, { filename, contentType: "application/pdf", inline: true });
});
