/**
 * Controlled vocabularies of the clinical spec (sections 1 and 4) with short labels for clinicians.
 * Pure data: no I/O, no framework imports.
 */

/**
 * A vocabulary written once, each code with its label: `codes` lists them in the order written
 * (object keys that are not numbers keep their insertion order), the order forms and reports use.
 */
function vocabulary<C extends string>(labels: Record<C, string>): { codes: readonly [C, ...C[]]; labels: Record<C, string> } {
  return { codes: Object.keys(labels) as [C, ...C[]], labels };
}

/** True when `value` is one of `values` (narrows the type). */
export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

export const { codes: SEXES, labels: SEX_LABELS } = vocabulary({
  FEMALE: 'Female',
  MALE: 'Male',
  OTHER: 'Other',
  UNKNOWN: 'Unknown',
});
export type Sex = (typeof SEXES)[number];

export const { codes: SIDES, labels: SIDE_LABELS } = vocabulary({
  LEFT: 'Left',
  RIGHT: 'Right',
  BOTH: 'Both legs',
});
export type Side = (typeof SIDES)[number];

export const { codes: MUSCLE_GROUPS, labels: MUSCLE_GROUP_LABELS } = vocabulary({
  CALF: 'Calf',
  FOOT: 'Foot',
  THIGH: 'Thigh',
  OTHER: 'Other muscle',
});
export type MuscleGroup = (typeof MUSCLE_GROUPS)[number];
export const DEFAULT_MUSCLE_GROUP: MuscleGroup = 'CALF';

export const { codes: MOVEMENTS, labels: MOVEMENT_LABELS } = vocabulary({
  TWITCHES: 'Twitches',
  RHYTHMIC_JERKS: 'Rhythmic jerks',
  SUSTAINED_CONTRACTION: 'Sustained contraction',
  SUSTAINED_THEN_TREMBLING: 'Sustained then trembling',
  URGE_TO_MOVE: 'Urge to move',
});
export type Movement = (typeof MOVEMENTS)[number];

export const { codes: RHYTHMS, labels: RHYTHM_LABELS } = vocabulary({
  RHYTHMIC: 'Rhythmic',
  IRREGULAR: 'Irregular',
  NONE: 'No rhythm',
});
export type Rhythm = (typeof RHYTHMS)[number];

export const { codes: TRIGGERS, labels: TRIGGER_LABELS } = vocabulary({
  EXERTION: 'Exertion',
  WALKING: 'Walking a distance',
  COLD: 'Cold',
  HEAT_SWEATING: 'Heat or sweating',
  TIGHT_FOOTWEAR: 'Tight footwear',
  STRESS: 'Stress',
  PROLONGED_REST: 'Prolonged rest',
  UNKNOWN: 'Unknown',
});
export type Trigger = (typeof TRIGGERS)[number];

export const { codes: RELIEFS, labels: RELIEF_LABELS } = vocabulary({
  STRETCHING: 'Stretching',
  MASSAGE: 'Massage',
  COLD_SURFACE: 'Cold surface',
  WARMTH: 'Warmth',
  WALKING: 'Walking',
  REST: 'Rest',
  NONE: 'Nothing helped',
});
export type Relief = (typeof RELIEFS)[number];

export const { codes: CLASSIFICATIONS, labels: CLASSIFICATION_LABELS } = vocabulary({
  MYOCLONIC: 'Myoclonic',
  CLONIC: 'Clonic',
  TONIC: 'Tonic',
  TONIC_CLONIC: 'Tonic-clonic',
  RLS: 'Restless legs syndrome',
});
export type Classification = (typeof CLASSIFICATIONS)[number];

export const { codes: CONDITIONS, labels: CONDITION_LABELS } = vocabulary({
  VARICOSE_VEINS: 'Varicose veins',
  ACUTE_INFECTION: 'Acute infection',
  KIDNEY_DISEASE: 'Kidney disease',
  LIVER_DISEASE: 'Liver disease',
  INTOXICATION: 'Intoxication',
  DIABETES: 'Diabetes',
  THYROID_DISORDER: 'Thyroid disorder',
  METABOLIC_DISORDER: 'Metabolic disorder',
  NEUROLOGICAL_DISORDER: 'Neurological disorder',
  HYPERTENSION: 'Hypertension',
});
export type Condition = (typeof CONDITIONS)[number];

export const { codes: LIFESTYLE_FLAGS, labels: LIFESTYLE_FLAG_LABELS } = vocabulary({
  HIGH_HEELS: 'Wears high heels',
  SEDENTARY: 'Sedentary',
  HIGH_STRESS: 'High stress',
  HIGH_PROTEIN_DIET: 'High-protein diet',
  INTENSE_EXERCISE: 'Intense exercise',
});
export type LifestyleFlag = (typeof LIFESTYLE_FLAGS)[number];

export const { codes: ANALYTES, labels: ANALYTE_LABELS } = vocabulary({
  MAGNESIUM: 'Magnesium',
  POTASSIUM: 'Potassium',
  CALCIUM: 'Calcium (total)',
  PHOSPHATE: 'Phosphate',
  VITAMIN_D: 'Vitamin D (25-OH)',
  FERRITIN: 'Ferritin',
  GLUCOSE: 'Glucose (fasting)',
});
export type Analyte = (typeof ANALYTES)[number];
/** The unit each analyte is stored and compared in. */
export const ANALYTE_UNITS: Record<Analyte, string> = {
  MAGNESIUM: 'mmol/L',
  POTASSIUM: 'mmol/L',
  CALCIUM: 'mmol/L',
  PHOSPHATE: 'mmol/L',
  VITAMIN_D: 'nmol/L',
  FERRITIN: 'ug/L',
  GLUCOSE: 'mmol/L',
};

/** Findings a clinician records at a visit's examination (spec section 4, v2). */
export const { codes: EXAM_FINDINGS, labels: EXAM_FINDING_LABELS } = vocabulary({
  CALF_SWELLING_LEFT: 'Left calf swollen, warm or red',
  CALF_SWELLING_RIGHT: 'Right calf swollen, warm or red',
  REDUCED_FOOT_PULSES: 'Reduced foot pulses',
  MUSCLE_WEAKNESS: 'Muscle weakness',
  MUSCLE_WASTING: 'Muscle wasting',
  FASCICULATIONS: 'Fasciculations',
  VARICOSE_VEINS_SEEN: 'Varicose veins seen',
});
export type ExamFinding = (typeof EXAM_FINDINGS)[number];
export const CALF_SWELLING_FINDINGS: readonly ExamFinding[] = ['CALF_SWELLING_LEFT', 'CALF_SWELLING_RIGHT'];
export const NEUROMUSCULAR_FINDINGS: readonly ExamFinding[] = ['MUSCLE_WEAKNESS', 'MUSCLE_WASTING', 'FASCICULATIONS'];

export const { codes: CHECKLIST_STATUSES, labels: CHECKLIST_STATUS_LABELS } = vocabulary({
  NOT_ASSESSED: 'Not assessed',
  SUSPECTED: 'Suspected',
  CONFIRMED: 'Confirmed',
  RULED_OUT: 'Ruled out',
});
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];
export const DEFAULT_CHECKLIST_STATUS: ChecklistStatus = 'NOT_ASSESSED';

export const { codes: ROLES, labels: ROLE_LABELS } = vocabulary({
  ADMIN: 'Administrator',
  CLINICIAN: 'Clinician',
  READ_ONLY: 'Read only',
});
export type Role = (typeof ROLES)[number];

export const { codes: DAY_PARTS, labels: DAY_PART_LABELS } = vocabulary({
  NIGHT: 'Night (00-06)',
  MORNING: 'Morning (06-12)',
  AFTERNOON: 'Afternoon (12-18)',
  EVENING: 'Evening (18-24)',
});
export type DayPart = (typeof DAY_PARTS)[number];
/** Local hours of each day part: `fromHour` inclusive, `toHour` exclusive. */
export const DAY_PART_HOURS: Record<DayPart, { fromHour: number; toHour: number }> = {
  NIGHT: { fromHour: 0, toHour: 6 },
  MORNING: { fromHour: 6, toHour: 12 },
  AFTERNOON: { fromHour: 12, toHour: 18 },
  EVENING: { fromHour: 18, toHour: 24 },
};

/** The day part of a local hour (0..23; a fractional hour is floored). Throws RangeError outside 0..<24. */
export function dayPartOfHour(hour: number): DayPart {
  if (!Number.isFinite(hour) || hour < 0 || hour >= 24) {
    throw new RangeError(`hour must be in 0..23, got ${hour}`);
  }
  const h = Math.floor(hour);
  for (const part of DAY_PARTS) {
    const { fromHour, toHour } = DAY_PART_HOURS[part];
    if (h >= fromHour && h < toHour) return part;
  }
  /* c8 ignore next */
  throw new RangeError(`hour must be in 0..23, got ${hour}`);
}
