import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient } from "@/lib/features/patients/data";
import { createVisit, deleteVisit } from "@/lib/features/visits/data";
import { DataError } from "@/lib/server/errors";
import { getLabTrends, type LabTrends } from "@/lib/features/trends/data";
import { barePatient, createWorld } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let p1: string;
let p2: string;
let foreign: string;

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const seriesOf = (t: LabTrends, measure: string) => t.series.find((s) => s.measure === measure);

beforeAll(async () => {
  world = await createWorld(db);
  const c = world.actors.clinician;
  p1 = (await createPatient(c, barePatient("LT-1", "Lab"))).id;
  p2 = (await createPatient(c, barePatient("LT-2", "Other"))).id;
  foreign = (await createPatient(world.actors.outsider, barePatient("LT-F", "Foreign"))).id;

  // Entered in US units, as a US clinic would.
  await createVisit(c, p1, {
    occurredAt: "2026-01-10T09:00:00+01:00",
    temperatureF: 100.4,
    weightLb: 176,
    labs: [
      { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" },
      { analyte: "GLUCOSE", value: 126, unit: "mg/dL" },
      { analyte: "POTASSIUM", value: 4.0, unit: "mEq/L" },
    ],
  });
  await createVisit(c, p1, {
    occurredAt: "2026-02-10T09:00:00+01:00",
    temperatureC: 36.8,
    weightKg: 79.5,
    labs: [{ analyte: "MAGNESIUM", value: 0.85, unit: "mmol/L" }],
  });
  // Recorded last but taken first: the series follow the date taken.
  await createVisit(c, p1, { occurredAt: "2025-12-01T09:00:00+01:00", labs: [{ analyte: "MAGNESIUM", value: 2.6, unit: "mg/dL" }] });
  // A visit without measures adds nothing.
  await createVisit(c, p1, { occurredAt: "2026-02-20T09:00:00+01:00", notes: "Phone call." });
  // A deleted visit's values are left out.
  const gone = await createVisit(c, p1, {
    occurredAt: "2026-03-01T09:00:00+01:00",
    temperatureC: 39.5,
    labs: [
      { analyte: "MAGNESIUM", value: 0.5, unit: "mmol/L" },
      { analyte: "VITAMIN_D", value: 20, unit: "ng/mL" },
    ],
  });
  await deleteVisit(c, gone.id, gone.version);
  // Another patient's results stay theirs.
  await createVisit(c, p2, { occurredAt: "2026-01-15T09:00:00+01:00", labs: [{ analyte: "FERRITIN", value: 12, unit: "ng/mL" }] });
});

describe("lab trends", () => {
  it("gives one series per measure with values, in spec order, without deleted visits or other patients", async () => {
    const t = await getLabTrends(world.actors.clinician, p1);
    expect(t.patientId).toBe(p1);
    expect(t.timeZone).toBe("Europe/Berlin");
    expect(t.series.map((s) => s.measure)).toEqual(["MAGNESIUM", "POTASSIUM", "GLUCOSE", "TEMPERATURE", "WEIGHT"]);
    expect(seriesOf(t, "MAGNESIUM")!.points).toHaveLength(3);
    expect(seriesOf(t, "TEMPERATURE")!.points.map((p) => p.value)).toEqual([38.0, 36.8]);
  });

  it("keeps each value canonical and as entered, ordered by date taken, flagged against the reference range", async () => {
    const t = await getLabTrends(world.actors.clinician, p1);
    expect(seriesOf(t, "MAGNESIUM")).toEqual({
      measure: "MAGNESIUM",
      label: "Magnesium",
      unit: "mmol/L",
      reference: { low: 0.7, high: 1.0 },
      points: [
        { takenAt: new Date("2025-12-01T08:00:00Z"), value: 1.07, enteredValue: 2.6, enteredUnit: "mg/dL", flag: "H" },
        { takenAt: new Date("2026-01-10T08:00:00Z"), value: 0.66, enteredValue: 1.6, enteredUnit: "mg/dL", flag: "L" },
        { takenAt: new Date("2026-02-10T08:00:00Z"), value: 0.85, enteredValue: 0.85, enteredUnit: "mmol/L", flag: null },
      ],
    });
    expect(seriesOf(t, "GLUCOSE")).toMatchObject({
      unit: "mmol/L",
      reference: { low: 3.9, high: 5.5 },
      points: [{ value: 7.0, enteredValue: 126, enteredUnit: "mg/dL", flag: "H" }],
    });
    expect(seriesOf(t, "POTASSIUM")).toMatchObject({
      reference: { low: 3.5, high: 5.1 },
      points: [{ value: 4.0, enteredValue: 4.0, enteredUnit: "mEq/L", flag: null }],
    });
  });

  it("charts the visits' temperature and weight, entered in either unit", async () => {
    const t = await getLabTrends(world.actors.clinician, p1);
    // Temperature's range is "below 38.0 °C", so 100.4 °F (38.0 °C) is high.
    expect(seriesOf(t, "TEMPERATURE")).toMatchObject({
      unit: "°C",
      reference: { low: null, high: 38.0 },
      points: [
        { value: 38.0, enteredValue: 100.4, enteredUnit: "°F", flag: "H" },
        { value: 36.8, enteredValue: 36.8, enteredUnit: "°C", flag: null },
      ],
    });
    expect(seriesOf(t, "WEIGHT")).toMatchObject({
      unit: "kg",
      reference: { low: null, high: null },
      points: [
        { value: 79.8, enteredValue: 176, enteredUnit: "lb", flag: null },
        { value: 79.5, enteredValue: 79.5, enteredUnit: "kg", flag: null },
      ],
    });
  });

  it("has no series for a patient without results, and only their own for another", async () => {
    const bare = await createPatient(world.actors.clinician, barePatient("LT-3", "Empty"));
    expect((await getLabTrends(world.actors.clinician, bare.id)).series).toEqual([]);
    const other = await getLabTrends(world.actors.clinician, p2);
    expect(other.series.map((s) => [s.measure, s.points.map((p) => [p.value, p.flag])])).toEqual([["FERRITIN", [[12, "L"]]]]);
  });

  it("lets a read-only user read, and answers not found for another clinic's patient", async () => {
    expect((await getLabTrends(world.actors.reader, p1)).series).toHaveLength(5);
    expect((await refusal(getLabTrends(world.actors.clinician, foreign))).code).toBe("NOT_FOUND");
    expect((await refusal(getLabTrends(world.actors.outsider, p1))).code).toBe("NOT_FOUND");
    expect((await getLabTrends(world.actors.outsider, foreign)).series).toEqual([]);
  });

  it("audits each read, and the refused one", async () => {
    const before = await db.auditEvent.count({ where: { action: "LAB_TRENDS_VIEW", patientId: p1 } });
    await getLabTrends(world.actors.reader, p1);
    await refusal(getLabTrends(world.actors.outsider, p1));
    const rows = await db.auditEvent.findMany({ where: { action: "LAB_TRENDS_VIEW", patientId: p1 }, orderBy: { seq: "asc" } });
    expect(rows.length).toBe(before + 2);
    expect(rows.at(-2)).toMatchObject({ outcome: "SUCCESS", userEmail: "reader@test.clinic" });
    expect(JSON.parse(rows.at(-2)!.details)).toEqual({
      measures: ["MAGNESIUM", "POTASSIUM", "GLUCOSE", "TEMPERATURE", "WEIGHT"],
      points: 9,
    });
    expect(rows.at(-1)).toMatchObject({ outcome: "DENIED", userEmail: "outsider@test.clinic" });
  });
});
