import "server-only";
import { z } from "zod";
import { isoDate } from "@/lib/core/validation/common";

/** Sections of the patient report, in the order they are printed. */
export const REPORT_SECTIONS = ["patient", "period", "summary", "charts", "episodes", "redFlags", "checklist", "producedBy"] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export const REPORT_SECTION_LABELS: Record<ReportSection, string> = {
  patient: "Patient details",
  period: "Reporting period",
  summary: "Summary",
  charts: "Charts",
  episodes: "Episodes by type",
  redFlags: "Red flags",
  checklist: "Differential checklist",
  producedBy: "Produced by",
};

/** The longest period one report or export may cover, so a typo in a year cannot ask for centuries. */
export const MAX_PERIOD_DAYS = 366 * 20;
/** The report's period when the clinician gives none: the 90 days up to today. */
export const DEFAULT_REPORT_DAYS = 90;

// Forms send empty fields as "": treat them as not given.
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalDate = z.preprocess(blankToUndefined, isoDate.optional());

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

function checkPeriod(p: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (p.from && p.to && p.to < p.from) ctx.addIssue({ code: "custom", message: "The end date is before the start date", path: ["to"] });
  else if (p.from && p.to && daysBetween(p.from, p.to) > MAX_PERIOD_DAYS)
    ctx.addIssue({ code: "custom", message: "Choose a period of 20 years or less", path: ["to"] });
}

/** `sections=a,b` (or the checkboxes of the report form, joined with commas by the route). */
const sectionList = z.preprocess(
  blankToUndefined,
  z
    .string()
    .max(500, "Too many sections")
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return [...REPORT_SECTIONS];
      const wanted = raw.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = wanted.filter((s) => !(REPORT_SECTIONS as readonly string[]).includes(s));
      if (unknown.length) {
        ctx.addIssue({ code: "custom", message: `Unknown section: ${unknown.join(", ")}. Choose from ${REPORT_SECTIONS.join(", ")}` });
        return z.NEVER;
      }
      if (!wanted.length) {
        ctx.addIssue({ code: "custom", message: "Choose at least one section" });
        return z.NEVER;
      }
      // Printed in the report's own order, whatever order the caller named them in.
      return REPORT_SECTIONS.filter((s) => wanted.includes(s));
    }),
);

/** GET /api/v1/patients/{id}/report.pdf?from=&to=&sections= */
export const reportQuerySchema = z
  .strictObject({ from: optionalDate, to: optionalDate, sections: sectionList })
  .superRefine(checkPeriod);
export type ReportQuery = z.output<typeof reportQuerySchema>;

/** CSV exports of episodes: an optional period of clinic-local calendar days, both ends included. */
export const episodeExportQuerySchema = z.strictObject({ from: optionalDate, to: optionalDate }).superRefine(checkPeriod);
export type EpisodeExportQuery = z.output<typeof episodeExportQuerySchema>;

/** CSV export of the patient list: the list's own search. */
export const patientExportQuerySchema = z.strictObject({
  q: z.preprocess(blankToUndefined, z.string().trim().max(100, "Too long (100 characters at most)").optional()),
});
export type PatientExportQuery = z.output<typeof patientExportQuerySchema>;

/** No parameters (FHIR bundle, handout). */
export const noQuerySchema = z.strictObject({});
