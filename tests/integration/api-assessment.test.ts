import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as assessment from "@/app/api/v1/patients/[id]/assessment/route";
import * as checklist from "@/app/api/v1/patients/[id]/checklist/[causeId]/route";
import { createEpisode } from "@/lib/features/episodes/data";
import { createVisit } from "@/lib/features/visits/data";
import { CAUSE_IDS, CAUSES_BY_ID } from "@/lib/core/clinical/checklist";
import { getChecklistHistory } from "@/lib/features/assessment/data";
import { createPatient } from "@/lib/features/patients/data";
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
    // Three 400 s tonic cramps on three nights in a row. v2: under 600 s a cramp raises no duration
    // flag (version 1's PROLONGED_EPISODE fired at 300 s); most urgent first.
    expect(codes).toEqual(["FREQUENT_WITHOUT_EXERTION", "FREQUENT_EPISODES", "CONSECUTIVE_DAYS"]);
    expect(answer.json.redFlags.map((f: { urgency: string }) => f.urgency)).toEqual(["HIGH", "ROUTINE", "ROUTINE"]);
    for (const flag of answer.json.redFlags) {
      expect(flag).toEqual(
        expect.objectContaining({
          code: expect.any(String),
          message: expect.any(String),
          advice: expect.any(String),
          evidence: expect.objectContaining({ episodeIds: expect.any(Array), visitIds: [], days: expect.any(Array) }),
        }),
      );
    }
    const hypothermia = answer.json.checklist.find((c: { causeId: string }) => c.causeId === "hypothermia");
    expect(hypothermia).toMatchObject({ label: expect.any(String), source: "article", citation: CAUSES_BY_ID.hypothermia.citation, suggested: true, status: "NOT_ASSESSED", note: "", version: 0 });
    expect(hypothermia.reasons.join(" ")).toMatch(/cold/i);
    for (const item of answer.json.checklist)
      expect(Object.keys(item)).toEqual(expect.arrayContaining(["causeId", "label", "source", "citation", "suggested", "reasons", "status", "note", "version"]));
  });

  it("v2: each checklist item carries its citation; suggested items come first, most reasons first, then the rest in the spec's order", async () => {
    const { checklist: items } = (await get(`?asOf=${asOf}`)).json as { checklist: { causeId: (typeof CAUSE_IDS)[number]; suggested: boolean; reasons: string[]; citation: string; source: string }[] };
    expect(items.map((c) => c.causeId).sort()).toEqual([...CAUSE_IDS].sort());
    for (const item of items) {
      expect(item.citation, item.causeId).toBe(CAUSES_BY_ID[item.causeId].citation);
      expect(item.citation).toMatch(item.source === "article" ? /^Source article, section "/ : /\d{4}/);
    }
    const suggested = items.filter((c) => c.suggested);
    // validPatient: pregnant, varicose veins, sedentary, on omeprazole; cold nights.
    expect(suggested.length).toBeGreaterThan(3);
    expect(items.slice(0, suggested.length).every((c) => c.suggested), "suggested first").toBe(true);
    const counts = suggested.map((c) => c.reasons.length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const rest = items.slice(suggested.length).map((c) => c.causeId);
    expect(rest).toEqual(CAUSE_IDS.filter((id) => rest.includes(id)));
    expect(rest).toContain("deep_vein_thrombosis");
  });

  it("v2: exam findings and durations: urgency, advice and evidence with visitIds; RLS counts for no duration flag", async () => {
    const id = (await createPatient(world.actors.clinician, validPatient({ mrn: "ASM-V2" }))).id;
    const visit = await createVisit(world.actors.clinician, id, { occurredAt: "2026-11-08T09:00:00Z", examFindings: ["CALF_SWELLING_RIGHT", "FASCICULATIONS"] });
    const rls = await createEpisode(world.actors.clinician, id, {
      occurredAt: "2026-11-08T21:00:00Z",
      durationSeconds: 1200,
      side: "BOTH",
      movement: "URGE_TO_MOVE",
      urgeToMove: true,
      worseAtRest: true,
      reliefByMovement: true,
      worseInEvening: true,
    });
    expect(rls.suggestedClassification).toBe("RLS");
    const cramp = await createEpisode(world.actors.clinician, id, { occurredAt: "2026-11-09T03:00:00Z", durationSeconds: 1200, side: "RIGHT", movement: "SUSTAINED_CONTRACTION" });
    const seizure = await createEpisode(world.actors.clinician, id, { occurredAt: "2026-11-09T15:00:00Z", durationSeconds: 300, side: "LEFT", movement: "SUSTAINED_THEN_TREMBLING" });
    const answer = await get(`?asOf=${asOf}`, reader, id);
    expect(answer.status).toBe(200);
    const byCode = Object.fromEntries(answer.json.redFlags.map((f: { code: string }) => [f.code, f]));
    expect(answer.json.redFlags.map((f: { code: string }) => f.code)).toEqual([
      "PROLONGED_SEIZURE",
      "CALF_SWELLING",
      "PROLONGED_CRAMP",
      "WEAKNESS_OR_WASTING",
      "FREQUENT_WITHOUT_EXERTION",
      "ANY_TIME_OF_DAY",
      "FREQUENT_EPISODES",
    ]);
    expect(byCode.PROLONGED_SEIZURE).toMatchObject({ urgency: "URGENT", advice: expect.stringMatching(/emergency/i), evidence: { episodeIds: [seizure.id], visitIds: [] } });
    expect(byCode.CALF_SWELLING).toMatchObject({ urgency: "URGENT", advice: expect.stringMatching(/deep vein thrombosis/i), evidence: { episodeIds: [], visitIds: [visit.id], days: ["2026-11-08"] } });
    // The 20-minute RLS episode is in neither duration flag; the 20-minute cramp is.
    expect(byCode.PROLONGED_CRAMP).toMatchObject({ urgency: "HIGH", evidence: { episodeIds: [cramp.id], visitIds: [] } });
    expect(byCode.WEAKNESS_OR_WASTING).toMatchObject({ urgency: "HIGH", advice: expect.stringMatching(/neurological/i), evidence: { visitIds: [visit.id] } });
    const suggested = answer.json.checklist.filter((c: { suggested: boolean }) => c.suggested).map((c: { causeId: string }) => c.causeId);
    expect(suggested).toEqual(expect.arrayContaining(["deep_vein_thrombosis", "neuromuscular"]));
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
