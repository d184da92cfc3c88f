import { exportPatientsCsv } from "@/lib/data/exports";
import { csvResponse, exportRoute, queryInput } from "@/lib/export/http";

export const dynamic = "force-dynamic";

/** GET /api/v1/export/patients.csv?q=: the patient list (or its search), streamed (EXPORT_CSV). */
export const GET = exportRoute(async (request, _params, actor) =>
  csvResponse(await exportPatientsCsv(actor, queryInput(new URL(request.url).searchParams)), "patients.csv"),
);
