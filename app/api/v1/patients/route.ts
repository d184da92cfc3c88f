import { apiRoute, json } from "@/lib/http/api/handler";
import { parseStrictQuery } from "@/lib/http/api/query";
import { patientJson, patientSummaryJson } from "@/lib/http/api/serialize";
import { createPatient, listPatients } from "@/lib/features/patients/data";
import { patientListQuerySchema } from "@/lib/features/patients/schema";

export const dynamic = "force-dynamic";

/** POST /api/v1/patients: 201 with the patient. */
export const POST = apiRoute(async (_request, { body, idempotencyKey }, actor) =>
  json(patientJson(await createPatient(actor, body, { idempotencyKey })), 201),
);

/** GET /api/v1/patients?q=&limit=&cursor=&sort=&dir=: one keyset page. */
export const GET = apiRoute(async (_request, { query }, actor) => {
  const q = parseStrictQuery(patientListQuerySchema, ["q", "limit", "cursor", "sort", "dir"], query);
  const page = await listPatients(actor, q);
  return json({ items: page.items.map(patientSummaryJson), nextCursor: page.nextCursor });
});
