/**
 * A patient's fields, declared once: the patient views, the API's patient, the CSV columns, and the
 * report's and FHIR bundle's patient are derived from this list. Pure.
 */
import { UNIT_SYSTEM_LABELS, UNIT_SYSTEMS } from "@/lib/core/clinical/units";
import { ALLERGY_STATUS_LABELS, ALLERGY_STATUSES, LIFESTYLE_FLAG_LABELS, LIFESTYLE_FLAGS, SEX_LABELS, SEXES, type Condition } from "@/lib/core/clinical/vocabulary";
import { fieldNames, nested, type FieldDef, type FieldValues, type StoredValues } from "./field";

/** A problem on the patient's problem list. */
export interface PatientCondition {
  code: Condition;
  onsetDate: string | null;
  note: string | null;
}

export interface Medication {
  id: string;
  name: string;
  active: boolean;
  startedOn: string | null;
  stoppedOn: string | null;
}

/** In the order the API gives them. */
export const PATIENT_FIELDS = {
  id: { kind: "id", label: "Patient", heading: "Patient ID" },
  clinicId: { kind: "id", label: "Clinic" },
  clinicName: { kind: "text", label: "Clinic", heading: "Clinic" },
  mrn: { kind: "text", label: "Medical record number", heading: "MRN" },
  givenName: { kind: "text", label: "Given name", heading: "Given name" },
  familyName: { kind: "text", label: "Family name", heading: "Family name" },
  birthDate: { kind: "date", label: "Date of birth", heading: "Date of birth" },
  sex: { kind: "choice", values: SEXES, labels: SEX_LABELS, label: "Sex", heading: "Sex" },
  pregnant: { kind: "boolean", label: "Pregnant", heading: "Pregnant" },
  heightCm: { kind: "measure", measure: "HEIGHT", nullable: true, label: "Height", heading: "Height" },
  /** The height as entered, when not in centimetres. */
  heightEntered: { kind: "entered", nullable: true, label: "Height as entered", heading: "Height as entered" },
  /** The clinic's unit system: which units its forms default to and its pages show. */
  unitSystem: { kind: "choice", values: UNIT_SYSTEMS, labels: UNIT_SYSTEM_LABELS, label: "Units" },
  conditions: { kind: "nested", of: nested<PatientCondition[]>(), label: "Problem list", heading: "Conditions" },
  lifestyle: { kind: "choices", values: LIFESTYLE_FLAGS, labels: LIFESTYLE_FLAG_LABELS, label: "Lifestyle", heading: "Lifestyle" },
  /** Only the current ones have a CSV column. */
  medications: { kind: "nested", of: nested<Medication[]>(), label: "Medications", heading: "Current medications" },
  allergyStatus: { kind: "choice", values: ALLERGY_STATUSES, labels: ALLERGY_STATUS_LABELS, label: "Allergies asked", heading: "Allergy status" },
  /** Substances and reactions, when the status is RECORDED. */
  allergies: { kind: "text", label: "Allergies", heading: "Allergies" },
  version: { kind: "count", label: "Version" },
  createdAt: { kind: "instant", label: "Added", heading: "Added" },
  updatedAt: { kind: "instant", label: "Last changed" },
} as const satisfies Record<string, FieldDef>;

type Fields = typeof PATIENT_FIELDS;
export type PatientField = keyof Fields;
export const PATIENT_FIELD_NAMES = fieldNames(PATIENT_FIELDS);

/** A patient as the app reads it. */
export type Patient = FieldValues<Fields>;
/** A patient as the database gives it (vocabulary values as text, lists comma-separated). */
export type StoredPatient = StoredValues<Fields>;

/** What the patient list shows of each patient, in this order. */
export const PATIENT_SUMMARY_FIELDS = ["id", "mrn", "givenName", "familyName", "birthDate", "sex", "pregnant", "clinicName", "createdAt"] as const satisfies readonly PatientField[];
export type PatientSummaryField = (typeof PATIENT_SUMMARY_FIELDS)[number];
