import { apiRoute } from "@/lib/http/api/handler";
import { getHandout } from "@/lib/features/exports/data";
import { buildHandoutPdf, getDiaryHandout } from "@/lib/features/exports/handout-pdf";
import { exportRoute, fileResponse, queryInput } from "@/lib/http/export-route";
import { publicUrl } from "@/lib/http/public-url";
import { patientExportFileName } from "@/lib/core/file-names";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/handout.pdf: the patient handout (EXPORT_HANDOUT), in English, without a diary link. */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const data = await getHandout(actor, id, "pdf", queryInput(new URL(request.url).searchParams));
  const filename = patientExportFileName(data.patient.mrn, "handout", data.producedAt, data.timeZone);
  return fileResponse(await buildHandoutPdf(data), { filename, contentType: "application/pdf", inline: true });
});

/**
 * POST /api/v1/patients/{id}/handout.pdf with `{"token"}`: the handout with that diary link (its QR
 * code, address and end date), in the link's language. The token travels in the body, never in a
 * URL; one that does not open a working link of this patient answers 404.
 */
export const POST = apiRoute<{ id: string }>(async (request, { params, body }, actor) => {
  const { data, link } = await getDiaryHandout(actor, params.id, body);
  const filename = patientExportFileName(data.patient.mrn, "handout", data.producedAt, data.timeZone);
  const pdf = await buildHandoutPdf(data, { language: link.language, diary: { url: publicUrl(link.path, request.url), expiresAt: link.expiresAt } });
  return fileResponse(pdf, { filename, contentType: "application/pdf", inline: true });
});
