import { getHandout } from "@/lib/features/exports/data";
import { buildHandoutPdf } from "@/lib/features/exports/handout-pdf";
import { exportRoute, fileResponse, queryInput } from "@/lib/http/export-route";
import { patientExportFileName } from "@/lib/core/file-names";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/handout.pdf: the patient handout (EXPORT_HANDOUT). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const data = await getHandout(actor, id, "pdf", queryInput(new URL(request.url).searchParams));
  const filename = patientExportFileName(data.patient.mrn, "handout", data.producedAt, data.timeZone);
  return fileResponse(await buildHandoutPdf(data), { filename, contentType: "application/pdf", inline: true });
});
