/**
 * Controlled vocabularies of the clinical spec (sections 1 and 4) with short labels for clinicians.
 * Pure data: no I/O, no framework imports.
 */

/** True when `value` is one of `values` (narrows the type). */
export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

export const SEXES = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'] as const;
export type Sex = (typeof SEXES)[number];
export const SEX_LABELS: Record<Sex, string> = {
  FEMALE: 'Female',
  MALE: 'Male',
  OTHER: 'Other',
  UNKNOWN: 'Unknown',
};

export const SIDES = ['LEFT', 'RIGHT', 'BOTH'] as const;
export type Side = (typeof SIDES)[number];
export const SIDE_LABELS: Record<Side, string> = {
  LEFT: 'Left',
  RIGHT: 'Right',
  BOTH: 'Both legs',
};

export const MUSCLE_GROUPS = ['CALF', 'FOOT', 'THIGH', 'OTHER'] as const;
export type MuscleGroup = (typeof MUSCLE_GROUPS)[number];
export const MUSCLE_GROUP_LABELS: Record<MuscleGroup, string> = {
  CALF: 'Calf',
  FOOT: 'Foot',
  THIGH: 'Thigh',
  OTHER: 'Other muscle',
};
export const DEFAULT_MUSCLE_GROUP: MuscleGroup = 'CALF';

export const MOVEMENTS = [
  'TWITCHES',
  'RHYTHMIC_JERKS',
  'SUSTAINED_CONTRACTION',
  'SUSTAINED_THEN_TREMBLING',
  'URGE_TO_MOVE',
] as const;
export type Movement = (typeof MOVEMENTS)[number];
export const MOVEMENT_LABELS: Record<Movement, string> = {
  TWITCHES: 'Twitches',
  RHYTHMIC_JERKS: 'Rhythmic jerks',
  SUSTAINED_CONTRACTION: 'Sustained contraction',
  SUSTAINED_THEN_TREMBLING: 'Sustained then trembling',
  URGE_TO_MOVE: 'Urge to move',
};

export const RHYTHMS = ['RHYTHMIC', 'IRREGULAR', 'NONE'] as const;
export type Rhythm = (typeof RHYTHMS)[number];
export const RHYTHM_LABELS: Record<Rhythm, string> = {
  RHYTHMIC: 'Rhythmic',
  IRREGULAR: 'Irregular',
  NONE: 'No rhythm',
};

export const TRIGGERS = [
  'EXERTION',
  'WALKING',
  'COLD',
  'HEAT_SWEATING',
  'TIGHT_FOOTWEAR',
  'STRESS',
  'PROLONGED_REST',
  'UNKNOWN',
] as const;
export type Trigger = (typeof TRIGGERS)[number];
export const TRIGGER_LABELS: Record<Trigger, string> = {
  EXERTION: 'Exertion',
  WALKING: 'Walking a distance',
  COLD: 'Cold',
  HEAT_SWEATING: 'Heat or sweating',
  TIGHT_FOOTWEAR: 'Tight footwear',
  STRESS: 'Stress',
  PROLONGED_REST: 'Prolonged rest',
  UNKNOWN: 'Unknown',
};

export const RELIEFS = ['STRETCHING', 'MASSAGE', 'COLD_SURFACE', 'WARMTH', 'WALKING', 'REST', 'NONE'] as const;
export type Relief = (typeof RELIEFS)[number];
export const RELIEF_LABELS: Record<Relief, string> = {
  STRETCHING: 'Stretching',
  MASSAGE: 'Massage',
  COLD_SURFACE: 'Cold surface',
  WARMTH: 'Warmth',
  WALKING: 'Walking',
  REST: 'Rest',
  NONE: 'Nothing helped',
};

export const CLASSIFICATIONS = ['MYOCLONIC', 'CLONIC', 'TONIC', 'TONIC_CLONIC', 'RLS'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const CLASSIFICATION_LABELS: Record<Classification, string> = {
  MYOCLONIC: 'Myoclonic',
  CLONIC: 'Clonic',
  TONIC: 'Tonic',
  TONIC_CLONIC: 'Tonic-clonic',
  RLS: 'Restless legs syndrome',
};

export const CONDITIONS = [
  'VARICOSE_VEINS',
  'ACUTE_INFECTION',
  'KIDNEY_DISEASE',
  'LIVER_DISEASE',
  'INTOXICATION',
  'DIABETES',
  'THYROID_DISORDER',
  'METABOLIC_DISORDER',
  'NEUROLOGICAL_DISORDER',
  'HYPERTENSION',
] as const;
export type Condition = (typeof CONDITIONS)[number];
export const CONDITION_LABELS: Record<Condition, string> = {
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
};

export const LIFESTYLE_FLAGS = ['HIGH_HEELS', 'SEDENTARY', 'HIGH_STRESS', 'HIGH_PROTEIN_DIET', 'INTENSE_EXERCISE'] as const;
export type LifestyleFlag = (typeof LIFESTYLE_FLAGS)[number];
export const LIFESTYLE_FLAG_LABELS: Record<LifestyleFlag, string> = {
  HIGH_HEELS: 'Wears high heels',
  SEDENTARY: 'Sedentary',
  HIGH_STRESS: 'High stress',
  HIGH_PROTEIN_DIET: 'High-protein diet',
  INTENSE_EXERCISE: 'Intense exercise',
};

export const ANALYTES = ['MAGNESIUM', 'POTASSIUM', 'CALCIUM', 'PHOSPHATE', 'VITAMIN_D', 'FERRITIN', 'GLUCOSE'] as const;
export type Analyte = (typeof ANALYTES)[number];
export const ANALYTE_LABELS: Record<Analyte, string> = {
  MAGNESIUM: 'Magnesium',
  POTASSIUM: 'Potassium',
  CALCIUM: 'Calcium (total)',
  PHOSPHATE: 'Phosphate',
  VITAMIN_D: 'Vitamin D (25-OH)',
  FERRITIN: 'Ferritin',
  GLUCOSE: 'Glucose (fasting)',
};
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
export const EXAM_FINDINGS = [
  'CALF_SWELLING_LEFT',
  'CALF_SWELLING_RIGHT',
  'REDUCED_FOOT_PULSES',
  'MUSCLE_WEAKNESS',
  'MUSCLE_WASTING',
  'FASCICULATIONS',
  'VARICOSE_VEINS_SEEN',
] as const;
export type ExamFinding = (typeof EXAM_FINDINGS)[number];
export const EXAM_FINDING_LABELS: Record<ExamFinding, string> = {
  CALF_SWELLING_LEFT: 'Left calf swollen, warm or red',
  CALF_SWELLING_RIGHT: 'Right calf swollen, warm or red',
  REDUCED_FOOT_PULSES: 'Reduced foot pulses',
  MUSCLE_WEAKNESS: 'Muscle weakness',
  MUSCLE_WASTING: 'Muscle wasting',
  FASCICULATIONS: 'Fasciculations',
  VARICOSE_VEINS_SEEN: 'Varicose veins seen',
};
export const CALF_SWELLING_FINDINGS: readonly ExamFinding[] = ['CALF_SWELLING_LEFT', 'CALF_SWELLING_RIGHT'];
export const NEUROMUSCULAR_FINDINGS: readonly ExamFinding[] = ['MUSCLE_WEAKNESS', 'MUSCLE_WASTING', 'FASCICULATIONS'];

export const CHECKLIST_STATUSES = ['NOT_ASSESSED', 'SUSPECTED', 'CONFIRMED', 'RULED_OUT'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];
export const CHECKLIST_STATUS_LABELS: Record<ChecklistStatus, string> = {
  NOT_ASSESSED: 'Not assessed',
  SUSPECTED: 'Suspected',
  CONFIRMED: 'Confirmed',
  RULED_OUT: 'Ruled out',
};
export const DEFAULT_CHECKLIST_STATUS: ChecklistStatus = 'NOT_ASSESSED';

export const ROLES = ['ADMIN', 'CLINICIAN', 'READ_ONLY'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Administrator',
  CLINICIAN: 'Clinician',
  READ_ONLY: 'Read only',
};

export const DAY_PARTS = ['NIGHT', 'MORNING', 'AFTERNOON', 'EVENING'] as const;
export type DayPart = (typeof DAY_PARTS)[number];
export const DAY_PART_LABELS: Record<DayPart, string> = {
  NIGHT: 'Night (00-06)',
  MORNING: 'Morning (06-12)',
  AFTERNOON: 'Afternoon (12-18)',
  EVENING: 'Evening (18-24)',
};
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
