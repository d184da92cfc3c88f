import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as links from "@/app/api/v1/patients/[id]/diary-links/route";
import * as diaryEpisodes from "@/app/api/diary/[token]/episodes/route";
import { createPatient } from "@/lib/features/patients/data";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
let clinician: string;

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "DIARY-1" }))).id;
  clinician = await tokenFor(world.actors.clinician);
});

const entry = (overrides: Record<string, unknown> = {}) => ({
  occurredAt: new Date(Date.now() - 3600_000).toISOString(),
  durationSeconds: 60,
  side: "LEFT",
  movement: "SUSTAINED_CONTRACTION",
  painScore: 6,
  ...overrides,
});

describe("patient diary (smoke)", () => {
  it("a link's token adds an episode reported by the patient, awaiting review; a repeat key creates nothing", async () => {
    const made = await call(links.POST, "POST", `/api/v1/patients/${patientId}/diary-links`, { token: clinician, body: { language: "es" }, params: { id: patientId } });
    expect(made.status).toBe(201);
    const token = made.json.token as string;
    expect(made.json.url).toContain(`/diary/${token}`);
    const stored = await db.diaryLink.findUniqueOrThrow({ where: { id: made.json.id } });
    expect(stored.tokenHash).not.toContain(token);
    const send = (body: unknown, key = "key-00000001") =>
      call(diaryEpisodes.POST, "POST", `/api/diary/${token}/episodes`, { body, params: { token }, headers: { "idempotency-key": key } });
    const first = await send(entry({ classification: "CLONIC" }));
    expect(first.status).toBe(201);
    const again = await send(entry({ classification: "CLONIC" }));
    expect(again.json.id).toBe(first.json.id);
    const episode = await db.episode.findUniqueOrThrow({ where: { id: first.json.id } });
    expect({ source: episode.source, classification: episode.classification, needsReview: episode.needsReview, suggested: episode.suggestedClassification }).toEqual({
      source: "PATIENT", classification: null, needsReview: true, suggested: "TONIC",
    });
    const bad = await send(entry({ painScore: 11 }), "key-00000002");
    expectError(bad, 400, "VALIDATION");
    expect(bad.json.error.fields.painScore).toMatch(/dolor/);
    const unknown = await call(diaryEpisodes.GET, "GET", `/api/diary/cd_nope/episodes`, { params: { token: "cd_nope" } });
    expectError(unknown, 404, "NOT_FOUND");
    const read = await call(diaryEpisodes.GET, "GET", `/api/diary/${token}/episodes`, { params: { token } });
    expect(read.json.items.map((e: { id: string }) => e.id)).toEqual([first.json.id]);
  });
});
