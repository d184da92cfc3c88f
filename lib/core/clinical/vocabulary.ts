/**
 * Controlled vocabularies of the clinical spec (sections 1 and 4) with short labels for clinicians.
 * The codes and labels are data, kept in vocabularies.json (one table, in the order forms and
 * reports use); this module gives them their types. Pure: no I/O, no framework imports.
 */
import VOCABULARIES from './vocabularies.json';

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

export const { codes: SEXES, labels: SEX_LABELS } = vocabulary(VOCABULARIES.SEXES);
export type Sex = (typeof SEXES)[number];

export const { codes: SIDES, labels: SIDE_LABELS } = vocabulary(VOCABULARIES.SIDES);
export type Side = (typeof SIDES)[number];

export const { codes: MUSCLE_GROUPS, labels: MUSCLE_GROUP_LABELS } = vocabulary(VOCABULARIES.MUSCLE_GROUPS);
export type MuscleGroup = (typeof MUSCLE_GROUPS)[number];
export const DEFAULT_MUSCLE_GROUP: MuscleGroup = 'CALF';

export const { codes: MOVEMENTS, labels: MOVEMENT_LABELS } = vocabulary(VOCABULARIES.MOVEMENTS);
export type Movement = (typeof MOVEMENTS)[number];

export const { codes: RHYTHMS, labels: RHYTHM_LABELS } = vocabulary(VOCABULARIES.RHYTHMS);
export type Rhythm = (typeof RHYTHMS)[number];

export const { codes: TRIGGERS, labels: TRIGGER_LABELS } = vocabulary(VOCABULARIES.TRIGGERS);
export type Trigger = (typeof TRIGGERS)[number];

export const { codes: RELIEFS, labels: RELIEF_LABELS } = vocabulary(VOCABULARIES.RELIEFS);
export type Relief = (typeof RELIEFS)[number];

export const { codes: CLASSIFICATIONS, labels: CLASSIFICATION_LABELS } = vocabulary(VOCABULARIES.CLASSIFICATIONS);
export type Classification = (typeof CLASSIFICATIONS)[number];

export const { codes: CONDITIONS, labels: CONDITION_LABELS } = vocabulary(VOCABULARIES.CONDITIONS);
export type Condition = (typeof CONDITIONS)[number];

export const { codes: LIFESTYLE_FLAGS, labels: LIFESTYLE_FLAG_LABELS } = vocabulary(VOCABULARIES.LIFESTYLE_FLAGS);
export type LifestyleFlag = (typeof LIFESTYLE_FLAGS)[number];

export const { codes: ANALYTES, labels: ANALYTE_LABELS } = vocabulary(VOCABULARIES.ANALYTES);
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
export const { codes: EXAM_FINDINGS, labels: EXAM_FINDING_LABELS } = vocabulary(VOCABULARIES.EXAM_FINDINGS);
export type ExamFinding = (typeof EXAM_FINDINGS)[number];
export const CALF_SWELLING_FINDINGS: readonly ExamFinding[] = ['CALF_SWELLING_LEFT', 'CALF_SWELLING_RIGHT'];
export const NEUROMUSCULAR_FINDINGS: readonly ExamFinding[] = ['MUSCLE_WEAKNESS', 'MUSCLE_WASTING', 'FASCICULATIONS'];

/** Whether the patient's allergies were asked about: not yet, none known, or recorded (with the text). */
export const { codes: ALLERGY_STATUSES, labels: ALLERGY_STATUS_LABELS } = vocabulary(VOCABULARIES.ALLERGY_STATUSES);
export type AllergyStatus = (typeof ALLERGY_STATUSES)[number];

/** Who reported an episode: typed in by the clinic's staff, or sent by the patient from a diary link. */
export const { codes: EPISODE_SOURCES, labels: EPISODE_SOURCE_LABELS } = vocabulary(VOCABULARIES.EPISODE_SOURCES);
export type EpisodeSource = (typeof EPISODE_SOURCES)[number];

export const { codes: CHECKLIST_STATUSES, labels: CHECKLIST_STATUS_LABELS } = vocabulary(VOCABULARIES.CHECKLIST_STATUSES);
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];
export const DEFAULT_CHECKLIST_STATUS: ChecklistStatus = 'NOT_ASSESSED';

export const { codes: ROLES, labels: ROLE_LABELS } = vocabulary(VOCABULARIES.ROLES);
export type Role = (typeof ROLES)[number];

export const { codes: DAY_PARTS, labels: DAY_PART_LABELS } = vocabulary(VOCABULARIES.DAY_PARTS);
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
