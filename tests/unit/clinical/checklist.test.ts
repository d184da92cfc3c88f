import { describe, expect, it } from 'vitest';
import {
  bmi,
  CAUSE_IDS,
  CAUSES,
  isCanonicalUnit,
  matchMedication,
  suggestChecklist,
  type CauseId,
  type ChecklistSuggestion,
  type PatientFacts,
} from '@/lib/clinical/checklist';
import type { EpisodeFacts } from '@/lib/clinical/red-flags';
import { resolveThresholds } from '@/lib/clinical/thresholds';
import type { Analyte, Condition, LifestyleFlag, Trigger } from '@/lib/clinical/vocabulary';

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

describe('CAUSES', () => {
  it('lists the 18 causes of the spec in order', () => {
    expect(CAUSES.map((c) => c.id)).toEqual([
      'varicose_veins',
      'acute_infection',
      'intoxication',
      'metabolic_endocrine',
      'neurological',
      'high_blood_pressure',
      'pregnancy',
      'overweight',
      'overexertion',
      'hypothermia',
      'micronutrient_deficiency',
      'magnesium_blocking_drugs',
      'calcium_loss',
      'heat_sweating',
      'footwear',
      'inactivity',
      'cramp_inducing_drugs',
      'iron_deficiency',
    ]);
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
    ]);
    for (const c of CAUSES) expect(c.description.length).toBeGreaterThan(0);
  });
});

describe('suggestChecklist: a patient with no data', () => {
  it('returns every cause, in order, none suggested', () => {
    const result = run(facts());
    expect(result.map((s) => s.causeId)).toEqual([...CAUSE_IDS]);
    for (const s of result) {
      expect(s.suggested).toBe(false);
      expect(s.reasons).toEqual([]);
    }
    expect(result.find((s) => s.causeId === 'footwear')).toMatchObject({
      label: 'Tight or high-heeled shoes',
      source: 'article',
      weakEvidence: true,
    });
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
    [null, 89, false],
    [null, 90, true],
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
    [200, 119.6, true, 'BMI 29.9 (overweight)'],
    [200, 120, true, 'BMI 30.0 (obesity)'],
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
    [7.0, true],
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
    ['MAGNESIUM', 0.7, false],
    ['MAGNESIUM', 0.69, true],
    ['POTASSIUM', 3.5, false],
    ['POTASSIUM', 3.4, true],
    ['CALCIUM', 2.15, false],
    ['CALCIUM', 2.14, true],
    ['PHOSPHATE', 0.8, false],
    ['PHOSPHATE', 0.79, true],
    ['VITAMIN_D', 50, false],
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
    ['74, no RLS', 74, [episode({ classification: 'TONIC' })], false],
    ['74 with an RLS-classified episode', 74, [rlsEpisode()], true],
    ['75 with an RLS-classified episode', 75, [rlsEpisode()], false],
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
