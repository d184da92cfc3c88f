import { apiRoute, json } from "@/lib/http/api/handler";
import { visitJson } from "@/lib/http/api/serialize";
import { createVisit } from "@/lib/features/visits/data";

export const dynamic = "force-dynamic";

/** POST /api/v1/patients/{id}/visits: 201 with the visit and its labs. */
export const POST = apiRoute<{ id: string }>(async (_request, { params, body, idempotencyKey }, actor) =>
  json(visitJson(await createVisit(actor, params.id, body, { idempotencyKey })), 201),
);
