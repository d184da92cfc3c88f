import { exportPatientEpisodesCsv } from "@/lib/features/exports/data";
import { csvResponse, exportRoute, queryInput } from "@/lib/http/export-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/episodes.csv?from=&to=: one patient's episodes, streamed (EXPORT_CSV). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) =>
  csvResponse(await exportPatientEpisodesCsv(actor, id, queryInput(new URL(request.url).searchParams)), "patient episodes.csv"),
);
