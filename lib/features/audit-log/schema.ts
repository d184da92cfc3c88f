import "server-only";
import { z } from "zod";
import { isoDate } from "@/lib/core/validation/common";

export const AUDIT_OUTCOMES = ["SUCCESS", "DENIED", "FAILURE"] as const;

// Search forms send empty fields as "": treat them as not given.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const seq = z.coerce
  .number({ error: "Not a valid position: start again from the first page" })
  .int("Not a valid position: start again from the first page")
  .positive("Not a valid position: start again from the first page");

/**
 * Filters of the audit log, from the URL of /admin/audit, its CSV export, or a caller in code.
 * `before` / `after` are keyset positions (a row's seq): newest-first pages below / above it.
 */
export const auditFilterSchema = z
  .object({
    user: optional(z.string().trim().max(320, "Too long (320 characters at most)")),
    patientId: optional(z.string().trim().max(100, "Too long (100 characters at most)")),
    /** A patient's MRN, or words of the name: the patients of the actor's clinics it matches. */
    patient: optional(z.string().trim().max(200, "Too long (200 characters at most)")),
    action: optional(
      z
        .string()
        .trim()
        .toUpperCase()
        .max(64, "Too long (64 characters at most)")
        .regex(/^[A-Z][A-Z0-9_]*$/, "Letters, digits and _ only, e.g. PATIENT_VIEW"),
    ),
    outcome: optional(z.enum(AUDIT_OUTCOMES, { error: "Choose success, denied or failure" })),
    from: optional(isoDate),
    to: optional(isoDate),
    before: optional(seq),
    after: optional(seq),
    limit: optional(z.coerce.number().int().min(1).max(200)).transform((v) => v ?? 50),
  })
  .refine((f) => !f.from || !f.to || f.to >= f.from, { message: "The end date is before the start date", path: ["to"] });

export type AuditFilters = z.output<typeof auditFilterSchema>;
export type AuditFilterInput = z.input<typeof auditFilterSchema>;
