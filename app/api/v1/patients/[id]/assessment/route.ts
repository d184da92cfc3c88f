import { apiRoute, json } from "@/lib/api/handler";
import { parseStrictQuery } from "@/lib/api/query";
import { assessmentJson } from "@/lib/api/serialize";
import { getAssessment } from "@/lib/data/assessment";
import { asOfSchema } from "@/lib/validation/checklist";
import { z } from "zod";

export const dynamic = "force-dynamic";

const assessmentQuerySchema = z.object({ asOf: asOfSchema });

/** GET /api/v1/patients/{id}/assessment?asOf=: red flags and the differential checklist. */
export const GET = apiRoute<{ id: string }>(async (_request, { params, query }, actor) => {
  const { asOf } = parseStrictQuery(assessmentQuerySchema, ["asOf"], query);
  return json(assessmentJson(await getAssessment(actor, params.id, (asOf as Date | undefined) ?? new Date())));
});
