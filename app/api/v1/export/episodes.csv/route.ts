import { exportEpisodesCsv } from "@/lib/features/exports/data";
import { csvResponse, exportRoute, queryInput } from "@/lib/http/export-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/export/episodes.csv?from=&to=: every episode the caller may see, streamed (EXPORT_CSV). */
export const GET = exportRoute(async (request, _params, actor) =>
  csvResponse(await exportEpisodesCsv(actor, queryInput(new URL(request.url).searchParams)), "episodes.csv"),
);
