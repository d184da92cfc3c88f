import { apiRoute, json } from "@/lib/http/api/handler";
import { parseStrictQuery } from "@/lib/http/api/query";
import { assessmentJson } from "@/lib/http/api/serialize";
import { getAssessment } from "@/lib/features/assessment/data";
import { asOfSchema } from "@/lib/features/assessment/schema";
import { z } from "zod";

export const dynamic = "force-dynamic";

const assessmentQuerySchema = z.object({ asOf: asOfSchema });

/** GET /api/v1/patients/{id}/assessment?asOf=: red flags and the differential checklist. */
export const GET = apiRoute<{ id: string }>(async (_request, { params, query }, actor) => {
  const { asOf } = parseStrictQuery(assessmentQuerySchema, ["asOf"], query);
  return json(assessmentJson(await getAssessment(actor, params.id, (asOf as Date | undefined) ?? new Date())));
});
