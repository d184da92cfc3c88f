import "server-only";
import { z } from "zod";
import { CONDITIONS, LIFESTYLE_FLAGS, SEXES } from "@/lib/core/clinical/vocabulary";
import { isoDate, todayIso } from "@/lib/core/validation/common";
import { RUN_WITH_OTHER_ERRORS, checkUnitFields, numberField, readUnitFields, type UnitFields } from "@/lib/core/validation/measures";

const HEIGHT: UnitFields = { measure: "HEIGHT", fields: { heightCm: "cm", heightIn: "in" } };

/** `heightCm` or `heightIn` becomes the canonical `heightCm`, and `heightEntered` when given in inches. */
function storedHeight<T extends { heightCm?: number | null; heightIn?: number | null }>(p: T) {
  const { heightIn: _in, ...rest } = p;
  const m = readUnitFields(p, HEIGHT);
  if (m === undefined) return { ...rest, heightCm: undefined, heightEntered: undefined };
  return {
    ...rest,
    heightCm: m ? m.value : null,
    heightEntered: m && m.enteredUnit !== m.unit ? { value: m.enteredValue, unit: m.enteredUnit } : null,
  };
}

const name = (label: string) =>
  z.string({ error: `Enter the ${label}` }).trim().min(1, `Enter the ${label}`).max(100, `The ${label} is too long (100 characters at most)`);

export const medicationSchema = z
  .object({
    name: z.string().trim().min(1, "Enter the medication name").max(200, "Too long (200 characters at most)"),
    active: z.boolean().default(true),
    startedOn: isoDate.nullable().optional(),
    stoppedOn: isoDate.nullable().optional(),
  })
  .strict()
  .refine((m) => !m.startedOn || !m.stoppedOn || m.stoppedOn >= m.startedOn, {
    message: "Stopped before it started",
    path: ["stoppedOn"],
  });

const patientFields = {
  mrn: z
    .string({ error: "Enter the MRN" })
    .trim()
    .min(1, "Enter the MRN")
    .max(40, "The MRN is too long (40 characters at most)")
    .regex(/^[A-Za-z0-9][A-Za-z0-9\-/.]*$/, "Letters, digits, '-', '/' and '.' only"),
  givenName: name("given name"),
  familyName: name("family name"),
  birthDate: isoDate
    .refine((d) => d <= todayIso(), "The birth date is in the future")
    .refine((d) => d >= "1900-01-01", "The birth date is before 1900"),
  sex: z.enum(SEXES, { error: "Choose one of: female, male, other, unknown" }),
  pregnant: z.boolean({ error: "Yes or no" }),
  heightCm: numberField("height"),
  heightIn: numberField("height"),
  conditions: z
    .array(z.enum(CONDITIONS, { error: "Unknown condition" }))
    .refine((a) => new Set(a).size === a.length, "A condition is listed twice"),
  lifestyle: z
    .array(z.enum(LIFESTYLE_FLAGS, { error: "Unknown lifestyle flag" }))
    .refine((a) => new Set(a).size === a.length, "A flag is listed twice"),
  medications: z.array(medicationSchema).max(50, "50 medications at most"),
};

const notPregnantIfMale = (p: { sex?: string; pregnant?: boolean }) => !(p.sex === "MALE" && p.pregnant);
const pregnancyIssue = { message: "Pregnancy cannot be recorded for a male patient", path: ["pregnant"] };

export const patientCreateSchema = z
  .object({
    clinicId: z.string().min(1).optional(),
    ...patientFields,
    pregnant: patientFields.pregnant.default(false),
    conditions: patientFields.conditions.default([]),
    lifestyle: patientFields.lifestyle.default([]),
    medications: patientFields.medications.default([]),
  })
  .strict()
  .refine(notPregnantIfMale, pregnancyIssue)
  .superRefine(checkUnitFields([HEIGHT]), RUN_WITH_OTHER_ERRORS)
  .transform(storedHeight);

export const patientUpdateSchema = z
  .object({
    version: z.number({ error: "The record version is required" }).int().positive(),
    ...Object.fromEntries(Object.entries(patientFields).map(([k, v]) => [k, v.optional()])),
  } as { version: z.ZodNumber } & { [K in keyof typeof patientFields]: z.ZodOptional<(typeof patientFields)[K]> })
  .extend({ heightEntered: z.unknown().optional() }) // answer-only (the API's GET); ignored, so a read-modify-write round-trips
  .strict()
  .refine(notPregnantIfMale, pregnancyIssue)
  .superRefine(checkUnitFields([HEIGHT]), RUN_WITH_OTHER_ERRORS)
  .transform(storedHeight);

export type PatientCreateInput = z.infer<typeof patientCreateSchema>;
export type PatientUpdateInput = z.infer<typeof patientUpdateSchema>;

export const patientListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  sort: z.enum(["name", "mrn", "birthDate", "createdAt"]).catch("name"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  limit: z.coerce.number().int().min(1).max(200).catch(25),
  cursor: z.string().max(500).optional().catch(undefined),
});
export type PatientListQuery = z.infer<typeof patientListQuerySchema>;
