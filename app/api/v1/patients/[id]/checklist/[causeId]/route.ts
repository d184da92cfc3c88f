import { apiRoute, json } from "@/lib/http/api/handler";
import { setChecklistStatus } from "@/lib/features/assessment/data";

export const dynamic = "force-dynamic";

/** PUT /api/v1/patients/{id}/checklist/{causeId}: `status`, `note`, `version` (0 for an item never set). */
export const PUT = apiRoute<{ id: string; causeId: string }>(async (_request, { params, body }, actor) =>
  json(await setChecklistStatus(actor, params.id, params.causeId, body)),
);
