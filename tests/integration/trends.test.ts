import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient, deletePatient } from "@/lib/features/patients/data";
import { createEpisode, deleteEpisode } from "@/lib/features/episodes/data";
import { createVisit } from "@/lib/features/visits/data";
import { DataError } from "@/lib/server/errors";
import { offsetSegments } from "@/lib/features/episodes/sql";
import { getClinicDashboard, getPatientTrends, getSuggestedCauses, weeksOf, type PatientTrends } from "@/lib/features/trends/data";
import { createWorld, validPatient } from "../factories/world";
import { actorFor, createClinic, createUser } from "../factories/users";

/**
 * A fixed data set around the daylight-saving changes of Europe/Berlin (Sunday 2025-10-26,
 * CEST +02 -> CET +01; Sunday 2026-03-29, CET -> CEST) and America/New_York (Sunday 2026-03-08).
 * Each instant is written with the local offset in force, so "Sunday 23:30" is Sunday 23:30 on
 * the clinic's clock. The comments give the UTC instant where a wrong offset would move the week.
 */
let world: Awaited<ReturnType<typeof createWorld>>;
let p1: string;
let p2: string;
const ids: Record<string, string> = {};

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const ep = (occurredAt: string, overrides: Record<string, unknown> = {}) => ({
  occurredAt,
  durationSeconds: 60,
  side: "LEFT",
  movement: "SUSTAINED_CONTRACTION",
  classification: "TONIC",
  triggers: ["UNKNOWN"],
  ...overrides,
});

const week = (t: PatientTrends, weekStart: string) => t.weeks.find((w) => w.weekStart === weekStart)!;
const counts = (t: { weeks: { weekStart: string; total: number }[] }) =>
  Object.fromEntries(t.weeks.filter((w) => w.total).map((w) => [w.weekStart, w.total]));

beforeAll(async () => {
  world = await createWorld(db); // world.clinic is in Europe/Berlin
  const c = world.actors.clinician;
  p1 = (
    await createPatient(
      c,
      validPatient({
        mrn: "TR-1",
        medications: [
          { name: "Metformin 500 mg", active: true, startedOn: "2026-03-24" },
          { name: "Omeprazole 20 mg", active: false, startedOn: "2025-01-10", stoppedOn: "2026-03-31" },
        ],
      }),
    )
  ).id;
  p2 = (await createPatient(c, validPatient({ mrn: "TR-2", pregnant: false, conditions: [], lifestyle: [], medications: [] }))).id;
  const p3 = await createPatient(c, validPatient({ mrn: "TR-3", pregnant: false, medications: [] }));

  const add = async (name: string, patientId: string, occurredAt: string, overrides: Record<string, unknown> = {}) => {
    ids[name] = (await createEpisode(c, patientId, ep(occurredAt, overrides))).id;
  };
  // Autumn 2025: the week of Monday 20 October ends on the Sunday of the change.
  await add("e7", p1, "2025-10-26T23:30:00+01:00", { durationSeconds: 100 }); // 22:30Z; +02 would make it Monday
  await add("e8", p1, "2025-10-27T00:30:00+01:00", { durationSeconds: 200 }); // Sunday 23:30Z
  await add("e9", p1, "2025-10-26T02:30:00+01:00", { duringSleep: true }); // the second 02:30 of that night
  // Spring 2026.
  await add("e3", p1, "2026-03-22T23:59:00+01:00"); // Sunday: week of 16 March
  await add("e1", p1, "2026-03-23T00:10:00+01:00", { painScore: 3, durationSeconds: 60, triggers: ["COLD"] });
  await add("e2", p1, "2026-03-29T23:30:00+02:00", {
    painScore: 6,
    durationSeconds: 90,
    movement: "TWITCHES",
    classification: null,
    duringSleep: true,
    triggers: ["COLD", "EXERTION"],
  });
  await add("e4", p1, "2026-03-30T00:30:00+02:00", { durationSeconds: 300, movement: null, classification: null }); // Sunday 22:30Z
  await add("e5", p1, "2026-03-30T06:00:00+02:00", { painScore: 4, durationSeconds: 30, classification: "CLONIC" }); // 04:00Z; +01 would say night
  await add("e6", p1, "2026-03-30T05:59:00+02:00", {
    painScore: 8,
    durationSeconds: 120,
    side: "RIGHT",
    muscleGroup: "FOOT",
    triggers: ["COLD"],
  });
  await add("gone", p1, "2026-03-31T12:00:00+02:00");
  const gone = await db.episode.findUniqueOrThrow({ where: { id: ids.gone } });
  await deleteEpisode(c, gone.id, gone.version);
  // Another patient of the clinic, and a deleted patient whose episodes must not count anywhere.
  await add("q1", p2, "2026-04-01T12:00:00+02:00", { triggers: ["COLD"] });
  await add("d1", p3.id, "2026-04-01T12:00:00+02:00", { classification: "CLONIC" });
  await deletePatient(c, p3.id, (await db.patient.findUniqueOrThrow({ where: { id: p3.id } })).version);

  await createVisit(c, p1, { occurredAt: "2026-03-25T10:00:00+01:00" });
  // Registration dates for "new patients per week" (set directly: the app stamps the real now).
  await db.patient.update({ where: { id: p1 }, data: { createdAt: new Date("2026-03-23T00:30:00+01:00") } }); // Monday
  await db.patient.update({ where: { id: p2 }, data: { createdAt: new Date("2026-03-22T23:30:00+01:00") } }); // Sunday
  await db.patient.update({ where: { id: p3.id }, data: { createdAt: new Date("2026-03-31T12:00:00+02:00") } });
});

describe("time zone helpers", () => {
  it("splits a period at each daylight-saving change, to the second", () => {
    const segs = offsetSegments(new Date("2025-10-19T22:00:00Z"), new Date("2026-04-05T22:00:00Z"), "Europe/Berlin");
    expect(segs).toEqual([
      { until: new Date("2025-10-26T01:00:00Z"), offsetSeconds: 7200 },
      { until: new Date("2026-03-29T01:00:00Z"), offsetSeconds: 3600 },
      { until: null, offsetSeconds: 7200 },
    ]);
    expect(offsetSegments(new Date("2026-01-01T00:00:00Z"), new Date("2026-02-01T00:00:00Z"), "UTC")).toEqual([
      { until: null, offsetSeconds: 0 },
    ]);
  });

  it("lists every Monday-based week that overlaps the period, marking partial ones", () => {
    expect(weeksOf({ from: "2026-03-18", to: "2026-04-05" })).toEqual([
      { weekStart: "2026-03-16", partial: true },
      { weekStart: "2026-03-23", partial: false },
      { weekStart: "2026-03-30", partial: false },
    ]);
    expect(weeksOf({ from: "2026-03-23", to: "2026-03-23" })).toEqual([{ weekStart: "2026-03-23", partial: true }]);
  });
});

describe("patient trends", () => {
  it("counts episodes per local week, Monday to Sunday, across both daylight-saving changes", async () => {
    const t = await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2025-10-20", periodTo: "2026-04-05" });
    expect(t.period).toEqual({ period: "custom", from: "2025-10-20", to: "2026-04-05", days: 168 });
    expect(t.weeks).toHaveLength(24);
    expect(t.weeks[0]).toMatchObject({ weekStart: "2025-10-20", partial: false });
    expect(t.weeks.at(-1)).toMatchObject({ weekStart: "2026-03-30", partial: false });
    // Sunday 23:30 stays in its week, Monday 00:30 opens the next, before and after each change.
    expect(counts(t)).toEqual({ "2025-10-20": 2, "2025-10-27": 1, "2026-03-16": 1, "2026-03-23": 2, "2026-03-30": 3 });
    expect(t.total).toBe(9);
  });

  it("gives the same weeks whichever offset the period starts in", async () => {
    // Starting in winter time (a single-offset shortcut would use +01 for the whole period) ...
    const spring = await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2026-03-16", periodTo: "2026-04-05" });
    expect(counts(spring)).toEqual({ "2026-03-16": 1, "2026-03-23": 2, "2026-03-30": 3 });
    // ... and in summer time (+02 for the whole period would move the autumn Sunday to Monday).
    const autumn = await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2025-10-20", periodTo: "2025-11-02" });
    expect(counts(autumn)).toEqual({ "2025-10-20": 2, "2025-10-27": 1 });
    // A period ending on that Sunday leaves out Monday 00:30; one starting on that Monday leaves out Sunday 23:30.
    expect(
      (await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2026-03-29", periodTo: "2026-03-29" })).total,
    ).toBe(1);
    expect(
      (await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2026-03-30", periodTo: "2026-03-30" })).total,
    ).toBe(3);
  });

  it("stacks by effective type and gives exact weekly pain and duration figures", async () => {
    const t = await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2026-03-16", periodTo: "2026-04-05" });
    const w23 = week(t, "2026-03-23");
    expect(w23.byType).toMatchObject({ TONIC: 1, MYOCLONIC: 1, CLONIC: 0, UNCLASSIFIED: 0 }); // e2: no label, suggestion MYOCLONIC
    expect(w23).toMatchObject({ total: 2, painCount: 2, painAvg: 4.5, painMin: 3, painMax: 6, durationAvg: 75, durationMax: 90 });
    const w30 = week(t, "2026-03-30");
    expect(w30.byType).toMatchObject({ UNCLASSIFIED: 1, CLONIC: 1, TONIC: 1, MYOCLONIC: 0 }); // the deleted episode is gone
    expect(w30).toMatchObject({ total: 3, painCount: 2, painAvg: 6, painMin: 4, painMax: 8, durationAvg: 150, durationMax: 300 });
    expect(week(t, "2026-03-16")).toMatchObject({ total: 1, painCount: 0, painAvg: null, painMin: null, durationAvg: 60 });
  });

  it("counts day-parts on the local clock with sleep, and sides, muscle groups and triggers", async () => {
    const t = await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2025-10-20", periodTo: "2026-04-05" });
    expect(t.dayParts).toEqual([
      { part: "NIGHT", asleep: 1, awake: 4 }, // e9 asleep; e1, e4, e6 (05:59), e8
      { part: "MORNING", asleep: 0, awake: 1 }, // e5 at 06:00 summer time
      { part: "AFTERNOON", asleep: 0, awake: 0 },
      { part: "EVENING", asleep: 1, awake: 2 }, // e2 asleep; e3, e7
    ]);
    expect(t.sides).toEqual([
      { key: "LEFT", count: 8 },
      { key: "RIGHT", count: 1 },
      { key: "BOTH", count: 0 },
    ]);
    expect(t.muscleGroups).toEqual([
      { key: "CALF", count: 8 },
      { key: "FOOT", count: 1 },
      { key: "THIGH", count: 0 },
      { key: "OTHER", count: 0 },
    ]);
    expect(Object.fromEntries(t.triggers.map((x) => [x.key, x.count]))).toEqual({
      EXERTION: 1,
      WALKING: 0, // v2 trigger: counted (as none) like every other
      COLD: 3,
      HEAT_SWEATING: 0,
      TIGHT_FOOTWEAR: 0,
      STRESS: 0,
      PROLONGED_REST: 0,
      UNKNOWN: 6,
    });
  });

  it("marks visits and medication starts and stops in the period, in their weeks", async () => {
    const t = await getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2026-03-16", periodTo: "2026-04-05" });
    expect(t.markers).toEqual([
      { kind: "MEDICATION_START", date: "2026-03-24", weekStart: "2026-03-23", label: "Started Metformin 500 mg" },
      { kind: "VISIT", date: "2026-03-25", weekStart: "2026-03-23", label: "Visit" },
      { kind: "MEDICATION_STOP", date: "2026-03-31", weekStart: "2026-03-30", label: "Stopped Omeprazole 20 mg" },
    ]);
  });

  it("resolves the preset periods as local days ending today", async () => {
    const now = new Date("2026-04-05T22:30:00Z"); // already 6 April (00:30) in Berlin
    const t = await getPatientTrends(world.actors.reader, p1, { period: "30d" }, now);
    expect(t.period).toEqual({ period: "30d", from: "2026-03-08", to: "2026-04-06", days: 30 });
    expect(t.total).toBe(6);
    expect(t.weeks[0]).toEqual(expect.objectContaining({ weekStart: "2026-03-02", partial: true }));
    expect((await getPatientTrends(world.actors.reader, p1, {}, now)).period).toMatchObject({
      period: "90d",
      from: "2026-01-07",
      to: "2026-04-06",
    });
    expect((await getPatientTrends(world.actors.reader, p1, { period: "1y" }, now)).period).toMatchObject({
      from: "2025-04-07",
      days: 365,
    });
  });

  it("refuses a bad period field by field, and hides other clinics' patients", async () => {
    const bad = await refusal(
      getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2026-04-05", periodTo: "2026-03-01" }),
    );
    expect(bad.code).toBe("VALIDATION");
    expect(bad.fields).toEqual({ periodTo: "The last day must not be before the first day" });
    const missing = await refusal(getPatientTrends(world.actors.reader, p1, { period: "custom" }));
    expect(Object.keys(missing.fields).sort()).toEqual(["periodFrom", "periodTo"]);
    expect((await refusal(getPatientTrends(world.actors.reader, p1, { period: "5y" }))).fields.period).toBeTruthy();
    expect(
      (await refusal(getPatientTrends(world.actors.reader, p1, { period: "custom", periodFrom: "2020-01-01", periodTo: "2026-01-01" })))
        .fields.periodTo,
    ).toMatch(/3 years/);
    expect((await refusal(getPatientTrends(world.actors.outsider, p1, {}))).code).toBe("NOT_FOUND");
  });

  it("audits each view, and the refused one", async () => {
    const before = await db.auditEvent.count({ where: { action: "TRENDS_VIEW", patientId: p1 } });
    await getPatientTrends(world.actors.reader, p1, { period: "1y" });
    await refusal(getPatientTrends(world.actors.outsider, p1, {}));
    const rows = await db.auditEvent.findMany({ where: { action: "TRENDS_VIEW", patientId: p1 }, orderBy: { seq: "asc" } });
    expect(rows.length).toBe(before + 2);
    expect(rows.at(-2)).toMatchObject({ outcome: "SUCCESS", userEmail: "reader@test.clinic" });
    expect(JSON.parse(rows.at(-2)!.details)).toMatchObject({ period: "1y" });
    expect(rows.at(-1)).toMatchObject({ outcome: "DENIED", userEmail: "outsider@test.clinic" });
  });
});

describe("America/New_York", () => {
  it("puts Monday 00:30 after the March change into the new week", async () => {
    const ny = await createClinic(db, "NY Clinic", "America/New_York");
    const user = await createUser(db, {
      email: "ny@test.clinic",
      name: "ny",
      role: "CLINICIAN",
      clinicIds: [ny.id],
      password: "correct horse battery",
    });
    const actor = actorFor(user, [ny.id]);
    const p = await createPatient(actor, validPatient({ mrn: "NY-1" }));
    for (const at of ["2026-03-08T23:30:00-04:00", "2026-03-09T00:30:00-04:00", "2026-03-02T00:00:00-05:00", "2026-03-01T23:59:00-05:00"]) {
      await createEpisode(actor, p.id, ep(at));
    }
    const t = await getPatientTrends(actor, p.id, { period: "custom", periodFrom: "2026-02-23", periodTo: "2026-03-15" });
    expect(counts(t)).toEqual({ "2026-02-23": 1, "2026-03-02": 2, "2026-03-09": 1 });
    expect(t.dayParts.find((d) => d.part === "NIGHT")).toEqual({ part: "NIGHT", asleep: 0, awake: 2 });
    expect(t.dayParts.find((d) => d.part === "EVENING")).toEqual({ part: "EVENING", asleep: 0, awake: 2 });
    // The dashboard of that clinic alone, in its own zone.
    const d = await getClinicDashboard(actor, { period: "custom", periodFrom: "2026-02-23", periodTo: "2026-03-15" });
    expect(counts(d)).toEqual({ "2026-02-23": 1, "2026-03-02": 2, "2026-03-09": 1 });
  });
});

describe("clinic dashboard", () => {
  const query = { period: "custom", periodFrom: "2026-03-16", periodTo: "2026-04-05" };

  it("counts the clinic's episodes per week by type, leaving out deleted episodes and patients", async () => {
    const d = await getClinicDashboard(world.actors.clinician, query, new Date("2026-04-05T12:00:00Z"));
    expect(d.clinics.map((c) => c.name)).toEqual(["Test Clinic"]);
    expect(counts(d)).toEqual({ "2026-03-16": 1, "2026-03-23": 2, "2026-03-30": 4 });
    expect(d.weeks.find((w) => w.weekStart === "2026-03-30")!.byType).toMatchObject({ TONIC: 2, CLONIC: 1, UNCLASSIFIED: 1 });
    expect(d.episodesInPeriod).toBe(7);
  });

  it("counts new patients per local week and the episodes awaiting review", async () => {
    const d = await getClinicDashboard(world.actors.clinician, query, new Date("2026-04-05T12:00:00Z"));
    expect(d.newPatients).toEqual([
      { weekStart: "2026-03-16", partial: false, count: 1 }, // Sunday 23:30
      { weekStart: "2026-03-23", partial: false, count: 1 }, // Monday 00:30
      { weekStart: "2026-03-30", partial: false, count: 0 }, // the deleted patient
    ]);
    expect(d.newPatientsInPeriod).toBe(2);
    expect(d.awaitingReview).toBe(1); // e5 (clinician's CLONIC against TONIC); the deleted patient's does not count
  });

  it("counts the causes the checklist rules suggest for the recently active patients", async () => {
    // The rules of lib/core/clinical over the 30 days up to `now`: p1 and p2 had episodes, the deleted p3 does not count.
    const c = await getSuggestedCauses(world.actors.reader, new Date("2026-04-05T12:00:00Z"));
    expect(c).toMatchObject({ patientsChecked: 2, patientsActive: 2, windowDays: 30, limit: 200 });
    const byCause = Object.fromEntries(c.causes.map((x) => [x.causeId, x.patients]));
    expect(byCause).toMatchObject({ hypothermia: 2, pregnancy: 1, varicose_veins: 1, overexertion: 1 });
    expect(c.causes[0]).toEqual({ causeId: "hypothermia", label: "Hypothermia", patients: 2 });
    // Nothing was active in the 30 days before 1 March.
    expect(await getSuggestedCauses(world.actors.reader, new Date("2026-03-01T00:00:00Z"))).toMatchObject({
      causes: [],
      patientsChecked: 0,
      patientsActive: 0,
    });
  });

  it("shows nothing of other clinics and audits the view", async () => {
    const d = await getClinicDashboard(world.actors.outsider, query, new Date("2026-04-05T12:00:00Z"));
    expect(d.episodesInPeriod).toBe(0);
    expect(d.awaitingReview).toBe(0);
    expect((await getSuggestedCauses(world.actors.outsider, new Date("2026-04-05T12:00:00Z"))).causes).toEqual([]);
    const [causes, view] = await db.auditEvent.findMany({ where: { action: "DASHBOARD_VIEW" }, orderBy: { seq: "desc" }, take: 2 });
    expect(view).toMatchObject({ userEmail: "outsider@test.clinic", outcome: "SUCCESS" });
    expect(JSON.parse(view.details)).toMatchObject({ period: "custom", from: "2026-03-16", to: "2026-04-05", clinics: 1 });
    expect(JSON.parse(causes.details)).toMatchObject({ section: "suggestedCauses", patients: 0 });
  });
});
