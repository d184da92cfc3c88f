import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient } from "@/lib/features/patients/data";
import {
  confirmEpisodeLabel,
  createEpisode,
  deleteEpisode,
  getEpisode,
  listEpisodes,
  listReviewQueue,
  updateEpisode,
} from "@/lib/features/episodes/data";
import { createVisit, listVisits, updateVisit } from "@/lib/features/visits/data";
import { DataError } from "@/lib/server/errors";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "EP-1" }))).id;
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

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

describe("episodes", () => {
  it("stores the suggestion, its rationale and the clinician's label; a disagreement is marked for review", async () => {
    const agreed = await createEpisode(world.actors.clinician, patientId, episode({ classification: "TONIC" }));
    expect(agreed).toMatchObject({ suggestedClassification: "TONIC", classification: "TONIC", needsReview: false, muscleGroup: "CALF" });
    expect(agreed.suggestionRationale.length).toBeGreaterThan(0);

    const disputed = await createEpisode(world.actors.clinician, patientId, episode({ classification: "CLONIC" }));
    expect(disputed).toMatchObject({ suggestedClassification: "TONIC", classification: "CLONIC", needsReview: true });
    const queue = await listReviewQueue(world.actors.reader, {});
    expect(queue.items.map((e) => e.id)).toContain(disputed.id);
    expect(queue.items.map((e) => e.id)).not.toContain(agreed.id);
    expect(await listReviewQueue(world.actors.outsider, {})).toMatchObject({ total: 0 });
  });

  it("a clinician confirms a differing label on review: off the queue, who and when kept and audited, back on any change of label or suggestion", async () => {
    const reviewIds = async () => (await listReviewQueue(world.actors.clinician, {})).items.map((e) => e.id);
    const pendingReviews = async () => (await db.patientAttention.findUniqueOrThrow({ where: { patientId } })).reviewCount;
    const disputed = await createEpisode(world.actors.clinician, patientId, episode({ classification: "CLONIC" }));
    const before = await pendingReviews();

    const confirmed = await confirmEpisodeLabel(world.actors.admin, disputed.id, disputed.version);
    expect(confirmed).toMatchObject({ needsReview: false, classification: "CLONIC", suggestedClassification: "TONIC", labelConfirmedById: world.users.admin.id, version: disputed.version + 1 });
    expect(confirmed.labelConfirmedAt).toBeInstanceOf(Date);
    expect(confirmed.warnings.join(" ")).toMatch(/confirmed the label on review/);
    expect(await reviewIds()).not.toContain(disputed.id);
    expect(await pendingReviews()).toBe(before - 1);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "EPISODE_LABEL_CONFIRM", targetId: disputed.id } });
    expect(audit).toMatchObject({ userId: world.users.admin.id, patientId });
    expect(JSON.parse(audit.details)).toEqual({ classification: "CLONIC", suggestedClassification: "TONIC" });
    expect(await getEpisode(world.actors.reader, disputed.id)).toMatchObject({ labelConfirmedByName: world.users.admin.name });

    // A change beside the label and the suggestion keeps the confirmation.
    const noted = await updateEpisode(world.actors.clinician, disputed.id, { version: confirmed.version, notes: "seen again", painScore: 3 });
    expect(noted).toMatchObject({ needsReview: false, labelConfirmedById: world.users.admin.id });
    // A new label puts the episode back on the queue and clears the confirmation.
    const relabelled = await updateEpisode(world.actors.clinician, disputed.id, { version: noted.version, classification: "MYOCLONIC" });
    expect(relabelled).toMatchObject({ needsReview: true, labelConfirmedAt: null, labelConfirmedById: null });
    expect(await reviewIds()).toContain(disputed.id);
    // So does a new suggestion under a confirmed label.
    const again = await confirmEpisodeLabel(world.actors.clinician, disputed.id, relabelled.version);
    expect(again.needsReview).toBe(false);
    const moved = await updateEpisode(world.actors.clinician, disputed.id, { version: again.version, movement: "SUSTAINED_THEN_TREMBLING" });
    expect(moved).toMatchObject({ suggestedClassification: "TONIC_CLONIC", needsReview: true, labelConfirmedAt: null });
    expect(await pendingReviews()).toBe(before);
  });

  it("keeps every change in the episode's history: each field before and after, who and when, newest first", async () => {
    const e = await createEpisode(world.actors.clinician, patientId, episode({ classification: "TONIC", notes: "first" }));
    const relabelled = await updateEpisode(world.actors.admin, e.id, { version: e.version, classification: "CLONIC", painScore: 3, triggers: ["COLD", "STRESS"] });
    const confirmed = await confirmEpisodeLabel(world.actors.clinician, e.id, relabelled.version);
    const unchanged = await updateEpisode(world.actors.clinician, e.id, { version: confirmed.version, notes: "first" });

    const detail = await getEpisode(world.actors.reader, e.id);
    expect(detail.createdByName).toBe(world.users.clinician.name);
    expect(detail.history.map((h) => [h.action, h.version, h.changedByName])).toEqual([
      ["UPDATE", unchanged.version, world.users.clinician.name],
      ["LABEL_CONFIRM", confirmed.version, world.users.clinician.name],
      ["UPDATE", relabelled.version, world.users.admin.name],
    ]);
    expect(detail.history[0].changes).toEqual({});
    expect(detail.history[2].changes).toEqual({
      classification: ["TONIC", "CLONIC"],
      needsReview: [false, true],
      painScore: [7, 3],
      triggers: ["COLD", "COLD,STRESS"],
    });

    // Deleting and restoring are kept too, and a purge of the patient takes the history with it (recycle tests).
    await deleteEpisode(world.actors.clinician, e.id, unchanged.version);
    const rows = await db.episodeRevision.findMany({ where: { episodeId: e.id }, orderBy: { version: "asc" } });
    expect(rows.map((r) => [r.action, r.version, r.patientId])).toEqual([
      ["UPDATE", 2, patientId],
      ["LABEL_CONFIRM", 3, patientId],
      ["UPDATE", 4, patientId],
      ["DELETE", 5, patientId],
    ]);
  });

  it("writes no history for a refused change", async () => {
    const e = await createEpisode(world.actors.clinician, patientId, episode());
    await refusal(updateEpisode(world.actors.clinician, e.id, { version: e.version, painScore: 11 }));
    await refusal(updateEpisode(world.actors.clinician, e.id, { version: e.version + 1, painScore: 2 }));
    await refusal(updateEpisode(world.actors.reader, e.id, { version: e.version, painScore: 2 }));
    expect(await db.episodeRevision.count({ where: { episodeId: e.id } })).toBe(0);
  });

  it("refuses to confirm a label that is not awaiting review, a stale version, a reader and another clinic, writing nothing", async () => {
    const agreed = await createEpisode(world.actors.clinician, patientId, episode({ classification: "TONIC" }));
    const notAwaiting = await refusal(confirmEpisodeLabel(world.actors.clinician, agreed.id, agreed.version));
    expect(notAwaiting.code).toBe("CONFLICT");
    expect(notAwaiting.message).toMatch(/not awaiting review/);

    const disputed = await createEpisode(world.actors.clinician, patientId, episode({ classification: "RLS" }));
    expect((await refusal(confirmEpisodeLabel(world.actors.clinician, disputed.id, disputed.version + 5))).code).toBe("CONFLICT");
    expect((await refusal(confirmEpisodeLabel(world.actors.clinician, disputed.id, Number("not a number")))).code).toBe("VALIDATION");
    expect((await refusal(confirmEpisodeLabel(world.actors.reader, disputed.id, disputed.version))).code).toBe("FORBIDDEN");
    expect((await refusal(confirmEpisodeLabel(world.actors.outsider, disputed.id, disputed.version))).code).toBe("NOT_FOUND");

    // A suggestion stored under earlier rules (here: myoclonic, where the rules now say tonic) is not confirmed blind.
    const older = await createEpisode(world.actors.clinician, patientId, episode({ classification: "CLONIC" }));
    await db.episode.update({ where: { id: older.id }, data: { suggestedClassification: "MYOCLONIC" } });
    const outdated = await refusal(confirmEpisodeLabel(world.actors.clinician, older.id, older.version));
    expect(outdated.code).toBe("CONFLICT");
    expect(outdated.message).toMatch(/suggestion for this episode has changed/);

    for (const id of [disputed.id, older.id]) {
      const stored = await db.episode.findUniqueOrThrow({ where: { id } });
      expect(stored).toMatchObject({ needsReview: true, labelConfirmedAt: null, version: 1 });
    }
    expect(await db.auditEvent.count({ where: { action: "EPISODE_LABEL_CONFIRM", targetId: { in: [agreed.id, disputed.id, older.id] }, outcome: "SUCCESS" } })).toBe(0);
  });

  it("suggests RLS by the four IRLSSG criteria or by voluntary control, and warns about impaired consciousness", async () => {
    const noControl = await createEpisode(world.actors.clinician, patientId, episode({ movement: "URGE_TO_MOVE", voluntaryControl: false }));
    expect(noControl.suggestedClassification).toBeNull();
    // v2: three of four criteria and no control: no suggestion, and the rationale says how many.
    const partial = await createEpisode(world.actors.clinician, patientId, episode({ movement: "URGE_TO_MOVE", urgeToMove: true, worseAtRest: true, reliefByMovement: true }));
    expect(partial.suggestedClassification).toBeNull();
    expect(partial.suggestionRationale.join(" ")).toMatch(/IRLSSG criteria met: 3 of 4; RLS needs all four/);
    // v2: all four criteria suggest RLS without voluntary control.
    const textbook = await createEpisode(world.actors.clinician, patientId, episode({ movement: "URGE_TO_MOVE", urgeToMove: true, worseAtRest: true, reliefByMovement: true, worseInEvening: true }));
    expect(textbook).toMatchObject({ suggestedClassification: "RLS", worseAtRest: true, worseInEvening: true, voluntaryControl: false });
    expect(textbook.suggestionRationale.join(" ")).toMatch(/IRLSSG criteria met: 4 of 4/);
    // Voluntary control still suggests RLS (the source article); the deprecated worseAtRestOrEvening sets both v2 fields.
    const rls = await createEpisode(world.actors.clinician, patientId, episode({ movement: "URGE_TO_MOVE", voluntaryControl: true, worseAtRestOrEvening: true }));
    expect(rls).toMatchObject({ suggestedClassification: "RLS", worseAtRest: true, worseInEvening: true });
    expect(await db.episode.findUniqueOrThrow({ where: { id: rls.id } })).toMatchObject({ worseAtRest: true, worseInEvening: true });
    const seizure = await createEpisode(world.actors.clinician, patientId, episode({ movement: "SUSTAINED_THEN_TREMBLING", consciousnessImpaired: true }));
    expect(seizure.suggestedClassification).toBe("TONIC_CLONIC");
    expect(seizure.warnings.join(" ")).toMatch(/neurological/i);
  });

  it("refuses out-of-range values field by field and saves nothing", async () => {
    const before = await db.episode.count();
    const error = await refusal(
      createEpisode(world.actors.clinician, patientId, episode({ painScore: 11, durationSeconds: 0, occurredAt: new Date(Date.now() + 3600_000).toISOString(), side: "MIDDLE", triggers: ["MOON"] })),
    );
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(error.fields).sort()).toEqual(["durationSeconds", "occurredAt", "painScore", "side", "triggers.0"]);
    expect(error.fields.occurredAt).toMatch(/future/);
    const upper = await refusal(createEpisode(world.actors.clinician, patientId, episode({ durationSeconds: 86401, notes: "x".repeat(2001) })));
    expect(Object.keys(upper.fields).sort()).toEqual(["durationSeconds", "notes"]);
    await expect(createEpisode(world.actors.clinician, patientId, episode({ durationSeconds: 86400, painScore: 10 }))).resolves.toBeTruthy();
    expect(await db.episode.count()).toBe(before + 1);
  });

  it("refuses the second of two edits made from the same version, and says why", async () => {
    const e = await createEpisode(world.actors.clinician, patientId, episode());
    const first = await updateEpisode(world.actors.clinician, e.id, { version: e.version, movement: "RHYTHMIC_JERKS" });
    expect(first).toMatchObject({ version: 2, suggestedClassification: "CLONIC" });
    const second = await refusal(updateEpisode(world.actors.admin, e.id, { version: e.version, painScore: 2 }));
    expect(second.code).toBe("CONFLICT");
    expect(second.message).toMatch(/someone else saved/i);
    expect((await db.episode.findUniqueOrThrow({ where: { id: e.id } })).painScore).toBe(7);
  });

  it("soft-deletes with an audit row, and hides the episode from lists", async () => {
    const e = await createEpisode(world.actors.clinician, patientId, episode({ notes: "to delete" }));
    await deleteEpisode(world.actors.clinician, e.id, e.version);
    const list = await listEpisodes(world.actors.clinician, patientId, { limit: 200 });
    expect(list.items.map((x) => x.id)).not.toContain(e.id);
    expect(await db.episode.findUnique({ where: { id: e.id } })).toMatchObject({ deletedById: world.users.clinician.id });
    expect(await db.auditEvent.count({ where: { action: "EPISODE_DELETE", targetId: e.id } })).toBe(1);
  });

  it("keeps a read-only user and another clinic out", async () => {
    expect((await refusal(createEpisode(world.actors.reader, patientId, episode()))).code).toBe("FORBIDDEN");
    expect((await refusal(createEpisode(world.actors.outsider, patientId, episode()))).code).toBe("NOT_FOUND");
    expect((await refusal(listEpisodes(world.actors.outsider, patientId, {}))).code).toBe("NOT_FOUND");
  });

  it("filters by type and by date range on the clinic's calendar, and pages by cursor", async () => {
    const p = (await createPatient(world.actors.clinician, validPatient({ mrn: "EP-2" }))).id;
    // Test Clinic is in Europe/Berlin: 23:30 UTC on 1 Nov is already 2 Nov there.
    await createEpisode(world.actors.clinician, p, episode({ occurredAt: "2026-11-01T23:30:00Z", movement: "TWITCHES" }));
    await createEpisode(world.actors.clinician, p, episode({ occurredAt: "2026-11-01T22:30:00Z", movement: "TWITCHES" }));
    for (let i = 3; i <= 7; i++) await createEpisode(world.actors.clinician, p, episode({ occurredAt: `2026-11-0${i}T10:00:00Z` }));
    const nov2 = await listEpisodes(world.actors.clinician, p, { from: "2026-11-02", to: "2026-11-02" });
    expect(nov2.items.map((e) => e.occurredAt.toISOString())).toEqual(["2026-11-01T23:30:00.000Z"]);
    const myoclonic = await listEpisodes(world.actors.clinician, p, { type: "MYOCLONIC" });
    expect(myoclonic.total).toBe(2);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEpisodes(world.actors.clinician, p, { limit: 3, cursor, sort: "occurredAt", dir: "desc" });
      ids.push(...page.items.map((e) => e.occurredAt.toISOString()));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toHaveLength(7);
    expect(ids).toEqual([...ids].sort().reverse());
  });
});

describe("visits", () => {
  it("saves a visit with its labs, and refuses a lab in the wrong unit without saving anything", async () => {
    const before = await db.visit.count();
    const bad = await refusal(
      createVisit(world.actors.clinician, patientId, { occurredAt: "2026-11-02T09:00:00+01:00", systolic: 150, diastolic: 95, labs: [{ analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L" }, { analyte: "FERRITIN", value: 20, unit: "mg/dL" }] }),
    );
    expect(bad.fields).toEqual({ "labs.1.unit": "Record ferritin in ug/L, ng/mL" });
    expect(await db.visit.count()).toBe(before);
    expect(await db.labResult.count()).toBe(0);

    const visit = await createVisit(world.actors.clinician, patientId, { occurredAt: "2026-11-02T09:00:00+01:00", systolic: 150, diastolic: 95, temperatureC: 37.2, labs: [{ analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L" }] });
    // Entered in the canonical unit: stored as entered, flagged low against 0.70 to 1.00 mmol/L.
    expect(visit.labs).toEqual([{ analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L", enteredValue: 0.62, enteredUnit: "mmol/L", flag: "L" }]);
    expect(visit).toMatchObject({ temperatureC: 37.2, temperatureEntered: null, examFindings: [] });
    const e = await createEpisode(world.actors.clinician, patientId, episode({ visitId: visit.id }));
    expect(e.visitId).toBe(visit.id);
    const listed = (await listVisits(world.actors.reader, patientId)).find((v) => v.id === visit.id);
    expect(listed?.episodeCount).toBe(1);
    await deleteEpisode(world.actors.clinician, e.id, e.version);
    expect((await listVisits(world.actors.reader, patientId)).find((v) => v.id === visit.id)?.episodeCount).toBe(0);
  });

  it("checks blood pressure pairs and plausible ranges", async () => {
    const error = await refusal(createVisit(world.actors.clinician, patientId, { occurredAt: "2026-11-02T09:00:00Z", systolic: 80, diastolic: 90, temperatureC: 50 }));
    expect(Object.keys(error.fields).sort()).toEqual(["diastolic", "temperatureC"]);
  });

  it("refuses a stale visit edit", async () => {
    const v = await createVisit(world.actors.clinician, patientId, { occurredAt: "2026-11-03T09:00:00Z", weightKg: 70 });
    await updateVisit(world.actors.clinician, v.id, { version: 1, weightKg: 71 });
    expect((await refusal(updateVisit(world.actors.admin, v.id, { version: 1, weightKg: 72 }))).code).toBe("CONFLICT");
  });
});
