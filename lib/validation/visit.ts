import { z } from "zod";
import { ANALYTE_UNITS, ANALYTES } from "@/lib/clinical/vocabulary";
import { instantNotInFuture } from "./episode";

const optionalNumber = (label: string, min: number, max: number, unit: string, int = false) => {
  let n = z.number({ error: `Enter the ${label} as a number` });
  if (int) n = n.int("Whole numbers only");
  return n.min(min, `${label[0].toUpperCase()}${label.slice(1)} below ${min} ${unit} is not plausible`).max(max, `${label[0].toUpperCase()}${label.slice(1)} above ${max} ${unit} is not plausible`).nullable().optional();
};

export const labSchema = z
  .object({
    analyte: z.enum(ANALYTES, { error: "Unknown analyte" }),
    value: z.number({ error: "Enter the value as a number" }).min(0, "Cannot be negative").max(100000, "Too large"),
    unit: z.string({ error: "Enter the unit" }),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const expected = ANALYTE_UNITS[lab.analyte];
    if (expected && lab.unit !== expected) ctx.addIssue({ code: "custom", path: ["unit"], message: `Record ${lab.analyte.toLowerCase().replace("_", " ")} in ${expected}` });
  });

const visitFields = {
  occurredAt: instantNotInFuture,
  systolic: optionalNumber("systolic pressure", 50, 300, "mmHg", true),
  diastolic: optionalNumber("diastolic pressure", 20, 200, "mmHg", true),
  weightKg: optionalNumber("weight", 1, 400, "kg"),
  temperatureC: optionalNumber("temperature", 30, 45, "°C"),
  labs: z.array(labSchema).max(30, "30 results at most"),
  notes: z.string().max(2000, "At most 2000 characters"),
};

const bloodPressurePair = (v: { systolic?: number | null; diastolic?: number | null }, ctx: z.RefinementCtx) => {
  if ((v.systolic == null) !== (v.diastolic == null)) ctx.addIssue({ code: "custom", path: [v.systolic == null ? "systolic" : "diastolic"], message: "Enter both pressures, or neither" });
  else if (v.systolic != null && v.diastolic != null && v.diastolic >= v.systolic) ctx.addIssue({ code: "custom", path: ["diastolic"], message: "Diastolic must be lower than systolic" });
};

export const visitCreateSchema = z
  .object({ ...visitFields, labs: visitFields.labs.default([]), notes: visitFields.notes.default("") })
  .strict()
  .superRefine(bloodPressurePair);

export const visitUpdateSchema = z
  .object({ version: z.number({ error: "The record version is required" }).int().positive(), ...visitFields, labs: visitFields.labs.optional(), notes: visitFields.notes.optional(), occurredAt: visitFields.occurredAt.optional() })
  .strict()
  .superRefine(bloodPressurePair);

export type VisitCreateInput = z.infer<typeof visitCreateSchema>;
