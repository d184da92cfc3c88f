import { exportPatientEpisodesCsv } from "@/lib/data/exports";
import { csvResponse, exportRoute, queryInput } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/episodes.csv?from=&to=: one patient's episodes, streamed (EXPORT_CSV). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) =>
  csvResponse(await exportPatientEpisodesCsv(actor, id, queryInput(new URL(request.url).searchParams)), "patient episodes.csv"),
);
