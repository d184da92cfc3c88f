import { apiRoute, json } from "@/lib/api/handler";
import { visitJson } from "@/lib/api/serialize";
import { createVisit } from "@/lib/data/visits";

export const dynamic = "force-dynamic";

/** POST /api/v1/patients/{id}/visits: 201 with the visit and its labs. */
export const POST = apiRoute<{ id: string }>(async (_request, { params, body, idempotencyKey }, actor) =>
  json(visitJson(await createVisit(actor, params.id, body, { idempotencyKey })), 201),
);
