import { exportPatientsCsv } from "@/lib/features/exports/data";
import { csvResponse, exportRoute, queryInput } from "@/lib/http/export-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/export/patients.csv?q=: the patient list (or its search), streamed (EXPORT_CSV). */
export const GET = exportRoute(async (request, _params, actor) =>
  csvResponse(await exportPatientsCsv(actor, queryInput(new URL(request.url).searchParams)), "patients.csv"),
);
