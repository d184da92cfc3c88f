/**
 * Units, plausible ranges and reference ranges of the clinical spec (section 7).
 * Pure data and arithmetic: no I/O, no framework imports, no UCUM library (client components
 * import this, so it stays small; the tests cross-check the factors against @lhncbc/ucum-lhc).
 */
import { ANALYTES, ANALYTE_LABELS, ANALYTE_UNITS, isOneOf, type Analyte } from './vocabulary';

export const UNIT_SYSTEMS = ['SI', 'US'] as const;
export type UnitSystem = (typeof UNIT_SYSTEMS)[number];
export const UNIT_SYSTEM_LABELS: Record<UnitSystem, string> = {
  SI: 'SI units (mmol/L, kg, °C, cm)',
  US: 'US conventional units (mg/dL, lb, °F, in)',
};
/** The spec's default: a clinic shows SI until it chooses otherwise. */
export const DEFAULT_UNIT_SYSTEM: UnitSystem = 'SI';

export type Measure = Analyte | 'TEMPERATURE' | 'WEIGHT' | 'HEIGHT';
export const MEASURES: readonly Measure[] = Object.freeze([...ANALYTES, 'TEMPERATURE', 'WEIGHT', 'HEIGHT']);

/**
 * The spec's factors to the canonical unit, each in one place. Mass to substance factors are the
 * spec's rounded values (not recomputed from molecular weights) so that every screen and the
 * rules agree with the worked examples of the spec.
 */
export const CONVERSION_FACTORS = Object.freeze({
  magnesiumMgPerDl: 0.4114,
  magnesiumMeqPerL: 0.5,
  potassiumMeqPerL: 1,
  calciumMgPerDl: 0.2495,
  phosphateMgPerDl: 0.3229,
  vitaminDNgPerMl: 2.496,
  ferritinNgPerMl: 1,
  /** Glucose mg/dL is divided by 18 (not 18.016) so that 126 mg/dL is exactly 7.0 mmol/L. */
  glucoseMgPerDlDivisor: 18,
  fahrenheitOffset: 32,
  fahrenheitFactor: 5 / 9,
  poundKg: 0.45359237,
  inchCm: 2.54,
});

/** canonical = (value - offset) * factor / divisor; a divisor keeps "÷ 18" exact. */
export interface Conversion {
  readonly factor: number;
  readonly divisor: number;
  readonly offset: number;
}

export interface UnitDef {
  /** As shown, e.g. 'mg/dL', '°F'. */
  unit: string;
  /** UCUM code for FHIR valueQuantity, e.g. '[degF]'. */
  ucum: string;
  /** Display precision of a value in this unit. */
  decimals: number;
  /** From this unit to the canonical unit. */
  conversion: Conversion;
  /** Other spellings a clinician or an import may use (compared case- and space-insensitively). */
  aliases: readonly string[];
}

export interface MeasureDef {
  measure: Measure;
  label: string;
  /** Spec column 1; for analytes equal to ANALYTE_UNITS. */
  canonicalUnit: string;
  /** Canonical first, then the accepted others in spec order. */
  units: readonly UnitDef[];
  /** The unit a US-conventional clinic enters and shows by default. */
  usUnit: string;
  /** Canonical precision: rules compare canonical values rounded to this. */
  decimals: number;
  /** In the canonical unit, inclusive. */
  plausible: { min: number; max: number };
  /** In the canonical unit; null where the spec gives no bound. */
  reference: { low: number | null; high: number | null };
  /** True when the high bound itself is outside the range (temperature: "below 38.0"). */
  referenceExcludesHigh: boolean;
  /** Precision the spec writes the reference range with in the canonical unit ('3.5 to 5.1', '50'). */
  referenceDecimals: number;
}

const IDENTITY: Conversion = Object.freeze({ factor: 1, divisor: 1, offset: 0 });
const scale = (factor: number): Conversion => Object.freeze({ factor, divisor: 1, offset: 0 });

function unitDef(unit: string, ucum: string, decimals: number, conversion: Conversion, aliases: string[] = []): UnitDef {
  return Object.freeze({ unit, ucum, decimals, conversion, aliases: Object.freeze(aliases) });
}

const F = CONVERSION_FACTORS;
const MMOL_L = (decimals = 2) => unitDef('mmol/L', 'mmol/L', decimals, IDENTITY);
const MG_DL = (decimals: number, conversion: Conversion) => unitDef('mg/dL', 'mg/dL', decimals, conversion);

function measureDef(def: MeasureDef): MeasureDef {
  return Object.freeze({
    ...def,
    units: Object.freeze(def.units),
    plausible: Object.freeze(def.plausible),
    reference: Object.freeze(def.reference),
  });
}

function analyteDef(
  measure: Analyte,
  rest: Omit<MeasureDef, 'measure' | 'label' | 'canonicalUnit' | 'decimals' | 'referenceExcludesHigh'>,
): MeasureDef {
  return measureDef({
    measure,
    label: ANALYTE_LABELS[measure],
    canonicalUnit: ANALYTE_UNITS[measure],
    decimals: 2,
    referenceExcludesHigh: false,
    ...rest,
  });
}

export const MEASURE_DEFS: Readonly<Record<Measure, MeasureDef>> = Object.freeze({
  MAGNESIUM: analyteDef('MAGNESIUM', {
    units: [MMOL_L(), MG_DL(1, scale(F.magnesiumMgPerDl)), unitDef('mEq/L', 'meq/L', 2, scale(F.magnesiumMeqPerL))],
    usUnit: 'mg/dL',
    plausible: { min: 0.1, max: 5 },
    reference: { low: 0.7, high: 1.0 },
    referenceDecimals: 2,
  }),
  POTASSIUM: analyteDef('POTASSIUM', {
    units: [MMOL_L(), unitDef('mEq/L', 'meq/L', 2, scale(F.potassiumMeqPerL))],
    usUnit: 'mEq/L',
    plausible: { min: 1, max: 10 },
    reference: { low: 3.5, high: 5.1 },
    referenceDecimals: 1,
  }),
  CALCIUM: analyteDef('CALCIUM', {
    units: [MMOL_L(), MG_DL(1, scale(F.calciumMgPerDl))],
    usUnit: 'mg/dL',
    plausible: { min: 0.5, max: 5 },
    reference: { low: 2.15, high: 2.55 },
    referenceDecimals: 2,
  }),
  PHOSPHATE: analyteDef('PHOSPHATE', {
    units: [MMOL_L(), MG_DL(1, scale(F.phosphateMgPerDl))],
    usUnit: 'mg/dL',
    plausible: { min: 0.1, max: 5 },
    reference: { low: 0.8, high: 1.45 },
    referenceDecimals: 2,
  }),
  VITAMIN_D: analyteDef('VITAMIN_D', {
    units: [unitDef('nmol/L', 'nmol/L', 2, IDENTITY), unitDef('ng/mL', 'ng/mL', 1, scale(F.vitaminDNgPerMl))],
    usUnit: 'ng/mL',
    plausible: { min: 1, max: 500 },
    reference: { low: 50, high: null },
    referenceDecimals: 0,
  }),
  FERRITIN: analyteDef('FERRITIN', {
    units: [
      unitDef('ug/L', 'ug/L', 2, IDENTITY, ['µg/L', 'μg/L', 'mcg/L']),
      unitDef('ng/mL', 'ng/mL', 0, scale(F.ferritinNgPerMl)),
    ],
    usUnit: 'ng/mL',
    plausible: { min: 1, max: 100000 },
    reference: { low: 30, high: 300 },
    referenceDecimals: 0,
  }),
  GLUCOSE: analyteDef('GLUCOSE', {
    units: [MMOL_L(), MG_DL(0, Object.freeze({ factor: 1, divisor: F.glucoseMgPerDlDivisor, offset: 0 }))],
    usUnit: 'mg/dL',
    plausible: { min: 0.5, max: 60 },
    reference: { low: 3.9, high: 5.5 },
    referenceDecimals: 1,
  }),
  TEMPERATURE: measureDef({
    measure: 'TEMPERATURE',
    label: 'Temperature',
    canonicalUnit: '°C',
    units: [
      unitDef('°C', 'Cel', 1, IDENTITY, ['C', 'degC', 'deg C', 'Celsius']),
      unitDef('°F', '[degF]', 1, Object.freeze({ factor: 5, divisor: 9, offset: F.fahrenheitOffset }), [
        'F',
        'degF',
        'deg F',
        'Fahrenheit',
      ]),
    ],
    usUnit: '°F',
    decimals: 1,
    plausible: { min: 30, max: 45 },
    // Spec: "below 38.0", so 38.0 itself is H (the same edge as the fever threshold, >= 38.0).
    reference: { low: null, high: 38.0 },
    referenceExcludesHigh: true,
    referenceDecimals: 1,
  }),
  WEIGHT: measureDef({
    measure: 'WEIGHT',
    label: 'Weight',
    canonicalUnit: 'kg',
    units: [
      unitDef('kg', 'kg', 1, IDENTITY, ['kgs', 'kilogram', 'kilograms']),
      unitDef('lb', '[lb_av]', 1, scale(F.poundKg), ['lbs', 'pound', 'pounds']),
    ],
    usUnit: 'lb',
    decimals: 1,
    plausible: { min: 1, max: 400 },
    reference: { low: null, high: null },
    referenceExcludesHigh: false,
    referenceDecimals: 1,
  }),
  HEIGHT: measureDef({
    measure: 'HEIGHT',
    label: 'Height',
    canonicalUnit: 'cm',
    units: [
      unitDef('cm', 'cm', 0, IDENTITY, ['centimetre', 'centimetres', 'centimeter', 'centimeters']),
      unitDef('in', '[in_i]', 1, scale(F.inchCm), ['inch', 'inches', '"']),
    ],
    usUnit: 'in',
    decimals: 0,
    plausible: { min: 40, max: 250 },
    reference: { low: null, high: null },
    referenceExcludesHigh: false,
    referenceDecimals: 0,
  }),
});

/**
 * Rounds half away from zero at `decimals`. The product is cleaned to 15 significant digits first,
 * so float noise (1.005 * 100 = 100.49999999999999) does not round the wrong way.
 */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  const rounded = (Math.sign(value) * Math.round(scaled)) / factor;
  return rounded === 0 ? 0 : rounded; // never -0
}

/** Case, spaces, micro signs and 'mcg' do not matter; ℃/℉ read as °C/°F. */
function unitKey(unit: string): string {
  return unit
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/[µμ]/g, 'u')
    .replace(/^mcg/, 'ug');
}

function findUnitDef(measure: Measure, unit: string): UnitDef | undefined {
  if (typeof unit !== 'string') return undefined;
  const key = unitKey(unit);
  if (key === '') return undefined;
  return MEASURE_DEFS[measure].units.find((def) =>
    [def.unit, def.ucum, ...def.aliases].some((spelling) => unitKey(spelling) === key),
  );
}

function requireUnitDef(measure: Measure, unit: string): UnitDef {
  const def = findUnitDef(measure, unit);
  if (!def) {
    const accepted = unitsOf(measure).join(', ');
    throw new RangeError(`"${unit}" is not an accepted unit for ${lowerFirst(MEASURE_DEFS[measure].label)} (${accepted})`);
  }
  return def;
}

function requireFinite(value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`value must be a finite number, got ${value}`);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

const exactToCanonical = (c: Conversion, value: number) => ((value - c.offset) * c.factor) / c.divisor;
const exactFromCanonical = (c: Conversion, value: number) => (value * c.divisor) / c.factor + c.offset;

export function unitsOf(measure: Measure): string[] {
  return MEASURE_DEFS[measure].units.map((def) => def.unit);
}

export function isAcceptedUnit(measure: Measure, unit: string): boolean {
  return findUnitDef(measure, unit) !== undefined;
}

/** The UnitDef.unit spelling of `unit`, or null if the measure does not accept it. */
export function normaliseUnit(measure: Measure, unit: string): string | null {
  return findUnitDef(measure, unit)?.unit ?? null;
}

export function defaultUnit(measure: Measure, system: UnitSystem): string {
  const def = MEASURE_DEFS[measure];
  return system === 'US' ? def.usUnit : def.canonicalUnit;
}

/**
 * The canonical value of a value entered in `unit`, rounded to the canonical precision (spec: rules
 * compare canonical values after rounding). Throws RangeError for an unaccepted unit or non-finite value.
 */
export function toCanonical(measure: Measure, value: number, unit: string): number {
  const def = requireUnitDef(measure, unit);
  requireFinite(value);
  return roundHalfAwayFromZero(exactToCanonical(def.conversion, value), MEASURE_DEFS[measure].decimals);
}

/** A canonical value expressed in another accepted unit, rounded to that unit's display precision. */
export function fromCanonical(measure: Measure, canonicalValue: number, unit: string): number {
  const def = requireUnitDef(measure, unit);
  requireFinite(canonicalValue);
  return roundHalfAwayFromZero(exactFromCanonical(def.conversion, canonicalValue), def.decimals);
}

export type ReferenceFlag = 'L' | 'H' | null;
export const REFERENCE_FLAG_LABELS: Record<'L' | 'H', string> = { L: 'Low', H: 'High' };

/**
 * 'L' strictly below the low bound, 'H' strictly above the high bound (temperature: at or above
 * 38.0, as its range is "below 38.0"). The value is rounded to the canonical precision first, as
 * the rules do. Throws RangeError for a non-finite value.
 */
export function referenceFlag(measure: Measure, canonicalValue: number): ReferenceFlag {
  requireFinite(canonicalValue);
  const def = MEASURE_DEFS[measure];
  const value = roundHalfAwayFromZero(canonicalValue, def.decimals);
  const { low, high } = def.reference;
  if (low !== null && value < low) return 'L';
  if (high !== null && (def.referenceExcludesHigh ? value >= high : value > high)) return 'H';
  return null;
}

function isPlausibleCanonical(measure: Measure, canonicalValue: number): boolean {
  const { min, max } = MEASURE_DEFS[measure].plausible;
  return canonicalValue >= min && canonicalValue <= max;
}

function isPlausibleIn(measure: Measure, value: number, def: UnitDef): boolean {
  return isPlausibleCanonical(measure, toCanonical(measure, value, def.unit));
}

/**
 * The plausible range in `unit` at its display precision: the lowest and highest displayed values
 * that are accepted (the check rounds to the canonical precision first), so the message shows
 * neither a refused value nor hides an accepted one.
 */
export function plausibleRangeIn(measure: Measure, unit: string): { min: number; max: number } {
  const def = requireUnitDef(measure, unit);
  const { min, max } = MEASURE_DEFS[measure].plausible;
  const edge = (bound: number, outward: number) => {
    const step = outward * 10 ** -def.decimals;
    const next = (value: number, by: number) => roundHalfAwayFromZero(value + by, def.decimals);
    let value = roundHalfAwayFromZero(exactFromCanonical(def.conversion, bound), def.decimals);
    // A display step is at most a few canonical steps, so a handful of moves always settles.
    for (let i = 0; i < 10 && !isPlausibleIn(measure, value, def); i += 1) value = next(value, -step);
    for (let i = 0; i < 10 && isPlausibleIn(measure, next(value, step), def); i += 1) value = next(value, step);
    return value;
  };
  return { min: edge(min, -1), max: edge(max, 1) };
}

/** Other accepted units to suggest: the other system's usual unit first, then the rest in spec order. */
function suggestionOrder(measure: Measure, entered: UnitDef): UnitDef[] {
  const def = MEASURE_DEFS[measure];
  const other = entered.unit === def.usUnit ? def.canonicalUnit : def.usUnit;
  const rest = def.units.filter((u) => u.unit !== entered.unit);
  return [...rest.filter((u) => u.unit === other), ...rest.filter((u) => u.unit !== other)];
}

/**
 * Null when plausible; otherwise the message, e.g. "Glucose (fasting) 110 mmol/L is not plausible
 * (0.5 to 60 mmol/L); did you mean mg/dL?". Checked on the rounded canonical value, bounds inclusive.
 */
export function plausibilityError(measure: Measure, value: number, unit: string): string | null {
  const measureDef = MEASURE_DEFS[measure];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `Enter the ${lowerFirst(measureDef.label)} as a number`;
  }
  const def = findUnitDef(measure, unit);
  if (!def) {
    return `"${unit}" is not a unit for ${lowerFirst(measureDef.label)}; use ${unitsOf(measure).join(', ')}`;
  }
  if (isPlausibleIn(measure, value, def)) return null;
  const range = plausibleRangeIn(measure, def.unit);
  const suggestion = suggestionOrder(measure, def).find((candidate) => isPlausibleIn(measure, value, candidate));
  const hint = suggestion ? `; did you mean ${suggestion.unit}?` : '';
  return `${measureDef.label} ${value} ${def.unit} is not plausible (${range.min} to ${range.max} ${def.unit})${hint}`;
}

function formatFixed(value: number, decimals: number): string {
  return roundHalfAwayFromZero(value, decimals).toFixed(decimals);
}

/**
 * The reference range in `unit` (default canonical): '0.70 to 1.00 mmol/L', '50 nmol/L and above',
 * 'below 38.0 °C'; '' when the spec gives none. Canonical bounds keep the spec's precision; other
 * units use their display precision.
 */
export function formatReferenceRange(measure: Measure, unit?: string): string {
  const measureDef = MEASURE_DEFS[measure];
  const def = requireUnitDef(measure, unit ?? measureDef.canonicalUnit);
  const isCanonical = def.unit === measureDef.canonicalUnit;
  const show = (bound: number) =>
    isCanonical
      ? formatFixed(bound, measureDef.referenceDecimals)
      : formatFixed(exactFromCanonical(def.conversion, bound), def.decimals);
  const { low, high } = measureDef.reference;
  if (low !== null && high !== null) return `${show(low)} to ${show(high)} ${def.unit}`;
  if (low !== null) return `${show(low)} ${def.unit} and above`;
  if (high !== null) return measureDef.referenceExcludesHigh ? `below ${show(high)} ${def.unit}` : `up to ${show(high)} ${def.unit}`;
  return '';
}

/** A value already in `unit`, at that unit's display precision: '0.66 mmol/L', '100.4 °F'. */
export function formatValue(measure: Measure, value: number, unit: string): string {
  const def = requireUnitDef(measure, unit);
  requireFinite(value);
  return `${formatFixed(value, def.decimals)} ${def.unit}`;
}

/**
 * The value in the other system's unit, for hover and reports: shown in the US unit gives the
 * canonical (SI) one, shown in any other unit gives the US one. Null when both systems share a unit.
 */
export function otherSystemEquivalent(
  measure: Measure,
  canonicalValue: number,
  shownUnit: string,
): { value: number; unit: string } | null {
  const def = MEASURE_DEFS[measure];
  const shown = requireUnitDef(measure, shownUnit);
  if (def.canonicalUnit === def.usUnit) return null;
  const unit = shown.unit === def.usUnit ? def.canonicalUnit : def.usUnit;
  return { value: fromCanonical(measure, canonicalValue, unit), unit };
}

/** A stored unit system, read defensively: anything unknown is the default. */
export function asUnitSystem(value: unknown): UnitSystem {
  return isOneOf(UNIT_SYSTEMS, value) ? value : DEFAULT_UNIT_SYSTEM;
}
