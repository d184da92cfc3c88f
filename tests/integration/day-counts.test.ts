/**
 * Each clinic's stored episodes per local day and type (lib/features/episodes/day-counts.ts) must always equal
 * a count of its episodes made afresh: after every kind of write, when built from the episodes
 * (across daylight-saving changes), after a time-zone change, and with writers and a rebuild
 * running at the same moment. The dashboard built on them must equal the same count by week.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { dayNumber, localDate } from "@/lib/core/clinical/red-flags";
import { setClinicTimeZone } from "@/lib/features/clinics/data";
import { countEpisodeChanges, rebuildDayCounts } from "@/lib/features/episodes/day-counts";
import { inTransaction } from "@/lib/server/transaction";
import { createEpisode, deleteEpisode, updateEpisode } from "@/lib/features/episodes/data";
import { createPatient, deletePatient } from "@/lib/features/patients/data";
import { purgePatient, restoreEpisode, restorePatient } from "@/lib/features/recycle/data";
import { getClinicDashboard, isoOfDay, mondayOf } from "@/lib/features/trends/data";
import { createRandom } from "../factories/random";
import { actorFor, createClinic, createUser } from "../factories/users";
import { barePatient, plainEpisode, TEST_PASSWORD } from "../factories/world";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** "day|type" -> count, without zeros. */
type Counts = Record<string, number>;

async function storedCounts(clinicId: string): Promise<Counts> {
  const rows = await db.episodeDayCount.findMany({ where: { clinicId } });
  return Object.fromEntries(rows.filter((r) => r.count !== 0).map((r) => [`${r.day}|${r.type}`, r.count]));
}

/** The same count made afresh from the episodes the dashboard shows (not deleted, of patients not deleted), in JavaScript. */
async function referenceCounts(clinicId: string): Promise<Counts> {
  const clinic = await db.clinic.findUniqueOrThrow({ where: { id: clinicId } });
  const episodes = await db.episode.findMany({
    where: { clinicId, deletedAt: null, patient: { deletedAt: null } },
    select: { occurredAt: true, classification: true, suggestedClassification: true },
  });
  const out: Counts = {};
  for (const e of episodes) {
    const key = `${dayNumber(localDate(e.occurredAt, clinic.timeZone))}|${e.classification ?? e.suggestedClassification ?? "UNCLASSIFIED"}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Reference counts by the Monday of their week and type, within local days [from, to]. */
function byWeek(counts: Counts, from: string, to: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    const [day, type] = key.split("|");
    if (Number(day) < dayNumber(from) || Number(day) > dayNumber(to)) continue;
    const k = `${isoOfDay(mondayOf(Number(day)))}|${type}`;
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

async function setUp(name: string, timeZones: string[]) {
  const clinics = [];
  for (const [i, tz] of timeZones.entries()) clinics.push(await createClinic(db, `${name} ${i}`, tz));
  const ids = clinics.map((c) => c.id);
  const mk = (role: "ADMIN" | "CLINICIAN") =>
    createUser(db, { email: `${name.toLowerCase()}-${role.toLowerCase()}@test.clinic`, name: `${name} ${role}`, role, clinicIds: ids, password: TEST_PASSWORD });
  const clinician = actorFor(await mk("CLINICIAN"), ids);
  const admin = actorFor(await mk("ADMIN"), ids);
  // The first read builds the counts (the clinics are new); every write after that keeps them.
  await getClinicDashboard(clinician, { period: "90d" });
  return { clinics, clinician, admin };
}

let now: Date;
beforeAll(() => {
  now = new Date();
});

describe("episode day counts", () => {
  it("equal a fresh count after every create, edit, delete, restore, patient deletion, restoration and purge", async () => {
    const { clinics, clinician, admin } = await setUp("DayWrites", ["Europe/Berlin", "America/New_York"]);
    const rnd = createRandom(7);
    const patients: { id: string; version: number; clinicId: string; deleted: boolean }[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await createPatient(clinician, { ...barePatient(`DW-${i}`, `DayWrites${i}`), clinicId: clinics[i % 2].id });
      patients.push({ id: p.id, version: p.version, clinicId: clinics[i % 2].id, deleted: false });
    }
    const live: { id: string; version: number; patientId: string }[] = [];
    const deleted: string[] = [];
    // Instants near local midnight, so a wrong zone moves an episode to another day.
    const instant = () => new Date(Math.floor(now.getTime() / DAY) * DAY - rnd.int(0, 120) * DAY + rnd.pick([-90, -30, 0, 30, 90, 23 * 60]) * 60_000);
    const ops = ["create", "create", "create", "update", "update", "delete", "restore", "deletePatient", "restorePatient", "purge"] as const;
    const done: string[] = [];
    for (let step = 0; step < 80; step++) {
      const livePatients = patients.filter((p) => !p.deleted);
      const op = live.length < 4 ? "create" : rnd.pick([...ops]);
      if (op === "create" && livePatients.length) {
        const p = rnd.pick(livePatients);
        const e = await createEpisode(clinician, p.id, plainEpisode(instant(), { classification: rnd.pick([null, "TONIC", "CLONIC"]), consciousnessImpaired: rnd.chance(0.2) }));
        live.push({ id: e.id, version: e.version, patientId: p.id });
        done.push(op);
      } else if (op === "update") {
        const target = rnd.pick(live);
        const e = await updateEpisode(clinician, target.id, {
          version: target.version,
          ...rnd.pick([{ occurredAt: instant().toISOString() }, { classification: rnd.pick(["TONIC", "MYOCLONIC", null]) }, { durationSeconds: 90 }]),
        });
        target.version = e.version;
        done.push(op);
      } else if (op === "delete") {
        const target = live.splice(rnd.int(0, live.length - 1), 1)[0];
        await deleteEpisode(clinician, target.id, target.version);
        deleted.push(target.id);
        done.push(op);
      } else if (op === "restore" && deleted.length) {
        const id = deleted.shift()!;
        const row = await db.episode.findUniqueOrThrow({ where: { id }, include: { patient: true } });
        if (row.patient.deletedAt) continue;
        await restoreEpisode(admin, id);
        live.push({ id, version: row.version + 1, patientId: row.patientId });
        done.push(op);
      } else if (op === "deletePatient" && livePatients.length > 2) {
        const p = rnd.pick(livePatients);
        await deletePatient(clinician, p.id, p.version);
        p.version += 1;
        p.deleted = true;
        for (let i = live.length - 1; i >= 0; i--) if (live[i].patientId === p.id) live.splice(i, 1);
        done.push(op);
      } else if (op === "restorePatient" || op === "purge") {
        const p = patients.find((x) => x.deleted);
        if (!p) continue;
        if (op === "restorePatient") {
          await restorePatient(admin, p.id);
          p.version += 1;
          p.deleted = false;
          for (const e of await db.episode.findMany({ where: { patientId: p.id, deletedAt: null } })) live.push({ id: e.id, version: e.version, patientId: p.id });
          done.push(op);
        } else {
          const row = await db.patient.findUniqueOrThrow({ where: { id: p.id } });
          await purgePatient(admin, p.id, "Erasure request TEST-1 (test data)", { confirmMrn: row.mrn });
          patients.splice(patients.indexOf(p), 1);
          done.push(op);
        }
      }
      for (const c of clinics) expect(await storedCounts(c.id), `after step ${step} (${op})`).toEqual(await referenceCounts(c.id));
    }
    // The dashboard: the same counts by week.
    const dashboard = await getClinicDashboard(clinician, { period: "1y" }, now);
    const expected: Record<string, number> = {};
    for (const c of clinics) {
      for (const [k, n] of Object.entries(byWeek(await referenceCounts(c.id), dashboard.period.from, dashboard.period.to))) expected[k] = (expected[k] ?? 0) + n;
    }
    const shown: Record<string, number> = {};
    for (const w of dashboard.weeks) for (const [type, n] of Object.entries(w.byType)) if (n) shown[`${w.weekStart}|${type}`] = n;
    expect(shown).toEqual(expected);
    expect(dashboard.episodesInPeriod).toBeGreaterThan(0);
    expect(new Set(done), "every kind of write ran").toEqual(new Set(ops));
  });

  it("builds from the episodes on the first read, across daylight-saving changes, as after the migration", async () => {
    const { clinics, clinician } = await setUp("DayBuild", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]);
    const rnd = createRandom(11);
    for (const [i, c] of clinics.entries()) {
      const p = await createPatient(clinician, { ...barePatient(`DB-${i}`, `DayBuild${i}`), clinicId: c.id });
      // Loaded in bulk, as a bulk load or the migration leaves them: one every 4 h 7 min over a
      // year, so every local midnight and both changes of offset have episodes on each side.
      const data = [];
      for (let t = now.getTime() - 365 * DAY; t < now.getTime(); t += 4 * HOUR + 7 * 60_000) {
        data.push({ patientId: p.id, clinicId: c.id, occurredAt: new Date(t), durationSeconds: 30, side: "LEFT", classification: rnd.pick([null, "TONIC"]), suggestedClassification: rnd.pick([null, "CLONIC"]), deletedAt: rnd.chance(0.05) ? now : null });
      }
      await db.episode.createMany({ data });
      await db.clinic.update({ where: { id: c.id }, data: { episodeDayCountsAt: null } });
    }
    // Written while unbuilt: left to the build.
    const first = await db.patient.findFirstOrThrow({ where: { clinicId: clinics[0].id } });
    await createEpisode(clinician, first.id, plainEpisode(new Date(now.getTime() - DAY)));
    expect(await storedCounts(clinics[0].id)).toEqual({});
    await getClinicDashboard(clinician, { period: "30d" }, now);
    for (const c of clinics) {
      expect((await db.clinic.findUniqueOrThrow({ where: { id: c.id } })).episodeDayCountsAt).not.toBeNull();
      const reference = await referenceCounts(c.id);
      expect(Object.keys(reference).length, "days with episodes").toBeGreaterThan(600);
      expect(await storedCounts(c.id), c.timeZone).toEqual(reference);
    }
    // Kept on write from here on.
    await createEpisode(clinician, first.id, plainEpisode(new Date(now.getTime() - 2 * DAY)));
    expect(await storedCounts(clinics[0].id)).toEqual(await referenceCounts(clinics[0].id));
  });

  it("moves episodes to their new local days when the clinic's time zone changes", async () => {
    const { clinics, clinician, admin } = await setUp("DayZone", ["UTC"]);
    const p = await createPatient(clinician, barePatient("DZ-1", "DayZone"));
    const midnight = Math.floor(now.getTime() / DAY) * DAY - 10 * DAY;
    await createEpisode(clinician, p.id, plainEpisode(new Date(midnight - 30 * 60_000), { classification: "TONIC" }));
    const utcDay = Math.floor((midnight - 1) / DAY);
    expect(await storedCounts(clinics[0].id)).toEqual({ [`${utcDay}|TONIC`]: 1 });
    await setClinicTimeZone(admin, clinics[0].id, "Etc/GMT-1"); // UTC+1: 23:30 UTC is 00:30 the next day
    expect(await storedCounts(clinics[0].id)).toEqual({ [`${utcDay + 1}|TONIC`]: 1 });
  });

  it("keeps every episode when clinicians write the same day at once, and while the counts are rebuilt", async () => {
    const { clinics, clinician } = await setUp("DayRace", ["Europe/Berlin"]);
    const patients = [];
    for (let i = 0; i < 4; i++) patients.push(await createPatient(clinician, barePatient(`DR-${i}`, `DayRace${i}`)));
    const at = new Date(Math.floor(now.getTime() / DAY) * DAY - 3 * DAY + 10 * HOUR);
    for (let round = 0; round < 4; round++) {
      await Promise.all(patients.map((p) => createEpisode(clinician, p.id, plainEpisode(at, { classification: "TONIC" }))));
      // A rebuild in flight with writers.
      await Promise.all([
        inTransaction((tx) => rebuildDayCounts(tx, clinics[0].id)),
        ...patients.map((p) => createEpisode(clinician, p.id, plainEpisode(new Date(at.getTime() + HOUR), { classification: "CLONIC" }))),
      ]);
      expect(await storedCounts(clinics[0].id), `round ${round}`).toEqual(await referenceCounts(clinics[0].id));
    }
    const day = dayNumber(localDate(at, "Europe/Berlin"));
    expect(await storedCounts(clinics[0].id)).toEqual({ [`${day}|TONIC`]: 16, [`${day}|CLONIC`]: 16 });
  });

  it("counts a write in flight during a time-zone change in the new zone", async () => {
    const { clinics, clinician, admin } = await setUp("DayFlight", ["UTC"]);
    const p = await createPatient(clinician, barePatient("DF-1", "DayFlight"));
    const at = new Date(Math.floor(now.getTime() / DAY) * DAY - 2 * DAY - 30 * 60_000); // 23:30 UTC
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let counted!: () => void;
    const writtenInFlight = new Promise<void>((resolve) => (counted = resolve));
    // A writer that has stored its episode and counted it (in UTC), and has not committed yet.
    const writer = inTransaction(async (tx) => {
      const e = await tx.episode.create({ data: { patientId: p.id, clinicId: clinics[0].id, occurredAt: at, durationSeconds: 30, side: "LEFT", classification: "TONIC" } });
      await countEpisodeChanges(tx, e, [], [e]);
      counted();
      await gate;
    });
    await writtenInFlight;
    // UTC+1: the episode's local day is the next one. The rebuild must wait for the writer to commit.
    const change = setClinicTimeZone(admin, clinics[0].id, "Etc/GMT-1");
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([writer, change]);
    expect(await storedCounts(clinics[0].id)).toEqual({ [`${Math.floor(at.getTime() / DAY) + 1}|TONIC`]: 1 });
    expect(await storedCounts(clinics[0].id)).toEqual(await referenceCounts(clinics[0].id));
  });

  it("counts an episode written while its patient is deleted once or not at all, as the episode ends up", async () => {
    const { clinics, clinician } = await setUp("DayGone", ["Europe/Berlin"]);
    const at = (k: number) => new Date(Math.floor(now.getTime() / DAY) * DAY - k * DAY + 10 * HOUR);
    for (let round = 0; round < 6; round++) {
      const p = await createPatient(clinician, barePatient(`DG-${round}`, `DayGone${round}`));
      await createEpisode(clinician, p.id, plainEpisode(at(1), { classification: "TONIC" }));
      const results = await Promise.allSettled([
        createEpisode(clinician, p.id, plainEpisode(at(2), { classification: "TONIC" })),
        deletePatient(clinician, p.id, p.version),
        createEpisode(clinician, p.id, plainEpisode(at(3), { classification: "CLONIC" })),
      ]);
      expect(results[1].status, `round ${round}: the deletion`).toBe("fulfilled");
      expect(await storedCounts(clinics[0].id), `round ${round}`).toEqual(await referenceCounts(clinics[0].id));
    }
    expect(await storedCounts(clinics[0].id), "every patient is deleted").toEqual({});
  });
});
