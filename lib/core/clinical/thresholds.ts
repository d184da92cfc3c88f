/**
 * Every numeric threshold of the clinical spec, as product defaults a clinic can override.
 * Rules take an optional `thresholds` argument that defaults to DEFAULT_THRESHOLDS.
 */

export interface Thresholds {
  /** Red flags and "in the window" checklist rules look at the episodes of this many days (x 24 h) up to asOf. */
  readonly windowDays: number;
  /** A seizure-like episode at least this long (seconds) is urgent: the 5-minute point of status epilepticus. */
  readonly prolongedSeizureSeconds: number;
  /** Any other episode (not RLS) at least this long (seconds) is a cramp that does not let go. */
  readonly prolongedCrampSeconds: number;
  /** Episodes in the window brought on by walking and relieved by rest that suggest claudication. */
  readonly claudicationEpisodes: number;
  /** This many episodes ... */
  readonly frequentEpisodes: number;
  /** ... within this many consecutive local calendar days are "frequent". */
  readonly frequentWindowDays: number;
  /** Episodes on at least this many consecutive local calendar days. */
  readonly consecutiveDays: number;
  /** Episodes in at least this many of the 4 day parts. */
  readonly anyTimeOfDayParts: number;
  /** Temperature (deg C) at or above which a visit suggests acute infection. */
  readonly feverC: number;
  /** Fasting glucose (mmol/L) at or above which a metabolic/endocrine cause is suggested. */
  readonly fastingGlucose: number;
  /** Systolic (mmHg) at or above which a visit counts as high blood pressure. */
  readonly systolic: number;
  /** Diastolic (mmHg) at or above which a visit counts as high blood pressure. */
  readonly diastolic: number;
  /** BMI at or above which weight is excess. */
  readonly bmiOverweight: number;
  /** BMI at or above which the reason says obesity. */
  readonly bmiObesity: number;
  /** Latest magnesium (mmol/L) strictly below this is low. */
  readonly magnesium: number;
  /** Latest potassium (mmol/L) strictly below this is low. */
  readonly potassium: number;
  /** Latest total calcium (mmol/L) strictly below this is low. */
  readonly calcium: number;
  /** Latest phosphate (mmol/L) strictly below this is low. */
  readonly phosphate: number;
  /** Latest 25-OH vitamin D (nmol/L) strictly below this is low. */
  readonly vitaminD: number;
  /** Latest ferritin (ug/L) strictly below this suggests iron deficiency. */
  readonly ferritinLow: number;
  /** Latest ferritin (ug/L) strictly below this suggests iron deficiency when an episode is RLS. */
  readonly ferritinLowWithRls: number;
  /** Bounds of an episode's duration in seconds (inclusive). */
  readonly durationSecondsMin: number;
  readonly durationSecondsMax: number;
  /** Bounds of a pain score (inclusive). */
  readonly painScoreMin: number;
  readonly painScoreMax: number;
  /** Longest notes text, in characters. */
  readonly notesMaxLength: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  windowDays: 30,
  prolongedSeizureSeconds: 300,
  prolongedCrampSeconds: 600,
  claudicationEpisodes: 2,
  frequentEpisodes: 3,
  frequentWindowDays: 7,
  consecutiveDays: 3,
  anyTimeOfDayParts: 3,
  feverC: 38.0,
  fastingGlucose: 7.0,
  systolic: 140,
  diastolic: 90,
  bmiOverweight: 25,
  bmiObesity: 30,
  magnesium: 0.7,
  potassium: 3.5,
  calcium: 2.15,
  phosphate: 0.8,
  vitaminD: 50,
  ferritinLow: 30,
  ferritinLowWithRls: 75,
  durationSecondsMin: 1,
  durationSecondsMax: 86400,
  painScoreMin: 0,
  painScoreMax: 10,
  notesMaxLength: 2000,
});

/** The defaults with a clinic's overrides applied (undefined values keep the default). */
export function resolveThresholds(overrides?: Partial<Thresholds> | null): Thresholds {
  const result: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  if (overrides) {
    for (const [key, value] of Object.entries(overrides)) {
      if (value !== undefined && key in result) result[key] = value;
    }
  }
  return Object.freeze(result) as unknown as Thresholds;
}
