/**
 * One patient as a FHIR R4 Bundle of type "collection": Patient, an Encounter per visit, an
 * Observation per episode, lab result, vital sign and examination finding, a Condition per problem, a
 * MedicationStatement per medication, and the differential checklist as a QuestionnaireResponse.
 *
 * Pure given the loaded data (lib/features/exports/data.ts getFhirExportData): the same data gives the same
 * bundle. Every entry's fullUrl is a urn:uuid derived from the record's own id, and every
 * reference points at one of those, so the bundle is complete on its own.
 */
import "server-only";
import { createHash } from "node:crypto";
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Coding,
  Condition as FhirCondition,
  Encounter,
  Identifier,
  MedicationStatement,
  Observation,
  ObservationComponent,
  Patient,
  Quantity,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Reference,
  Resource,
} from "@medplum/fhirtypes";
import { CODE_SYSTEM_URIS, codesForEpisode } from "@/lib/core/clinical/codes";
import { formatReferenceRange, MEASURE_DEFS, referenceFlag, REFERENCE_FLAG_LABELS, type Measure } from "@/lib/core/clinical/units";
import { ANALYTE_LABELS, CHECKLIST_STATUS_LABELS, CLASSIFICATION_LABELS, CONDITION_LABELS, EXAM_FINDING_LABELS, type Analyte, type Sex } from "@/lib/core/clinical/vocabulary";
import { EPISODE_FIELDS, type Episode, type EpisodeField } from "@/lib/core/fields/episode";
import type { FieldDef } from "@/lib/core/fields/field";
import type { Patient as PatientRecord } from "@/lib/core/fields/patient";
import { VITAL_SIGN_FIELDS, type VitalSignField } from "@/lib/core/fields/visit";
import { valueText, type EnteredValue } from "./measures";
import type { ReportChecklistItem, ReportVisit } from "./report-data";

export interface FhirExportData {
  patient: Pick<PatientRecord, "id" | "clinicId" | "clinicName" | "mrn" | "givenName" | "familyName" | "birthDate" | "sex" | "conditions" | "medications">;
  visits: ReportVisit[];
  /** The episode's fields the Observation holds (its components' and the few around them), and its rhythm. */
  episodes: Pick<Episode, "id" | "visitId" | "occurredAt" | "notes" | "rhythm" | "source" | EpisodeComponentField>[];
  checklist: ReportChecklistItem[];
  generatedAt: Date;
}

/** Where this system's own codes and identifiers live (no standard code fits them). */
export const LOCAL_FHIR_BASE = "https://cramp-clinic.invalid/fhir";
const local = (name: string) => `${LOCAL_FHIR_BASE}/CodeSystem/${name}`;
export const LOINC = "http://loinc.org";
const UCUM = "http://unitsofmeasure.org";
const OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
const INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

/**
 * LOINC codes for the lab analytes in the canonical units the app stores them in (moles or mass
 * per volume in serum or plasma, as LOINC distinguishes them). 25-OH vitamin D in nmol/L has no code here:
 * the one we could verify (14635-7) is vitamin D3 alone, so it keeps only the local code.
 */
export const LAB_LOINC: Partial<Record<Analyte, { code: string; display: string }>> = {
  MAGNESIUM: { code: "2601-3", display: "Magnesium [Moles/volume] in Serum or Plasma" },
  POTASSIUM: { code: "2823-3", display: "Potassium [Moles/volume] in Serum or Plasma" },
  CALCIUM: { code: "2000-8", display: "Calcium [Moles/volume] in Serum or Plasma" },
  PHOSPHATE: { code: "14879-1", display: "Phosphate [Moles/volume] in Serum or Plasma" },
  FERRITIN: { code: "2276-4", display: "Ferritin [Mass/volume] in Serum or Plasma" },
  GLUCOSE: { code: "14771-0", display: "Fasting glucose [Moles/volume] in Serum or Plasma" },
};

/** Vital signs: blood pressure in mmHg; weight and temperature canonical, as their measures define them. */
export const VITAL_LOINC = {
  systolic: { code: "8480-6", display: "Systolic blood pressure" },
  diastolic: { code: "8462-4", display: "Diastolic blood pressure" },
  weightKg: { code: "29463-7", display: "Body weight" },
  temperatureC: { code: "8310-5", display: "Body temperature" },
} as const satisfies Record<VitalSignField, { code: string; display: string }>;
const MMHG: Omit<Quantity, "value"> = { unit: "mmHg", system: UCUM, code: "mm[Hg]" };

/** A canonical value as a UCUM Quantity: the code from the measure's canonical unit, the unit as people write it. */
function canonicalQuantity(measure: Measure, value: number): Quantity {
  const unit = MEASURE_DEFS[measure].units[0];
  return { value, unit: unit.unit, system: UCUM, code: unit.ucum };
}

/**
 * What a measured value adds to its Observation: the reference range (canonical, with its words),
 * the interpretation against it, and the value as entered when that was another unit.
 */
function measured(measure: Measure, value: number, entered: EnteredValue | null): Pick<Observation, "valueQuantity" | "referenceRange" | "interpretation" | "note"> {
  const def = MEASURE_DEFS[measure];
  const { low, high } = def.reference;
  const out: Pick<Observation, "valueQuantity" | "referenceRange" | "interpretation" | "note"> = { valueQuantity: canonicalQuantity(measure, value) };
  if (low !== null || high !== null) {
    const flag = referenceFlag(measure, value);
    const words = flag ? REFERENCE_FLAG_LABELS[flag] : "Normal";
    out.referenceRange = [
      {
        ...(low === null ? {} : { low: canonicalQuantity(measure, low) }),
        ...(high === null ? {} : { high: canonicalQuantity(measure, high) }),
        text: formatReferenceRange(measure),
      },
    ];
    out.interpretation = [concept([coding(INTERPRETATION, flag ?? "N", words)], words)];
  }
  if (entered && entered.unit !== def.canonicalUnit) out.note = [{ text: `Entered as ${valueText(measure, entered.value, entered.unit)}` }];
  return out;
}

const PAIN_LOINC = { code: "72514-3", display: "Pain severity - 0-10 verbal numeric rating [Score] - Reported" };

/**
 * An episode Observation's components, in the bundle's order, each one field of the episode
 * (lib/core/fields/episode.ts): its code (local, or a standard code where one fits), its display
 * where it is not the field's heading, and for a vocabulary the local code system of its values.
 * A field not recorded has no component; a list gives one per value.
 */
const EPISODE_COMPONENTS = [
  { field: "classification", code: "clinician-type", values: "episode-type" },
  { field: "suggestedClassification", code: "suggested-type", display: "Type (suggested)", values: "episode-type" },
  { field: "side", code: "side", values: "side" },
  { field: "muscleGroup", code: "muscle-group", values: "muscle-group" },
  { field: "movement", code: "movement", values: "movement" },
  { field: "painScore", loinc: PAIN_LOINC, display: "Pain (0 to 10)" },
  { field: "triggers", code: "trigger", display: "Trigger", values: "trigger" },
  { field: "relief", code: "relief", values: "relief" },
  { field: "durationSeconds", code: "duration", display: "Duration" },
  { field: "voluntaryControl", code: "voluntary-control" },
  // The four IRLSSG criteria the RLS suggestion reads (spec section 2).
  { field: "urgeToMove", code: "urge-to-move" },
  { field: "worseAtRest", code: "worse-at-rest" },
  { field: "reliefByMovement", code: "relief-by-movement" },
  { field: "worseInEvening", code: "worse-in-evening" },
  { field: "duringSleep", code: "during-sleep" },
  { field: "consciousnessImpaired", code: "consciousness-impaired" },
  // Asked only by the patient's diary: components of the episodes a patient sent.
  { field: "witnessed", code: "witnessed", diaryOnly: true },
  { field: "tongueBitten", code: "tongue-bitten", diaryOnly: true },
  { field: "wetThemselves", code: "incontinence", diaryOnly: true },
] as const satisfies readonly EpisodeComponent[];

type EpisodeComponent = {
  field: EpisodeField;
  display?: string;
  /** Only for episodes the patient sent from the diary (a clinician's form does not ask). */
  diaryOnly?: true;
  /** The local code system of a vocabulary's values. */
  values?: string;
} & ({ code: string } | { loinc: { code: string; display: string } });
type EpisodeComponentField = (typeof EPISODE_COMPONENTS)[number]["field"];

/** One field's components: none when not recorded, one per value of a list. */
function episodeComponents(c: EpisodeComponent, e: FhirExportData["episodes"][number]): ObservationComponent[] {
  const def: FieldDef = EPISODE_FIELDS[c.field];
  const value = e[c.field as EpisodeComponentField];
  if (value === null) return [];
  const display = c.display ?? def.heading ?? def.label;
  const code =
    "loinc" in c ? concept([coding(LOINC, c.loinc.code, c.loinc.display)], display) : concept([coding(local("episode-component"), c.code, display)], display);
  const valueConcept = (labels: Readonly<Record<string, string>>, v: string) => {
    if (!c.values) throw new Error(`No code system named for the values of the episode field ${c.field}`);
    return { valueCodeableConcept: concept([coding(local(c.values), v, labels[v])], labels[v]) };
  };
  switch (def.kind) {
    case "choice":
      return [{ code, ...valueConcept(def.labels, value as string) }];
    case "choices":
      return (value as string[]).map((v) => ({ code, ...valueConcept(def.labels, v) }));
    case "boolean":
      return [{ code, valueBoolean: value as boolean }];
    case "count":
      // A count in a unit is a Quantity: the unit ("s") is its UCUM code as well.
      return [def.unit ? { code, valueQuantity: { value: value as number, unit: def.unit, system: UCUM, code: def.unit } } : { code, valueInteger: value as number }];
    default:
      throw new Error(`No FHIR component for the episode field ${c.field}`);
  }
}

const GENDER: Record<Sex, Patient["gender"]> = { FEMALE: "female", MALE: "male", OTHER: "other", UNKNOWN: "unknown" };

/** A name-based UUID (version 5 layout) from a record's type and id: stable across exports. */
export function stableUuid(name: string): string {
  const h = createHash("sha1").update(`cramp-clinic:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const coding = (system: string, code: string, display?: string): Coding => (display ? { system, code, display } : { system, code });
const concept = (codings: Coding[], text?: string): CodeableConcept => (text ? { coding: codings, text } : { coding: codings });
const appId = (id: string): Identifier => ({ system: `${LOCAL_FHIR_BASE}/record-id`, value: id });
const iso = (d: Date) => d.toISOString();

export function buildPatientBundle(data: FhirExportData): Bundle {
  const entries: BundleEntry[] = [];
  const add = <T extends Resource>(key: string, resource: T): Reference<T> => {
    const id = stableUuid(key);
    const full = `urn:uuid:${id}`;
    entries.push({ fullUrl: full, resource: { ...resource, id } });
    return { reference: full };
  };
  const p = data.patient;

  const subject = add<Patient>(`Patient/${p.id}`, {
    resourceType: "Patient",
    identifier: [
      {
        use: "usual",
        type: concept([coding("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number")]),
        system: `${LOCAL_FHIR_BASE}/clinic/${p.clinicId}/mrn`,
        value: p.mrn,
        assigner: { display: p.clinicName },
      },
      appId(p.id),
    ],
    name: [{ use: "official", family: p.familyName, given: [p.givenName] }],
    gender: GENDER[p.sex],
    birthDate: p.birthDate,
  });
  const subjectRef: Reference<Patient> = { ...subject, display: `${p.familyName}, ${p.givenName}` };

  const encounters = new Map<string, Reference<Encounter>>();
  for (const v of data.visits) {
    const enc = add<Encounter>(`Encounter/${v.id}`, {
      resourceType: "Encounter",
      identifier: [appId(v.id)],
      status: "finished",
      class: coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
      subject: subjectRef,
      period: { start: iso(v.occurredAt) },
    });
    encounters.set(v.id, enc);
    const vitals = {
      systolic: v.systolic === null ? null : { valueQuantity: { value: v.systolic, ...MMHG } },
      diastolic: v.diastolic === null ? null : { valueQuantity: { value: v.diastolic, ...MMHG } },
      weightKg: v.weightKg === null ? null : measured("WEIGHT", v.weightKg, v.weightEntered),
      temperatureC: v.temperatureC === null ? null : measured("TEMPERATURE", v.temperatureC, v.temperatureEntered),
    };
    for (const key of VITAL_SIGN_FIELDS) {
      const value = vitals[key];
      if (value === null) continue;
      const code = VITAL_LOINC[key];
      add<Observation>(`Observation/vital/${v.id}/${key}`, {
        resourceType: "Observation",
        status: "final",
        category: [concept([coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")])],
        code: concept([coding(LOINC, code.code, code.display)], code.display),
        subject: subjectRef,
        encounter: enc,
        effectiveDateTime: iso(v.occurredAt),
        ...value,
      });
    }
    // One Observation per finding: the finding as its value, in words.
    for (const f of v.examFindings) {
      add<Observation>(`Observation/exam/${v.id}/${f}`, {
        resourceType: "Observation",
        status: "final",
        category: [concept([coding(OBSERVATION_CATEGORY, "exam", "Exam")])],
        code: concept([coding(local("observation"), "exam-finding", "Examination finding")], "Examination finding"),
        subject: subjectRef,
        encounter: enc,
        effectiveDateTime: iso(v.occurredAt),
        valueCodeableConcept: concept([coding(local("exam-finding"), f, EXAM_FINDING_LABELS[f])], EXAM_FINDING_LABELS[f]),
      });
    }
    for (const lab of v.labs) {
      const loinc = LAB_LOINC[lab.analyte];
      add<Observation>(`Observation/lab/${lab.id}`, {
        resourceType: "Observation",
        identifier: [appId(lab.id)],
        status: "final",
        category: [concept([coding(OBSERVATION_CATEGORY, "laboratory", "Laboratory")])],
        code: concept(
          [...(loinc ? [coding(LOINC, loinc.code, loinc.display)] : []), coding(local("lab-analyte"), lab.analyte, ANALYTE_LABELS[lab.analyte])],
          ANALYTE_LABELS[lab.analyte],
        ),
        subject: subjectRef,
        encounter: enc,
        effectiveDateTime: iso(lab.takenAt),
        ...measured(lab.analyte, lab.value, lab.entered),
      });
    }
  }

  for (const e of data.episodes) {
    const codes = codesForEpisode(e);
    const type = e.classification ?? e.suggestedClassification;
    const fromDiary = e.source === "PATIENT";
    const components = EPISODE_COMPONENTS.filter((c) => fromDiary || !("diaryOnly" in c)).flatMap((c) => episodeComponents(c, e));
    const enc = e.visitId ? encounters.get(e.visitId) : undefined;
    add<Observation>(`Observation/episode/${e.id}`, {
      resourceType: "Observation",
      identifier: [appId(e.id)],
      status: "final",
      code: concept(
        [...codes.map((c) => coding(CODE_SYSTEM_URIS[c.system], c.code, c.display)), coding(local("observation"), "leg-muscle-episode", "Leg muscle episode")],
        type ? `Leg muscle episode: ${CLASSIFICATION_LABELS[type]}` : "Leg muscle episode",
      ),
      subject: subjectRef,
      // The patient reported it from the diary: they are who made the observation.
      ...(fromDiary ? { performer: [subjectRef] } : {}),
      ...(enc ? { encounter: enc } : {}),
      effectivePeriod: { start: iso(e.occurredAt), end: iso(new Date(e.occurredAt.getTime() + e.durationSeconds * 1000)) },
      component: components,
      ...(e.notes ? { note: [{ text: e.notes }] } : {}),
    });
  }

  for (const c of p.conditions) {
    add<FhirCondition>(`Condition/${p.id}/${c.code}`, {
      resourceType: "Condition",
      clinicalStatus: concept([coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")]),
      verificationStatus: concept([coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed")]),
      category: [concept([coding("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item")])],
      code: concept([coding(local("condition"), c.code, CONDITION_LABELS[c.code])], CONDITION_LABELS[c.code]),
      subject: subjectRef,
      ...(c.onsetDate ? { onsetDateTime: c.onsetDate } : {}),
      ...(c.note ? { note: [{ text: c.note }] } : {}),
    });
  }

  for (const m of p.medications) {
    const period = { ...(m.startedOn ? { start: m.startedOn } : {}), ...(m.stoppedOn ? { end: m.stoppedOn } : {}) };
    add<MedicationStatement>(`MedicationStatement/${m.id}`, {
      resourceType: "MedicationStatement",
      identifier: [appId(m.id)],
      status: m.active ? "active" : "stopped",
      medicationCodeableConcept: { text: m.name },
      subject: subjectRef,
      ...(Object.keys(period).length ? { effectivePeriod: period } : {}),
    });
  }

  if (data.checklist.length) {
    const items: QuestionnaireResponseItem[] = data.checklist.map((c) => {
      const details: QuestionnaireResponseItem[] = [
        { linkId: `${c.causeId}.suggested`, text: "Suggested from the patient's data", answer: [{ valueBoolean: c.suggested }] },
      ];
      if (c.reasons.length) details.push({ linkId: `${c.causeId}.reasons`, text: "Reasons", answer: c.reasons.map((r) => ({ valueString: r })) });
      if (c.note) details.push({ linkId: `${c.causeId}.note`, text: "Note", answer: [{ valueString: c.note }] });
      return {
        linkId: c.causeId,
        text: c.label,
        answer: [{ valueCoding: coding(local("checklist-status"), c.status, CHECKLIST_STATUS_LABELS[c.status]), item: details }],
      };
    });
    const changed = data.checklist.map((c) => c.updatedAt).filter((d): d is Date => d !== null);
    add<QuestionnaireResponse>(`QuestionnaireResponse/${p.id}/checklist`, {
      resourceType: "QuestionnaireResponse",
      status: "completed",
      subject: subjectRef,
      authored: iso(changed.length ? new Date(Math.max(...changed.map((d) => d.getTime()))) : data.generatedAt),
      item: items,
    });
  }

  return {
    resourceType: "Bundle",
    id: stableUuid(`Bundle/${p.id}/${iso(data.generatedAt)}`),
    type: "collection",
    timestamp: iso(data.generatedAt),
    entry: entries,
  };
}
