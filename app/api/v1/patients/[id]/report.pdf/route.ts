import { getPatientReport } from "@/lib/features/exports/data";
import { exportRoute, fileResponse, queryInput } from "@/lib/http/export-route";
import { buildReportPdf } from "@/lib/features/exports/report-pdf";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/report.pdf?from=&to=&sections=: the patient report (EXPORT_PDF). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const data = await getPatientReport(actor, id, queryInput(new URL(request.url).searchParams));
  const pdf = await buildReportPdf(data);
  return fileResponse(pdf, { filename: `report-${id}-${data.period.from}-to-${data.period.to}.pdf`, contentType: "application/pdf", inline: true });
});
