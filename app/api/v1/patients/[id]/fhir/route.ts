import { getFhirExportData } from "@/lib/features/exports/data";
import { buildPatientBundle } from "@/lib/features/exports/fhir";
import { exportRoute, fileResponse, queryInput } from "@/lib/http/export-route";
import { patientExportFileName } from "@/lib/core/file-names";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id}/fhir: the patient as a FHIR R4 Bundle of type collection (EXPORT_FHIR). */
export const GET = exportRoute<{ id: string }>(async (request, { id }, actor) => {
  const data = await getFhirExportData(actor, id, queryInput(new URL(request.url).searchParams));
  const bundle = buildPatientBundle(data);
  return fileResponse(new TextEncoder().encode(JSON.stringify(bundle)), {
    filename: patientExportFileName(data.patient.mrn, "fhir", data.generatedAt, data.timeZone),
    contentType: "application/fhir+json; charset=utf-8",
  });
});
