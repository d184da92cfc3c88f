import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import * as episodes from "@/app/api/v1/patients/[id]/episodes/route";
import { createPatient } from "@/lib/data/patients";
import { createVisit } from "@/lib/data/visits";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
let clinician: string;
let reader: string;
let outsider: string;

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "EPI-1" }))).id;
  [clinician, reader, outsider] = await Promise.all([tokenFor(world.actors.clinician), tokenFor(world.actors.reader), tokenFor(world.actors.outsider)]);
});

const post = (body: unknown, token = clinician, id = patientId, headers: Record<string, string> = {}) =>
  call(episodes.POST, "POST", `/api/v1/patients/${id}/episodes`, { token, body, params: { id }, headers });
const list = (qs: string, token = reader, id = patientId) => call(episodes.GET, "GET", `/api/v1/patients/${id}/episodes${qs}`, { token, params: { id } });

const episode = (overrides: Record<string, unknown> = {}) => ({
  occurredAt: "2026-11-02T23:10:00+01:00",
  durationSeconds: 90,
  side: "LEFT",
  movement: "SUSTAINED_CONTRACTION",
  painScore: 7,
  triggers: ["COLD"],
  duringSleep: true,
  ...overrides,
});

describe("POST /api/v1/patients/{id}/episodes", () => {
  it("201: the episode with suggestedClassification, suggestionRationale, warnings and needsReview", async () => {
    const answer = await post(episode({ classification: "CLONIC", consciousnessImpaired: true }));
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      patientId,
      occurredAt: "2026-11-02T22:10:00.000Z",
      durationSeconds: 90,
      side: "LEFT",
      muscleGroup: "CALF",
      classification: "CLONIC",
      suggestedClassification: "TONIC",
      needsReview: true,
      version: 1,
    });
    expect(answer.json.suggestionRationale).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(answer.json.warnings.join(" ")).toMatch(/neurological/i);
    const none = await post(episode({ movement: null }));
    expect(none.json).toMatchObject({ suggestedClassification: null, needsReview: false });
    expect(none.json.suggestionRationale.length).toBeGreaterThan(0);
  });

  it("links a visit of the same patient, and refuses one of another patient", async () => {
    const v = await createVisit(world.actors.clinician, patientId, { occurredAt: "2026-11-02T09:00:00Z" });
    expect((await post(episode({ visitId: v.id }))).json.visitId).toBe(v.id);
    const other = await createPatient(world.actors.clinician, validPatient({ mrn: "EPI-2" }));
    const foreignVisit = await createVisit(world.actors.clinician, other.id, { occurredAt: "2026-11-02T09:00:00Z" });
    expect(expectError(await post(episode({ visitId: foreignVisit.id })), 400, "VALIDATION").fields).toEqual({ visitId: "This visit does not belong to the patient" });
  });

  it("replays with the same Idempotency-Key", async () => {
    const before = await db.episode.count();
    const headers = { "idempotency-key": "episode-key-0001" };
    const a = await post(episode(), clinician, patientId, headers);
    const b = await post(episode(), clinician, patientId, headers);
    expect(b.json.id).toBe(a.json.id);
    expect(await db.episode.count()).toBe(before + 1);
  });

  it("400 names each bad field and saves nothing", async () => {
    const before = await db.episode.count();
    const error = expectError(
      await post(episode({ painScore: 11, durationSeconds: 0, occurredAt: "yesterday", side: "MIDDLE", triggers: ["MOON"], mood: "sad" })),
      400,
      "VALIDATION",
    );
    expect(error.fields).toMatchObject({ mood: "Unknown field" });
    const error2 = expectError(await post(episode({ painScore: 11, durationSeconds: 0, occurredAt: "yesterday", side: "MIDDLE", triggers: ["MOON"] })), 400, "VALIDATION");
    expect(Object.keys(error2.fields).sort()).toEqual(["durationSeconds", "occurredAt", "painScore", "side", "triggers.0"]);
    expect(await db.episode.count()).toBe(before);
  });

  it("401, 403 read-only, 404 other clinic and unknown patient, 413", async () => {
    expectError(await post(episode(), ""), 401, "UNAUTHENTICATED");
    expectError(await post(episode(), reader), 403, "FORBIDDEN");
    expectError(await post(episode(), outsider), 404, "NOT_FOUND");
    expectError(await post(episode(), clinician, "missing"), 404, "NOT_FOUND");
    expectError(await post(episode({ notes: "n".repeat(66_000) })), 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("GET /api/v1/patients/{id}/episodes", () => {
  let p: string;
  beforeAll(async () => {
    p = (await createPatient(world.actors.clinician, validPatient({ mrn: "EPI-LIST" }))).id;
    // Test Clinic is in Europe/Berlin: 23:30 UTC on 1 Nov is already 2 Nov there.
    await post(episode({ occurredAt: "2026-11-01T23:30:00Z" }), clinician, p);
    await post(episode({ occurredAt: "2026-11-01T22:30:00Z" }), clinician, p);
    for (let i = 3; i <= 7; i++) await post(episode({ occurredAt: `2026-11-0${i}T10:00:00Z` }), clinician, p);
  });

  it("pages newest first with a cursor, and filters from/to on the clinic's calendar", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await list(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, reader, p);
      expect(answer.status).toBe(200);
      expect(Object.keys(answer.json).sort()).toEqual(["items", "nextCursor"]);
      seen.push(...answer.json.items.map((e: { occurredAt: string }) => e.occurredAt));
      cursor = answer.json.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(seen).toEqual([...seen].sort().reverse());
    const nov2 = await list("?from=2026-11-02&to=2026-11-02", reader, p);
    expect(nov2.json.items.map((e: { occurredAt: string }) => e.occurredAt)).toEqual(["2026-11-01T23:30:00.000Z"]);
  });

  it("400 for a bad date, limit or unknown parameter; 401; 404 for another clinic's user", async () => {
    expect(expectError(await list("?from=2026-02-30", reader, p), 400, "VALIDATION").fields).toHaveProperty("from");
    expect(expectError(await list("?limit=500", reader, p), 400, "VALIDATION").fields).toHaveProperty("limit");
    expect(expectError(await list("?page=2", reader, p), 400, "VALIDATION").fields).toMatchObject({ page: "Unknown field" });
    expectError(await list("", "", p), 401, "UNAUTHENTICATED");
    expectError(await list("", outsider, p), 404, "NOT_FOUND");
  });
});
