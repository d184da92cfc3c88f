import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as episodes from "@/app/api/v1/patients/[id]/episodes/route";
import * as assessment from "@/app/api/v1/patients/[id]/assessment/route";
import { createPatient } from "@/lib/features/patients/data";
import { createVisit } from "@/lib/features/visits/data";
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

describe("v2: restless legs criteria and the deprecated worseAtRestOrEvening", () => {
  const textbookRls = {
    occurredAt: "2026-11-05T21:30:00+01:00",
    durationSeconds: 1200,
    side: "BOTH",
    movement: "URGE_TO_MOVE",
    urgeToMove: true,
    worseAtRest: true,
    reliefByMovement: true,
    worseInEvening: true,
  };

  it("takes worseAtRest and worseInEvening and answers them, with worseAtRestOrEvening true when either is", async () => {
    const rest = await post(episode({ worseAtRest: true, worseInEvening: false }));
    expect(rest.status).toBe(201);
    expect(rest.json).toMatchObject({ worseAtRest: true, worseInEvening: false, worseAtRestOrEvening: true });
    const evening = await post(episode({ worseAtRest: false, worseInEvening: true }));
    expect(evening.json).toMatchObject({ worseAtRest: false, worseInEvening: true, worseAtRestOrEvening: true });
    const neither = await post(episode());
    expect(neither.json).toMatchObject({ worseAtRest: false, worseInEvening: false, worseAtRestOrEvening: false });
    const stored = await db.episode.findUniqueOrThrow({ where: { id: rest.json.id } });
    expect(stored).toMatchObject({ worseAtRest: true, worseInEvening: false });
    // The list answers the same fields.
    const listed = (await list("?limit=200")).json.items.find((e: { id: string }) => e.id === evening.json.id);
    expect(listed).toMatchObject({ worseAtRest: false, worseInEvening: true, worseAtRestOrEvening: true });
  });

  it("still accepts the deprecated worseAtRestOrEvening: it sets both, unless one is given itself", async () => {
    const legacy = await post(episode({ worseAtRestOrEvening: true }));
    expect(legacy.status).toBe(201);
    expect(legacy.json).toMatchObject({ worseAtRest: true, worseInEvening: true, worseAtRestOrEvening: true });
    expect(await db.episode.findUniqueOrThrow({ where: { id: legacy.json.id } })).toMatchObject({ worseAtRest: true, worseInEvening: true });
    expect((await post(episode({ worseAtRestOrEvening: false }))).json).toMatchObject({ worseAtRest: false, worseInEvening: false, worseAtRestOrEvening: false });
    expect((await post(episode({ worseAtRestOrEvening: true, worseInEvening: false }))).json).toMatchObject({ worseAtRest: true, worseInEvening: false });
  });

  it("the four IRLSSG criteria without voluntary control: suggestedClassification RLS, the rationale counting 4 of 4", async () => {
    const answer = await post(textbookRls);
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ suggestedClassification: "RLS", voluntaryControl: false, needsReview: false, warnings: [] });
    expect(answer.json.suggestionRationale.join(" ")).toContain("4 of 4");
    expect(answer.json.suggestionRationale.join(" ")).toMatch(/Criterion 5/);
    const three = await post({ ...textbookRls, worseInEvening: false });
    expect(three.json.suggestedClassification).toBeNull();
    expect(three.json.suggestionRationale.join(" ")).toMatch(/3 of 4; RLS needs all four/);
  });

  it("a 20-minute RLS episode raises no duration flag in the assessment; a 20-minute cramp raises PROLONGED_CRAMP", async () => {
    const assess = async (id: string) =>
      (await call(assessment.GET, "GET", `/api/v1/patients/${id}/assessment?asOf=2026-11-10T12:00:00Z`, { token: reader, params: { id } })).json;
    const rls = (await createPatient(world.actors.clinician, validPatient({ mrn: "EPI-RLS" }))).id;
    expect((await post(textbookRls, clinician, rls)).json.suggestedClassification).toBe("RLS");
    // Labelled RLS, with a movement that suggests otherwise, counts as RLS too.
    expect((await post({ ...textbookRls, occurredAt: "2026-11-06T21:30:00+01:00", urgeToMove: false, movement: "SUSTAINED_CONTRACTION", classification: "RLS" }, clinician, rls)).status).toBe(201);
    const rlsFlags = (await assess(rls)).redFlags.map((f: { code: string }) => f.code);
    expect(rlsFlags.filter((c: string) => c.startsWith("PROLONGED_"))).toEqual([]);

    const cramp = (await createPatient(world.actors.clinician, validPatient({ mrn: "EPI-CRAMP" }))).id;
    await post({ ...textbookRls, urgeToMove: false, movement: "SUSTAINED_CONTRACTION" }, clinician, cramp);
    const crampFlags = (await assess(cramp)).redFlags;
    expect(crampFlags.map((f: { code: string }) => f.code)).toEqual(["PROLONGED_CRAMP"]);
    expect(crampFlags[0]).toMatchObject({ urgency: "HIGH", message: expect.stringMatching(/10 min or longer/) });
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
