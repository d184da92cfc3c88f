import { apiRoute, json } from "@/lib/http/api/handler";
import { publicUrl } from "@/lib/http/public-url";
import { createDiaryLink, listDiaryLinks } from "@/lib/features/diary/data";

export const dynamic = "force-dynamic";

/** POST /api/v1/patients/{id}/diary-links: 201 {id, url, token, expiresAt}; the token appears only here. */
export const POST = apiRoute<{ id: string }>(async (request, { params, body }, actor) => {
  const link = await createDiaryLink(actor, params.id, body);
  return json({ id: link.id, url: publicUrl(link.path, request.url), token: link.token, expiresAt: link.expiresAt, language: link.language }, 201);
}, { bodyOptional: true });

/** GET /api/v1/patients/{id}/diary-links: the patient's links, without tokens. */
export const GET = apiRoute<{ id: string }>(async (_request, { params }, actor) => {
  const links = await listDiaryLinks(actor, params.id);
  return json({
    items: links.map((l) => ({
      id: l.id,
      language: l.language,
      createdAt: l.createdAt,
      expiresAt: l.expiresAt,
      revokedAt: l.revokedAt,
      lastUsedAt: l.lastUsedAt,
      entries: l.entries,
      active: l.active,
    })),
  });
});
