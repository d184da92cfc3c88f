import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import * as assessment from "@/app/api/v1/patients/[id]/assessment/route";
import * as checklist from "@/app/api/v1/patients/[id]/checklist/[causeId]/route";
import { createEpisode } from "@/lib/data/episodes";
import { getChecklistHistory } from "@/lib/data/assessment";
import { createPatient } from "@/lib/data/patients";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
let clinician: string;
let reader: string;
let outsider: string;
const asOf = "2026-11-10T12:00:00Z";

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "ASM-1" }))).id;
  for (const day of ["05", "06", "07"])
    await createEpisode(world.actors.clinician, patientId, { occurredAt: `2026-11-${day}T02:00:00Z`, durationSeconds: 400, side: "RIGHT", movement: "SUSTAINED_CONTRACTION", triggers: ["COLD"] });
  [clinician, reader, outsider] = await Promise.all([tokenFor(world.actors.clinician), tokenFor(world.actors.reader), tokenFor(world.actors.outsider)]);
});

const get = (qs: string, token = reader, id = patientId) => call(assessment.GET, "GET", `/api/v1/patients/${id}/assessment${qs}`, { token, params: { id } });
const put = (causeId: string, body: unknown, token = clinician, id = patientId) =>
  call(checklist.PUT, "PUT", `/api/v1/patients/${id}/checklist/${causeId}`, { token, body, params: { id, causeId } });

describe("GET /api/v1/patients/{id}/assessment", () => {
  it("answers asOf, red flags with code, message and evidence, and the checklist in the contract's shape", async () => {
    const answer = await get(`?asOf=${asOf}`);
    expect(answer.status).toBe(200);
    expect(answer.json.asOf).toBe("2026-11-10T12:00:00.000Z");
    const codes = answer.json.redFlags.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(["PROLONGED_EPISODE", "FREQUENT_EPISODES", "CONSECUTIVE_DAYS"]));
    for (const flag of answer.json.redFlags) {
      expect(flag).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String), evidence: expect.objectContaining({ episodeIds: expect.any(Array), days: expect.any(Array) }) }));
    }
    const hypothermia = answer.json.checklist.find((c: { causeId: string }) => c.causeId === "hypothermia");
    expect(hypothermia).toMatchObject({ label: expect.any(String), source: "article", suggested: true, status: "NOT_ASSESSED", note: "", version: 0 });
    expect(hypothermia.reasons.join(" ")).toMatch(/cold/i);
    for (const item of answer.json.checklist)
      expect(Object.keys(item)).toEqual(expect.arrayContaining(["causeId", "label", "source", "suggested", "reasons", "status", "note", "version"]));
  });

  it("without asOf, the window ends now", async () => {
    const answer = await get("");
    expect(answer.status).toBe(200);
    expect(Date.now() - Date.parse(answer.json.asOf)).toBeLessThan(60_000);
  });

  it("400 for a bad asOf or unknown parameter, 401, 404 for another clinic's user and an unknown patient", async () => {
    expect(expectError(await get("?asOf=tomorrow"), 400, "VALIDATION").fields).toHaveProperty("asOf");
    expect(expectError(await get("?when=now"), 400, "VALIDATION").fields).toMatchObject({ when: "Unknown field" });
    expectError(await get("", ""), 401, "UNAUTHENTICATED");
    expectError(await get("", outsider), 404, "NOT_FOUND");
    expectError(await get("", reader, "missing"), 404, "NOT_FOUND");
  });
});

describe("PUT /api/v1/patients/{id}/checklist/{causeId}", () => {
  it("sets status and note with version 0 first, then the item's version; history and assessment follow", async () => {
    const first = await put("hypothermia", { status: "SUSPECTED", note: "cold bedroom", version: 0 });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ causeId: "hypothermia", label: expect.any(String), source: "article", status: "SUSPECTED", note: "cold bedroom", version: 1 });
    const second = await put("hypothermia", { status: "CONFIRMED", note: "", version: 1 });
    expect(second.json).toMatchObject({ status: "CONFIRMED", version: 2 });
    const item = (await get(`?asOf=${asOf}`)).json.checklist.find((c: { causeId: string }) => c.causeId === "hypothermia");
    expect(item).toMatchObject({ status: "CONFIRMED", version: 2 });
    expect((await getChecklistHistory(world.actors.reader, patientId)).map((h) => h.toStatus)).toEqual(["CONFIRMED", "SUSPECTED"]);
  });

  it("409 for a stale version, 400 for bad or unknown fields, 403 read-only, 404 unknown cause / other clinic, 401, 413", async () => {
    const stale = expectError(await put("hypothermia", { status: "RULED_OUT", note: "", version: 1 }), 409, "CONFLICT");
    expect(stale.fields).toEqual({ version: "Stale version" });
    expect(expectError(await put("hypothermia", { status: "MAYBE", version: 2 }), 400, "VALIDATION").fields).toHaveProperty("status");
    expect(expectError(await put("hypothermia", { status: "RULED_OUT", version: 2, by: "me" }), 400, "VALIDATION").fields).toMatchObject({ by: "Unknown field" });
    expect(expectError(await put("hypothermia", { status: "RULED_OUT" }), 400, "VALIDATION").fields).toHaveProperty("version");
    expectError(await put("hypothermia", { status: "RULED_OUT", version: 2 }, reader), 403, "FORBIDDEN");
    expectError(await put("not_a_cause", { status: "RULED_OUT", version: 0 }), 404, "NOT_FOUND");
    expectError(await put("hypothermia", { status: "RULED_OUT", version: 2 }, outsider), 404, "NOT_FOUND");
    expectError(await put("hypothermia", { status: "RULED_OUT", version: 2 }, ""), 401, "UNAUTHENTICATED");
    expectError(await put("hypothermia", { status: "RULED_OUT", version: 2, note: "x".repeat(70_000) }), 413, "PAYLOAD_TOO_LARGE");
    expect((await db.checklistItem.findFirstOrThrow({ where: { patientId, causeId: "hypothermia" } })).status).toBe("CONFIRMED");
  });
});
