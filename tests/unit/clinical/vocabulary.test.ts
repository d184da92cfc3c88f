import { describe, expect, it } from 'vitest';
import * as v from '@/lib/core/clinical/vocabulary';
import { DEFAULT_THRESHOLDS, resolveThresholds, type Thresholds } from '@/lib/core/clinical/thresholds';

describe('vocabularies', () => {
  it.each<[string, readonly string[], Record<string, string>]>([
    ['SEXES', v.SEXES, v.SEX_LABELS],
    ['SIDES', v.SIDES, v.SIDE_LABELS],
    ['MUSCLE_GROUPS', v.MUSCLE_GROUPS, v.MUSCLE_GROUP_LABELS],
    ['MOVEMENTS', v.MOVEMENTS, v.MOVEMENT_LABELS],
    ['RHYTHMS', v.RHYTHMS, v.RHYTHM_LABELS],
    ['TRIGGERS', v.TRIGGERS, v.TRIGGER_LABELS],
    ['RELIEFS', v.RELIEFS, v.RELIEF_LABELS],
    ['CLASSIFICATIONS', v.CLASSIFICATIONS, v.CLASSIFICATION_LABELS],
    ['CONDITIONS', v.CONDITIONS, v.CONDITION_LABELS],
    ['LIFESTYLE_FLAGS', v.LIFESTYLE_FLAGS, v.LIFESTYLE_FLAG_LABELS],
    ['ANALYTES', v.ANALYTES, v.ANALYTE_LABELS],
    ['EXAM_FINDINGS', v.EXAM_FINDINGS, v.EXAM_FINDING_LABELS],
    ['CHECKLIST_STATUSES', v.CHECKLIST_STATUSES, v.CHECKLIST_STATUS_LABELS],
    ['ROLES', v.ROLES, v.ROLE_LABELS],
    ['DAY_PARTS', v.DAY_PARTS, v.DAY_PART_LABELS],
  ])('%s: every value has a label and no label is extra', (_name, values, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...values].sort());
    for (const value of values) expect(labels[value].trim().length).toBeGreaterThan(0);
  });

  it('holds the values of the spec', () => {
    expect(v.SEXES).toEqual(['FEMALE', 'MALE', 'OTHER', 'UNKNOWN']);
    expect(v.CLASSIFICATIONS).toEqual(['MYOCLONIC', 'CLONIC', 'TONIC', 'TONIC_CLONIC', 'RLS']);
    expect(v.CHECKLIST_STATUSES).toEqual(['NOT_ASSESSED', 'SUSPECTED', 'CONFIRMED', 'RULED_OUT']);
    expect(v.ROLES).toEqual(['ADMIN', 'CLINICIAN', 'READ_ONLY']);
    expect(v.MOVEMENT_LABELS.SUSTAINED_THEN_TREMBLING).toBe('Sustained then trembling');
    expect(v.CLASSIFICATION_LABELS.RLS).toBe('Restless legs syndrome');
  });

  it('holds the episode vocabularies of spec section 1 (v2: WALKING trigger)', () => {
    expect(v.SIDES).toEqual(['LEFT', 'RIGHT', 'BOTH']);
    expect(v.MUSCLE_GROUPS).toEqual(['CALF', 'FOOT', 'THIGH', 'OTHER']);
    expect(v.DEFAULT_MUSCLE_GROUP).toBe('CALF');
    expect(v.MOVEMENTS).toEqual(['TWITCHES', 'RHYTHMIC_JERKS', 'SUSTAINED_CONTRACTION', 'SUSTAINED_THEN_TREMBLING', 'URGE_TO_MOVE']);
    expect(v.RHYTHMS).toEqual(['RHYTHMIC', 'IRREGULAR', 'NONE']);
    expect(v.TRIGGERS).toEqual(['EXERTION', 'WALKING', 'COLD', 'HEAT_SWEATING', 'TIGHT_FOOTWEAR', 'STRESS', 'PROLONGED_REST', 'UNKNOWN']);
    expect(v.TRIGGER_LABELS.WALKING).toBe('Walking a distance');
    expect(v.RELIEFS).toEqual(['STRETCHING', 'MASSAGE', 'COLD_SURFACE', 'WARMTH', 'WALKING', 'REST', 'NONE']);
  });

  it('holds the patient vocabularies of spec section 4', () => {
    expect(v.CONDITIONS).toEqual([
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
    ]);
    expect(v.LIFESTYLE_FLAGS).toEqual(['HIGH_HEELS', 'SEDENTARY', 'HIGH_STRESS', 'HIGH_PROTEIN_DIET', 'INTENSE_EXERCISE']);
    expect(v.ANALYTES).toEqual(['MAGNESIUM', 'POTASSIUM', 'CALCIUM', 'PHOSPHATE', 'VITAMIN_D', 'FERRITIN', 'GLUCOSE']);
  });

  it('holds the exam findings of spec section 4 (v2), grouped for the rules', () => {
    expect(v.EXAM_FINDINGS).toEqual([
      'CALF_SWELLING_LEFT',
      'CALF_SWELLING_RIGHT',
      'REDUCED_FOOT_PULSES',
      'MUSCLE_WEAKNESS',
      'MUSCLE_WASTING',
      'FASCICULATIONS',
      'VARICOSE_VEINS_SEEN',
    ]);
    expect(v.CALF_SWELLING_FINDINGS).toEqual(['CALF_SWELLING_LEFT', 'CALF_SWELLING_RIGHT']);
    expect(v.NEUROMUSCULAR_FINDINGS).toEqual(['MUSCLE_WEAKNESS', 'MUSCLE_WASTING', 'FASCICULATIONS']);
    // Calf swelling is "swelling, warmth or redness of the calf".
    expect(v.EXAM_FINDING_LABELS.CALF_SWELLING_LEFT).toMatch(/left calf swollen, warm or red/i);
    expect(v.EXAM_FINDING_LABELS.CALF_SWELLING_RIGHT).toMatch(/right calf swollen, warm or red/i);
  });

  it.each<[unknown, boolean]>([
    ['WALKING', true],
    ['CALF_SWELLING_LEFT', false],
  ])('isOneOf(TRIGGERS, %j) = %s', (value, expected) => {
    expect(v.isOneOf(v.TRIGGERS, value)).toBe(expected);
  });

  it.each<[unknown, boolean]>([
    ['CALF_SWELLING_LEFT', true],
    ['FASCICULATIONS', true],
    ['calf_swelling_left', false],
    ['CALF_SWELLING', false],
    [undefined, false],
  ])('isOneOf(EXAM_FINDINGS, %j) = %s', (value, expected) => {
    expect(v.isOneOf(v.EXAM_FINDINGS, value)).toBe(expected);
  });

  it('gives each analyte its unit', () => {
    expect(v.ANALYTE_UNITS).toEqual({
      MAGNESIUM: 'mmol/L',
      POTASSIUM: 'mmol/L',
      CALCIUM: 'mmol/L',
      PHOSPHATE: 'mmol/L',
      VITAMIN_D: 'nmol/L',
      FERRITIN: 'ug/L',
      GLUCOSE: 'mmol/L',
    });
  });

  it.each<[unknown, boolean]>([
    ['TONIC', true],
    ['tonic', false],
    ['', false],
    [null, false],
    [3, false],
  ])('isOneOf(CLASSIFICATIONS, %j) = %s', (value, expected) => {
    expect(v.isOneOf(v.CLASSIFICATIONS, value)).toBe(expected);
  });
});

describe('dayPartOfHour', () => {
  it.each<[number, v.DayPart]>([
    [0, 'NIGHT'],
    [5, 'NIGHT'],
    [5.99, 'NIGHT'],
    [6, 'MORNING'],
    [11, 'MORNING'],
    [12, 'AFTERNOON'],
    [17, 'AFTERNOON'],
    [18, 'EVENING'],
    [23, 'EVENING'],
  ])('hour %f -> %s', (hour, part) => {
    expect(v.dayPartOfHour(hour)).toBe(part);
  });

  it.each([-1, 24, 25, Number.NaN])('hour %f throws', (hour) => {
    expect(() => v.dayPartOfHour(hour)).toThrow(RangeError);
  });
});

describe('thresholds', () => {
  it.each<[keyof Thresholds, number]>([
    ['windowDays', 30],
    ['prolongedSeizureSeconds', 300],
    ['prolongedCrampSeconds', 600],
    ['claudicationEpisodes', 2],
    ['frequentEpisodes', 3],
    ['frequentWindowDays', 7],
    ['consecutiveDays', 3],
    ['anyTimeOfDayParts', 3],
    ['feverC', 38.0],
    ['fastingGlucose', 7.0],
    ['systolic', 140],
    ['diastolic', 90],
    ['bmiOverweight', 25],
    ['bmiObesity', 30],
    ['magnesium', 0.7],
    ['potassium', 3.5],
    ['calcium', 2.15],
    ['phosphate', 0.8],
    ['vitaminD', 50],
    ['ferritinLow', 30],
    ['ferritinLowWithRls', 75],
    ['durationSecondsMin', 1],
    ['durationSecondsMax', 86400],
    ['painScoreMin', 0],
    ['painScoreMax', 10],
    ['notesMaxLength', 2000],
  ])('default %s = %f', (key, value) => {
    expect(DEFAULT_THRESHOLDS[key]).toBe(value);
  });

  it('v1 prolongedEpisodeSeconds is gone', () => {
    expect('prolongedEpisodeSeconds' in DEFAULT_THRESHOLDS).toBe(false);
    // A v1 clinic setting of it is ignored rather than carried into the thresholds.
    const t = resolveThresholds({ prolongedEpisodeSeconds: 120 } as unknown as Partial<Thresholds>);
    expect('prolongedEpisodeSeconds' in t).toBe(false);
    expect(t).toEqual(DEFAULT_THRESHOLDS);
  });

  it('a clinic can override the v2 thresholds one by one', () => {
    const t = resolveThresholds({ prolongedSeizureSeconds: 180, claudicationEpisodes: 3 });
    expect(t.prolongedSeizureSeconds).toBe(180);
    expect(t.claudicationEpisodes).toBe(3);
    expect(t.prolongedCrampSeconds).toBe(600);
    expect(Object.isFrozen(t)).toBe(true);
  });

  it('defaults cannot be changed in place', () => {
    expect(Object.isFrozen(DEFAULT_THRESHOLDS)).toBe(true);
  });

  it('resolveThresholds applies overrides and keeps the rest', () => {
    const t = resolveThresholds({ windowDays: 14, feverC: undefined });
    expect(t.windowDays).toBe(14);
    expect(t.feverC).toBe(38);
    expect(DEFAULT_THRESHOLDS.windowDays).toBe(30);
    expect(resolveThresholds()).toEqual(DEFAULT_THRESHOLDS);
  });
});
