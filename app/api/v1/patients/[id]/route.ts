import { apiRoute, json } from "@/lib/http/api/handler";
import { patientJson } from "@/lib/http/api/serialize";
import { getPatient, updatePatient } from "@/lib/features/patients/data";

export const dynamic = "force-dynamic";

/** GET /api/v1/patients/{id} */
export const GET = apiRoute<{ id: string }>(async (_request, { params }, actor) => json(patientJson(await getPatient(actor, params.id))));

/** PATCH /api/v1/patients/{id}: any patient field and `version`; 409 when the version is stale. */
export const PATCH = apiRoute<{ id: string }>(async (_request, { params, body }, actor) =>
  json(patientJson(await updatePatient(actor, params.id, body))),
);
