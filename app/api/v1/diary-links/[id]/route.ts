import { apiRoute } from "@/lib/http/api/handler";
import { revokeDiaryLink } from "@/lib/features/diary/data";

export const dynamic = "force-dynamic";

/** DELETE /api/v1/diary-links/{id}: 204; the link stops working at once. */
export const DELETE = apiRoute<{ id: string }>(async (_request, { params }, actor) => {
  await revokeDiaryLink(actor, params.id);
  return new Response(null, { status: 204 });
});
