import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import CONVERSIONS from './unit-conversions.json';
import { ANALYTES, ANALYTE_LABELS, ANALYTE_UNITS } from '@/lib/core/clinical/vocabulary';
import { DEFAULT_THRESHOLDS } from '@/lib/core/clinical/thresholds';
import {
  CONVERSION_FACTORS,
  DEFAULT_UNIT_SYSTEM,
  MEASURES,
  MEASURE_DEFS,
  REFERENCE_FLAG_LABELS,
  UNIT_SYSTEMS,
  UNIT_SYSTEM_LABELS,
  defaultUnit,
  formatReferenceRange,
  formatValue,
  fromCanonical,
  isAcceptedUnit,
  normaliseUnit,
  otherSystemEquivalent,
  plausibilityError,
  plausibleRangeIn,
  referenceFlag,
  roundHalfAwayFromZero,
  toCanonical,
  unitsOf,
  type Measure,
  type ReferenceFlag,
  type UnitSystem,
} from '@/lib/core/clinical/units';

/**
 * The spec's section 7 table, written out again independently of the module, so that a wrong
 * factor or a wrong formula in lib/core/clinical/units.ts fails here.
 */
/** measure, value given, unit, value expected */
type ConversionCase = [Measure, number, string, number];

const SPEC_CONVERSIONS: [Measure, string, (value: number) => number][] = [
  ['MAGNESIUM', 'mg/dL', (x) => x * 0.4114],
  ['MAGNESIUM', 'mEq/L', (x) => x * 0.5],
  ['POTASSIUM', 'mEq/L', (x) => x * 1],
  ['CALCIUM', 'mg/dL', (x) => x * 0.2495],
  ['PHOSPHATE', 'mg/dL', (x) => x * 0.3229],
  ['VITAMIN_D', 'ng/mL', (x) => x * 2.496],
  ['FERRITIN', 'ng/mL', (x) => x * 1],
  ['GLUCOSE', 'mg/dL', (x) => x / 18],
  ['TEMPERATURE', '°F', (x) => ((x - 32) * 5) / 9],
  ['WEIGHT', 'lb', (x) => x * 0.45359237],
  ['HEIGHT', 'in', (x) => x * 2.54],
];

const SPEC_DECIMALS: Record<Measure, number> = {
  MAGNESIUM: 2,
  POTASSIUM: 2,
  CALCIUM: 2,
  PHOSPHATE: 2,
  VITAMIN_D: 2,
  FERRITIN: 2,
  GLUCOSE: 2,
  TEMPERATURE: 1,
  WEIGHT: 1,
  HEIGHT: 0,
};

/** Each measure of the spec's section 7 table: label, units (canonical first), US conventional unit, decimals. */
const SPEC_MEASURES: [Measure, string, string[], string, number][] = [
  ['MAGNESIUM', 'Magnesium', ['mmol/L', 'mg/dL', 'mEq/L'], 'mg/dL', 2],
  ['POTASSIUM', 'Potassium', ['mmol/L', 'mEq/L'], 'mEq/L', 2],
  ['CALCIUM', 'Calcium (total)', ['mmol/L', 'mg/dL'], 'mg/dL', 2],
  ['PHOSPHATE', 'Phosphate', ['mmol/L', 'mg/dL'], 'mg/dL', 2],
  ['VITAMIN_D', 'Vitamin D (25-OH)', ['nmol/L', 'ng/mL'], 'ng/mL', 2],
  ['FERRITIN', 'Ferritin', ['ug/L', 'ng/mL'], 'ng/mL', 2],
  ['GLUCOSE', 'Glucose (fasting)', ['mmol/L', 'mg/dL'], 'mg/dL', 2],
  ['TEMPERATURE', 'Temperature', ['°C', '°F'], '°F', 1],
  ['WEIGHT', 'Weight', ['kg', 'lb'], 'lb', 1],
  ['HEIGHT', 'Height', ['cm', 'in'], 'in', 0],
];

describe('measure definitions', () => {
  it('lists the 7 analytes in ANALYTES order, then temperature, weight and height', () => {
    expect(MEASURES).toEqual([...ANALYTES, 'TEMPERATURE', 'WEIGHT', 'HEIGHT']);
    expect(Object.keys(MEASURE_DEFS).sort()).toEqual([...MEASURES].sort());
  });

  it('names the unit systems', () => {
    expect(UNIT_SYSTEMS).toEqual(['SI', 'US']);
    expect(DEFAULT_UNIT_SYSTEM).toBe('SI');
    expect(UNIT_SYSTEM_LABELS).toEqual({
      SI: 'SI units (mmol/L, kg, °C, cm)',
      US: 'US conventional units (mg/dL, lb, °F, in)',
    });
    expect(REFERENCE_FLAG_LABELS).toEqual({ L: 'Low', H: 'High' });
  });

  it.each(ANALYTES.map((a) => [a]))('%s reuses the vocabulary label and unit', (analyte) => {
    expect(MEASURE_DEFS[analyte].label).toBe(ANALYTE_LABELS[analyte]);
    expect(MEASURE_DEFS[analyte].canonicalUnit).toBe(ANALYTE_UNITS[analyte]);
  });

  it.each(SPEC_MEASURES)('%s: label %s, units %j (canonical first), US unit %s, %i decimals', (measure, label, units, usUnit, decimals) => {
    const def = MEASURE_DEFS[measure];
    expect(def.measure).toBe(measure);
    expect(def.label).toBe(label);
    expect(unitsOf(measure)).toEqual(units);
    expect(def.canonicalUnit).toBe(units[0]);
    expect(def.usUnit).toBe(usUnit);
    expect(def.decimals).toBe(decimals);
    expect(def.decimals).toBe(SPEC_DECIMALS[measure]);
  });

  it.each<[Measure, string, string]>([
    ['MAGNESIUM', 'mmol/L', 'mmol/L'],
    ['MAGNESIUM', 'mg/dL', 'mg/dL'],
    ['MAGNESIUM', 'mEq/L', 'meq/L'],
    ['POTASSIUM', 'mEq/L', 'meq/L'],
    ['VITAMIN_D', 'nmol/L', 'nmol/L'],
    ['VITAMIN_D', 'ng/mL', 'ng/mL'],
    ['FERRITIN', 'ug/L', 'ug/L'],
    ['TEMPERATURE', '°C', 'Cel'],
    ['TEMPERATURE', '°F', '[degF]'],
    ['WEIGHT', 'kg', 'kg'],
    ['WEIGHT', 'lb', '[lb_av]'],
    ['HEIGHT', 'cm', 'cm'],
    ['HEIGHT', 'in', '[in_i]'],
  ])('%s %s has UCUM code %s', (measure, unit, ucum) => {
    expect(MEASURE_DEFS[measure].units.find((u) => u.unit === unit)?.ucum).toBe(ucum);
  });

  it.each<[Measure, { min: number; max: number }, { low: number | null; high: number | null }]>([
    ['MAGNESIUM', { min: 0.1, max: 5 }, { low: 0.7, high: 1.0 }],
    ['POTASSIUM', { min: 1, max: 10 }, { low: 3.5, high: 5.1 }],
    ['CALCIUM', { min: 0.5, max: 5 }, { low: 2.15, high: 2.55 }],
    ['PHOSPHATE', { min: 0.1, max: 5 }, { low: 0.8, high: 1.45 }],
    ['VITAMIN_D', { min: 1, max: 500 }, { low: 50, high: null }],
    ['FERRITIN', { min: 1, max: 100000 }, { low: 30, high: 300 }],
    ['GLUCOSE', { min: 0.5, max: 60 }, { low: 3.9, high: 5.5 }],
    ['TEMPERATURE', { min: 30, max: 45 }, { low: null, high: 38.0 }],
    ['WEIGHT', { min: 1, max: 400 }, { low: null, high: null }],
    ['HEIGHT', { min: 40, max: 250 }, { low: null, high: null }],
  ])('%s: plausible %j, reference %j', (measure, plausible, reference) => {
    expect(MEASURE_DEFS[measure].plausible).toEqual(plausible);
    expect(MEASURE_DEFS[measure].reference).toEqual(reference);
  });

  it('is frozen, so a caller cannot change a range for everyone', () => {
    expect(Object.isFrozen(MEASURE_DEFS)).toBe(true);
    expect(Object.isFrozen(MEASURE_DEFS.GLUCOSE)).toBe(true);
    expect(Object.isFrozen(MEASURE_DEFS.GLUCOSE.plausible)).toBe(true);
    expect(Object.isFrozen(MEASURE_DEFS.GLUCOSE.units)).toBe(true);
    expect(Object.isFrozen(CONVERSION_FACTORS)).toBe(true);
  });
});

describe('defaultUnit', () => {
  // SI is each measure's canonical unit, US its US conventional unit.
  const cases = SPEC_MEASURES.flatMap(([measure, , units, usUnit]): [Measure, UnitSystem, string][] => [
    [measure, 'SI', units[0]],
    [measure, 'US', usUnit],
  ]);
  it.each(cases)('%s in %s is %s', (measure, system, unit) => {
    expect(defaultUnit(measure, system)).toBe(unit);
    expect(isAcceptedUnit(measure, unit)).toBe(true);
  });
});

describe('unit spelling', () => {
  it.each<[Measure, string, string | null]>([
    ['MAGNESIUM', 'mmol/L', 'mmol/L'],
    ['MAGNESIUM', 'mmol/l', 'mmol/L'],
    ['MAGNESIUM', ' MMOL / L ', 'mmol/L'],
    ['MAGNESIUM', 'mg/dl', 'mg/dL'],
    ['MAGNESIUM', 'MG/DL', 'mg/dL'],
    ['MAGNESIUM', 'meq/L', 'mEq/L'],
    ['MAGNESIUM', 'mEq/l', 'mEq/L'],
    ['MAGNESIUM', 'ug/L', null],
    ['POTASSIUM', 'mEq/L', 'mEq/L'],
    ['POTASSIUM', 'mg/dL', null],
    ['CALCIUM', 'mEq/L', null],
    ['VITAMIN_D', 'nmol/l', 'nmol/L'],
    ['VITAMIN_D', 'ng/ml', 'ng/mL'],
    ['VITAMIN_D', 'mmol/L', null],
    ['FERRITIN', 'ug/L', 'ug/L'],
    ['FERRITIN', '\u00b5g/L', 'ug/L'], // micro sign
    ['FERRITIN', '\u03bcg/L', 'ug/L'], // Greek mu
    ['FERRITIN', 'mcg/L', 'ug/L'],
    ['FERRITIN', 'UG/L', 'ug/L'],
    ['FERRITIN', 'NG/ML', 'ng/mL'],
    ['FERRITIN', 'mg/L', null],
    ['GLUCOSE', 'mmol/L', 'mmol/L'],
    ['GLUCOSE', 'mg/dL', 'mg/dL'],
    ['GLUCOSE', 'mg', null],
    ['TEMPERATURE', '°C', '°C'],
    ['TEMPERATURE', 'C', '°C'],
    ['TEMPERATURE', 'c', '°C'],
    ['TEMPERATURE', 'degC', '°C'],
    ['TEMPERATURE', 'deg C', '°C'],
    ['TEMPERATURE', 'Cel', '°C'],
    ['TEMPERATURE', '\u2103', '°C'], // ℃
    ['TEMPERATURE', 'celsius', '°C'],
    ['TEMPERATURE', '°F', '°F'],
    ['TEMPERATURE', '°f', '°F'],
    ['TEMPERATURE', 'F', '°F'],
    ['TEMPERATURE', 'degF', '°F'],
    ['TEMPERATURE', '[degF]', '°F'],
    ['TEMPERATURE', '\u2109', '°F'], // ℉
    ['TEMPERATURE', 'Fahrenheit', '°F'],
    ['TEMPERATURE', 'K', null],
    ['WEIGHT', 'kg', 'kg'],
    ['WEIGHT', 'KG', 'kg'],
    ['WEIGHT', 'lb', 'lb'],
    ['WEIGHT', 'lbs', 'lb'],
    ['WEIGHT', 'LBS', 'lb'],
    ['WEIGHT', 'pounds', 'lb'],
    ['WEIGHT', '[lb_av]', 'lb'],
    ['WEIGHT', 'g', null],
    ['WEIGHT', 'st', null],
    ['HEIGHT', 'cm', 'cm'],
    ['HEIGHT', 'CM', 'cm'],
    ['HEIGHT', 'in', 'in'],
    ['HEIGHT', 'inch', 'in'],
    ['HEIGHT', 'inches', 'in'],
    ['HEIGHT', '"', 'in'],
    ['HEIGHT', '[in_i]', 'in'],
    ['HEIGHT', 'm', null],
    ['HEIGHT', 'ft', null],
    ['HEIGHT', '', null],
    ['HEIGHT', '   ', null],
    ['WEIGHT', 'lb ', 'lb'],
  ])('%s %j -> %j', (measure, input, expected) => {
    expect(normaliseUnit(measure, input)).toBe(expected);
    expect(isAcceptedUnit(measure, input)).toBe(expected !== null);
  });
});

describe('roundHalfAwayFromZero', () => {
  it.each<[number, number, number]>([
    [1.005, 2, 1.01], // 1.005 * 100 is 100.49999999999999 in floating point
    [-1.005, 2, -1.01],
    [1.45, 1, 1.5],
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [0.695, 2, 0.7],
    [0.6949, 2, 0.69],
    [47.424, 2, 47.42],
    [37.95, 1, 38],
    [0.65824, 2, 0.66],
    [125 / 18, 2, 6.94],
  ])('%d at %i decimals is %d', (value, decimals, expected) => {
    expect(roundHalfAwayFromZero(value, decimals)).toBe(expected);
  });

  it('never returns negative zero', () => {
    expect(Object.is(roundHalfAwayFromZero(-0.001, 2), 0)).toBe(true);
  });
});

describe('toCanonical', () => {
  // The cases (unit-conversions.json) open with the worked examples of spec section 7, then each
  // factor on values large enough to show it at the canonical precision. Vitamin D 19 ng/mL is
  // 47.42 at the 2 decimals kept for labs (19 x 2.496 = 47.424), where the spec's prose rounds to 47.4.
  it.each(CONVERSIONS.toCanonical as ConversionCase[])('%s %d %s is %d canonical', (measure, value, unit, expected) => {
    expect(toCanonical(measure, value, unit)).toBe(expected);
  });

  it('gives the worked examples the spec says the rules must give', () => {
    expect(toCanonical('MAGNESIUM', 1.6, 'mg/dL')).toBeLessThan(DEFAULT_THRESHOLDS.magnesium);
    expect(toCanonical('MAGNESIUM', 1.8, 'mg/dL')).not.toBeLessThan(DEFAULT_THRESHOLDS.magnesium);
    expect(toCanonical('VITAMIN_D', 19, 'ng/mL')).toBeLessThan(DEFAULT_THRESHOLDS.vitaminD);
    expect(toCanonical('TEMPERATURE', 100.4, '°F')).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.feverC);
    expect(toCanonical('TEMPERATURE', 100.2, '°F')).toBeLessThan(DEFAULT_THRESHOLDS.feverC);
    expect(toCanonical('GLUCOSE', 126, 'mg/dL')).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.fastingGlucose);
    expect(toCanonical('GLUCOSE', 125, 'mg/dL')).toBeLessThan(DEFAULT_THRESHOLDS.fastingGlucose);
  });

  it.each(SPEC_CONVERSIONS)('%s %s follows the spec formula within half a canonical step', (measure, unit, spec) => {
    const half = 0.5 * 10 ** -SPEC_DECIMALS[measure];
    for (const value of [0, 0.37, 1, 2.5, 7.77, 42, 98.6, 123.456, 1000]) {
      expect(Math.abs(toCanonical(measure, value, unit) - spec(value))).toBeLessThanOrEqual(half + 1e-9);
    }
  });

  it.each<[string, number, string]>([
    ['an unaccepted unit', 5, 'mg'],
    ['a unit of another measure', 5, 'kg'],
    ['NaN', Number.NaN, 'mmol/L'],
    ['Infinity', Number.POSITIVE_INFINITY, 'mmol/L'],
    ['-Infinity', Number.NEGATIVE_INFINITY, 'mg/dL'],
  ])('throws RangeError for %s', (_case, value, unit) => {
    expect(() => toCanonical('GLUCOSE', value, unit)).toThrow(RangeError);
  });
});

describe('fromCanonical', () => {
  it.each(CONVERSIONS.fromCanonical as ConversionCase[])('%s %d canonical is %d %s', (measure, canonical, unit, expected) => {
    expect(fromCanonical(measure, canonical, unit)).toBe(expected);
  });

  // Entered -> canonical -> entered again moves a value by at most half a canonical step (in the
  // entered unit) plus half a display step: the canonical precision is all that is stored.
  it.each(SPEC_CONVERSIONS)('%s %s round trip stays within the stored precision', (measure, unit, spec) => {
    const def = MEASURE_DEFS[measure];
    const shown = def.units.find((u) => u.unit === unit)!;
    const slope = Math.abs(spec(1) - spec(0));
    const tolerance = (0.5 * 10 ** -def.decimals) / slope + 0.5 * 10 ** -shown.decimals + 1e-9;
    for (const value of [1, 2.3, 9.9, 17, 55.5, 98.6, 100.4, 176.4, 250]) {
      const back = fromCanonical(measure, toCanonical(measure, value, unit), unit);
      expect(Math.abs(back - value)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('throws RangeError for an unaccepted unit or a non-finite value', () => {
    expect(() => fromCanonical('WEIGHT', 80, 'st')).toThrow(RangeError);
    expect(() => fromCanonical('WEIGHT', Number.NaN, 'lb')).toThrow(RangeError);
  });
});

describe('plausibility', () => {
  // Canonical bounds: at the bound, one canonical step outside (refused) and inside (accepted).
  it.each(
    MEASURES.flatMap((measure) => {
      const { plausible, decimals, canonicalUnit } = MEASURE_DEFS[measure];
      const step = 10 ** -decimals;
      const r = (x: number) => Number(x.toFixed(decimals));
      return [
        [measure, plausible.min, canonicalUnit, true],
        [measure, r(plausible.min - step), canonicalUnit, false],
        [measure, r(plausible.min + step), canonicalUnit, true],
        [measure, plausible.max, canonicalUnit, true],
        [measure, r(plausible.max + step), canonicalUnit, false],
        [measure, r(plausible.max - step), canonicalUnit, true],
      ] as [Measure, number, string, boolean][];
    }),
  )('%s %d %s plausible: %s', (measure, value, unit, plausible) => {
    expect(plausibilityError(measure, value, unit) === null).toBe(plausible);
  });

  // US bounds: the displayed bounds of the message (accepted) and one display step outside them
  // (refused); the check rounds to the canonical precision first, as storage does.
  it.each<[Measure, string, number, number, number, number]>([
    // measure, unit, refused below, lowest accepted, highest accepted, refused above
    ['MAGNESIUM', 'mg/dL', 0.2, 0.3, 12.1, 12.2],
    ['MAGNESIUM', 'mEq/L', 0.18, 0.19, 10, 10.01],
    ['POTASSIUM', 'mEq/L', 0.99, 1, 10, 10.01],
    ['CALCIUM', 'mg/dL', 1.9, 2, 20, 20.1],
    ['PHOSPHATE', 'mg/dL', 0.2, 0.3, 15.5, 15.6],
    ['VITAMIN_D', 'ng/mL', 0.3, 0.4, 200.3, 200.4],
    ['FERRITIN', 'ng/mL', 0, 1, 100000, 100001],
    ['GLUCOSE', 'mg/dL', 8, 9, 1080, 1081],
    ['TEMPERATURE', '°F', 85.9, 86, 113, 113.1],
    ['WEIGHT', 'lb', 2, 2.1, 881.9, 882],
    ['HEIGHT', 'in', 15.5, 15.6, 98.6, 98.7],
  ])('%s in %s: %d refused, %d to %d accepted, %d refused', (measure, unit, below, min, max, above) => {
    expect(plausibilityError(measure, below, unit)).not.toBeNull();
    expect(plausibilityError(measure, min, unit)).toBeNull();
    expect(plausibilityError(measure, max, unit)).toBeNull();
    expect(plausibilityError(measure, above, unit)).not.toBeNull();
    expect(plausibleRangeIn(measure, unit)).toEqual({ min, max });
    expect(plausibilityError(measure, below, unit)).toContain(`(${min} to ${max} ${unit})`);
  });

  it.each(SPEC_CONVERSIONS)('%s: the exact canonical bounds expressed in %s are plausible', (measure, unit, spec) => {
    const { min, max } = MEASURE_DEFS[measure].plausible;
    // Invert the spec formula numerically (every spec conversion is linear).
    const inverse = (c: number) => (c - spec(0)) / (spec(1) - spec(0));
    expect(plausibilityError(measure, inverse(min), unit)).toBeNull();
    expect(plausibilityError(measure, inverse(max), unit)).toBeNull();
  });

  it.each<[Measure, number, string, string | null]>([
    ['GLUCOSE', 110, 'mmol/L', 'Glucose (fasting) 110 mmol/L is not plausible (0.5 to 60 mmol/L); did you mean mg/dL?'],
    ['GLUCOSE', 5, 'mg/dL', 'Glucose (fasting) 5 mg/dL is not plausible (9 to 1080 mg/dL); did you mean mmol/L?'],
    ['GLUCOSE', 5.4, 'mmol/L', null],
    ['GLUCOSE', 99, 'mg/dl', null],
    ['TEMPERATURE', 98.6, '°C', 'Temperature 98.6 °C is not plausible (30 to 45 °C); did you mean °F?'],
    ['TEMPERATURE', 37, '°F', 'Temperature 37 °F is not plausible (86 to 113 °F); did you mean °C?'],
    ['TEMPERATURE', 310, '°F', 'Temperature 310 °F is not plausible (86 to 113 °F)'],
    ['TEMPERATURE', 98.6, 'F', null],
    ['HEIGHT', 70, 'cm', null],
    ['HEIGHT', 5.9, 'cm', 'Height 5.9 cm is not plausible (40 to 250 cm)'],
    ['HEIGHT', 300, 'cm', 'Height 300 cm is not plausible (40 to 250 cm)'],
    ['HEIGHT', 180, 'in', 'Height 180 in is not plausible (15.6 to 98.6 in); did you mean cm?'],
    ['WEIGHT', 176, 'kg', null],
    ['WEIGHT', 500, 'kg', 'Weight 500 kg is not plausible (1 to 400 kg); did you mean lb?'],
    ['WEIGHT', 2, 'lb', 'Weight 2 lb is not plausible (2.1 to 881.9 lb); did you mean kg?'],
    // 8 would be plausible both in mg/dL (3.29 mmol/L) and mEq/L (4 mmol/L): the US unit comes first.
    ['MAGNESIUM', 8, 'mmol/L', 'Magnesium 8 mmol/L is not plausible (0.1 to 5 mmol/L); did you mean mg/dL?'],
    ['MAGNESIUM', 0.05, 'mg/dL', 'Magnesium 0.05 mg/dL is not plausible (0.3 to 12.1 mg/dL)'],
    ['MAGNESIUM', 0.05, 'mmol/L', 'Magnesium 0.05 mmol/L is not plausible (0.1 to 5 mmol/L)'],
    ['VITAMIN_D', 600, 'nmol/L', 'Vitamin D (25-OH) 600 nmol/L is not plausible (1 to 500 nmol/L)'],
    ['VITAMIN_D', 450, 'ng/mL', 'Vitamin D (25-OH) 450 ng/mL is not plausible (0.4 to 200.3 ng/mL); did you mean nmol/L?'],
    ['FERRITIN', 0.5, 'ug/L', 'Ferritin 0.5 ug/L is not plausible (1 to 100000 ug/L)'],
    ['POTASSIUM', 12, 'mEq/L', 'Potassium 12 mEq/L is not plausible (1 to 10 mEq/L)'],
    ['CALCIUM', 9.5, 'mmol/L', 'Calcium (total) 9.5 mmol/L is not plausible (0.5 to 5 mmol/L); did you mean mg/dL?'],
    ['PHOSPHATE', 3.5, 'mg/dL', null],
    // Units are named in their accepted spelling whatever was typed.
    ['GLUCOSE', 110, 'MMOL/L', 'Glucose (fasting) 110 mmol/L is not plausible (0.5 to 60 mmol/L); did you mean mg/dL?'],
  ])('%s %d %s -> %j', (measure, value, unit, message) => {
    expect(plausibilityError(measure, value, unit)).toBe(message);
  });

  it.each<[Measure, number, string]>([
    ['GLUCOSE', Number.NaN, 'Enter the glucose (fasting) as a number'],
    ['VITAMIN_D', Number.POSITIVE_INFINITY, 'Enter the vitamin D (25-OH) as a number'],
    ['TEMPERATURE', Number.NEGATIVE_INFINITY, 'Enter the temperature as a number'],
    ['WEIGHT', Number.NaN, 'Enter the weight as a number'],
  ])('%s %d -> %s', (measure, value, message) => {
    expect(plausibilityError(measure, value, defaultUnit(measure, 'SI'))).toBe(message);
  });

  it('names the accepted units when the unit is not one of them', () => {
    expect(plausibilityError('GLUCOSE', 5, 'mg')).toBe('"mg" is not a unit for glucose (fasting); use mmol/L, mg/dL');
    expect(plausibilityError('HEIGHT', 1.8, 'm')).toBe('"m" is not a unit for height; use cm, in');
  });
});

/** Either side of a reference range's bounds, 0.01 apart: outside flagged L or H, at a bound and inside not. */
function boundaryCases(measure: Measure, low: number, high: number): [Measure, number, ReferenceFlag][] {
  const hundredths = (x: number) => Number(x.toFixed(2));
  return [
    [measure, hundredths(low - 0.01), 'L'],
    [measure, low, null],
    [measure, hundredths(low + 0.01), null],
    [measure, hundredths(high - 0.01), null],
    [measure, high, null],
    [measure, hundredths(high + 0.01), 'H'],
  ];
}

describe('referenceFlag', () => {
  it.each<[Measure, number, ReferenceFlag]>([
    ...boundaryCases('MAGNESIUM', 0.7, 1.0),
    ...boundaryCases('POTASSIUM', 3.5, 5.1),
    ...boundaryCases('CALCIUM', 2.15, 2.55),
    ...boundaryCases('PHOSPHATE', 0.8, 1.45),
    ['VITAMIN_D', 49.99, 'L'],
    ['VITAMIN_D', 50, null],
    ['VITAMIN_D', 50.01, null],
    ['VITAMIN_D', 500, null], // "50 and above": no high bound
    ...boundaryCases('FERRITIN', 30, 300),
    ...boundaryCases('GLUCOSE', 3.9, 5.5),
    ['GLUCOSE', 7.0, 'H'],
    // Temperature's range is "below 38.0": 38.0 itself is high, and there is no low bound.
    ['TEMPERATURE', 37.9, null],
    ['TEMPERATURE', 38.0, 'H'],
    ['TEMPERATURE', 38.1, 'H'],
    ['TEMPERATURE', 30, null],
    ['WEIGHT', 1, null],
    ['WEIGHT', 400, null],
    ['HEIGHT', 40, null],
    ['HEIGHT', 250, null],
    // The value is rounded to the canonical precision first, as the rules do.
    ['MAGNESIUM', 0.695, null],
    ['MAGNESIUM', 0.6949, 'L'],
    ['TEMPERATURE', 37.95, 'H'],
    ['TEMPERATURE', 37.94, null],
  ])('%s %d -> %s', (measure, value, flag) => {
    expect(referenceFlag(measure, value)).toBe(flag);
  });

  it('flags the worked examples after conversion', () => {
    expect(referenceFlag('MAGNESIUM', toCanonical('MAGNESIUM', 1.6, 'mg/dL'))).toBe('L');
    expect(referenceFlag('MAGNESIUM', toCanonical('MAGNESIUM', 1.8, 'mg/dL'))).toBeNull();
    expect(referenceFlag('VITAMIN_D', toCanonical('VITAMIN_D', 19, 'ng/mL'))).toBe('L');
    expect(referenceFlag('TEMPERATURE', toCanonical('TEMPERATURE', 100.4, '°F'))).toBe('H');
    expect(referenceFlag('TEMPERATURE', toCanonical('TEMPERATURE', 100.2, '°F'))).toBeNull();
  });

  it('throws RangeError for a non-finite value', () => {
    expect(() => referenceFlag('GLUCOSE', Number.NaN)).toThrow(RangeError);
  });
});

describe('formatting', () => {
  it.each<[Measure, string | undefined, string]>([
    ['MAGNESIUM', undefined, '0.70 to 1.00 mmol/L'],
    ['MAGNESIUM', 'mg/dL', '1.7 to 2.4 mg/dL'],
    ['MAGNESIUM', 'mEq/L', '1.40 to 2.00 mEq/L'],
    ['POTASSIUM', undefined, '3.5 to 5.1 mmol/L'],
    ['CALCIUM', undefined, '2.15 to 2.55 mmol/L'],
    ['CALCIUM', 'mg/dL', '8.6 to 10.2 mg/dL'],
    ['PHOSPHATE', undefined, '0.80 to 1.45 mmol/L'],
    ['PHOSPHATE', 'mg/dL', '2.5 to 4.5 mg/dL'],
    ['VITAMIN_D', undefined, '50 nmol/L and above'],
    ['VITAMIN_D', 'ng/mL', '20.0 ng/mL and above'],
    ['FERRITIN', undefined, '30 to 300 ug/L'],
    ['FERRITIN', 'ng/mL', '30 to 300 ng/mL'],
    ['GLUCOSE', undefined, '3.9 to 5.5 mmol/L'],
    ['GLUCOSE', 'mg/dl', '70 to 99 mg/dL'],
    ['TEMPERATURE', undefined, 'below 38.0 °C'],
    ['TEMPERATURE', 'degF', 'below 100.4 °F'],
    ['WEIGHT', undefined, ''],
    ['WEIGHT', 'lb', ''],
    ['HEIGHT', undefined, ''],
    ['HEIGHT', 'in', ''],
  ])('reference range of %s in %s: %j', (measure, unit, expected) => {
    expect(formatReferenceRange(measure, unit)).toBe(expected);
  });

  it.each<[Measure, number, string, string]>([
    ['MAGNESIUM', 0.658, 'mmol/L', '0.66 mmol/L'],
    ['MAGNESIUM', 1.6, 'mg/dl', '1.6 mg/dL'],
    ['MAGNESIUM', -0.001, 'mmol/L', '0.00 mmol/L'],
    ['VITAMIN_D', 47.424, 'nmol/L', '47.42 nmol/L'],
    ['VITAMIN_D', 19, 'ng/mL', '19.0 ng/mL'],
    ['FERRITIN', 45.4, 'ng/mL', '45 ng/mL'],
    ['GLUCOSE', 126, 'mg/dL', '126 mg/dL'],
    ['GLUCOSE', 7, 'mmol/L', '7.00 mmol/L'],
    ['TEMPERATURE', 100.4, 'F', '100.4 °F'],
    ['TEMPERATURE', 38, '°C', '38.0 °C'],
    ['WEIGHT', 80, 'kg', '80.0 kg'],
    ['WEIGHT', 176.37, 'lbs', '176.4 lb'],
    ['HEIGHT', 175.5, 'cm', '176 cm'],
    ['HEIGHT', 69.09, 'in', '69.1 in'],
  ])('formatValue %s %d %s -> %j', (measure, value, unit, expected) => {
    expect(formatValue(measure, value, unit)).toBe(expected);
  });

  it('throws RangeError for an unaccepted unit', () => {
    expect(() => formatValue('WEIGHT', 80, 'st')).toThrow(RangeError);
    expect(() => formatReferenceRange('WEIGHT', 'st')).toThrow(RangeError);
  });
});

describe('otherSystemEquivalent', () => {
  it.each<[Measure, number, string, { value: number; unit: string }]>([
    ['MAGNESIUM', 0.66, 'mmol/L', { value: 1.6, unit: 'mg/dL' }],
    ['MAGNESIUM', 0.66, 'mg/dL', { value: 0.66, unit: 'mmol/L' }],
    ['MAGNESIUM', 0.66, 'mEq/L', { value: 1.6, unit: 'mg/dL' }],
    ['POTASSIUM', 4.2, 'mmol/L', { value: 4.2, unit: 'mEq/L' }],
    ['POTASSIUM', 4.2, 'mEq/L', { value: 4.2, unit: 'mmol/L' }],
    ['CALCIUM', 2.5, 'mmol/L', { value: 10, unit: 'mg/dL' }],
    ['PHOSPHATE', 1, 'mmol/L', { value: 3.1, unit: 'mg/dL' }],
    ['VITAMIN_D', 47.42, 'nmol/L', { value: 19, unit: 'ng/mL' }],
    ['FERRITIN', 30, 'ug/L', { value: 30, unit: 'ng/mL' }],
    ['GLUCOSE', 7, 'mmol/L', { value: 126, unit: 'mg/dL' }],
    ['GLUCOSE', 7, 'mg/dL', { value: 7, unit: 'mmol/L' }],
    ['TEMPERATURE', 38, '°C', { value: 100.4, unit: '°F' }],
    ['TEMPERATURE', 38, 'F', { value: 38, unit: '°C' }],
    ['WEIGHT', 80, 'kg', { value: 176.4, unit: 'lb' }],
    ['WEIGHT', 80, 'lb', { value: 80, unit: 'kg' }],
    ['HEIGHT', 180, 'cm', { value: 70.9, unit: 'in' }],
    ['HEIGHT', 180, 'in', { value: 180, unit: 'cm' }],
  ])('%s %d canonical shown in %s -> %j', (measure, canonical, shown, expected) => {
    expect(otherSystemEquivalent(measure, canonical, shown)).toEqual(expected);
  });

  it('is never null today: every measure has a distinct US unit (potassium mEq/L included)', () => {
    for (const measure of MEASURES) {
      expect(otherSystemEquivalent(measure, MEASURE_DEFS[measure].plausible.min, defaultUnit(measure, 'SI'))).not.toBeNull();
    }
  });

  it('throws RangeError for an unaccepted shown unit', () => {
    expect(() => otherSystemEquivalent('WEIGHT', 80, 'st')).toThrow(RangeError);
  });
});

/**
 * Cross-checks against the maintained UCUM library (@lhncbc/ucum-lhc, test-only: the module itself
 * must stay small for client components). The package ships no type declarations, so it is loaded
 * through createRequire with the few members used typed here.
 */
interface UcumUtils {
  validateUnitString(unit: string): { status: string; ucumCode: string | null };
  convertUnitTo(
    from: string,
    value: number,
    to: string,
    options?: { molecularWeight?: number; charge?: number },
  ): { status: string; toVal: number | null; msg: string[] };
}
const ucum = (
  createRequire(import.meta.url)('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } }
).UcumLhcUtils.getInstance();

function ucumConvert(from: string, value: number, to: string, options?: { molecularWeight?: number; charge?: number }) {
  const result = ucum.convertUnitTo(from, value, to, options);
  expect(result.status, result.msg.join('; ')).toBe('succeeded');
  return result.toVal as number;
}

const ucumOf = (measure: Measure, unit: string) => MEASURE_DEFS[measure].units.find((u) => u.unit === unit)!.ucum;

describe('UCUM cross-check (@lhncbc/ucum-lhc)', () => {
  it.each(MEASURES.flatMap((m) => MEASURE_DEFS[m].units.map((u) => [m, u.unit, u.ucum])))(
    '%s %s: UCUM code %s is valid',
    (_measure, _unit, code) => {
      const result = ucum.validateUnitString(code);
      expect(result.status).toBe('valid');
      expect(result.ucumCode).toBe(code);
    },
  );

  it('agrees on the pure-dimension factors exactly', () => {
    expect(ucumConvert('[lb_av]', 1, 'kg')).toBeCloseTo(CONVERSION_FACTORS.poundKg, 12);
    expect(ucumConvert('[in_i]', 1, 'cm')).toBeCloseTo(CONVERSION_FACTORS.inchCm, 12);
    expect(ucumConvert('ng/mL', 1, 'ug/L')).toBeCloseTo(CONVERSION_FACTORS.ferritinNgPerMl, 12);
    for (const f of [-40, 32, 86, 98.6, 100.2, 100.4, 113, 212]) {
      expect(ucumConvert('[degF]', f, 'Cel')).toBeCloseTo(
        (f - CONVERSION_FACTORS.fahrenheitOffset) * CONVERSION_FACTORS.fahrenheitFactor,
        9,
      );
    }
  });

  // The spec's factors are rounded; each must agree with the library's mass -> substance (or
  // equivalents -> substance) conversion within 1%. Molecular weights in g/mol; charge for mEq.
  it.each<[Measure, string, number, { molecularWeight?: number; charge?: number }]>([
    ['MAGNESIUM', 'mg/dL', CONVERSION_FACTORS.magnesiumMgPerDl, { molecularWeight: 24.305 }],
    ['MAGNESIUM', 'mEq/L', CONVERSION_FACTORS.magnesiumMeqPerL, { charge: 2 }],
    ['POTASSIUM', 'mEq/L', CONVERSION_FACTORS.potassiumMeqPerL, { charge: 1 }],
    ['CALCIUM', 'mg/dL', CONVERSION_FACTORS.calciumMgPerDl, { molecularWeight: 40.078 }],
    ['PHOSPHATE', 'mg/dL', CONVERSION_FACTORS.phosphateMgPerDl, { molecularWeight: 30.974 }],
    ['VITAMIN_D', 'ng/mL', CONVERSION_FACTORS.vitaminDNgPerMl, { molecularWeight: 400.64 }],
    ['GLUCOSE', 'mg/dL', 1 / CONVERSION_FACTORS.glucoseMgPerDlDivisor, { molecularWeight: 180.156 }],
  ])('%s %s: spec factor %d within 1%% of the library', (measure, unit, factor, options) => {
    const canonicalUcum = ucumOf(measure, MEASURE_DEFS[measure].canonicalUnit);
    const library = ucumConvert(ucumOf(measure, unit), 1, canonicalUcum, options);
    expect(Math.abs(factor - library) / library).toBeLessThan(0.01);
    // And the module converts with that factor (1000 units keeps the factor visible at 2 decimals).
    expect(Math.abs(toCanonical(measure, 1000, unit) / 1000 - library) / library).toBeLessThan(0.01);
  });

  it('shows glucose ÷ 18 is the rounded molar mass (0.09% off), not a typo', () => {
    const library = ucumConvert('mg/dL', 1, 'mmol/L', { molecularWeight: 180.156 });
    expect(Math.abs(1 / 18 - library) / library).toBeLessThan(0.001);
  });

  it.each(SPEC_CONVERSIONS.filter(([m]) => m === 'TEMPERATURE' || m === 'WEIGHT' || m === 'HEIGHT'))(
    '%s %s: the module agrees with the library at the canonical precision',
    (measure, unit) => {
      const canonicalUcum = ucumOf(measure, MEASURE_DEFS[measure].canonicalUnit);
      for (const value of [1, 37.5, 98.6, 100.4, 176, 250]) {
        const library = ucumConvert(ucumOf(measure, unit), value, canonicalUcum);
        expect(toCanonical(measure, value, unit)).toBe(roundHalfAwayFromZero(library, MEASURE_DEFS[measure].decimals));
      }
    },
  );
});
