/**
 * The record field lists (lib/core/fields) against what the history, the exports and the API have
 * always given: the lists derived from them, the CSV header rows, the stored types.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Prisma } from "@/generated/prisma/client";
import { EPISODE_FIELD_NAMES, EPISODE_FIELDS, type EpisodeField, type StoredEpisode } from "@/lib/core/fields/episode";
import type { FieldDef, StoredValues } from "@/lib/core/fields/field";
import { PATIENT_FIELD_NAMES, PATIENT_FIELDS, type PatientField, type StoredPatient } from "@/lib/core/fields/patient";
import { VISIT_FIELDS, VITAL_SIGN_FIELDS, type VisitField } from "@/lib/core/fields/visit";
import { REVISION_FIELDS, toEpisodeView, type EpisodeView } from "@/lib/features/episodes/data";
import { EPISODE_CSV_EPISODE_FIELDS, EPISODE_CSV_FIELD, EPISODE_CSV_PATIENT_FIELDS, episodeCsvHeader, patientCsvHeader } from "@/lib/features/exports/columns";
import { buildPatientBundle, VITAL_LOINC } from "@/lib/features/exports/fhir";
import type { PatientDetail, PatientSummary } from "@/lib/features/patients/data";
import type { VisitView } from "@/lib/features/visits/data";
import { patientJson, patientSummaryJson } from "@/lib/http/api/serialize";

const EPISODE_HEADINGS =
  "Date and time,Duration,Side,Type (clinician),Suggested,Pain,Triggers,Reported by,Review,Episode ID,Occurred at (UTC),Time zone,Duration (seconds)," +
  "Muscle group,Movement,Rhythm,Voluntary control,Urge to move,Worse at rest,Worse in the evening or at night,Relief by movement," +
  "Impaired consciousness,During sleep,Relief,Witnessed,Tongue bitten,Incontinence,Suggested codes,Notes,Visit ID,Diary link ID,Patient ID";

describe("CSV header rows", () => {
  it("head the episode export's columns (the diary's added: who reported it, its seizure signs, its link), the patient's first in the clinic-wide export", () => {
    expect(episodeCsvHeader(false)).toBe(`${EPISODE_HEADINGS}\r\n`);
    expect(episodeCsvHeader(true)).toBe(`Patient,MRN,${EPISODE_HEADINGS}\r\n`);
  });

  it("head the patient export's columns as they always were", () => {
    expect(patientCsvHeader()).toBe(
      "Name,MRN,Date of birth,Age,Sex,Pregnant,Clinic,Added,Patient ID,Family name,Given name,Height,Height as entered,Conditions,Lifestyle,Current medications\r\n",
    );
  });

  it("read the stored fields the columns need, in the order the rows hold them", () => {
    expect(EPISODE_CSV_EPISODE_FIELDS).toEqual([
      "id", "patientId", "visitId", "occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "rhythm",
      "voluntaryControl", "urgeToMove", "worseAtRest", "worseInEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep",
      "painScore", "triggers", "relief", "classification", "suggestedClassification", "needsReview", "labelConfirmedAt", "notes",
      "source", "diaryLinkId", "witnessed", "tongueBitten", "wetThemselves",
    ]);
    expect(EPISODE_CSV_PATIENT_FIELDS).toEqual(["mrn", "givenName", "familyName"]);
    expect(Object.values(EPISODE_CSV_FIELD)).toEqual([...Array(32).keys()]);
  });
});

describe("episode history", () => {
  it("shows the fields it always showed, in the order it lists a change's fields", () => {
    expect(REVISION_FIELDS).toEqual([
      "occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "rhythm",
      "voluntaryControl", "urgeToMove", "worseAtRest", "worseInEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep",
      "painScore", "triggers", "relief", "classification", "suggestedClassification", "needsReview", "notes",
      "witnessed", "tongueBitten", "wetThemselves", "visitId",
    ]);
  });
});

/** An episode as the database gives it, every field set. */
const episodeRow: Prisma.EpisodeGetPayload<object> = {
  id: "e1", patientId: "p1", clinicId: "c1", visitId: "v1", occurredAt: new Date("2026-03-01T02:00:00Z"), durationSeconds: 90,
  side: "LEFT", muscleGroup: "CALF", movement: "URGE_TO_MOVE", rhythm: "NONE", voluntaryControl: true, urgeToMove: true, worseAtRest: true,
  worseInEvening: true, reliefByMovement: true, consciousnessImpaired: true, duringSleep: true, painScore: 0, triggers: "COLD,STRESS",
  relief: "WALKING", classification: "TONIC", suggestedClassification: "RLS", suggestionRationale: '["why"]', warnings: "[]",
  needsReview: true, labelConfirmedAt: null, labelConfirmedById: null, notes: "n", source: "PATIENT", diaryLinkId: "d1", witnessed: true,
  tongueBitten: true, wetThemselves: false, version: 2, createdAt: new Date(0), updatedAt: new Date(1),
  createdById: null, deletedAt: null, deletedById: null,
};

describe("episode view", () => {
  it("decodes every field of the field list, in its order (the API's order)", () => {
    expect(Object.keys(toEpisodeView(episodeRow))).toEqual(EPISODE_FIELD_NAMES);
    expectTypeOf<keyof EpisodeView>().toEqualTypeOf<EpisodeField>();
  });

  it("agrees with the database on how each field is stored", () => {
    expectTypeOf<Pick<Prisma.EpisodeGetPayload<object>, EpisodeField>>().toEqualTypeOf<StoredEpisode>();
    type StoredVisitField = Exclude<VisitField, "weightEntered" | "temperatureEntered">;
    expectTypeOf<Pick<Prisma.VisitGetPayload<object>, StoredVisitField>>().toEqualTypeOf<Pick<StoredValues<typeof VISIT_FIELDS>, StoredVisitField>>();
    type StoredPatientField = Exclude<PatientField, "clinicName" | "heightEntered" | "unitSystem" | "conditions" | "medications">;
    expectTypeOf<Pick<Prisma.PatientGetPayload<object>, StoredPatientField>>().toEqualTypeOf<Pick<StoredPatient, StoredPatientField>>();
  });

  it("is what the FHIR Observation's components are made of, in the bundle's order", () => {
    const e = toEpisodeView(episodeRow);
    const bundle = buildPatientBundle({
      patient: { id: "p1", clinicId: "c1", clinicName: "C", mrn: "M", givenName: "A", familyName: "B", birthDate: "1980-01-01", sex: "FEMALE", conditions: [], medications: [] },
      visits: [],
      episodes: [{ ...e, movement: null }],
      checklist: [],
      generatedAt: new Date(0),
    });
    const observation = bundle.entry?.find((x) => x.resource?.resourceType === "Observation")?.resource;
    const components = observation?.resourceType === "Observation" ? (observation.component ?? []) : [];
    expect(components.map((c) => c.code.text)).toEqual([
      "Type (clinician)", "Type (suggested)", "Side", "Muscle group", "Pain (0 to 10)", "Trigger", "Trigger", "Relief", "Duration",
      "Voluntary control", "Urge to move", "Worse at rest", "Relief by movement", "Worse in the evening or at night", "During sleep", "Impaired consciousness",
      // A diary entry's own questions, and the patient as its performer.
      "Witnessed", "Tongue bitten", "Incontinence",
    ]);
    expect(observation?.resourceType === "Observation" && observation.performer).toEqual([observation?.resourceType === "Observation" && observation.subject]);
    expect(components.find((c) => c.code.text === "Pain (0 to 10)")?.valueInteger).toBe(0);
    expect(components.find((c) => c.code.text === "Duration")?.valueQuantity).toEqual({ value: 90, unit: "s", system: "http://unitsofmeasure.org", code: "s" });
  });
});

describe("patient and visit", () => {
  it("give the API's patient and patient list entry in their order", () => {
    const detail: PatientDetail = {
      id: "p1", clinicId: "c1", clinicName: "C", mrn: "M", givenName: "A", familyName: "B", birthDate: "1980-01-01", sex: "FEMALE",
      pregnant: false, heightCm: null, heightEntered: null, unitSystem: "SI", conditions: [], lifestyle: [], medications: [],
      allergyStatus: "NONE_KNOWN", allergies: "", version: 1, createdAt: new Date(0), updatedAt: new Date(0),
    };
    expect(Object.keys(detail).sort()).toEqual([...PATIENT_FIELD_NAMES].sort());
    expect(Object.keys(patientJson(detail))).toEqual([
      "id", "clinicId", "clinicName", "mrn", "givenName", "familyName", "birthDate", "sex", "pregnant", "heightCm", "heightEntered",
      "conditions", "lifestyle", "medications", "allergyStatus", "allergies", "version", "createdAt", "updatedAt",
    ]);
    expect(Object.keys(patientSummaryJson(detail))).toEqual(["id", "mrn", "givenName", "familyName", "birthDate", "sex", "pregnant", "clinicName", "createdAt"]);
    expectTypeOf<keyof PatientSummary>().toEqualTypeOf<"id" | "mrn" | "givenName" | "familyName" | "birthDate" | "sex" | "pregnant" | "clinicName" | "createdAt">();
  });

  it("keep a visit's vital signs and the view's own fields", () => {
    expect(Object.keys(VITAL_LOINC)).toEqual(VITAL_SIGN_FIELDS);
    expectTypeOf<Exclude<keyof VisitView, VisitField>>().toEqualTypeOf<"labs" | "episodeCount">();
  });
});

describe("field lists", () => {
  const lists: [string, Record<string, FieldDef>][] = [["episode", EPISODE_FIELDS], ["patient", PATIENT_FIELDS], ["visit", VISIT_FIELDS]];
  it("label every value of a vocabulary field, and every field in words", () => {
    for (const [record, fields] of lists)
      for (const [name, def] of Object.entries(fields)) {
        expect(def.label, `${record}.${name}`).toMatch(/^[A-Z]/);
        if (def.kind === "choice" || def.kind === "choices")
          for (const value of def.values) expect(def.labels[value], `${record}.${name} ${value}`).toBeTruthy();
      }
  });
});
