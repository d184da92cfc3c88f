/**
 * The triage list (lib/features/patients/list.ts) against a reading done the straightforward way on
 * the same data: every sort in both directions walked page by page forwards and back, every filter,
 * the clinic scope, and the urgency order. The reference reads the episodes, visits and review
 * marks themselves, never the stored attention rows the list reads.
 * Runs on SQLite, and on PostgreSQL with TEST_DB=postgresql (tests/setup/integration.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { RED_FLAG_URGENCY } from "@/lib/core/clinical/red-flags";
import { createEpisode } from "@/lib/features/episodes/data";
import { createPatient, deletePatient } from "@/lib/features/patients/data";
import { listPatientTriage, loadPatientsToSeeFirst, type TriagePatient } from "@/lib/features/patients/list";
import { PATIENT_TRIAGE_SORTS, type PatientTriageSort } from "@/lib/features/patients/schema";
import { createVisit } from "@/lib/features/visits/data";
import { createRandom } from "../factories/random";
import { actorFor, createClinic, createUser } from "../factories/users";
import { barePatient, plainEpisode, TEST_PASSWORD } from "../factories/world";
import { referenceAttention } from "../helpers/attention-reference";

// A small count cap, so that both ways of reading a filtered page in name order are taken: through
// the filter's index when few patients match (counted under the cap), in name order when more do.
const { CAP } = vi.hoisted(() => ({ CAP: 6 }));
vi.mock("@/lib/server/pagination", async (original) => ({ ...(await original<typeof import("@/lib/server/pagination")>()), LIST_COUNT_CAP: CAP }));

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date();
const ago = (days: number, hours = 0) => new Date(now.getTime() - days * DAY - hours * HOUR);

let clinicA: string;
let clinicB: string;
/** A clinician of clinic A only, and one of both clinics. */
let onlyA: Actor;
let both: Actor;
const named: Record<string, string> = {};

interface Expected {
  id: string;
  clinicId: string;
  searchText: string;
  mrn: string;
  urgencyRank: number;
  reviewCount: number;
  latest: number | null;
  recent: number;
  lastVisit: number | null;
}

/** Every patient of the actor's clinics with the list's columns, computed from the records. */
async function reference(actor: Actor): Promise<Expected[]> {
  const asOf = new Date();
  const flagged = new Map((await referenceAttention(actor, asOf, 100_000)).map((i) => [i.patientId, i]));
  const patients = await db.patient.findMany({ where: { clinicId: { in: actor.clinicIds }, deletedAt: null } });
  const out: Expected[] = [];
  for (const p of patients) {
    const live = { patientId: p.id, deletedAt: null };
    const latest = await db.episode.aggregate({ where: live, _max: { occurredAt: true } });
    const visit = await db.visit.aggregate({ where: live, _max: { occurredAt: true } });
    const flags = flagged.get(p.id)?.redFlags ?? [];
    out.push({
      id: p.id,
      clinicId: p.clinicId,
      searchText: p.searchText,
      mrn: p.mrn,
      urgencyRank: Math.min(3, ...flags.map((c) => ({ URGENT: 0, HIGH: 1, ROUTINE: 2 })[RED_FLAG_URGENCY[c]])),
      reviewCount: await db.episode.count({ where: { ...live, needsReview: true } }),
      latest: latest._max.occurredAt?.getTime() ?? null,
      recent: await db.episode.count({ where: { ...live, occurredAt: { gte: new Date(asOf.getTime() - 30 * DAY), lte: asOf } } }),
      lastVisit: visit._max.occurredAt?.getTime() ?? null,
    });
  }
  return out;
}

/** The order each sort promises when read "asc" (NULL the smallest; "desc" reverses every key). */
const KEYS: Record<PatientTriageSort, (e: Expected) => [string | number | null, 1 | -1][]> = {
  name: (e) => [[e.searchText, 1], [e.id, 1]],
  mrn: (e) => [[e.mrn, 1], [e.id, 1]],
  urgency: (e) => [[e.urgencyRank, -1], [e.reviewCount, 1], [e.id, 1]],
  awaitingReview: (e) => [[e.reviewCount, 1], [e.id, 1]],
  episodes30d: (e) => [[e.recent, 1], [e.id, 1]],
  lastEpisode: (e) => [[e.latest, 1], [e.id, 1]],
  lastVisit: (e) => [[e.lastVisit, 1], [e.id, 1]],
};

function sorted(rows: Expected[], sort: PatientTriageSort, dir: "asc" | "desc"): string[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows]
    .sort((x, y) => {
      const kx = KEYS[sort](x);
      const ky = KEYS[sort](y);
      for (let i = 0; i < kx.length; i++) {
        const [a, order] = kx[i];
        const b = ky[i][0];
        if (a === b) continue;
        const c = a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
        return c * order * sign;
      }
      return 0;
    })
    .map((e) => e.id);
}

/** Every page of a listing, forwards, then back from the last: the ids of each page. */
async function walk(actor: Actor, query: Record<string, unknown>, limit: number) {
  const forward: TriagePatient[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listPatientTriage(actor, { ...query, limit, cursor });
    forward.push(page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const backward: TriagePatient[][] = [forward[forward.length - 1]];
  let back = forward.length > 1 ? (await listPatientTriage(actor, { ...query, limit, cursor })).prevCursor : null;
  while (back) {
    const page = await listPatientTriage(actor, { ...query, limit, cursor: back });
    backward.unshift(page.items);
    back = page.prevCursor;
  }
  return { forward: forward.map((p) => p.map((r) => r.id)), backward: backward.map((p) => p.map((r) => r.id)) };
}

beforeAll(async () => {
  clinicA = (await createClinic(db, "Triage A", "Europe/Berlin")).id;
  clinicB = (await createClinic(db, "Triage B", "America/New_York")).id;
  const mk = async (email: string, clinicIds: string[]) =>
    actorFor(await createUser(db, { email, name: email, role: "CLINICIAN", clinicIds, password: TEST_PASSWORD }), clinicIds);
  onlyA = await mk("triage-a@test.clinic", [clinicA]);
  both = await mk("triage-both@test.clinic", [clinicA, clinicB]);
  const patient = async (key: string, mrn: string, family: string, clinicId = clinicA) =>
    (named[key] = (await createPatient(both, { ...barePatient(mrn, family), clinicId })).id);

  // Impaired consciousness: urgent. A cramp of 11 minutes: high. Three in a week after exertion, at one hour, not on consecutive days: routine.
  await patient("urgent", "T-URG", "Urgent");
  await createEpisode(both, named.urgent, plainEpisode(ago(2), { consciousnessImpaired: true }));
  await patient("high", "T-HIGH", "High");
  await createEpisode(both, named.high, plainEpisode(ago(10), { durationSeconds: 660 }));
  await patient("routine", "T-ROU", "Routine");
  for (const d of [1, 3, 5]) await createEpisode(both, named.routine, plainEpisode(ago(d), { triggers: ["EXERTION"] }));
  // Twitches labelled tonic: the suggestion disagrees, so the episode awaits review (40 days ago: no flag).
  await patient("review", "T-REV", "Review");
  await createEpisode(both, named.review, plainEpisode(ago(40), { movement: "TWITCHES", classification: "TONIC" }));
  await createEpisode(both, named.review, plainEpisode(ago(45), { movement: "TWITCHES", classification: "TONIC" }));
  await patient("old", "T-OLD", "Old");
  await createEpisode(both, named.old, plainEpisode(ago(100)));
  await createVisit(both, named.old, { occurredAt: ago(50).toISOString() });
  await patient("none", "T-NONE", "Nothing");
  // Not listed: deleted, or in clinic B for the clinician of clinic A.
  await patient("deleted", "T-DEL", "Deleted");
  await createEpisode(both, named.deleted, plainEpisode(ago(1), { consciousnessImpaired: true }));
  await deletePatient(both, named.deleted, 1);
  await patient("otherClinic", "T-OTHER", "Elsewhere", clinicB);
  await createEpisode(both, named.otherClinic, plainEpisode(ago(1), { consciousnessImpaired: true }));

  // Patients with a bit of everything, many of them tied on some column.
  const rnd = createRandom(22);
  for (let i = 0; i < 14; i++) {
    const id = await patient(`mixed${i}`, `T-M${String(i).padStart(2, "0")}`, `Mixed${rnd.pick(["a", "b", "c"])}`, i % 3 === 2 ? clinicB : clinicA);
    const n = rnd.pick([0, 0, 1, 2, 4]);
    for (let k = 0; k < n; k++) {
      await createEpisode(
        both,
        id,
        plainEpisode(ago(rnd.int(0, 70), rnd.int(0, 23)), {
          durationSeconds: rnd.pick([30, 60, 90, 700]),
          ...(rnd.int(0, 5) === 0 ? { movement: "TWITCHES", classification: "TONIC" } : {}),
        }),
      );
    }
    if (rnd.int(0, 2) === 0) await createVisit(both, id, { occurredAt: ago(rnd.int(0, 90)).toISOString() });
  }
}, 120_000);

describe("patient triage list", () => {
  it("sorts by every column in both directions, page after page, forwards and back, without a gap or a repeat", async () => {
    for (const actor of [onlyA, both]) {
      const expected = await reference(actor);
      for (const sort of PATIENT_TRIAGE_SORTS) {
        for (const dir of ["asc", "desc"] as const) {
          const want = sorted(expected, sort, dir);
          const { forward, backward } = await walk(actor, { sort, dir }, 4);
          expect(forward.flat(), `${sort} ${dir}`).toEqual(want);
          expect(backward, `${sort} ${dir} backwards`).toEqual(forward);
          expect(forward.slice(0, -1).every((p) => p.length === 4)).toBe(true);
        }
      }
    }
  }, 120_000);

  it("shows each patient's columns as the records give them, the sparkline adding up to the 30-day count", async () => {
    const expected = new Map((await reference(both)).map((e) => [e.id, e]));
    const page = await listPatientTriage(both, { sort: "name", limit: 200 });
    expect(page.items).toHaveLength(expected.size);
    for (const row of page.items) {
      const e = expected.get(row.id)!;
      expect(row.lastEpisodeAt?.getTime() ?? null).toBe(e.latest);
      expect(row.lastVisitAt?.getTime() ?? null).toBe(e.lastVisit);
      expect(row.recentEpisodes).toBe(e.recent);
      expect(row.awaitingReview).toBe(e.reviewCount);
      expect(row.daily).toHaveLength(30);
      expect(row.daily.reduce((a, b) => a + b, 0)).toBe(e.recent);
      expect(row.urgency).toBe([("URGENT"), "HIGH", "ROUTINE"][e.urgencyRank] ?? null);
    }
    const routine = page.items.find((r) => r.id === named.routine)!;
    // Episodes 1, 3 and 5 days ago: the sparkline's last bar is the 24 hours up to now.
    expect(routine.daily.slice(-6)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(page.items.find((r) => r.id === named.none)).toMatchObject({ urgency: null, awaitingReview: 0, lastEpisodeAt: null, recentEpisodes: 0, lastVisitAt: null });
  });

  it("puts urgent before high before routine before none, then the most episodes awaiting review", async () => {
    const page = await listPatientTriage(onlyA, { sort: "urgency", limit: 200 });
    expect(page.items.slice(0, 1).map((r) => [r.id, r.urgency, r.redFlags])).toEqual([[named.urgent, "URGENT", ["IMPAIRED_CONSCIOUSNESS"]]]);
    const ranks = page.items.map((r) => (r.urgency ? ["URGENT", "HIGH", "ROUTINE"].indexOf(r.urgency) : 3));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ranks).toContain(1);
    expect(ranks).toContain(2);
    const none = page.items.filter((r) => !r.urgency);
    expect(none.map((r) => r.awaitingReview)).toEqual(none.map((r) => r.awaitingReview).sort((a, b) => b - a));
    expect(page.items.findIndex((r) => r.id === named.high)).toBeLessThan(page.items.findIndex((r) => r.id === named.routine));
    expect(page.items.findIndex((r) => r.id === named.routine)).toBeLessThan(page.items.findIndex((r) => r.id === named.review));

    const first = await loadPatientsToSeeFirst(onlyA);
    expect(first.items[0].id).toBe(named.urgent);
    expect(first.items.every((r) => r.urgency !== null || r.awaitingReview > 0)).toBe(true);
    expect(first.items.map((r) => r.id)).not.toContain(named.none);
  });

  it("filters by search text, urgency, awaiting review, last episode and clinic, each and together, with the count", async () => {
    const expected = await reference(both);
    const asOf = Date.now();
    const cases: [Record<string, unknown>, (e: Expected) => boolean][] = [
      [{ q: "mixedb" }, (e) => e.searchText.includes("mixedb")],
      [{ q: "T-ROU" }, (e) => e.id === named.routine],
      [{ q: "_" }, () => false], // a LIKE wildcard is searched for as itself
      [{ urgency: "URGENT" }, (e) => e.urgencyRank <= 0],
      [{ urgency: "HIGH" }, (e) => e.urgencyRank <= 1],
      [{ urgency: "ROUTINE" }, (e) => e.urgencyRank <= 2],
      [{ review: "yes" }, (e) => e.reviewCount > 0],
      [{ within: 7 }, (e) => e.latest !== null && e.latest >= asOf - 7 * DAY],
      [{ within: 60 }, (e) => e.latest !== null && e.latest >= asOf - 60 * DAY],
      [{ clinic: clinicB }, (e) => e.clinicId === clinicB],
      [{ clinic: clinicA, urgency: "ROUTINE", within: 30 }, (e) => e.clinicId === clinicA && e.urgencyRank <= 2 && e.latest !== null && e.latest >= asOf - 30 * DAY],
      [{ q: "mixed", review: "yes" }, (e) => e.searchText.includes("mixed") && e.reviewCount > 0],
    ];
    const sizes = new Set<boolean>();
    for (const [filter, keep] of cases) {
      const matching = expected.filter(keep);
      sizes.add(matching.length > CAP);
      for (const sort of ["name", "urgency", "lastEpisode"] as const) {
        const want = sorted(matching, sort, "desc");
        const { forward } = await walk(both, { ...filter, sort, dir: "desc" }, 3);
        expect(forward.flat(), `${JSON.stringify(filter)} by ${sort}`).toEqual(want);
      }
      const page = await listPatientTriage(both, filter);
      expect([page.total, page.totalCapped], JSON.stringify(filter)).toEqual([Math.min(CAP, matching.length), matching.length > CAP]);
    }
    expect([...sizes].sort()).toEqual([false, true]);
  }, 120_000);

  it("never lists another clinic's patient or a deleted one, whatever the sort, filter or clinic asked for", async () => {
    for (const sort of PATIENT_TRIAGE_SORTS) {
      const all = (await listPatientTriage(onlyA, { sort, limit: 200 })).items.map((r) => r.id);
      expect(all).not.toContain(named.otherClinic);
      expect(all).not.toContain(named.deleted);
      expect(all).toContain(named.none);
    }
    const asked = await listPatientTriage(onlyA, { clinic: clinicB });
    expect([asked.items, asked.total]).toEqual([[], 0]);
    expect((await listPatientTriage(onlyA, {})).clinics.map((c) => c.id)).toEqual([clinicA]);
    const bothIds = (await listPatientTriage(both, { urgency: "URGENT", limit: 200 })).items.map((r) => r.id);
    expect(bothIds).toContain(named.otherClinic);
    expect(bothIds).not.toContain(named.deleted);
  });

  it("refuses a cursor of another sort, and audits each read as the patient list", async () => {
    const page = await listPatientTriage(onlyA, { sort: "urgency", limit: 2 });
    await expect(listPatientTriage(onlyA, { sort: "name", cursor: page.nextCursor! })).rejects.toThrow(/cursor|correct/i);
    await expect(listPatientTriage(onlyA, { sort: "urgency", cursor: "not-a-cursor" })).rejects.toThrow(/cursor|correct/i);
    await listPatientTriage(onlyA, { sort: "lastVisit", dir: "asc", review: "yes", q: "Review" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { userId: onlyA.userId, action: "PATIENT_LIST" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(audit.details ?? "{}")).toMatchObject({ q: "Review", sort: "lastVisit", dir: "asc", review: "yes", returned: 1 });
  });

  it("lists a new patient in every sort from the start (its stored row is made with it)", async () => {
    const fresh = await createPatient(onlyA, barePatient("T-FRESH", "Fresh"));
    expect(await db.patientAttention.findUnique({ where: { patientId: fresh.id } })).toMatchObject({ urgencyRank: 3, reviewCount: 0, episodesInWindow: 0 });
    for (const sort of PATIENT_TRIAGE_SORTS) {
      const ids = (await listPatientTriage(onlyA, { sort, limit: 200 })).items.map((r) => r.id);
      expect(ids, sort).toContain(fresh.id);
    }
    await createVisit(onlyA, fresh.id, { occurredAt: ago(0, 1).toISOString() });
    const row = (await listPatientTriage(onlyA, { sort: "lastVisit", dir: "desc", limit: 1 })).items[0];
    expect(row.id).toBe(fresh.id);
  });

  // Last: it rewrites the stored rows.
  it("gives the same list after migration 0011's data step fills the columns of rows stored before it, and adds the missing rows", async () => {
    const expected = await reference(both);
    const kind = process.env.TEST_DB_KIND === "postgresql" ? "postgresql" : "sqlite";
    const sql = fs.readFileSync(path.join("prisma/migrations", kind, "0011_patient_triage/migration.sql"), "utf8");
    const dataStep = sql.slice(sql.indexOf("-- The latest episode and visit of each stored row"));
    // Rows as 0010 left them: no triage columns; and patients without a row (never written for, or from before 0005).
    await db.patientAttention.updateMany({ data: { episodesInWindow: 0, latestEpisodeAt: null, lastVisitAt: null } });
    await db.patientAttention.deleteMany({ where: { patientId: { in: [named.none, named.old, named.routine, named.otherClinic] } } });
    for (const statement of dataStep.split(/;\s*$/m).map((x) => x.trim()).filter((x) => x.replace(/^--.*$/gm, "").trim())) await db.$executeRawUnsafe(statement);
    expect(await db.patientAttention.count()).toBe(await db.patient.count());
    expect(await db.patientAttention.findUniqueOrThrow({ where: { patientId: named.none } })).toMatchObject({ validUntil: null, latestEpisodeAt: null });

    for (const sort of PATIENT_TRIAGE_SORTS) {
      const ids = (await listPatientTriage(both, { sort, dir: "desc", limit: 200 })).items.map((r) => r.id);
      expect(ids, sort).toEqual(sorted(expected, sort, "desc"));
    }
    const rows = new Map((await listPatientTriage(both, { limit: 200 })).items.map((r) => [r.id, r]));
    for (const e of expected) {
      const row = rows.get(e.id)!;
      expect([row.lastEpisodeAt?.getTime() ?? null, row.lastVisitAt?.getTime() ?? null, row.recentEpisodes], e.mrn).toEqual([e.latest, e.lastVisit, e.recent]);
    }
  });
});
