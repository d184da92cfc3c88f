import { diaryRoute } from "@/lib/http/api/diary";
import { json } from "@/lib/http/api/handler";
import { diaryEntryJson } from "@/lib/http/api/serialize";
import { listDiaryEntries, submitDiaryEntry } from "@/lib/features/diary/data";

export const dynamic = "force-dynamic";

/** POST /api/diary/{token}/episodes: 201 with the entry; a repeated Idempotency-Key answers the first entry. */
export const POST = diaryRoute(async ({ token, body, idempotencyKey, ip }) => {
  const { entry, replayed } = await submitDiaryEntry(token, body, { ip, idempotencyKey });
  return json(diaryEntryJson(entry), replayed ? 200 : 201);
});

/** GET /api/diary/{token}/episodes: the patient's diary entries, newest first, at most 50. */
export const GET = diaryRoute(async ({ token, ip }) => {
  const { entries } = await listDiaryEntries(token, { ip });
  return json({ items: entries.map(diaryEntryJson) });
});
