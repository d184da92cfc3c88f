import "server-only";
import { z } from "zod";
import { isAcceptedUnit, plausibilityError, unitsOf } from "@/lib/core/clinical/units";
import { ANALYTE_LABELS, ANALYTES, EXAM_FINDINGS } from "@/lib/core/clinical/vocabulary";
import { instantNotInFuture } from "@/lib/features/episodes/schema";
import { limitedText } from "@/lib/core/validation/common";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";
import {
  RUN_WITH_OTHER_ERRORS,
  checkUnitFields,
  enteredMeasure,
  numberField,
  readUnitFields,
  type UnitFields,
} from "@/lib/core/validation/measures";

const optionalNumber = (label: string, min: number, max: number, unit: string, int = false) => {
  let n = z.number({ error: `Enter the ${label} as a number` });
  if (int) n = n.int("Whole numbers only");
  return n.min(min, `${label[0].toUpperCase()}${label.slice(1)} below ${min} ${unit} is not plausible`).max(max, `${label[0].toUpperCase()}${label.slice(1)} above ${max} ${unit} is not plausible`).nullable().optional();
};

/** A lab result in any unit that clinical spec section 7 accepts; stored canonical and as entered. */
export const labSchema = z
  .object({
    analyte: z.enum(ANALYTES, { error: "Unknown analyte" }),
    value: z.number({ error: "Enter the value as a number" }),
    unit: z.string({ error: "Enter the unit" }),
  })
  .strict()
  .superRefine((lab, ctx) => {
    if (!isAcceptedUnit(lab.analyte, lab.unit)) {
      ctx.addIssue({ code: "custom", path: ["unit"], message: `Record ${ANALYTE_LABELS[lab.analyte].toLowerCase()} in ${unitsOf(lab.analyte).join(", ")}` });
      return;
    }
    const error = plausibilityError(lab.analyte, lab.value, lab.unit);
    if (error) ctx.addIssue({ code: "custom", path: ["value"], message: error });
  })
  .transform((lab) => ({ analyte: lab.analyte, ...enteredMeasure(lab.analyte, lab.value, lab.unit) }));

const WEIGHT: UnitFields = { measure: "WEIGHT", fields: { weightKg: "kg", weightLb: "lb" } };
const TEMPERATURE: UnitFields = { measure: "TEMPERATURE", fields: { temperatureC: "°C", temperatureF: "°F" } };

const visitFields = {
  occurredAt: instantNotInFuture,
  systolic: optionalNumber("systolic pressure", 50, 300, "mmHg", true),
  diastolic: optionalNumber("diastolic pressure", 20, 200, "mmHg", true),
  weightKg: numberField("weight"),
  weightLb: numberField("weight"),
  temperatureC: numberField("temperature"),
  temperatureF: numberField("temperature"),
  examFindings: z
    .array(z.enum(EXAM_FINDINGS, { error: "Unknown exam finding" }))
    .refine((a) => new Set(a).size === a.length, "A finding is listed twice"),
  labs: z.array(labSchema).max(30, "30 results at most"),
  notes: limitedText("Notes", TEXT_LIMITS.notes),
};

const bloodPressurePair = (v: { systolic?: unknown; diastolic?: unknown }, ctx: z.RefinementCtx) => {
  // Runs even when a field failed its own check: only numbers (or nothing) are compared here.
  const isNumberOrNothing = (x: unknown) => x == null || (typeof x === "number" && Number.isFinite(x));
  if (!isNumberOrNothing(v.systolic) || !isNumberOrNothing(v.diastolic)) return;
  if ((v.systolic == null) !== (v.diastolic == null)) ctx.addIssue({ code: "custom", path: [v.systolic == null ? "systolic" : "diastolic"], message: "Enter both pressures, or neither" });
  else if (typeof v.systolic === "number" && typeof v.diastolic === "number" && v.diastolic >= v.systolic) ctx.addIssue({ code: "custom", path: ["diastolic"], message: "Diastolic must be lower than systolic" });
};

const checkVisit = (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
  bloodPressurePair(v, ctx);
  checkUnitFields([WEIGHT, TEMPERATURE])(v, ctx);
};

/** The unit-named fields become one canonical-plus-entered value each. */
function toStored<T extends Record<string, unknown>>(v: T) {
  const { weightKg: _wk, weightLb: _wl, temperatureC: _tc, temperatureF: _tf, ...rest } = v;
  return { ...rest, weight: readUnitFields(v, WEIGHT), temperature: readUnitFields(v, TEMPERATURE) };
}

export const visitCreateSchema = z
  .object({ ...visitFields, examFindings: visitFields.examFindings.default([]), labs: visitFields.labs.default([]), notes: visitFields.notes.default("") })
  .strict()
  .superRefine(checkVisit, RUN_WITH_OTHER_ERRORS)
  .transform(toStored);

export const visitUpdateSchema = z
  .object({
    version: z.number({ error: "The record version is required" }).int().positive(),
    ...visitFields,
    examFindings: visitFields.examFindings.optional(),
    labs: visitFields.labs.optional(),
    notes: visitFields.notes.optional(),
    occurredAt: visitFields.occurredAt.optional(),
  })
  .strict()
  .superRefine(checkVisit, RUN_WITH_OTHER_ERRORS)
  .transform(toStored);

export type VisitCreateInput = z.infer<typeof visitCreateSchema>;
