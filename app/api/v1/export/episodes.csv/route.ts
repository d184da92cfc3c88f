import { exportEpisodesCsv } from "@/lib/data/exports";
import { csvResponse, exportRoute, queryInput } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** GET /api/v1/export/episodes.csv?from=&to=: every episode the caller may see, streamed (EXPORT_CSV). */
export const GET = exportRoute(async (request, _params, actor) =>
  csvResponse(await exportEpisodesCsv(actor, queryInput(new URL(request.url).searchParams)), "episodes.csv"),
);
