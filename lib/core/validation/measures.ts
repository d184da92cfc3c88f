import { z } from "zod";
import { MEASURE_DEFS, normaliseUnit, plausibilityError, toCanonical, type Measure } from "@/lib/core/clinical/units";

/** A measured value as stored: canonical for the rules (clinical spec section 7), and as the clinician entered it. */
export interface EnteredMeasure {
  value: number;
  unit: string;
  enteredValue: number;
  enteredUnit: string;
}

export function enteredMeasure(measure: Measure, value: number, unit: string): EnteredMeasure {
  const enteredUnit = normaliseUnit(measure, unit) ?? unit;
  return { value: toCanonical(measure, value, enteredUnit), unit: MEASURE_DEFS[measure].canonicalUnit, enteredValue: value, enteredUnit };
}

/** One measure that the API takes in any of several fields, one per unit (`weightKg` or `weightLb`). */
export interface UnitFields {
  measure: Measure;
  /** Field name -> the unit its value is in. */
  fields: Record<string, string>;
}

/**
 * Zod skips an object's refinements when any field already failed; these checks run anyway
 * (they read only the fields they check), so one answer names every bad field.
 */
export const RUN_WITH_OTHER_ERRORS = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };

export const numberField = (label: string) => z.number({ error: `Enter the ${label} as a number` }).nullable().optional();

/** Refuses two units of one measure at once, and implausible values, field by field with the range. */
export function checkUnitFields(groups: UnitFields[]) {
  return (input: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const { measure, fields } of groups) {
      const given = Object.keys(fields).filter((f) => input[f] !== undefined);
      if (given.length > 1) {
        ctx.addIssue({ code: "custom", path: [given[1]], message: `Give the ${MEASURE_DEFS[measure].label.toLowerCase()} in one unit only (${given.join(" or ")})` });
        continue;
      }
      const field = given[0];
      const value = field === undefined ? null : input[field];
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      const error = plausibilityError(measure, value, fields[field]);
      if (error) ctx.addIssue({ code: "custom", path: [field], message: error });
    }
  };
}

/** The measure as stored: undefined when no field was given, null when it was cleared. */
export function readUnitFields(input: Record<string, unknown>, { measure, fields }: UnitFields): EnteredMeasure | null | undefined {
  const field = Object.keys(fields).find((f) => input[f] !== undefined);
  if (field === undefined) return undefined;
  const value = input[field];
  return typeof value === "number" ? enteredMeasure(measure, value, fields[field]) : null;
}
