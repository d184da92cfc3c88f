import { apiRoute, json } from "@/lib/http/api/handler";
import { parseStrictQuery } from "@/lib/http/api/query";
import { episodeJson } from "@/lib/http/api/serialize";
import { createEpisode, listEpisodes } from "@/lib/features/episodes/data";
import { episodeListQuerySchema } from "@/lib/features/episodes/schema";

export const dynamic = "force-dynamic";

/** POST /api/v1/patients/{id}/episodes: 201 with the episode, its suggestion, rationale and warnings. */
export const POST = apiRoute<{ id: string }>(async (_request, { params, body, idempotencyKey }, actor) =>
  json(episodeJson(await createEpisode(actor, params.id, body, { idempotencyKey })), 201),
);

/** GET /api/v1/patients/{id}/episodes?from=&to=&limit=&cursor=&type=&review=&sort=&dir= */
export const GET = apiRoute<{ id: string }>(async (_request, { params, query }, actor) => {
  const q = parseStrictQuery(episodeListQuerySchema, ["from", "to", "limit", "cursor", "type", "review", "sort", "dir"], query);
  const page = await listEpisodes(actor, params.id, q);
  return json({ items: page.items.map(episodeJson), nextCursor: page.nextCursor });
});
