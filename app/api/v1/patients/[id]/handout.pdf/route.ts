import { getHandout } from "@/lib/data/exports";
import { buildHandoutPdf } from "@/lib/export/handout";
import { exportRoute, fileResponse, queryInput } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/handout.pdf: the patient handout (EXPORT_HANDOUT). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const data = await getHandout(actor, id, "pdf", queryInput(new URL(request.url).searchParams));
  return fileResponse(await buildHandoutPdf(data), { filename: `handout-${id}.pdf`, contentType: "application/pdf", inline: true });
});
