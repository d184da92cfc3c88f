/**
 * Measured values as the exports print them (clinical spec section 7): every value with its unit,
 * in the clinic's unit system with the other system's equivalent, and flagged against its
 * reference range in words. Pure.
 */
import "server-only";
import {
  defaultUnit,
  formatReferenceRange,
  formatValue,
  fromCanonical,
  MEASURE_DEFS,
  normaliseUnit,
  otherSystemEquivalent,
  REFERENCE_FLAG_LABELS,
  type Measure,
  type ReferenceFlag,
  type UnitSystem,
} from "@/lib/core/clinical/units";
import type { EnteredValue } from "@/lib/core/fields/field";

/** A value as the clinician entered it; null where it was entered in the canonical unit. */
export type { EnteredValue };

/** A stored value with its unit; a unit the measure does not know (never stored by the app) is printed as it is. */
export function valueText(measure: Measure, value: number, unit: string): string {
  return normaliseUnit(measure, unit) ? formatValue(measure, value, unit) : `${value} ${unit}`;
}

/** The value in `unit`: as entered when it was entered in that unit (a round trip through the canonical value can move the last digit), else converted. */
function valueIn(measure: Measure, canonical: number, entered: EnteredValue | null, unit: string): number {
  if (entered && normaliseUnit(measure, entered.unit) === unit) return entered.value;
  return unit === MEASURE_DEFS[measure].canonicalUnit ? canonical : fromCanonical(measure, canonical, unit);
}

/**
 * A value in the clinic's unit system with the other system's equivalent in brackets, and the
 * entered value when it was in neither: "176.0 lb (79.8 kg)", "0.66 mmol/L (1.6 mg/dL)",
 * "0.65 mmol/L (1.6 mg/dL), entered as 1.30 mEq/L".
 */
export function measureText(measure: Measure, canonical: number, entered: EnteredValue | null, system: UnitSystem): string {
  const unit = defaultUnit(measure, system);
  const other = otherSystemEquivalent(measure, canonical, unit);
  let text = formatValue(measure, valueIn(measure, canonical, entered, unit), unit);
  if (other) text += ` (${formatValue(measure, valueIn(measure, canonical, entered, other.unit), other.unit)})`;
  const enteredUnit = entered ? normaliseUnit(measure, entered.unit) : null;
  if (entered && enteredUnit !== unit && enteredUnit !== other?.unit) text += `, entered as ${valueText(measure, entered.value, entered.unit)}`;
  return text;
}

/** The reference flag in words. */
export function flagText(flag: ReferenceFlag): string {
  return flag ? REFERENCE_FLAG_LABELS[flag] : "In range";
}

/** The reference range in the clinic's unit system ("" when the spec gives none). */
export function referenceRangeText(measure: Measure, system: UnitSystem): string {
  return formatReferenceRange(measure, defaultUnit(measure, system));
}
