/**
 * The list reads reshaped for speed at scale (lib/server/pagination.ts keyset bounds and capped
 * counts, the review queue read clinic by clinic and merged, needs-attention read lean) give
 * exactly the rows the plain reading would: checked here against reference readings done the
 * straightforward way on the same data, across two clinics, with ties, deleted records and pages
 * walked forwards and back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { listNeedsAttention } from "@/lib/features/attention/data";
import { createEpisode, deleteEpisode, listReviewQueue } from "@/lib/features/episodes/data";
import { createPatient, deletePatient, listPatients } from "@/lib/features/patients/data";
import { createVisit, getVisit, listVisits } from "@/lib/features/visits/data";
import { cappedCount, countLabel, LIST_COUNT_CAP } from "@/lib/server/pagination";
import { createRandom } from "../factories/random";
import { referenceAttention } from "../helpers/attention-reference";
import { actorFor, createClinic, createUser } from "../factories/users";
import { createWorld, TEST_PASSWORD, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
/** A clinician of both clinics: the lists span clinics. */
let both: Actor;
const now = new Date();
const DAY = 86_400_000;
const bare = (mrn: string, familyName: string, givenName = "Test") =>
  validPatient({ mrn, familyName, givenName, pregnant: false, conditions: [], lifestyle: [], medications: [], heightCm: null });

beforeAll(async () => {
  world = await createWorld(db);
  const user = await createUser(db, { email: "both@test.clinic", name: "Both", role: "CLINICIAN", clinicIds: [world.clinic.id, world.otherClinic.id], password: TEST_PASSWORD });
  both = actorFor(user, [world.clinic.id, world.otherClinic.id]);
});

describe("review queue across clinics", () => {
  it("pages newest first through both clinics' flagged episodes, forwards and back, without gaps or repeats", async () => {
    const rnd = createRandom(7);
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();
    const shared = at(3); // the same instant in both clinics: the id decides
    for (const [i, clinicId] of [world.clinic.id, world.otherClinic.id, world.clinic.id].entries()) {
      const p = await createPatient(both, { ...bare(`RQ-${i}`, `Queue${i}`), clinicId });
      for (let k = 0; k < 5; k++) {
        // TWITCHES suggest MYOCLONIC; the label TONIC disagrees, so the episode is marked for review.
        await createEpisode(both, p.id, { occurredAt: k === 0 ? shared : at(rnd.int(1, 60)), durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "TONIC" });
      }
      await createEpisode(both, p.id, { occurredAt: at(2), durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "MYOCLONIC" }); // agrees: not in the queue
    }
    const gone = await createPatient(both, { ...bare("RQ-GONE", "Gone"), clinicId: world.otherClinic.id });
    await createEpisode(both, gone.id, { occurredAt: at(1), durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "TONIC" });
    await deletePatient(both, gone.id, 1);
    const dropped = await createEpisode(both, (await db.patient.findFirstOrThrow({ where: { mrn: "RQ-0" } })).id, { occurredAt: at(1), durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "TONIC" });
    await deleteEpisode(both, dropped.id, dropped.version);

    const expected = await db.episode.findMany({
      where: { clinicId: { in: both.clinicIds }, needsReview: true, deletedAt: null, patient: { deletedAt: null } },
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(expected).toHaveLength(15);
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await listReviewQueue(both, { limit: 4, cursor });
      pages.push(page);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(expected.map((e) => e.id));
    expect(pages[0]).toMatchObject({ total: 15, totalCapped: false, prevCursor: null });
    for (let i = pages.length - 1; i > 0; i--) {
      const back = await listReviewQueue(both, { limit: 4, cursor: pages[i].prevCursor! });
      expect(back.items.map((x) => x.id)).toEqual(pages[i - 1].items.map((x) => x.id));
    }
    // One clinic alone: the single-query path, the same rows.
    const one = await listReviewQueue(world.actors.clinician, { limit: 100 });
    const oneExpected = await db.episode.findMany({
      where: { clinicId: world.clinic.id, needsReview: true, deletedAt: null, patient: { deletedAt: null } },
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });
    expect(one.items.map((i) => i.id)).toEqual(oneExpected.map((e) => e.id));
  });
});

describe("visits", () => {
  it("count each visit's live episodes, and only its own", async () => {
    const p = await createPatient(both, { ...bare("VC-1", "Visitcount"), clinicId: world.clinic.id });
    const other = await createPatient(both, { ...bare("VC-2", "Visitcount"), clinicId: world.clinic.id });
    const at = (d: number) => new Date(now.getTime() - d * DAY).toISOString();
    const v1 = await createVisit(both, p.id, { occurredAt: at(5) });
    const v2 = await createVisit(both, p.id, { occurredAt: at(3) });
    const v3 = await createVisit(both, other.id, { occurredAt: at(2) });
    const ep = (visitId: string | undefined, d: number) => ({ occurredAt: at(d), durationSeconds: 30, side: "LEFT", ...(visitId ? { visitId } : {}) });
    await createEpisode(both, p.id, ep(v1.id, 5));
    await createEpisode(both, p.id, ep(v1.id, 5));
    const gone = await createEpisode(both, p.id, ep(v1.id, 5));
    await deleteEpisode(both, gone.id, gone.version);
    await createEpisode(both, p.id, ep(undefined, 4));
    await createEpisode(both, other.id, ep(v3.id, 2));
    const visits = await listVisits(both, p.id);
    expect(visits.map((v) => [v.id, v.episodeCount])).toEqual([
      [v2.id, 0],
      [v1.id, 2],
    ]);
    expect((await getVisit(both, v1.id)).episodeCount).toBe(2);
  });
});

describe("patient list keyset", () => {
  it("walks many patients with the same name in both directions and every sort, without gaps or repeats", async () => {
    for (let i = 0; i < 9; i++) await createPatient(both, { ...bare(`TW-${i}`, "Twin", i % 2 ? "Same" : "Same"), clinicId: i % 2 ? world.clinic.id : world.otherClinic.id });
    for (const [sort, dir] of [
      ["name", "asc"],
      ["name", "desc"],
      ["mrn", "desc"],
      ["createdAt", "asc"],
      ["birthDate", "desc"],
    ] as const) {
      const all = await listPatients(both, { q: "twin", sort, dir, limit: 200 });
      expect(all.items).toHaveLength(9);
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await listPatients(both, { q: "twin", sort, dir, limit: 2, cursor });
        pages.push(page);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages.flatMap((p) => p.items.map((x) => x.id)), `${sort} ${dir}`).toEqual(all.items.map((x) => x.id));
      for (let i = pages.length - 1; i > 0; i--) {
        const back = await listPatients(both, { q: "twin", sort, dir, limit: 2, cursor: pages[i].prevCursor! });
        expect(back.items.map((x) => x.id), `${sort} ${dir} back from page ${i}`).toEqual(pages[i - 1].items.map((x) => x.id));
      }
    }
  });

  it("counts exactly up to the cap and says 'more than' beyond it", async () => {
    expect(await cappedCount(async (take) => Math.min(take, 12))).toEqual({ total: 12, totalCapped: false });
    expect(await cappedCount(async (take) => Math.min(take, LIST_COUNT_CAP))).toEqual({ total: LIST_COUNT_CAP, totalCapped: false });
    expect(await cappedCount(async (take) => Math.min(take, 50_000))).toEqual({ total: LIST_COUNT_CAP, totalCapped: true });
    expect(countLabel({ total: 1, totalCapped: false }, "patient", "patients")).toBe("1 patient");
    expect(countLabel({ total: LIST_COUNT_CAP, totalCapped: true }, "patient", "patients")).toBe("more than 1,000 patients");
    const page = await listPatients(both, { q: "twin" });
    expect(page).toMatchObject({ total: 9, totalCapped: false });
  });
});

describe("needs attention", () => {
  it("gives what the straightforward reading gives, whatever the limit, with ties decided by name", async () => {
    const rnd = createRandom(20261125);
    const ago = (days: number, hour: number) => new Date(now.getTime() - days * DAY - hour * 3600_000).toISOString();
    const patients: string[] = [];
    for (let i = 0; i < 24; i++) {
      const clinicId = i % 3 ? world.clinic.id : world.otherClinic.id;
      // Few family names, so several patients tie on everything but the name or only on the name.
      const p = await createPatient(both, { ...bare(`NA2-${i}`, `Attn${i % 4}`, `P${String.fromCharCode(65 + (i % 7))}`), clinicId });
      patients.push(p.id);
      const n = rnd.pick([0, 0, 1, 2, 3, 5]);
      for (let k = 0; k < n; k++) {
        await createEpisode(both, p.id, {
          occurredAt: ago(rnd.int(0, 40), rnd.int(0, 23)),
          durationSeconds: rnd.pick([20, 60, 120, 300, 600]),
          side: "LEFT",
          muscleGroup: rnd.pick(["CALF", "CALF", "FOOT", "THIGH"]),
          movement: rnd.pick(["SUSTAINED_CONTRACTION", "TWITCHES", "SUSTAINED_THEN_TREMBLING"]),
          consciousnessImpaired: rnd.chance(0.05),
          triggers: rnd.some(["EXERTION", "COLD", "STRESS"], 0.4),
          classification: rnd.pick([null, "TONIC", "TONIC"]),
        });
      }
      // Review marks only, outside the window: listed for review alone.
      if (i % 5 === 0) await createEpisode(both, p.id, { occurredAt: ago(90, 3), durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "TONIC" });
    }
    await deletePatient(both, patients[3], 1);
    for (const limit of [1, 3, 7, 100]) {
      const got = await listNeedsAttention(both, now, limit);
      const want = await referenceAttention(both, now, limit);
      expect(
        got.items.map((g) => ({ patientId: g.patientId, name: g.name, redFlags: g.redFlags, reviewCount: g.reviewCount, lastEpisodeAt: g.lastEpisodeAt })),
        `limit ${limit}`,
      ).toEqual(want);
      expect(got.total).toBe((await referenceAttention(both, now, Infinity)).length);
    }
    expect((await listNeedsAttention(both, now)).items.some((a) => a.patientId === patients[3])).toBe(false);
  });

  it("cuts the list inside a group of patients tied on everything but the name by the name", async () => {
    const clinic = await createClinic(db, "Tie Clinic", "UTC");
    const user = await createUser(db, { email: "tie@test.clinic", name: "Tie", role: "CLINICIAN", clinicIds: [clinic.id], password: TEST_PASSWORD });
    const actor = actorFor(user, [clinic.id]);
    const old = new Date(now.getTime() - 90 * DAY).toISOString();
    // Created in reverse alphabetical order, each with one review mark outside the window: only the names differ.
    for (const name of ["Zeta", "Ypsilon", "Xi", "Omega", "Beta"]) {
      const p = await createPatient(actor, bare(`TIE-${name}`, name));
      await createEpisode(actor, p.id, { occurredAt: old, durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "TONIC" });
    }
    const first = await createPatient(actor, bare("TIE-TWO", "Zulu"));
    for (let k = 0; k < 2; k++) await createEpisode(actor, first.id, { occurredAt: old, durationSeconds: 30, side: "LEFT", movement: "TWITCHES", classification: "TONIC" });
    const list = (await listNeedsAttention(actor, now, 3)).items;
    expect(list.map((a) => [a.name, a.reviewCount])).toEqual([
      ["Zulu, Test", 2],
      ["Beta, Test", 1],
      ["Omega, Test", 1],
    ]);
  });
});
