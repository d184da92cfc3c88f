import "server-only";
import { z } from "zod";
import { ALLERGY_STATUSES, CONDITIONS, LIFESTYLE_FLAGS, SEXES } from "@/lib/core/clinical/vocabulary";
import { isoDate, limitedText, todayIso } from "@/lib/core/validation/common";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";
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
  limitedText(`The ${label}`, TEXT_LIMITS.personName, z.string({ error: `Enter the ${label}` }).trim().min(1, `Enter the ${label}`));

export const medicationSchema = z
  .object({
    name: limitedText("The medication name", TEXT_LIMITS.medicationName, z.string().trim().min(1, "Enter the medication name")),
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
  mrn: limitedText("The MRN", TEXT_LIMITS.mrn, z.string({ error: "Enter the MRN" }).trim().min(1, "Enter the MRN"))
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
  allergyStatus: z.enum(ALLERGY_STATUSES, { error: "Choose one of: not recorded, no known allergies, allergies recorded" }),
  allergies: limitedText("The allergies", TEXT_LIMITS.allergies, z.string().trim()),
};

const notPregnantIfMale = (p: { sex?: string; pregnant?: boolean }) => !(p.sex === "MALE" && p.pregnant);
const pregnancyIssue = { message: "Pregnancy cannot be recorded for a male patient", path: ["pregnant"] };

/** Allergies recorded need their text; "not recorded" and "none known" take none. Checked where both are known (the update checks the merged record). */
export function allergyIssue(status: string, allergies: string): string | null {
  if (status === "RECORDED" && !allergies) return "Name the allergies (substance and reaction), or choose no known allergies";
  if (status !== "RECORDED" && allergies) return "Choose allergies recorded to keep this text, or clear it";
  return null;
}

export const patientCreateSchema = z
  .object({
    clinicId: z.string().min(1).optional(),
    ...patientFields,
    pregnant: patientFields.pregnant.default(false),
    conditions: patientFields.conditions.default([]),
    lifestyle: patientFields.lifestyle.default([]),
    medications: patientFields.medications.default([]),
    allergyStatus: patientFields.allergyStatus.default("NOT_RECORDED"),
    allergies: patientFields.allergies.default(""),
  })
  .strict()
  .refine(notPregnantIfMale, pregnancyIssue)
  .superRefine((p, ctx) => {
    const issue = allergyIssue(p.allergyStatus, p.allergies);
    if (issue) ctx.addIssue({ code: "custom", message: issue, path: ["allergies"] });
  })
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

/** The triage list's sortable columns (/patients, the dashboard's "Patients to see first"). */
export const PATIENT_TRIAGE_SORTS = ["name", "mrn", "urgency", "awaitingReview", "lastEpisode", "episodes30d", "lastVisit"] as const;
export type PatientTriageSort = (typeof PATIENT_TRIAGE_SORTS)[number];

/** The order a column's header asks for first: names A to Z, everything else the most (or most recent) first. */
export const PATIENT_TRIAGE_FIRST_DIR: Record<PatientTriageSort, "asc" | "desc"> = {
  name: "asc",
  mrn: "asc",
  urgency: "desc",
  awaitingReview: "desc",
  lastEpisode: "desc",
  episodes30d: "desc",
  lastVisit: "desc",
};

/** Choices of the "last episode within" filter, in days. */
export const LAST_EPISODE_WITHIN_DAYS = [1, 7, 14, 30, 90, 365] as const;

export const patientTriageQuerySchema = z
  .object({
    q: z.string().trim().max(100).optional().catch(undefined),
    sort: z.enum(PATIENT_TRIAGE_SORTS).catch("name"),
    dir: z.enum(["asc", "desc"]).optional().catch(undefined),
    /** The least urgency listed: URGENT, HIGH or ROUTINE (any red flag). */
    urgency: z.enum(["URGENT", "HIGH", "ROUTINE"]).optional().catch(undefined),
    /** "yes": only patients with episodes awaiting review. */
    review: z.literal("yes").optional().catch(undefined),
    /** Only patients whose last episode is at most this many days old. */
    within: z.coerce.number().int().min(1).max(3650).optional().catch(undefined),
    clinic: z.string().trim().min(1).max(100).optional().catch(undefined),
    limit: z.coerce.number().int().min(1).max(200).catch(25),
    cursor: z.string().max(1000).optional().catch(undefined),
    /** The page number shown ("page 3 of 40"); the cursor decides which rows. */
    page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  })
  .transform((q) => ({ ...q, dir: q.dir ?? PATIENT_TRIAGE_FIRST_DIR[q.sort], page: q.cursor ? q.page : 1 }));
export type PatientTriageQuery = z.infer<typeof patientTriageQuerySchema>;
