import { getFhirExportData } from "@/lib/features/exports/data";
import { buildPatientBundle } from "@/lib/features/exports/fhir";
import { exportRoute, queryInput } from "@/lib/http/export-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/fhir: the patient as a FHIR R4 Bundle of type collection (EXPORT_FHIR). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const bundle = buildPatientBundle(await getFhirExportData(actor, id, queryInput(new URL(request.url).searchParams)));
  return new Response(JSON.stringify(bundle), {
    headers: {
      "Content-Type": "application/fhir+json; charset=utf-8",
      "Content-Disposition": `attachment; filename="patient-${id.replace(/[^A-Za-z0-9_-]/g, "_")}.fhir.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
