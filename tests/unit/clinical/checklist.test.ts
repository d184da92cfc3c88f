import { describe, expect, it } from 'vitest';
import {
  bmi,
  CAUSE_IDS,
  CAUSES,
  CAUSES_BY_ID,
  isCanonicalUnit,
  matchMedication,
  orderChecklist,
  suggestChecklist,
  WEAK_EVIDENCE_NOTE,
  type CauseId,
  type ChecklistSuggestion,
  type PatientFacts,
} from '@/lib/core/clinical/checklist';
import type { EpisodeFacts } from '@/lib/core/clinical/red-flags';
import { resolveThresholds } from '@/lib/core/clinical/thresholds';
import type { Analyte, Condition, ExamFinding, LifestyleFlag, Trigger } from '@/lib/core/clinical/vocabulary';

const DAY = 24 * 60 * 60 * 1000;
const ASOF = new Date('2026-11-10T12:00:00Z');
const TZ = 'UTC';

function facts(over: Partial<PatientFacts> = {}): PatientFacts {
  return {
    pregnant: false,
    heightCm: null,
    conditions: [],
    lifestyle: [],
    medications: [],
    visits: [],
    labs: [],
    episodes: [],
    ...over,
  };
}

let seq = 0;
function episode(over: Partial<EpisodeFacts> = {}): EpisodeFacts {
  seq += 1;
  return {
    id: `e${seq}`,
    occurredAt: new Date('2026-11-02T10:00:00Z'),
    durationSeconds: 60,
    muscleGroup: 'CALF',
    triggers: [],
    consciousnessImpaired: false,
    ...over,
  };
}

function lab(analyte: Analyte, value: number, takenAt = '2026-11-02T09:00:00Z', unit?: string) {
  const units: Record<Analyte, string> = {
    MAGNESIUM: 'mmol/L',
    POTASSIUM: 'mmol/L',
    CALCIUM: 'mmol/L',
    PHOSPHATE: 'mmol/L',
    VITAMIN_D: 'nmol/L',
    FERRITIN: 'ug/L',
    GLUCOSE: 'mmol/L',
  };
  return { analyte, value, unit: unit ?? units[analyte], takenAt: new Date(takenAt) };
}

function run(f: PatientFacts, asOf = ASOF, tz = TZ, thresholds = resolveThresholds()): ChecklistSuggestion[] {
  return suggestChecklist(f, asOf, tz, thresholds);
}
function item(f: PatientFacts, id: CauseId, asOf = ASOF, tz = TZ): ChecklistSuggestion {
  return run(f, asOf, tz).find((s) => s.causeId === id)!;
}
function suggestedIds(f: PatientFacts, asOf = ASOF): CauseId[] {
  return run(f, asOf).filter((s) => s.suggested).map((s) => s.causeId);
}

const POSSIBLE_CAUSES = 'Possible causes';
const DEFICIENCY = 'Deficiency of vitamins and minerals';
const TREATMENT = 'Treatment';

describe('CAUSES', () => {
  // [id, source, weak evidence, what the citation names]
  const TABLE: [CauseId, 'article' | 'literature', boolean, RegExp][] = [
    ['varicose_veins', 'article', false, /"Possible causes"/],
    ['acute_infection', 'article', false, /"Possible causes"/],
    ['intoxication', 'article', false, /"Possible causes"/],
    ['metabolic_endocrine', 'article', false, /"Possible causes".*ADA.*NICE/],
    ['neurological', 'article', false, /"Possible causes"/],
    ['high_blood_pressure', 'article', false, /"Possible causes"/],
    ['pregnancy', 'article', false, /"Possible causes"/],
    ['overweight', 'article', false, /"Possible causes"/],
    ['overexertion', 'article', false, /"Possible causes"/],
    ['hypothermia', 'article', false, /"Possible causes"/],
    ['micronutrient_deficiency', 'article', false, /"Deficiency of vitamins and minerals"/],
    ['magnesium_blocking_drugs', 'article', true, /"Deficiency of vitamins and minerals"/],
    ['calcium_loss', 'article', true, /"Deficiency of vitamins and minerals"/],
    ['heat_sweating', 'article', false, /"Deficiency of vitamins and minerals"/],
    ['footwear', 'article', true, /"Treatment"/],
    ['inactivity', 'article', false, /"Treatment"/],
    ['cramp_inducing_drugs', 'literature', false, /AAFP.*2012|2012.*AAFP/],
    ['iron_deficiency', 'literature', false, /IRLSSG.*2012/],
    ['deep_vein_thrombosis', 'literature', false, /NICE.*NG158/],
    ['peripheral_arterial_disease', 'literature', false, /AAFP/],
    ['neuromuscular', 'literature', false, /AAFP/],
  ];

  it('lists the 21 causes of the spec in order', () => {
    expect(CAUSES.map((c) => c.id)).toEqual(TABLE.map(([id]) => id));
    expect(CAUSE_IDS).toEqual(TABLE.map(([id]) => id));
    expect(CAUSES).toHaveLength(21);
  });

  it.each(TABLE)('%s: source %s, weak evidence %s, citation %s', (id, source, weakEvidence, citation) => {
    const c = CAUSES_BY_ID[id];
    expect(c).toMatchObject({ id, source, weakEvidence });
    expect(c.label.trim()).not.toBe('');
    expect(c.description.trim()).not.toBe('');
    expect(c.citation.trim()).not.toBe('');
    expect(c.citation).toMatch(citation);
  });

  it('marks the weak-evidence and literature items', () => {
    expect(CAUSES.filter((c) => c.weakEvidence).map((c) => c.id)).toEqual([
      'magnesium_blocking_drugs',
      'calcium_loss',
      'footwear',
    ]);
    expect(CAUSES.filter((c) => c.source === 'literature').map((c) => c.id)).toEqual([
      'cramp_inducing_drugs',
      'iron_deficiency',
      'deep_vein_thrombosis',
      'peripheral_arterial_disease',
      'neuromuscular',
    ]);
    for (const c of CAUSES) expect(c.description.length).toBeGreaterThan(0);
    expect(WEAK_EVIDENCE_NOTE).toBe('From the source article; weak clinical evidence.');
  });

  it('every item has a citation; article items name one of the three sections of the article', () => {
    for (const c of CAUSES) {
      expect(c.citation.trim().length).toBeGreaterThan(0);
      const sections = [POSSIBLE_CAUSES, DEFICIENCY, TREATMENT].filter((s) => c.citation.includes(`section "${s}"`));
      if (c.source === 'article') {
        expect(c.citation).toMatch(/^Source article, section "/);
        expect(sections).toHaveLength(1);
      } else {
        expect(sections).toEqual([]);
        expect(c.citation).toMatch(/IRLSSG|AAFP|NICE guideline NG158|ADA/);
      }
    }
  });

  it('labels the v2 items as the spec does', () => {
    expect(CAUSES_BY_ID.deep_vein_thrombosis.label).toBe('Deep vein thrombosis (must not miss)');
    expect(CAUSES_BY_ID.peripheral_arterial_disease.label).toBe('Peripheral arterial disease (claudication)');
    expect(CAUSES_BY_ID.neuromuscular.label).toBe('Neuropathy or motor neuron disease');
  });
});

describe('suggestChecklist: a patient with no data', () => {
  it('returns every cause, in order, none suggested, each with its source and citation', () => {
    const result = run(facts());
    expect(result.map((s) => s.causeId)).toEqual([...CAUSE_IDS]);
    for (const s of result) {
      expect(s.suggested).toBe(false);
      expect(s.reasons).toEqual([]);
      expect(s.citation).toBe(CAUSES_BY_ID[s.causeId].citation);
      expect(s.source).toBe(CAUSES_BY_ID[s.causeId].source);
      expect(s.label).toBe(CAUSES_BY_ID[s.causeId].label);
      expect(s.weakEvidence).toBe(CAUSES_BY_ID[s.causeId].weakEvidence);
    }
    expect(result.find((s) => s.causeId === 'footwear')).toMatchObject({
      label: 'Tight or high-heeled shoes',
      source: 'article',
      weakEvidence: true,
    });
  });

  it('always lists deep vein thrombosis, so that it can be ruled out', () => {
    expect(item(facts(), 'deep_vein_thrombosis')).toMatchObject({ suggested: false, source: 'literature', reasons: [] });
  });
});

describe('conditions, lifestyle and pregnancy', () => {
  it.each<[Condition, CauseId]>([
    ['VARICOSE_VEINS', 'varicose_veins'],
    ['ACUTE_INFECTION', 'acute_infection'],
    ['KIDNEY_DISEASE', 'intoxication'],
    ['LIVER_DISEASE', 'intoxication'],
    ['INTOXICATION', 'intoxication'],
    ['DIABETES', 'metabolic_endocrine'],
    ['THYROID_DISORDER', 'metabolic_endocrine'],
    ['METABOLIC_DISORDER', 'metabolic_endocrine'],
    ['NEUROLOGICAL_DISORDER', 'neurological'],
    ['HYPERTENSION', 'high_blood_pressure'],
  ])('condition %s suggests only %s', (condition, cause) => {
    expect(suggestedIds(facts({ conditions: [condition] }))).toEqual([cause]);
    expect(item(facts({ conditions: [condition] }), cause).reasons[0]).toMatch(/^problem list: /);
  });

  it.each<[LifestyleFlag, CauseId]>([
    ['HIGH_HEELS', 'footwear'],
    ['SEDENTARY', 'inactivity'],
    ['HIGH_STRESS', 'calcium_loss'],
    ['HIGH_PROTEIN_DIET', 'calcium_loss'],
    ['INTENSE_EXERCISE', 'overexertion'],
  ])('lifestyle %s suggests only %s', (flag, cause) => {
    expect(suggestedIds(facts({ lifestyle: [flag] }))).toEqual([cause]);
  });

  it('pregnancy', () => {
    expect(suggestedIds(facts({ pregnant: true }))).toEqual(['pregnancy']);
  });
});

describe('episode triggers in the window', () => {
  it.each<[Trigger, CauseId | null]>([
    ['EXERTION', 'overexertion'],
    ['COLD', 'hypothermia'],
    ['STRESS', 'calcium_loss'],
    ['HEAT_SWEATING', 'heat_sweating'],
    ['TIGHT_FOOTWEAR', 'footwear'],
    ['WALKING', null],
    ['PROLONGED_REST', null],
    ['UNKNOWN', null],
  ])('trigger %s -> %s', (trigger, cause) => {
    const f = facts({ episodes: [episode({ triggers: [trigger] })] });
    expect(suggestedIds(f)).toEqual(cause ? [cause] : []);
  });

  it('names the evidence: "2 episodes triggered by cold in the last 30 days"', () => {
    const f = facts({ episodes: [episode({ triggers: ['COLD'] }), episode({ triggers: ['COLD', 'STRESS'] }), episode()] });
    expect(item(f, 'hypothermia').reasons).toEqual(['2 episodes triggered by cold in the last 30 days']);
    expect(item(f, 'calcium_loss').reasons).toEqual(['1 episode triggered by stress in the last 30 days']);
  });

  it.each<[string, Date, boolean]>([
    ['exactly 30 days before asOf', new Date(ASOF.getTime() - 30 * DAY), true],
    ['31 days before asOf', new Date(ASOF.getTime() - 31 * DAY), false],
    ['after asOf', new Date(ASOF.getTime() + 1000), false],
  ])('a trigger %s counts: %s', (_name, occurredAt, expected) => {
    const f = facts({ episodes: [episode({ occurredAt, triggers: ['COLD'] })] });
    expect(item(f, 'hypothermia').suggested).toBe(expected);
  });
});

describe('neurological from episodes', () => {
  it.each<[string, Date, boolean, boolean]>([
    ['impaired consciousness in the window', new Date('2026-11-02T10:00:00Z'), true, true],
    ['no impaired consciousness', new Date('2026-11-02T10:00:00Z'), false, false],
    ['impaired consciousness before the window', new Date(ASOF.getTime() - 31 * DAY), true, false],
  ])('%s -> %s', (_name, occurredAt, consciousnessImpaired, expected) => {
    const f = facts({ episodes: [episode({ occurredAt, consciousnessImpaired })] });
    expect(item(f, 'neurological').suggested).toBe(expected);
  });
});

describe('acute_infection: temperature at a visit in the window', () => {
  it.each<[number, boolean]>([
    [37.9, false],
    [38.0, true],
    [38.1, true],
    [38.4, true],
  ])('temperature %f -> %s', (temperatureC, expected) => {
    const f = facts({ visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), temperatureC }] });
    expect(item(f, 'acute_infection').suggested).toBe(expected);
  });

  it('names the temperature and the visit date', () => {
    const f = facts({ visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), temperatureC: 38.4 }] });
    expect(item(f, 'acute_infection').reasons).toEqual(['temperature 38.4 °C at the visit on 2026-11-02']);
  });

  it.each<[string, Date]>([
    ['before the window', new Date(ASOF.getTime() - 31 * DAY)],
    ['after asOf', new Date(ASOF.getTime() + DAY)],
  ])('ignores a fever %s', (_name, occurredAt) => {
    expect(item(facts({ visits: [{ occurredAt, temperatureC: 39.5 }] }), 'acute_infection').suggested).toBe(false);
  });

  it('null temperature is not a fever', () => {
    expect(item(facts({ visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), temperatureC: null }] }), 'acute_infection').suggested).toBe(false);
  });
});

describe('high_blood_pressure: any visit up to asOf', () => {
  it.each<[number | null, number | null, boolean]>([
    [139, 89, false],
    [140, 80, true],
    [120, 90, true],
    [139, null, false],
    [140, null, true],
    [141, null, true],
    [null, 89, false],
    [null, 90, true],
    [null, 91, true],
    [141, 91, true],
  ])('%s/%s -> %s', (systolic, diastolic, expected) => {
    const f = facts({ visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), systolic, diastolic }] });
    expect(item(f, 'high_blood_pressure').suggested).toBe(expected);
  });

  it('counts a visit outside the 30-day window, but not one after asOf', () => {
    const old = facts({ visits: [{ occurredAt: new Date(ASOF.getTime() - 200 * DAY), systolic: 150, diastolic: 95 }] });
    expect(item(old, 'high_blood_pressure').suggested).toBe(true);
    const future = facts({ visits: [{ occurredAt: new Date(ASOF.getTime() + DAY), systolic: 150, diastolic: 95 }] });
    expect(item(future, 'high_blood_pressure').suggested).toBe(false);
  });

  it('names the reading and date', () => {
    const f = facts({ visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), systolic: 150, diastolic: 95 }] });
    expect(item(f, 'high_blood_pressure').reasons).toEqual(['blood pressure 150/95 mmHg at the visit on 2026-11-02']);
  });

  it.each<[number, string[]]>([
    [3, ['2026-11-03', '2026-11-02', '2026-11-01']],
    [4, ['2026-11-03', '2026-11-02', '2026-11-01', 'and 1 more visit']],
    [6, ['2026-11-03', '2026-11-02', '2026-11-01', 'and 3 more visits']],
  ])('%s high readings: the three most recent named, the rest counted', (n, expected) => {
    const visits = Array.from({ length: n }, (_, i) => ({ occurredAt: new Date(Date.UTC(2026, 10, 3 - i, 10)), systolic: 150, diastolic: 95 }));
    const reasons = item(facts({ visits: visits.reverse() }), 'high_blood_pressure').reasons;
    expect(reasons.map((r) => r.replace('blood pressure 150/95 mmHg at the visit on ', ''))).toEqual(expected);
  });
});

describe('overweight: BMI from height and latest weight', () => {
  it.each<[number, number, boolean, string | null]>([
    // height 200 cm: BMI = weight / 4
    [200, 99.6, false, null],
    [200, 100, true, 'BMI 25.0 (overweight)'],
    [200, 100.4, true, 'BMI 25.1 (overweight)'],
    [200, 119.6, true, 'BMI 29.9 (overweight)'],
    [200, 120, true, 'BMI 30.0 (obesity)'],
    [200, 120.4, true, 'BMI 30.1 (obesity)'],
    [175, 95.6, true, 'BMI 31.2 (obesity)'],
  ])('height %i cm, weight %f kg -> %s', (heightCm, weightKg, expected, reason) => {
    const f = facts({ heightCm, visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), weightKg }] });
    const s = item(f, 'overweight');
    expect(s.suggested).toBe(expected);
    if (reason) expect(s.reasons[0]).toMatch(new RegExp(`^${reason.replace(/[()]/g, '\\$&')}`));
  });

  it('uses the latest weight up to asOf, whatever its age', () => {
    const visits = [
      { occurredAt: new Date(ASOF.getTime() - 400 * DAY), weightKg: 120 },
      { occurredAt: new Date(ASOF.getTime() - 100 * DAY), weightKg: 80 },
      { occurredAt: new Date(ASOF.getTime() - 10 * DAY), weightKg: null },
      { occurredAt: new Date(ASOF.getTime() + DAY), weightKg: 130 },
    ];
    expect(item(facts({ heightCm: 200, visits }), 'overweight').suggested).toBe(false);
    const olderHeavy = [{ occurredAt: new Date(ASOF.getTime() - 400 * DAY), weightKg: 120 }];
    expect(item(facts({ heightCm: 200, visits: olderHeavy }), 'overweight').suggested).toBe(true);
  });

  it('needs a height', () => {
    const f = facts({ heightCm: null, visits: [{ occurredAt: new Date('2026-11-02T10:00:00Z'), weightKg: 150 }] });
    expect(item(f, 'overweight').suggested).toBe(false);
  });

  it.each<[number, number, number]>([
    [180, 81, 25],
    [175, 95.6, 31.2],
    [160, 50, 19.5],
    [200, 99.8, 25],
  ])('bmi(%f, %f) = %f', (h, w, expected) => {
    expect(bmi(h, w)).toBe(expected);
  });

  it.each<[number, number]>([
    [0, 70],
    [170, 0],
    [-170, 70],
    [Number.NaN, 70],
  ])('bmi(%f, %f) throws', (h, w) => {
    expect(() => bmi(h, w)).toThrow(RangeError);
  });
});

describe('metabolic_endocrine: latest fasting glucose', () => {
  it.each<[number, boolean]>([
    [6.9, false],
    [6.99, false],
    [7.0, true],
    [7.01, true],
    [7.1, true],
  ])('glucose %f -> %s', (value, expected) => {
    expect(item(facts({ labs: [lab('GLUCOSE', value)] }), 'metabolic_endocrine').suggested).toBe(expected);
  });

  it('uses the latest value up to asOf, whatever its age', () => {
    const newerNormal = [lab('GLUCOSE', 8, '2026-01-01T09:00:00Z'), lab('GLUCOSE', 6.5, '2026-10-01T09:00:00Z')];
    expect(item(facts({ labs: newerNormal }), 'metabolic_endocrine').suggested).toBe(false);
    const oldHigh = [lab('GLUCOSE', 7.5, '2026-01-01T09:00:00Z')];
    expect(item(facts({ labs: oldHigh }), 'metabolic_endocrine').reasons).toEqual(['fasting glucose 7.5 mmol/L on 2026-01-01']);
    const futureNormal = [lab('GLUCOSE', 7.5, '2026-10-01T09:00:00Z'), lab('GLUCOSE', 5, '2026-11-11T09:00:00Z')];
    expect(item(facts({ labs: futureNormal }), 'metabolic_endocrine').suggested).toBe(true);
  });
});

describe('micronutrient_deficiency: latest value below the threshold', () => {
  it.each<[Analyte, number, boolean]>([
    ['MAGNESIUM', 0.71, false],
    ['MAGNESIUM', 0.7, false],
    ['MAGNESIUM', 0.69, true],
    ['POTASSIUM', 3.51, false],
    ['POTASSIUM', 3.5, false],
    ['POTASSIUM', 3.49, true],
    ['POTASSIUM', 3.4, true],
    ['CALCIUM', 2.16, false],
    ['CALCIUM', 2.15, false],
    ['CALCIUM', 2.14, true],
    ['PHOSPHATE', 0.81, false],
    ['PHOSPHATE', 0.8, false],
    ['PHOSPHATE', 0.79, true],
    ['VITAMIN_D', 50.01, false],
    ['VITAMIN_D', 50, false],
    ['VITAMIN_D', 49.99, true],
    ['VITAMIN_D', 49, true],
  ])('%s %f -> %s', (analyte, value, expected) => {
    const s = item(facts({ labs: [lab(analyte, value)] }), 'micronutrient_deficiency');
    expect(s.suggested).toBe(expected);
    expect(suggestedIds(facts({ labs: [lab(analyte, value)] }))).toEqual(expected ? ['micronutrient_deficiency'] : []);
  });

  it('names the value, unit and date: "magnesium 0.62 mmol/L on 2026-11-02"', () => {
    const s = item(facts({ labs: [lab('MAGNESIUM', 0.62), lab('VITAMIN_D', 30, '2026-10-01T09:00:00Z')] }), 'micronutrient_deficiency');
    expect(s.reasons).toEqual(['magnesium 0.62 mmol/L on 2026-11-02', 'vitamin D 30 nmol/L on 2026-10-01']);
  });

  it('dates the reason in the clinic time zone', () => {
    const s = item(facts({ labs: [lab('MAGNESIUM', 0.62, '2026-11-02T23:30:00Z')] }), 'micronutrient_deficiency', ASOF, 'Asia/Tokyo');
    expect(s.reasons).toEqual(['magnesium 0.62 mmol/L on 2026-11-03']);
  });

  it('a newer normal value clears an older low one', () => {
    const labs = [lab('MAGNESIUM', 0.6, '2026-09-01T09:00:00Z'), lab('MAGNESIUM', 0.8, '2026-11-01T09:00:00Z')];
    expect(item(facts({ labs }), 'micronutrient_deficiency').suggested).toBe(false);
  });

  it('ignores a value in a unit it cannot compare', () => {
    expect(item(facts({ labs: [lab('MAGNESIUM', 0.5, undefined, 'mg/dL')] }), 'micronutrient_deficiency').suggested).toBe(false);
  });

  it('follows a clinic threshold', () => {
    const f = facts({ labs: [lab('MAGNESIUM', 0.75)] });
    expect(run(f).find((s) => s.causeId === 'micronutrient_deficiency')!.suggested).toBe(false);
    const custom = run(f, ASOF, TZ, resolveThresholds({ magnesium: 0.8 }));
    expect(custom.find((s) => s.causeId === 'micronutrient_deficiency')!.suggested).toBe(true);
  });

  it.each<[Analyte, string, boolean]>([
    ['FERRITIN', 'ug/L', true],
    ['FERRITIN', 'µg/L', true],
    ['FERRITIN', 'ng/mL', true],
    ['FERRITIN', 'mmol/L', false],
    ['MAGNESIUM', 'mmol/l', true],
    ['MAGNESIUM', 'mg/dL', false],
  ])('isCanonicalUnit(%s, %s) = %s', (analyte, unit, expected) => {
    expect(isCanonicalUnit(analyte, unit)).toBe(expected);
  });
});

describe('iron_deficiency: ferritin', () => {
  const rlsEpisode = (over: Partial<EpisodeFacts> = {}) => episode({ classification: 'RLS', ...over });
  it.each<[string, number, EpisodeFacts[], boolean]>([
    ['29, no RLS', 29, [], true],
    ['30, no RLS', 30, [], false],
    ['31, no RLS', 31, [], false],
    ['74, no RLS', 74, [episode({ classification: 'TONIC' })], false],
    ['74 with an RLS-classified episode', 74, [rlsEpisode()], true],
    ['75 with an RLS-classified episode', 75, [rlsEpisode()], false],
    ['76 with an RLS-classified episode', 76, [rlsEpisode()], false],
    ['74 with an RLS-suggested episode', 74, [episode({ suggestedClassification: 'RLS' })], true],
    ['74 with an RLS episode before the window', 74, [rlsEpisode({ occurredAt: new Date(ASOF.getTime() - 31 * DAY) })], false],
    ['29 with an RLS episode', 29, [rlsEpisode()], true],
  ])('%s -> %s', (_name, value, episodes, expected) => {
    const s = item(facts({ labs: [lab('FERRITIN', value)], episodes }), 'iron_deficiency');
    expect(s.suggested).toBe(expected);
    if (expected) expect(s.reasons[0]).toMatch(new RegExp(`^ferritin ${value} ug/L on 2026-11-02`));
  });

  it('no ferritin, no suggestion even with RLS', () => {
    expect(item(facts({ episodes: [rlsEpisode()] }), 'iron_deficiency').suggested).toBe(false);
  });
});

describe('matchMedication', () => {
  it.each<[string, [CauseId, string][]]>([
    ['Omeprazole 20 mg', [['magnesium_blocking_drugs', 'omeprazole']]],
    ['OMEPRAZOLE', [['magnesium_blocking_drugs', 'omeprazole']]],
    ['omeprazole', [['magnesium_blocking_drugs', 'omeprazole']]],
    ['Esomeprazole 40mg', [['magnesium_blocking_drugs', 'esomeprazole']]],
    ['Dexlansoprazole', [['magnesium_blocking_drugs', 'dexlansoprazole']]],
    ['Eufillin', [['magnesium_blocking_drugs', 'aminophylline']]],
    ['eufillin 150 mg tablets', [['magnesium_blocking_drugs', 'aminophylline']]],
    ['Activated  Charcoal 250 mg', [['magnesium_blocking_drugs', 'activated charcoal']]],
    ['Nexium', [['magnesium_blocking_drugs', 'esomeprazole']]],
    ['Lasix 40', [['cramp_inducing_drugs', 'furosemide']]],
    ['Atorvastatin 10 mg', [['cramp_inducing_drugs', 'atorvastatin']]],
    ['Iron sucrose infusion', [['cramp_inducing_drugs', 'iron sucrose']]],
    [
      'Amiloride/Hydrochlorothiazide 5/50',
      [
        ['cramp_inducing_drugs', 'hydrochlorothiazide'],
        ['cramp_inducing_drugs', 'amiloride'],
      ],
    ],
    ['Omeprazole-ratiopharm', [['magnesium_blocking_drugs', 'omeprazole']]],
    ['Omeprazolex', []],
    ['Paracetamol 500 mg', []],
    ['Sucrose', []],
    ['', []],
  ])('%j', (name, expected) => {
    expect(matchMedication(name)).toEqual(expected.map(([causeId, generic]) => ({ causeId, generic })));
  });
});

describe('drug causes in the checklist', () => {
  it.each<[string, { name: string; active: boolean; startedOn?: string | null }, CauseId | null, string | null]>([
    ['active with a start date', { name: 'Omeprazole 20 mg', active: true, startedOn: '2026-01-10' }, 'magnesium_blocking_drugs', 'on omeprazole since 2026-01-10'],
    ['active without a start date', { name: 'omeprazole', active: true }, 'magnesium_blocking_drugs', 'on omeprazole'],
    ['active, start date null', { name: 'Omeprazole', active: true, startedOn: null }, 'magnesium_blocking_drugs', 'on omeprazole'],
    ['inactive', { name: 'Omeprazole 20 mg', active: false, startedOn: '2026-01-10' }, null, null],
    ['started after asOf', { name: 'Omeprazole 20 mg', active: true, startedOn: '2026-11-11' }, null, null],
    ['started on the asOf date', { name: 'Omeprazole 20 mg', active: true, startedOn: '2026-11-10' }, 'magnesium_blocking_drugs', 'on omeprazole since 2026-11-10'],
    ['brand name', { name: 'Eufillin', active: true }, 'magnesium_blocking_drugs', 'on aminophylline (Eufillin)'],
    ['literature drug', { name: 'Furosemide 40 mg', active: true, startedOn: '2025-05-01' }, 'cramp_inducing_drugs', 'on furosemide since 2025-05-01'],
    ['unrelated drug', { name: 'Metformin', active: true }, null, null],
  ])('%s', (_name, med, cause, reason) => {
    const result = run(facts({ medications: [med] }));
    expect(result.filter((s) => s.suggested).map((s) => s.causeId)).toEqual(cause ? [cause] : []);
    if (cause) expect(result.find((s) => s.causeId === cause)!.reasons).toEqual([reason]);
  });
});

describe('section 7 worked examples, as the rules see them after conversion (v2)', () => {
  const visitAt = (temperatureC: number) => ({ occurredAt: new Date('2026-11-02T10:00:00Z'), temperatureC });
  it.each<[string, PatientFacts, CauseId, boolean, string | null]>([
    ['magnesium 1.6 mg/dL = 0.66 mmol/L', facts({ labs: [lab('MAGNESIUM', 0.66)] }), 'micronutrient_deficiency', true, 'magnesium 0.66 mmol/L on 2026-11-02'],
    ['magnesium 1.8 mg/dL = 0.74 mmol/L', facts({ labs: [lab('MAGNESIUM', 0.74)] }), 'micronutrient_deficiency', false, null],
    ['vitamin D 19 ng/mL = 47.42 nmol/L', facts({ labs: [lab('VITAMIN_D', 47.42)] }), 'micronutrient_deficiency', true, 'vitamin D 47.42 nmol/L on 2026-11-02'],
    ['temperature 100.4 °F = 38.0 °C', facts({ visits: [visitAt(38.0)] }), 'acute_infection', true, 'temperature 38 °C at the visit on 2026-11-02'],
    ['temperature 100.2 °F = 37.9 °C', facts({ visits: [visitAt(37.9)] }), 'acute_infection', false, null],
    ['glucose 126 mg/dL = 7.0 mmol/L', facts({ labs: [lab('GLUCOSE', 7.0)] }), 'metabolic_endocrine', true, 'fasting glucose 7 mmol/L on 2026-11-02'],
    ['glucose 125 mg/dL = 6.94 mmol/L', facts({ labs: [lab('GLUCOSE', 6.94)] }), 'metabolic_endocrine', false, null],
  ])('%s -> %s suggested: %s', (_name, f, cause, expected, reason) => {
    const s = item(f, cause);
    expect(s.suggested).toBe(expected);
    expect(s.reasons).toEqual(reason ? [reason] : []);
  });
});

const visitOn = (occurredAt: Date | string, examFindings: ExamFinding[]) => ({
  occurredAt: typeof occurredAt === 'string' ? new Date(occurredAt) : occurredAt,
  examFindings,
});
const IN_WINDOW = new Date('2026-11-02T10:00:00Z');

describe('exam findings (v2): what each suggests on its own', () => {
  it.each<[ExamFinding, CauseId[]]>([
    ['CALF_SWELLING_LEFT', ['deep_vein_thrombosis']],
    ['CALF_SWELLING_RIGHT', ['deep_vein_thrombosis']],
    ['REDUCED_FOOT_PULSES', ['peripheral_arterial_disease']],
    ['MUSCLE_WEAKNESS', ['neuromuscular']],
    ['MUSCLE_WASTING', ['neuromuscular']],
    ['FASCICULATIONS', ['neuromuscular']],
    ['VARICOSE_VEINS_SEEN', ['varicose_veins']],
  ])('%s -> %j', (finding, expected) => {
    expect(suggestedIds(facts({ visits: [visitOn(IN_WINDOW, [finding])] }))).toEqual(expected);
  });

  it('a visit without exam findings (recorded before v2) suggests nothing', () => {
    expect(suggestedIds(facts({ visits: [{ occurredAt: IN_WINDOW, temperatureC: 36.6 }] }))).toEqual([]);
    expect(suggestedIds(facts({ visits: [visitOn(IN_WINDOW, [])] }))).toEqual([]);
  });
});

describe('deep_vein_thrombosis (v2): calf swelling at a visit in the window', () => {
  it.each<[string, ExamFinding[], Date, boolean]>([
    ['left calf swelling in the window', ['CALF_SWELLING_LEFT'], IN_WINDOW, true],
    ['right calf swelling in the window', ['CALF_SWELLING_RIGHT'], IN_WINDOW, true],
    ['both calves in the window', ['CALF_SWELLING_LEFT', 'CALF_SWELLING_RIGHT'], IN_WINDOW, true],
    ['left, exactly 30 days before asOf', ['CALF_SWELLING_LEFT'], new Date(ASOF.getTime() - 30 * DAY), true],
    ['right, 29 days before asOf', ['CALF_SWELLING_RIGHT'], new Date(ASOF.getTime() - 29 * DAY), true],
    ['left, 30 days + 1 ms before asOf', ['CALF_SWELLING_LEFT'], new Date(ASOF.getTime() - 30 * DAY - 1), false],
    ['right, 31 days before asOf', ['CALF_SWELLING_RIGHT'], new Date(ASOF.getTime() - 31 * DAY), false],
    ['left, 200 days before asOf', ['CALF_SWELLING_LEFT'], new Date(ASOF.getTime() - 200 * DAY), false],
    ['left, at asOf', ['CALF_SWELLING_LEFT'], ASOF, true],
    ['left, 1 ms after asOf', ['CALF_SWELLING_LEFT'], new Date(ASOF.getTime() + 1), false],
    ['reduced foot pulses only', ['REDUCED_FOOT_PULSES'], IN_WINDOW, false],
    ['varicose veins only', ['VARICOSE_VEINS_SEEN'], IN_WINDOW, false],
    ['muscle weakness only', ['MUSCLE_WEAKNESS'], IN_WINDOW, false],
  ])('%s -> %s', (_name, findings, at, expected) => {
    expect(item(facts({ visits: [visitOn(at, findings)] }), 'deep_vein_thrombosis').suggested).toBe(expected);
  });

  it('names the findings and the visit date', () => {
    const f = facts({
      visits: [visitOn('2026-11-02T10:00:00Z', ['CALF_SWELLING_RIGHT', 'CALF_SWELLING_LEFT', 'MUSCLE_WEAKNESS']), visitOn('2026-11-05T10:00:00Z', ['CALF_SWELLING_RIGHT'])],
    });
    expect(item(f, 'deep_vein_thrombosis').reasons).toEqual([
      'examination: right calf swollen, warm or red at the visit on 2026-11-05',
      'examination: left calf swollen, warm or red, right calf swollen, warm or red at the visit on 2026-11-02',
    ]);
  });

  it('follows a clinic window', () => {
    const f = facts({ visits: [visitOn(new Date(ASOF.getTime() - 10 * DAY), ['CALF_SWELLING_LEFT'])] });
    expect(run(f).find((s) => s.causeId === 'deep_vein_thrombosis')!.suggested).toBe(true);
    expect(run(f, ASOF, TZ, resolveThresholds({ windowDays: 7 })).find((s) => s.causeId === 'deep_vein_thrombosis')!.suggested).toBe(false);
  });
});

describe('peripheral_arterial_disease (v2): reduced foot pulses, or claudication', () => {
  const claudicant = (over: Partial<EpisodeFacts> = {}) => episode({ triggers: ['WALKING'], relief: ['REST'], ...over });

  it.each<[string, Date, boolean]>([
    ['in the window', IN_WINDOW, true],
    ['200 days before asOf (any visit)', new Date(ASOF.getTime() - 200 * DAY), true],
    ['at asOf', ASOF, true],
    ['after asOf', new Date(ASOF.getTime() + DAY), false],
  ])('reduced foot pulses at a visit %s -> %s', (_name, at, expected) => {
    const s = item(facts({ visits: [visitOn(at, ['REDUCED_FOOT_PULSES'])] }), 'peripheral_arterial_disease');
    expect(s.suggested).toBe(expected);
    if (expected) expect(s.reasons).toEqual([`examination: reduced foot pulses at the visit on ${at.toISOString().slice(0, 10)}`]);
  });

  it.each<[number, boolean]>([
    [0, false],
    [1, false],
    [2, true],
    [3, true],
  ])('%i episodes triggered by walking and relieved by rest -> %s', (n, expected) => {
    const s = item(facts({ episodes: Array.from({ length: n }, () => claudicant()) }), 'peripheral_arterial_disease');
    expect(s.suggested).toBe(expected);
    expect(s.reasons).toEqual(expected ? [`${n} episodes brought on by walking and relieved by rest in the last 30 days`] : []);
  });

  it.each<[string, Partial<EpisodeFacts>]>([
    ['walking, no relief recorded', { triggers: ['WALKING'], relief: undefined }],
    ['walking, relief empty', { triggers: ['WALKING'], relief: [] }],
    ['walking, relieved by walking', { triggers: ['WALKING'], relief: ['WALKING'] }],
    ['walking, relieved by stretching', { triggers: ['WALKING'], relief: ['STRETCHING', 'MASSAGE'] }],
    ['walking, nothing helped', { triggers: ['WALKING'], relief: ['NONE'] }],
    ['exertion, relieved by rest', { triggers: ['EXERTION'], relief: ['REST'] }],
    ['prolonged rest, relieved by rest', { triggers: ['PROLONGED_REST'], relief: ['REST'] }],
    ['no trigger, relieved by rest', { triggers: [], relief: ['REST'] }],
  ])('3 episodes %s do not suggest it', (_name, over) => {
    const episodes = [1, 2, 3].map(() => episode(over));
    expect(item(facts({ episodes }), 'peripheral_arterial_disease').suggested).toBe(false);
  });

  it('counts episodes with other triggers and reliefs besides', () => {
    const episodes = [claudicant({ triggers: ['COLD', 'WALKING'], relief: ['MASSAGE', 'REST'] }), claudicant({ relief: ['REST', 'WARMTH'] })];
    expect(item(facts({ episodes }), 'peripheral_arterial_disease').suggested).toBe(true);
  });

  it.each<[string, Date, boolean]>([
    ['exactly 30 days before asOf', new Date(ASOF.getTime() - 30 * DAY), true],
    ['30 days + 1 ms before asOf', new Date(ASOF.getTime() - 30 * DAY - 1), false],
    ['31 days before asOf', new Date(ASOF.getTime() - 31 * DAY), false],
    ['after asOf', new Date(ASOF.getTime() + 1000), false],
  ])('one claudication episode in the window and one %s -> %s', (_name, occurredAt, expected) => {
    const episodes = [claudicant(), claudicant({ occurredAt })];
    expect(item(facts({ episodes }), 'peripheral_arterial_disease').suggested).toBe(expected);
  });

  it.each<[number, boolean]>([
    [2, false],
    [3, true],
    [4, true],
  ])('follows a clinic threshold of 3: %i episodes -> %s', (n, expected) => {
    const f = facts({ episodes: Array.from({ length: n }, () => claudicant()) });
    const s = run(f, ASOF, TZ, resolveThresholds({ claudicationEpisodes: 3 })).find((x) => x.causeId === 'peripheral_arterial_disease')!;
    expect(s.suggested).toBe(expected);
  });

  it('gives both reasons when both apply', () => {
    const f = facts({ visits: [visitOn('2026-11-03T10:00:00Z', ['REDUCED_FOOT_PULSES'])], episodes: [claudicant(), claudicant()] });
    expect(item(f, 'peripheral_arterial_disease').reasons).toEqual([
      'examination: reduced foot pulses at the visit on 2026-11-03',
      '2 episodes brought on by walking and relieved by rest in the last 30 days',
    ]);
  });

  it('walking and rest suggest nothing else', () => {
    expect(suggestedIds(facts({ episodes: [claudicant(), claudicant()] }))).toEqual(['peripheral_arterial_disease']);
  });
});

describe('neuromuscular (v2): weakness, wasting or fasciculations', () => {
  it.each<[ExamFinding, string]>([
    ['MUSCLE_WEAKNESS', 'muscle weakness'],
    ['MUSCLE_WASTING', 'muscle wasting'],
    ['FASCICULATIONS', 'fasciculations'],
  ])('%s suggests it, naming the finding', (finding, name) => {
    const s = item(facts({ visits: [visitOn('2026-11-02T10:00:00Z', [finding])] }), 'neuromuscular');
    expect(s.suggested).toBe(true);
    expect(s.reasons).toEqual([`examination: ${name} at the visit on 2026-11-02`]);
  });

  it.each<[string, Date, boolean]>([
    ['in the window', IN_WINDOW, true],
    ['200 days before asOf (any visit)', new Date(ASOF.getTime() - 200 * DAY), true],
    ['after asOf', new Date(ASOF.getTime() + DAY), false],
  ])('a finding at a visit %s -> %s', (_name, at, expected) => {
    expect(item(facts({ visits: [visitOn(at, ['MUSCLE_WASTING'])] }), 'neuromuscular').suggested).toBe(expected);
  });

  it('names every finding of one visit in one reason, the three most recent visits first', () => {
    const visits = [1, 2, 3, 4].map((d) => visitOn(`2026-11-0${d}T10:00:00Z`, ['FASCICULATIONS', 'MUSCLE_WEAKNESS']));
    expect(item(facts({ visits }), 'neuromuscular').reasons).toEqual([
      'examination: muscle weakness, fasciculations at the visit on 2026-11-04',
      'examination: muscle weakness, fasciculations at the visit on 2026-11-03',
      'examination: muscle weakness, fasciculations at the visit on 2026-11-02',
      'and 1 more visit',
    ]);
  });
});

describe('varicose_veins (v2): also from the exam finding', () => {
  it.each<[string, Partial<PatientFacts>, string[]]>([
    ['problem list only', { conditions: ['VARICOSE_VEINS'] }, ['problem list: varicose veins']],
    ['finding only', { visits: [visitOn('2026-11-02T10:00:00Z', ['VARICOSE_VEINS_SEEN'])] }, ['examination: varicose veins seen at the visit on 2026-11-02']],
    [
      'both',
      { conditions: ['VARICOSE_VEINS'], visits: [visitOn('2026-11-02T10:00:00Z', ['VARICOSE_VEINS_SEEN'])] },
      ['problem list: varicose veins', 'examination: varicose veins seen at the visit on 2026-11-02'],
    ],
    ['finding at a visit 200 days before asOf', { visits: [visitOn('2026-04-24T10:00:00Z', ['VARICOSE_VEINS_SEEN'])] }, ['examination: varicose veins seen at the visit on 2026-04-24']],
    ['finding at a visit after asOf', { visits: [visitOn(new Date(ASOF.getTime() + DAY), ['VARICOSE_VEINS_SEEN'])] }, []],
  ])('%s', (_name, over, reasons) => {
    const s = item(facts(over), 'varicose_veins');
    expect(s.reasons).toEqual(reasons);
    expect(s.suggested).toBe(reasons.length > 0);
  });
});

describe('ordering (v2): suggested first, most reasons first, ties and the rest in spec order', () => {
  it('orders a patient with several suggestions', () => {
    const f = facts({
      conditions: ['HYPERTENSION', 'KIDNEY_DISEASE', 'LIVER_DISEASE', 'INTOXICATION', 'DIABETES'],
      lifestyle: ['SEDENTARY'],
      labs: [lab('GLUCOSE', 7.5)],
      visits: [visitOn('2026-11-02T10:00:00Z', ['REDUCED_FOOT_PULSES'])],
      episodes: [episode({ triggers: ['WALKING'], relief: ['REST'] }), episode({ triggers: ['WALKING'], relief: ['REST'] })],
    });
    const result = run(f);
    const suggested = result.filter((s) => s.suggested);
    expect(suggested.map((s) => [s.causeId, s.reasons.length])).toEqual([
      ['intoxication', 3],
      ['metabolic_endocrine', 2],
      ['peripheral_arterial_disease', 2],
      ['high_blood_pressure', 1],
      ['inactivity', 1],
    ]);
    expect(result.slice(0, 5)).toEqual(suggested);
    expect(result.slice(5).map((s) => s.causeId)).toEqual(CAUSE_IDS.filter((id) => !suggested.some((s) => s.causeId === id)));
    expect(result).toHaveLength(21);
  });

  it('a single suggestion comes first, the rest in spec order', () => {
    const result = run(facts({ visits: [visitOn('2026-11-02T10:00:00Z', ['FASCICULATIONS'])] }));
    expect(result.map((s) => s.causeId)).toEqual(['neuromuscular', ...CAUSE_IDS.filter((id) => id !== 'neuromuscular')]);
  });

  type Row = { causeId: CauseId; suggested: boolean; reasons: string[] };
  const row = (causeId: CauseId, n: number): Row => ({ causeId, suggested: n > 0, reasons: Array.from({ length: n }, (_, i) => `r${i}`) });

  it.each<[string, Row[], CauseId[]]>([
    [
      'more reasons first, ties in spec order, whatever the input order',
      [row('neuromuscular', 1), row('pregnancy', 0), row('varicose_veins', 1), row('iron_deficiency', 2), row('acute_infection', 0)],
      ['iron_deficiency', 'varicose_veins', 'neuromuscular', 'acute_infection', 'pregnancy'],
    ],
    [
      'unsuggested in spec order',
      [row('inactivity', 0), row('varicose_veins', 0), row('deep_vein_thrombosis', 0), row('overweight', 0)],
      ['varicose_veins', 'overweight', 'inactivity', 'deep_vein_thrombosis'],
    ],
    [
      'one reason beats none whatever the spec order',
      [row('varicose_veins', 0), row('neuromuscular', 1)],
      ['neuromuscular', 'varicose_veins'],
    ],
    [
      'three reasons, then two, then one',
      [row('pregnancy', 1), row('overweight', 2), row('neuromuscular', 3), row('varicose_veins', 1)],
      ['neuromuscular', 'overweight', 'varicose_veins', 'pregnancy'],
    ],
  ])('orderChecklist: %s', (_name, rows, expected) => {
    const before = rows.map((r) => r.causeId);
    expect(orderChecklist(rows).map((r) => r.causeId)).toEqual(expected);
    expect(rows.map((r) => r.causeId)).toEqual(before); // the input is not reordered
  });

  it('orderChecklist of the full spec list with nothing suggested is the spec order', () => {
    expect(orderChecklist([...CAUSE_IDS].reverse().map((id) => row(id, 0))).map((r) => r.causeId)).toEqual([...CAUSE_IDS]);
  });
});

describe('a rich patient', () => {
  it('suggests each cause with its own evidence and leaves the rest unsuggested', () => {
    const f = facts({
      pregnant: true,
      heightCm: 165,
      conditions: ['DIABETES'],
      lifestyle: ['SEDENTARY'],
      medications: [{ name: 'Pantoprazole 40 mg', active: true, startedOn: '2026-03-01' }],
      visits: [{ occurredAt: new Date('2026-11-05T10:00:00Z'), systolic: 128, diastolic: 82, weightKg: 70, temperatureC: 36.8 }],
      labs: [lab('POTASSIUM', 3.2)],
      episodes: [episode({ triggers: ['COLD'] })],
    });
    expect(suggestedIds(f)).toEqual([
      'metabolic_endocrine',
      'pregnancy',
      'overweight',
      'hypothermia',
      'micronutrient_deficiency',
      'magnesium_blocking_drugs',
      'inactivity',
    ]);
    expect(item(f, 'overweight').reasons[0]).toMatch(/^BMI 25\.7 \(overweight\)/);
  });
});
