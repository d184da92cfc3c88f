import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as visits from "@/app/api/v1/patients/[id]/visits/route";
import { createPatient } from "@/lib/features/patients/data";
import { listVisits } from "@/lib/features/visits/data";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
let clinician: string;
let reader: string;
let outsider: string;

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "VIS-1" }))).id;
  [clinician, reader, outsider] = await Promise.all([tokenFor(world.actors.clinician), tokenFor(world.actors.reader), tokenFor(world.actors.outsider)]);
});

const post = (body: unknown, token = clinician, id = patientId, headers: Record<string, string> = {}) =>
  call(visits.POST, "POST", `/api/v1/patients/${id}/visits`, { token, body, params: { id }, headers });

const visit = (overrides: Record<string, unknown> = {}) => ({
  occurredAt: "2026-11-02T09:00:00+01:00",
  systolic: 150,
  diastolic: 95,
  weightKg: 72.5,
  temperatureC: 37.1,
  labs: [{ analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L" }],
  notes: "Routine check",
  ...overrides,
});

describe("POST /api/v1/patients/{id}/visits", () => {
  it("201: the visit with its labs, time in UTC, visible to the page's data function", async () => {
    const answer = await post(visit());
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      patientId,
      occurredAt: "2026-11-02T08:00:00.000Z",
      systolic: 150,
      diastolic: 95,
      weightKg: 72.5,
      temperatureC: 37.1,
      labs: [{ analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L", canonicalValue: 0.62, canonicalUnit: "mmol/L", flag: "L" }],
      weightEntered: null,
      temperatureEntered: null,
      examFindings: [],
      notes: "Routine check",
      version: 1,
    });
    expect((await listVisits(world.actors.reader, patientId)).map((v) => v.id)).toContain(answer.json.id);
  });

  it("201 in US units: each lab as entered with its canonical value, unit and flag; vitals canonical and as entered; exam findings", async () => {
    const answer = await post({
      occurredAt: "2026-11-03T09:00:00Z",
      weightLb: 176,
      temperatureF: 100.4,
      examFindings: ["CALF_SWELLING_LEFT", "VARICOSE_VEINS_SEEN"],
      labs: [
        { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" },
        { analyte: "VITAMIN_D", value: 19, unit: "ng/mL" },
        { analyte: "GLUCOSE", value: 126, unit: "mg/dL" },
        { analyte: "POTASSIUM", value: 4.2, unit: "mEq/L" },
      ],
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      weightKg: 79.8,
      weightEntered: { value: 176, unit: "lb" },
      temperatureC: 38,
      temperatureEntered: { value: 100.4, unit: "°F" },
      examFindings: ["CALF_SWELLING_LEFT", "VARICOSE_VEINS_SEEN"],
    });
    const labs = [...answer.json.labs].sort((a: { analyte: string }, b: { analyte: string }) => a.analyte.localeCompare(b.analyte));
    expect(labs).toEqual([
      { analyte: "GLUCOSE", value: 126, unit: "mg/dL", canonicalValue: 7, canonicalUnit: "mmol/L", flag: "H" },
      { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL", canonicalValue: 0.66, canonicalUnit: "mmol/L", flag: "L" },
      { analyte: "POTASSIUM", value: 4.2, unit: "mEq/L", canonicalValue: 4.2, canonicalUnit: "mmol/L", flag: null },
      { analyte: "VITAMIN_D", value: 19, unit: "ng/mL", canonicalValue: 47.42, canonicalUnit: "nmol/L", flag: "L" },
    ]);
    // Units are read case- and space-insensitively and answered in their usual spelling.
    const spelled = await post({ occurredAt: "2026-11-03T10:00:00Z", labs: [{ analyte: "FERRITIN", value: 12, unit: "NG/ML" }] });
    expect(spelled.json.labs).toEqual([{ analyte: "FERRITIN", value: 12, unit: "ng/mL", canonicalValue: 12, canonicalUnit: "ug/L", flag: "L" }]);
  });

  it("400 for implausible values, field by field with the range and the unit meant; nothing saved", async () => {
    const before = { visits: await db.visit.count(), labs: await db.labResult.count() };
    const error = expectError(
      await post(
        visit({
          weightKg: 70,
          weightLb: 154,
          temperatureC: 98.6,
          labs: [
            { analyte: "GLUCOSE", value: 110, unit: "mmol/L" },
            { analyte: "MAGNESIUM", value: 0.8, unit: "mmol/L" },
          ],
        }),
      ),
      400,
      "VALIDATION",
    );
    expect(error.fields).toEqual({
      weightLb: "Give the weight in one unit only (weightKg or weightLb)",
      temperatureC: "Temperature 98.6 °C is not plausible (30 to 45 °C); did you mean °F?",
      "labs.0.value": "Glucose (fasting) 110 mmol/L is not plausible (0.5 to 60 mmol/L); did you mean mg/dL?",
    });
    const findings = expectError(await post(visit({ examFindings: ["CALF_SWELLING_RIGHT", "SWOLLEN_ANKLE"] })), 400, "VALIDATION");
    expect(findings.fields).toEqual({ "examFindings.1": "Unknown exam finding" });
    expect({ visits: await db.visit.count(), labs: await db.labResult.count() }).toEqual(before);
  });

  it("replays with the same Idempotency-Key", async () => {
    const before = await db.visit.count();
    const headers = { "idempotency-key": "visit-key-0001" };
    const a = await post(visit({ notes: "idem" }), clinician, patientId, headers);
    const b = await post(visit({ notes: "idem" }), clinician, patientId, headers);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json.id).toBe(a.json.id);
    expect(await db.visit.count()).toBe(before + 1);
  });

  it("400 field by field (nothing saved, labs included); unknown fields named", async () => {
    const before = { visits: await db.visit.count(), labs: await db.labResult.count() };
    const error = expectError(
      await post(visit({ systolic: 80, diastolic: 90, temperatureC: 50, labs: [{ analyte: "MAGNESIUM", value: 0.7, unit: "mmol/L" }, { analyte: "FERRITIN", value: 20, unit: "mg/dL" }] })),
      400,
      "VALIDATION",
    );
    expect(error.fields).toEqual({ diastolic: "Diastolic must be lower than systolic", temperatureC: expect.stringMatching(/not plausible/), "labs.1.unit": "Record ferritin in ug/L, ng/mL" });
    const future = expectError(await post(visit({ occurredAt: new Date(Date.now() + 3600_000).toISOString() })), 400, "VALIDATION");
    expect(future.fields.occurredAt).toMatch(/future/);
    expect(expectError(await post(visit({ pulse: 80 })), 400, "VALIDATION").fields).toMatchObject({ pulse: "Unknown field" });
    expect(expectError(await post(visit({ labs: [{ analyte: "MAGNESIUM", value: 0.7, unit: "mmol/L", lab: "x" }] })), 400, "VALIDATION").fields).toMatchObject({ "labs.0.lab": "Unknown field" });
    expect({ visits: await db.visit.count(), labs: await db.labResult.count() }).toEqual(before);
  });

  it("401 without a token, 403 for a read-only user, 404 for another clinic's user and an unknown patient, 413 too large", async () => {
    expectError(await post(visit(), ""), 401, "UNAUTHENTICATED");
    expectError(await post(visit(), reader), 403, "FORBIDDEN");
    expectError(await post(visit(), outsider), 404, "NOT_FOUND");
    expectError(await post(visit(), clinician, "missing"), 404, "NOT_FOUND");
    expectError(await post(visit({ notes: "x".repeat(70_000) })), 413, "PAYLOAD_TOO_LARGE");
  });
});
