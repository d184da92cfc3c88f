/**
 * Clinical spec v2, section 7, through the data layer as a clinician: every accepted unit is
 * stored canonical and as entered and reads back flagged against the reference range; implausible
 * values are refused field by field with the range (and a did-you-mean unit) and write nothing;
 * the rules read the canonical values. Expected figures are worked out from the spec's factors
 * here, not taken from lib/core/clinical/units.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { getAssessment } from "@/lib/features/assessment/data";
import { DataError } from "@/lib/server/errors";
import { createPatient, getPatient, updatePatient } from "@/lib/features/patients/data";
import { createVisit, getVisit, listVisits, updateVisit, type VisitView } from "@/lib/features/visits/data";
import { barePatient, createWorld } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, barePatient("UNITS-1", "Units"))).id;
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

/** What a refused write must leave as it was. */
async function counts() {
  return {
    visits: await db.visit.count(),
    labs: await db.labResult.count(),
    patients: await db.patient.count(),
    audited: await db.auditEvent.count({ where: { outcome: "SUCCESS" } }),
  };
}

const byAnalyte = (labs: VisitView["labs"]) => [...labs].sort((a, b) => a.analyte.localeCompare(b.analyte));
const at = "2026-11-02T09:00:00+01:00";

describe("each accepted unit is stored canonical and as entered", () => {
  it("labs in SI units: canonical as entered, flagged L or H against the reference range", async () => {
    const v = await createVisit(world.actors.clinician, patientId, {
      occurredAt: at,
      temperatureC: 37.2,
      weightKg: 70,
      labs: [
        { analyte: "MAGNESIUM", value: 0.85, unit: "mmol/L" },
        { analyte: "POTASSIUM", value: 3.2, unit: "mmol/L" },
        { analyte: "CALCIUM", value: 2.3, unit: "mmol/L" },
        { analyte: "PHOSPHATE", value: 1.5, unit: "mmol/L" },
        { analyte: "VITAMIN_D", value: 60, unit: "nmol/L" },
        { analyte: "FERRITIN", value: 20, unit: "ug/L" },
        { analyte: "GLUCOSE", value: 5.0, unit: "mmol/L" },
      ],
    });
    const same = (analyte: string, value: number, unit: string, flag: "L" | "H" | null) => ({ analyte, value, unit, enteredValue: value, enteredUnit: unit, flag });
    expect(byAnalyte(v.labs)).toEqual([
      same("CALCIUM", 2.3, "mmol/L", null),
      same("FERRITIN", 20, "ug/L", "L"), // below 30
      same("GLUCOSE", 5.0, "mmol/L", null),
      same("MAGNESIUM", 0.85, "mmol/L", null),
      same("PHOSPHATE", 1.5, "mmol/L", "H"), // above 1.45
      same("POTASSIUM", 3.2, "mmol/L", "L"), // below 3.5
      same("VITAMIN_D", 60, "nmol/L", null),
    ]);
    // Entered canonical: nothing kept beside the canonical value.
    expect(v).toMatchObject({ weightKg: 70, weightEntered: null, temperatureC: 37.2, temperatureEntered: null });
    expect(await db.visit.findUniqueOrThrow({ where: { id: v.id } })).toMatchObject({ weightEnteredValue: null, weightEnteredUnit: null, temperatureEnteredValue: null, temperatureEnteredUnit: null });
  });

  it("labs and vitals in US units: the spec's worked examples, stored canonical and as entered, read back the same", async () => {
    const v = await createVisit(world.actors.clinician, patientId, {
      occurredAt: at,
      weightLb: 176,
      temperatureF: 100.4,
      labs: [
        { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" }, // x 0.4114 = 0.658
        { analyte: "POTASSIUM", value: 5.4, unit: "mEq/L" }, // x 1
        { analyte: "CALCIUM", value: 8.0, unit: "mg/dL" }, // x 0.2495 = 1.996
        { analyte: "PHOSPHATE", value: 5.0, unit: "mg/dL" }, // x 0.3229 = 1.6145
        { analyte: "VITAMIN_D", value: 19, unit: "ng/mL" }, // x 2.496 = 47.424
        { analyte: "FERRITIN", value: 350, unit: "ng/mL" }, // x 1
        { analyte: "GLUCOSE", value: 126, unit: "mg/dL" }, // / 18 = 7.0
      ],
    });
    const lab = (analyte: string, value: number, unit: string, enteredValue: number, enteredUnit: string, flag: "L" | "H" | null) => ({ analyte, value, unit, enteredValue, enteredUnit, flag });
    const expected = [
      lab("CALCIUM", 2.0, "mmol/L", 8.0, "mg/dL", "L"),
      lab("FERRITIN", 350, "ug/L", 350, "ng/mL", "H"),
      lab("GLUCOSE", 7.0, "mmol/L", 126, "mg/dL", "H"),
      lab("MAGNESIUM", 0.66, "mmol/L", 1.6, "mg/dL", "L"),
      lab("PHOSPHATE", 1.61, "mmol/L", 5.0, "mg/dL", "H"),
      lab("POTASSIUM", 5.4, "mmol/L", 5.4, "mEq/L", "H"),
      lab("VITAMIN_D", 47.42, "nmol/L", 19, "ng/mL", "L"),
    ];
    expect(byAnalyte(v.labs)).toEqual(expected);
    // 176 lb x 0.45359237 = 79.83 kg; (100.4 - 32) x 5/9 = 38.0 °C.
    expect(v).toMatchObject({ weightKg: 79.8, weightEntered: { value: 176, unit: "lb" }, temperatureC: 38.0, temperatureEntered: { value: 100.4, unit: "°F" } });

    // The stored rows, and every read, say the same.
    const rows = await db.labResult.findMany({ where: { visitId: v.id }, orderBy: { analyte: "asc" } });
    expect(rows.map((r) => [r.analyte, r.value, r.unit, r.enteredValue, r.enteredUnit])).toEqual(expected.map((l) => [l.analyte, l.value, l.unit, l.enteredValue, l.enteredUnit]));
    expect(await db.visit.findUniqueOrThrow({ where: { id: v.id } })).toMatchObject({ weightKg: 79.8, weightEnteredValue: 176, weightEnteredUnit: "lb", temperatureC: 38, temperatureEnteredValue: 100.4, temperatureEnteredUnit: "°F" });
    const read = await getVisit(world.actors.reader, v.id);
    expect(byAnalyte(read.labs)).toEqual(expected);
    const listed = (await listVisits(world.actors.reader, patientId)).find((x) => x.id === v.id)!;
    expect({ ...listed, labs: byAnalyte(listed.labs) }).toEqual({ ...v, labs: expected });
  });

  it("the worked examples at the edges: Mg 1.8 mg/dL is 0.74 (in range), 100.2 °F is 37.9 °C, Mg 1.2 mEq/L is 0.60", async () => {
    const v = await createVisit(world.actors.clinician, patientId, {
      occurredAt: at,
      temperatureF: 100.2,
      labs: [
        { analyte: "MAGNESIUM", value: 1.8, unit: "mg/dL" },
        { analyte: "GLUCOSE", value: 99, unit: "mg/dL" }, // 5.5: the top of the range, not H
      ],
    });
    expect(byAnalyte(v.labs)).toEqual([
      { analyte: "GLUCOSE", value: 5.5, unit: "mmol/L", enteredValue: 99, enteredUnit: "mg/dL", flag: null },
      { analyte: "MAGNESIUM", value: 0.74, unit: "mmol/L", enteredValue: 1.8, enteredUnit: "mg/dL", flag: null },
    ]);
    expect(v).toMatchObject({ temperatureC: 37.9, temperatureEntered: { value: 100.2, unit: "°F" } });
    const meq = await updateVisit(world.actors.clinician, v.id, { version: v.version, labs: [{ analyte: "MAGNESIUM", value: 1.2, unit: "mEq/L" }], weightLb: 154.5 });
    expect(meq.labs).toEqual([{ analyte: "MAGNESIUM", value: 0.6, unit: "mmol/L", enteredValue: 1.2, enteredUnit: "mEq/L", flag: "L" }]);
    // Left out of the update: the temperature stays as entered.
    expect(meq).toMatchObject({ weightKg: 70.1, weightEntered: { value: 154.5, unit: "lb" }, temperatureC: 37.9, temperatureEntered: { value: 100.2, unit: "°F" }, version: v.version + 1 });
    // Entered in °C now: the °F entry is gone with it.
    const celsius = await updateVisit(world.actors.clinician, v.id, { version: meq.version, temperatureC: 36.8 });
    expect(celsius).toMatchObject({ temperatureC: 36.8, temperatureEntered: null, weightEntered: { value: 154.5, unit: "lb" } });
  });

  it("a patient's height in inches: 70 in is 178 cm, kept as entered; in cm nothing is kept beside it", async () => {
    const p = await createPatient(world.actors.clinician, { ...barePatient("UNITS-H", "Height"), heightCm: undefined, heightIn: 70 });
    expect(p).toMatchObject({ heightCm: 178, heightEntered: { value: 70, unit: "in" } });
    expect(await getPatient(world.actors.reader, p.id)).toMatchObject({ heightCm: 178, heightEntered: { value: 70, unit: "in" } });
    const inches = await updatePatient(world.actors.clinician, p.id, { version: p.version, heightIn: 62.5 });
    expect(inches).toMatchObject({ heightCm: 159, heightEntered: { value: 62.5, unit: "in" } }); // 158.75
    const cm = await updatePatient(world.actors.clinician, p.id, { version: inches.version, heightCm: 160 });
    expect(cm).toMatchObject({ heightCm: 160, heightEntered: null });
    // An edit that leaves the height out keeps it.
    const renamed = await updatePatient(world.actors.clinician, p.id, { version: cm.version, givenName: "Tess" });
    expect(renamed).toMatchObject({ heightCm: 160, heightEntered: null, givenName: "Tess" });
  });
});

describe("implausible values are refused field by field and nothing is written", () => {
  it("a visit: each bad field named with the range and, where one fits, the unit meant; no visit, lab or audit row", async () => {
    const before = await counts();
    const error = await refusal(
      createVisit(world.actors.clinician, patientId, {
        occurredAt: at,
        weightKg: 900,
        temperatureC: 98.6,
        labs: [
          { analyte: "GLUCOSE", value: 110, unit: "mmol/L" },
          { analyte: "MAGNESIUM", value: 50, unit: "mg/dL" },
          { analyte: "POTASSIUM", value: 4.1, unit: "mmol/L" },
        ],
      }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.fields).toEqual({
      "labs.0.value": "Glucose (fasting) 110 mmol/L is not plausible (0.5 to 60 mmol/L); did you mean mg/dL?",
      "labs.1.value": expect.stringMatching(/^Magnesium 50 mg\/dL is not plausible \(0\.\d to 12\.\d mg\/dL\)$/),
      weightKg: "Weight 900 kg is not plausible (1 to 400 kg)",
      temperatureC: "Temperature 98.6 °C is not plausible (30 to 45 °C); did you mean °F?",
    });
    expect(await counts()).toEqual(before);
  });

  it("two units of one measure at once, an unknown unit, and a US value out of range", async () => {
    const before = await counts();
    const error = await refusal(
      createVisit(world.actors.clinician, patientId, { occurredAt: at, weightKg: 70, weightLb: 154, temperatureF: 120, labs: [{ analyte: "GLUCOSE", value: 5, unit: "mg/L" }] }),
    );
    expect(error.fields).toEqual({
      weightLb: "Give the weight in one unit only (weightKg or weightLb)",
      temperatureF: expect.stringMatching(/^Temperature 120 °F is not plausible \(86 to 113 °F\)$/),
      "labs.0.unit": "Record glucose (fasting) in mmol/L, mg/dL",
    });
    expect(await counts()).toEqual(before);
  });

  it("a patient's height of 5 cm, or 200 in, is refused; the patient is neither created nor changed", async () => {
    const before = await counts();
    const tiny = await refusal(createPatient(world.actors.clinician, { ...barePatient("UNITS-BAD", "Bad"), heightCm: 5 }));
    expect(tiny.fields).toEqual({ heightCm: "Height 5 cm is not plausible (40 to 250 cm)" });
    const p = await getPatient(world.actors.clinician, patientId);
    const tall = await refusal(updatePatient(world.actors.clinician, patientId, { version: p.version, heightIn: 200, givenName: "Changed" }));
    expect(Object.keys(tall.fields)).toEqual(["heightIn"]);
    expect(tall.fields.heightIn).toMatch(/^Height 200 in is not plausible/);
    expect(await db.patient.findUniqueOrThrow({ where: { id: patientId } })).toMatchObject({ version: p.version, givenName: p.givenName, heightCm: p.heightCm });
    // getPatient above audits one read; nothing else was written.
    expect(await counts()).toEqual({ ...before, audited: before.audited + 1 });
  });

  it("an update with an implausible value leaves the visit, its labs and its version as they were", async () => {
    const v = await createVisit(world.actors.clinician, patientId, { occurredAt: at, temperatureF: 99.5, weightKg: 81, labs: [{ analyte: "GLUCOSE", value: 90, unit: "mg/dL" }] });
    const snapshot = async () => ({
      visit: await db.visit.findUniqueOrThrow({ where: { id: v.id } }),
      labs: await db.labResult.findMany({ where: { visitId: v.id }, orderBy: { id: "asc" } }),
    });
    const before = { rows: await snapshot(), counts: await counts() };
    const error = await refusal(
      updateVisit(world.actors.clinician, v.id, { version: v.version, temperatureF: 200, weightLb: 176, labs: [{ analyte: "GLUCOSE", value: 110, unit: "mmol/L" }], notes: "should not stick" }),
    );
    expect(Object.keys(error.fields).sort()).toEqual(["labs.0.value", "temperatureF"]);
    expect(await snapshot()).toEqual(before.rows);
    expect(await counts()).toEqual(before.counts);
  });
});

describe("the rules read canonical values", () => {
  const asOf = new Date("2026-11-10T12:00:00Z");
  const suggestedReasons = async (id: string) =>
    Object.fromEntries((await getAssessment(world.actors.reader, id, asOf)).checklist.filter((c) => c.suggested).map((c) => [c.causeId, c.reasons]));

  it("100.4 °F suggests acute infection, glucose 126 mg/dL a metabolic cause, Mg 1.6 mg/dL and vitamin D 19 ng/mL a deficiency; BMI from 176 lb and 70 in", async () => {
    const p = await createPatient(world.actors.clinician, { ...barePatient("UNITS-US", "Usunits"), heightCm: undefined, heightIn: 70 });
    await createVisit(world.actors.clinician, p.id, {
      occurredAt: "2026-11-02T09:00:00Z",
      weightLb: 176,
      temperatureF: 100.4,
      labs: [
        { analyte: "GLUCOSE", value: 126, unit: "mg/dL" },
        { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" },
        { analyte: "VITAMIN_D", value: 19, unit: "ng/mL" },
      ],
    });
    const s = await suggestedReasons(p.id);
    expect(Object.keys(s).sort()).toEqual(["acute_infection", "metabolic_endocrine", "micronutrient_deficiency", "overweight"]);
    expect(s.acute_infection).toEqual(["temperature 38 °C at the visit on 2026-11-02"]);
    expect(s.metabolic_endocrine).toEqual(["fasting glucose 7 mmol/L on 2026-11-02"]);
    expect(s.micronutrient_deficiency).toEqual(["magnesium 0.66 mmol/L on 2026-11-02", "vitamin D 47.42 nmol/L on 2026-11-02"]);
    // 79.8 kg / 1.78 m squared = 25.19
    expect(s.overweight).toEqual(["BMI 25.2 (overweight): weight 79.8 kg on 2026-11-02, height 178 cm"]);
  });

  it("100.2 °F, Mg 1.8 mg/dL, glucose 125 mg/dL and vitamin D 21 ng/mL suggest nothing", async () => {
    const p = await createPatient(world.actors.clinician, barePatient("UNITS-US-2", "Usunits"));
    await createVisit(world.actors.clinician, p.id, {
      occurredAt: "2026-11-02T09:00:00Z",
      temperatureF: 100.2, // 37.9 °C
      labs: [
        { analyte: "GLUCOSE", value: 125, unit: "mg/dL" }, // 6.94 mmol/L
        { analyte: "MAGNESIUM", value: 1.8, unit: "mg/dL" }, // 0.74 mmol/L
        { analyte: "VITAMIN_D", value: 21, unit: "ng/mL" }, // 52.42 nmol/L
      ],
    });
    expect(await suggestedReasons(p.id)).toEqual({});
  });
});
