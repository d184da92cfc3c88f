/**
 * A visit's own fields (its lab results are records of their own), declared once: the visit view,
 * and the report's and FHIR bundle's visit are derived from this list. Pure.
 */
import { EXAM_FINDING_LABELS, EXAM_FINDINGS } from "@/lib/core/clinical/vocabulary";
import { fieldNames, type FieldDef, type FieldValues } from "./field";

/** In the order the visit view (and the API) gives them. */
export const VISIT_FIELDS = {
  id: { kind: "id", label: "Visit" },
  patientId: { kind: "id", label: "Patient" },
  occurredAt: { kind: "instant", label: "Date and time" },
  systolic: { kind: "count", unit: "mmHg", nullable: true, label: "Systolic blood pressure" },
  diastolic: { kind: "count", unit: "mmHg", nullable: true, label: "Diastolic blood pressure" },
  weightKg: { kind: "measure", measure: "WEIGHT", nullable: true, label: "Weight" },
  weightEntered: { kind: "entered", nullable: true, label: "Weight as entered" },
  temperatureC: { kind: "measure", measure: "TEMPERATURE", nullable: true, label: "Temperature" },
  temperatureEntered: { kind: "entered", nullable: true, label: "Temperature as entered" },
  examFindings: { kind: "choices", values: EXAM_FINDINGS, labels: EXAM_FINDING_LABELS, label: "Examination" },
  notes: { kind: "text", label: "Notes" },
  version: { kind: "count", label: "Version" },
} as const satisfies Record<string, FieldDef>;

export type VisitField = keyof typeof VISIT_FIELDS;
export const VISIT_FIELD_NAMES = fieldNames(VISIT_FIELDS);

/** A visit as the app reads it. */
export type Visit = FieldValues<typeof VISIT_FIELDS>;

/** The visit's vital signs, each a measured value of the visit. */
export const VITAL_SIGN_FIELDS = ["systolic", "diastolic", "weightKg", "temperatureC"] as const satisfies readonly VisitField[];
export type VitalSignField = (typeof VITAL_SIGN_FIELDS)[number];
