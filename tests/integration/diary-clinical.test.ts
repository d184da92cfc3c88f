/**
 * What a diary entry becomes for the clinician (docs/api.md, "Patient diary"): an episode with
 * source PATIENT and the link's id, its seizure signs raising the urgent red flags in the
 * assessment, shown by the clinician's episode API, awaiting review until reviewEpisode sets the
 * label in one step.
 */
process.env.DIARY_RATE_LIMIT_PER_MINUTE = "100000";
process.env.DIARY_IP_RATE_LIMIT_PER_MINUTE = "100000";

import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as links from "@/app/api/v1/patients/[id]/diary-links/route";
import * as diaryEpisodes from "@/app/api/diary/[token]/episodes/route";
import * as episodesApi from "@/app/api/v1/patients/[id]/episodes/route";
import * as assessmentApi from "@/app/api/v1/patients/[id]/assessment/route";
import { createPatient } from "@/lib/features/patients/data";
import { getAssessment } from "@/lib/features/assessment/data";
import { createEpisode, listReviewQueue, reviewEpisode } from "@/lib/features/episodes/data";
import { DataError } from "@/lib/server/errors";
import { fromDataError } from "@/lib/http/api/handler";
import { barePatient, createWorld, plainEpisode } from "../factories/world";
import { call, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let clinician: string;
let reader: string;
let mrn = 0;

beforeAll(async () => {
  world = await createWorld(db);
  [clinician, reader] = await Promise.all([tokenFor(world.actors.clinician), tokenFor(world.actors.reader)]);
});

/** A patient with nothing that raises a flag or a checklist cause by itself, and a working diary link. */
async function patientWithLink() {
  const p = await createPatient(world.actors.clinician, barePatient(`CLIN-${++mrn}`, `Seizure${mrn}`));
  const made = await call(links.POST, "POST", `/api/v1/patients/${p.id}/diary-links`, { token: clinician, body: {}, params: { id: p.id } });
  expect(made.status).toBe(201);
  return { patientId: p.id, linkId: made.json.id as string, token: made.json.token as string };
}

let n = 0;
async function sendEntry(token: string, overrides: Record<string, unknown> = {}) {
  const answer = await call(diaryEpisodes.POST, "POST", `/api/diary/${token}/episodes`, {
    body: { occurredAt: new Date(Date.now() - 2 * 3600_000).toISOString(), durationSeconds: 60, side: "LEFT", movement: "SUSTAINED_CONTRACTION", ...overrides },
    params: { token },
    headers: { "idempotency-key": `clinical-${++n}-${Date.now()}` },
  });
  expect(answer.status, JSON.stringify(answer.json)).toBe(201);
  return answer.json.id as string;
}

type Flag = { code: string; urgency: string; evidence: { episodeIds: string[] } };
async function flagsOf(patientId: string): Promise<Flag[]> {
  const answer = await call(assessmentApi.GET, "GET", `/api/v1/patients/${patientId}/assessment`, { token: reader, params: { id: patientId } });
  expect(answer.status).toBe(200);
  return answer.json.redFlags;
}
const codes = (flags: Flag[]) => flags.map((f) => f.code).sort();
const SEIZURE_FLAGS = ["IMPAIRED_CONSCIOUSNESS", "SEIZURE_SIGNS", "PROLONGED_SEIZURE"];
const seizureCodes = (flags: Flag[]) => codes(flags).filter((c) => SEIZURE_FLAGS.includes(c));

describe("seizure signs from the diary raise the clinician's red flags", () => {
  it("a plain entry raises none of the seizure flags", async () => {
    const l = await patientWithLink();
    await sendEntry(l.token, { witnessed: true });
    expect(seizureCodes(await flagsOf(l.patientId))).toEqual([]);
  });

  it("lostAwareness sets consciousnessImpaired, and the assessment shows IMPAIRED_CONSCIOUSNESS (urgent) with the entry as evidence", async () => {
    const l = await patientWithLink();
    const id = await sendEntry(l.token, { lostAwareness: true });
    const ep = await db.episode.findUniqueOrThrow({ where: { id } });
    expect({ consciousnessImpaired: ep.consciousnessImpaired, tongueBitten: ep.tongueBitten, wetThemselves: ep.wetThemselves }).toEqual({
      consciousnessImpaired: true,
      tongueBitten: false,
      wetThemselves: false,
    });
    expect(JSON.parse(ep.warnings).join(" ")).toMatch(/conscious|neurolog/i);
    const flags = await flagsOf(l.patientId);
    expect(seizureCodes(flags)).toEqual(["IMPAIRED_CONSCIOUSNESS"]);
    const flag = flags.find((f) => f.code === "IMPAIRED_CONSCIOUSNESS")!;
    expect(flag.urgency).toBe("URGENT");
    expect(flag.evidence.episodeIds).toEqual([id]);
    // The data layer's assessment agrees with the API's.
    const direct = await getAssessment(world.actors.reader, l.patientId);
    expect(direct.redFlags.map((f) => f.code)).toContain("IMPAIRED_CONSCIOUSNESS");
  });

  it.each([
    ["tongueBitten", { tongueBitten: true }],
    ["wetThemselves", { wetThemselves: true }],
    ["both", { tongueBitten: true, wetThemselves: true }],
  ])("%s: stored on the episode, and SEIZURE_SIGNS (urgent) in the assessment", async (_name, signs) => {
    const l = await patientWithLink();
    const id = await sendEntry(l.token, signs);
    const ep = await db.episode.findUniqueOrThrow({ where: { id } });
    expect({ tongueBitten: ep.tongueBitten, wetThemselves: ep.wetThemselves, consciousnessImpaired: ep.consciousnessImpaired }).toEqual({
      tongueBitten: "tongueBitten" in signs,
      wetThemselves: "wetThemselves" in signs,
      consciousnessImpaired: false,
    });
    const flags = await flagsOf(l.patientId);
    expect(seizureCodes(flags)).toEqual(["SEIZURE_SIGNS"]);
    const flag = flags.find((f) => f.code === "SEIZURE_SIGNS")!;
    expect(flag.urgency).toBe("URGENT");
    expect(flag.evidence.episodeIds).toEqual([id]);
  });

  it("301 s with lostAwareness: PROLONGED_SEIZURE (urgent); 299 s with lostAwareness: not yet", async () => {
    const long = await patientWithLink();
    const id = await sendEntry(long.token, { lostAwareness: true, durationSeconds: 301 });
    const flags = await flagsOf(long.patientId);
    expect(seizureCodes(flags)).toEqual(["IMPAIRED_CONSCIOUSNESS", "PROLONGED_SEIZURE"]);
    const prolonged = flags.find((f) => f.code === "PROLONGED_SEIZURE")!;
    expect(prolonged.urgency).toBe("URGENT");
    expect(prolonged.evidence.episodeIds).toEqual([id]);

    const short = await patientWithLink();
    await sendEntry(short.token, { lostAwareness: true, durationSeconds: 299 });
    expect(seizureCodes(await flagsOf(short.patientId))).toEqual(["IMPAIRED_CONSCIOUSNESS"]);
  });

  it("301 s with a bitten tongue is a prolonged seizure-like episode too; 301 s without any sign is not", async () => {
    const bitten = await patientWithLink();
    await sendEntry(bitten.token, { tongueBitten: true, durationSeconds: 301 });
    expect(seizureCodes(await flagsOf(bitten.patientId))).toEqual(["PROLONGED_SEIZURE", "SEIZURE_SIGNS"]);
    const plain = await patientWithLink();
    await sendEntry(plain.token, { durationSeconds: 301 });
    expect(seizureCodes(await flagsOf(plain.patientId))).toEqual([]);
  });
});

describe("the clinician's episode API shows where an episode came from", () => {
  it("GET /api/v1/patients/{id}/episodes: source PATIENT and diaryLinkId for diary entries, CLINICIAN and null for the clinician's", async () => {
    const l = await patientWithLink();
    const fromDiary = await sendEntry(l.token, { witnessed: true, tongueBitten: true, painScore: 4, triggers: ["COLD"] });
    const typed = await createEpisode(world.actors.clinician, l.patientId, plainEpisode(new Date(Date.now() - 5 * 3600_000)));
    const answer = await call(episodesApi.GET, "GET", `/api/v1/patients/${l.patientId}/episodes`, { token: reader, params: { id: l.patientId } });
    expect(answer.status).toBe(200);
    const byId = new Map(answer.json.items.map((e: { id: string }) => [e.id, e]));
    expect(byId.get(fromDiary)).toMatchObject({
      source: "PATIENT",
      diaryLinkId: l.linkId,
      witnessed: true,
      tongueBitten: true,
      wetThemselves: false,
      classification: null,
      suggestedClassification: "TONIC",
      needsReview: true,
      painScore: 4,
      triggers: ["COLD"],
    });
    expect(byId.get(typed.id)).toMatchObject({ source: "CLINICIAN", diaryLinkId: null });
    // The patient's entries are in the clinic's review queue.
    const queue = await listReviewQueue(world.actors.reader, {});
    expect(queue.items.map((e) => e.id)).toContain(fromDiary);
  });
});

describe("reviewEpisode on a diary entry", () => {
  it("the suggestion as the label clears needsReview (no confirmation needed) and leaves the review queue", async () => {
    const l = await patientWithLink();
    const id = await sendEntry(l.token);
    const before = await db.episode.findUniqueOrThrow({ where: { id } });
    expect({ needsReview: before.needsReview, suggested: before.suggestedClassification, version: before.version }).toEqual({ needsReview: true, suggested: "TONIC", version: 1 });
    const reviewed = await reviewEpisode(world.actors.clinician, id, { version: 1, classification: "TONIC" });
    expect(reviewed).toMatchObject({ classification: "TONIC", suggestedClassification: "TONIC", needsReview: false, version: 2, source: "PATIENT", diaryLinkId: l.linkId });
    expect(reviewed.labelConfirmedAt).toBeNull();
    const queue = await listReviewQueue(world.actors.clinician, { limit: 100 });
    expect(queue.items.map((e) => e.id)).not.toContain(id);
    const [audit] = await db.auditEvent.findMany({ where: { action: "EPISODE_REVIEW", targetId: id } });
    expect(audit).toMatchObject({ userId: world.users.clinician.id, patientId: l.patientId, outcome: "SUCCESS" });
    expect(JSON.parse(audit.details!)).toMatchObject({ classification: "TONIC", suggestedClassification: "TONIC", source: "PATIENT" });
  });

  it("another label than the suggestion also clears needsReview in one step, with labelConfirmedAt and by whom", async () => {
    const l = await patientWithLink();
    const id = await sendEntry(l.token);
    const t0 = Date.now();
    const reviewed = await reviewEpisode(world.actors.clinician, id, { version: 1, classification: "CLONIC" });
    expect(reviewed).toMatchObject({ classification: "CLONIC", suggestedClassification: "TONIC", needsReview: false, version: 2, labelConfirmedById: world.users.clinician.id });
    expect(reviewed.labelConfirmedAt).not.toBeNull();
    expect(reviewed.labelConfirmedAt!.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
    const stored = await db.episode.findUniqueOrThrow({ where: { id } });
    expect({ needsReview: stored.needsReview, classification: stored.classification }).toEqual({ needsReview: false, classification: "CLONIC" });
  });

  it("a stale version is refused with a conflict (409) and changes nothing", async () => {
    const l = await patientWithLink();
    const id = await sendEntry(l.token);
    await reviewEpisode(world.actors.clinician, id, { version: 1, classification: "TONIC" });
    const error = await reviewEpisode(world.actors.clinician, id, { version: 1, classification: "CLONIC" }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe("CONFLICT");
    expect(fromDataError(error as DataError).status).toBe(409);
    const stored = await db.episode.findUniqueOrThrow({ where: { id } });
    expect({ classification: stored.classification, version: stored.version }).toEqual({ classification: "TONIC", version: 2 });
  });

  it("a reader may not review (FORBIDDEN); a clinician of another clinic does not find it (NOT_FOUND); a bad label is refused by field", async () => {
    const l = await patientWithLink();
    const id = await sendEntry(l.token);
    const code = (p: Promise<unknown>) => p.then(() => null, (e: DataError) => e.code);
    expect(await code(reviewEpisode(world.actors.reader, id, { version: 1, classification: "TONIC" }))).toBe("FORBIDDEN");
    expect(await code(reviewEpisode(world.actors.outsider, id, { version: 1, classification: "TONIC" }))).toBe("NOT_FOUND");
    const bad = await reviewEpisode(world.actors.clinician, id, { version: 1, classification: "SPASM" }).then(() => null, (e: DataError) => e);
    expect(bad?.code).toBe("VALIDATION");
    expect(Object.keys(bad!.fields)).toEqual(["classification"]);
    expect((await db.episode.findUniqueOrThrow({ where: { id } })).needsReview).toBe(true);
  });
});
