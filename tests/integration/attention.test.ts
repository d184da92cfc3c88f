/**
 * Each patient's stored red flags and review marks (lib/features/attention/data.ts) must always give what
 * the rules give when run afresh (tests/helpers/attention-reference.ts): after every kind of
 * episode write and visit write (exam findings raise flags), as time moves episodes out of the window, for an earlier moment, after a clinic's
 * time-zone change, and with two clinicians writing for one patient at the same moment.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { listActivePatients, listNeedsAttention } from "@/lib/features/attention/data";
import { inTransaction } from "@/lib/server/transaction";
import { setClinicTimeZone } from "@/lib/features/clinics/data";
import { createEpisode, deleteEpisode, updateEpisode } from "@/lib/features/episodes/data";
import { createPatient } from "@/lib/features/patients/data";
import { restoreEpisode } from "@/lib/features/recycle/data";
import { createVisit, deleteVisit, updateVisit } from "@/lib/features/visits/data";
import { RED_FLAG_CODES } from "@/lib/core/clinical/red-flags";
import { createRandom } from "../factories/random";
import { actorFor, createClinic, createUser } from "../factories/users";
import { barePatient, plainEpisode, TEST_PASSWORD } from "../factories/world";
import { referenceAttention } from "../helpers/attention-reference";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The stored list in the reference's shape. */
const stored = async (actor: Actor, asOf: Date, limit = 1000) =>
  (await listNeedsAttention(actor, asOf, limit)).items.map((i) => ({
    patientId: i.patientId,
    name: i.name,
    redFlags: i.redFlags,
    reviewCount: i.reviewCount,
    lastEpisodeAt: i.lastEpisodeAt,
  }));
const flagsOf = async (actor: Actor, patientId: string, asOf: Date) =>
  (await listNeedsAttention(actor, asOf, 1000)).items.find((i) => i.patientId === patientId)?.redFlags ?? [];

/** Each test gets clinics of its own, so the lists hold only its patients. */
async function setUp(name: string, timeZones: string[] = ["Europe/Berlin", "UTC"]) {
  const clinics = [];
  for (const [i, tz] of timeZones.entries()) clinics.push(await createClinic(db, `${name} ${i}`, tz));
  const ids = clinics.map((c) => c.id);
  const mk = (role: "ADMIN" | "CLINICIAN") =>
    createUser(db, { email: `${name.toLowerCase()}-${role.toLowerCase()}@test.clinic`, name: `${name} ${role}`, role, clinicIds: ids, password: TEST_PASSWORD });
  return { clinics, clinician: actorFor(await mk("CLINICIAN"), ids), admin: actorFor(await mk("ADMIN"), ids) };
}

let now: Date;
beforeAll(() => {
  now = new Date();
});

describe("stored attention", () => {
  it("gives what the rules give afresh after every create, edit, delete and restore", async () => {
    const { clinics, clinician, admin } = await setUp("Writes");
    const rnd = createRandom(42);
    const patients: string[] = [];
    for (let i = 0; i < 6; i++) patients.push((await createPatient(clinician, { ...barePatient(`W-${i}`, `Writes${i}`), clinicId: clinics[i % 2].id })).id);
    const live: { id: string; version: number }[] = [];
    const deleted: string[] = [];
    const visits: { id: string; version: number }[] = [];
    const seen = new Set<string>();
    const findings = () => rnd.some(["CALF_SWELLING_LEFT", "CALF_SWELLING_RIGHT", "MUSCLE_WASTING", "FASCICULATIONS", "VARICOSE_VEINS_SEEN"], 0.3);
    for (let step = 0; step < 80; step++) {
      const op = live.length < 4 ? "create" : rnd.pick(["create", "create", "update", "update", "delete", "restore", "visit", "visitEdit", "visitDelete"]);
      if (op === "visit") {
        const v = await createVisit(clinician, rnd.pick(patients), { occurredAt: new Date(now.getTime() - rnd.int(0, 40) * DAY - rnd.int(0, 23) * HOUR).toISOString(), examFindings: findings() });
        visits.push({ id: v.id, version: v.version });
      } else if (op === "visitEdit" && visits.length) {
        const target = rnd.pick(visits);
        const v = await updateVisit(clinician, target.id, {
          version: target.version,
          ...rnd.pick([{ examFindings: findings() }, { occurredAt: new Date(now.getTime() - rnd.int(0, 40) * DAY).toISOString() }]),
        });
        target.version = v.version;
      } else if (op === "visitDelete" && visits.length) {
        const target = visits.splice(rnd.int(0, visits.length - 1), 1)[0];
        await deleteVisit(clinician, target.id, target.version);
      } else if (op === "create") {
        const e = await createEpisode(
          clinician,
          rnd.pick(patients),
          plainEpisode(new Date(now.getTime() - rnd.int(0, 40) * DAY - rnd.int(0, 23) * HOUR), {
            durationSeconds: rnd.pick([20, 60, 300, 600, 1200]),
            muscleGroup: rnd.pick(["CALF", "FOOT", "THIGH"]),
            consciousnessImpaired: rnd.chance(0.05),
            triggers: rnd.some(["EXERTION", "COLD"], 0.4),
            // Restless legs (suggested RLS by voluntary control) count for no duration flag.
            ...rnd.pick([{ movement: "SUSTAINED_CONTRACTION" }, { movement: "TWITCHES" }, { movement: "RHYTHMIC_JERKS" }, { movement: "URGE_TO_MOVE", voluntaryControl: true }]),
            classification: rnd.pick([null, "TONIC"]),
          }),
        );
        live.push({ id: e.id, version: e.version });
      } else if (op === "update") {
        const target = rnd.pick(live);
        const e = await updateEpisode(clinician, target.id, {
          version: target.version,
          ...rnd.pick([
            { occurredAt: new Date(now.getTime() - rnd.int(0, 40) * DAY).toISOString() },
            { durationSeconds: rnd.pick([30, 400, 700]) },
            { consciousnessImpaired: rnd.chance(0.5) },
            { classification: rnd.pick(["TONIC", "CLONIC", null]) },
          ]),
        });
        target.version = e.version;
      } else if (op === "delete") {
        const target = live.splice(rnd.int(0, live.length - 1), 1)[0];
        await deleteEpisode(clinician, target.id, target.version);
        deleted.push(target.id);
      } else if (deleted.length) {
        const id = deleted.shift()!;
        await restoreEpisode(admin, id);
        const row = await db.episode.findUniqueOrThrow({ where: { id } });
        live.push({ id, version: row.version });
      }
      const reference = await referenceAttention(clinician, now, 1000);
      expect(await stored(clinician, now), `after step ${step} (${op})`).toEqual(reference);
      for (const r of reference) for (const code of r.redFlags) seen.add(code);
    }
    const flagged = (await referenceAttention(clinician, now, 1000)).filter((r) => r.redFlags.length).length;
    expect(flagged, "the random writes flag some patients").toBeGreaterThan(0);
    // The walk reached the version 2 flags, so the comparison covers them.
    expect([...seen]).toEqual(expect.arrayContaining(["PROLONGED_SEIZURE", "PROLONGED_CRAMP", "CALF_SWELLING", "WEAKNESS_OR_WASTING", "IMPAIRED_CONSCIOUSNESS"]));
    // The dashboard's active patients (suggested causes): those with an episode in the window, latest first.
    const windowStart = new Date(now.getTime() - 30 * DAY);
    const inWindow = await db.episode.groupBy({
      by: ["patientId"],
      where: { patientId: { in: patients }, deletedAt: null, occurredAt: { gte: windowStart, lte: now } },
      _max: { occurredAt: true },
    });
    const expected = inWindow
      .sort((a, b) => b._max.occurredAt!.getTime() - a._max.occurredAt!.getTime() || (a.patientId < b.patientId ? -1 : 1))
      .map((r) => r.patientId);
    const ids = clinics.map((c) => c.id);
    expect(await inTransaction((tx) => listActivePatients(tx, ids, now, 3))).toEqual({ ids: expected.slice(0, 3), active: expected.length });
    expect(expected.length, "some patients are active").toBeGreaterThan(3);
  });

  it("lets an answer run out when its episode leaves the window, and answers for an earlier moment", async () => {
    const { clinician } = await setUp("Window", ["UTC"]);
    const p = await createPatient(clinician, barePatient("WIN-1", "Window"));
    const at = new Date(now.getTime() - 29 * DAY - 23 * HOUR);
    // A tonic cramp of 700 s: PROLONGED_CRAMP (600 s or longer, not seizure-like).
    await createEpisode(clinician, p.id, plainEpisode(at, { durationSeconds: 700 }));
    const leaves = new Date(at.getTime() + 30 * DAY + 1);
    expect((await db.patientAttention.findUniqueOrThrow({ where: { patientId: p.id } })).validUntil).toEqual(leaves);
    expect(await flagsOf(clinician, p.id, now)).toEqual(["PROLONGED_CRAMP"]);
    expect(await flagsOf(clinician, p.id, new Date(leaves.getTime() - 1)), "the window is inclusive").toEqual(["PROLONGED_CRAMP"]);
    expect(await flagsOf(clinician, p.id, leaves)).toEqual([]);
    expect((await db.patientAttention.findUniqueOrThrow({ where: { patientId: p.id } })).computedAt).toEqual(leaves);
    // Before the episode happened, and back again.
    expect(await flagsOf(clinician, p.id, new Date(at.getTime() - 1))).toEqual([]);
    expect(await flagsOf(clinician, p.id, now)).toEqual(["PROLONGED_CRAMP"]);
  });

  it("recomputes a clinic's answers when its time zone changes the calendar days", async () => {
    const { clinics, clinician, admin } = await setUp("Zone", ["UTC"]);
    const p = await createPatient(clinician, barePatient("ZONE-1", "Zone"));
    const midnight = Math.floor(now.getTime() / DAY) * DAY - 10 * DAY;
    // UTC days D, D+1, D+3; one hour further west they are D, D+1, D+2.
    for (const t of [midnight + 23.5 * HOUR, midnight + DAY + 23.5 * HOUR, midnight + 3 * DAY + 0.5 * HOUR]) {
      await createEpisode(clinician, p.id, plainEpisode(new Date(t)));
    }
    expect(await flagsOf(clinician, p.id, now)).not.toContain("CONSECUTIVE_DAYS");
    await setClinicTimeZone(admin, clinics[0].id, "Etc/GMT+1");
    // Recomputed by the change itself, before anyone reads.
    expect((await db.patientAttention.findUniqueOrThrow({ where: { patientId: p.id } })).flagCodes).toContain("CONSECUTIVE_DAYS");
    expect(await flagsOf(clinician, p.id, now)).toContain("CONSECUTIVE_DAYS");
    expect(await stored(clinician, now)).toEqual(await referenceAttention(clinician, now, 1000));
  });

  it("keeps both episodes when two clinicians record one patient's at the same moment", async () => {
    const { clinician } = await setUp("Race", ["UTC"]);
    const day = (k: number) => new Date(Math.floor(now.getTime() / DAY) * DAY - k * DAY + 12 * HOUR);
    for (let round = 0; round < 8; round++) {
      const p = await createPatient(clinician, barePatient(`RACE-${round}`, `Race${round}`));
      await createEpisode(clinician, p.id, plainEpisode(day(1)));
      await createEpisode(clinician, p.id, plainEpisode(day(4)));
      // Each alone makes two days in a row; together four.
      await Promise.all([createEpisode(clinician, p.id, plainEpisode(day(2))), createEpisode(clinician, p.id, plainEpisode(day(3)))]);
      expect(await flagsOf(clinician, p.id, now), `round ${round}`).toContain("CONSECUTIVE_DAYS");
    }
  });

  it("counts every patient with red flags for the dashboard, not only those listed", async () => {
    const { clinician } = await setUp("Count", ["UTC"]);
    const episodes = [
      { durationSeconds: 400, movement: "RHYTHMIC_JERKS" }, // clonic, 300 s or longer: PROLONGED_SEIZURE
      { durationSeconds: 700 }, // tonic, 600 s or longer: PROLONGED_CRAMP
      { durationSeconds: 700 },
      { durationSeconds: 400 }, // tonic under 600 s: no flag
      { durationSeconds: 30, muscleGroup: "THIGH" }, // OUTSIDE_CALF_FOOT
      { durationSeconds: 1200, movement: "URGE_TO_MOVE", voluntaryControl: true }, // RLS: no duration flag
    ];
    for (const [i, extra] of episodes.entries()) {
      const p = await createPatient(clinician, barePatient(`COUNT-${i}`, `Count${i}`));
      await createEpisode(clinician, p.id, plainEpisode(new Date(now.getTime() - DAY), extra));
    }
    const result = await listNeedsAttention(clinician, now, 2);
    const reference = await referenceAttention(clinician, now, 1000);
    expect(result.items).toHaveLength(2);
    expect(result.items[0].name, "the prolonged seizure first").toBe("Count0, Test");
    expect(result.total).toBe(reference.length);
    expect(result.withRedFlags).toBe(4);
    const byFlag = Object.fromEntries(RED_FLAG_CODES.map((c) => [c, reference.filter((r) => r.redFlags.includes(c)).length]));
    expect(result.patientsByFlag).toEqual(byFlag);
    expect(result.patientsByFlag).toMatchObject({ PROLONGED_SEIZURE: 1, PROLONGED_CRAMP: 2, OUTSIDE_CALF_FOOT: 1 });
  });

  it("cuts inside patients tied on flags and on the instant of their last episode by name", async () => {
    const { clinician } = await setUp("Tied", ["UTC"]);
    const at = new Date(now.getTime() - 2 * DAY);
    for (const name of ["Delta", "Alpha", "Charlie", "Bravo"]) {
      const p = await createPatient(clinician, barePatient(`TIED-${name}`, name));
      await createEpisode(clinician, p.id, plainEpisode(at, { durationSeconds: 700 }));
    }
    const result = await listNeedsAttention(clinician, now, 2);
    expect(result.items.map((i) => i.name)).toEqual(["Alpha, Test", "Bravo, Test"]);
    expect(result.total).toBe(4);
  });

  it("computes the answers it finds out of date, as after the migration that added them", async () => {
    const { clinician } = await setUp("Stale", ["Asia/Tokyo"]);
    const p = await createPatient(clinician, barePatient("STALE-1", "Stale"));
    for (const k of [1, 2, 3]) await createEpisode(clinician, p.id, plainEpisode(new Date(now.getTime() - k * DAY)));
    await db.patientAttention.updateMany({ where: { patientId: p.id }, data: { flagCodes: "", reviewCount: 0, validUntil: new Date(0) } });
    expect(await stored(clinician, now)).toEqual(await referenceAttention(clinician, now, 1000));
    expect(await flagsOf(clinician, p.id, now)).toContain("FREQUENT_EPISODES");
  });
});
