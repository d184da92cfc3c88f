import "server-only";
import { z } from "zod";
import { isoDate } from "@/lib/core/validation/common";

/** Preset periods of the trend charts, and `custom` with `periodFrom`/`periodTo` (clinic-local dates). */
export const TREND_PERIODS = ["30d", "90d", "1y", "custom"] as const;
export type TrendPeriod = (typeof TREND_PERIODS)[number];
export const TREND_PERIOD_LABELS: Record<TrendPeriod, string> = { "30d": "30 days", "90d": "90 days", "1y": "1 year", custom: "Custom" };
/** Days (inclusive of today) of each preset. */
export const TREND_PERIOD_DAYS: Record<Exclude<TrendPeriod, "custom">, number> = { "30d": 30, "90d": 90, "1y": 365 };
export const DEFAULT_TREND_PERIOD: TrendPeriod = "90d";
/** Longest custom period, in days: keeps every chart (and its query) bounded. */
export const MAX_TREND_DAYS = 3 * 366;

/**
 * Search-parameter names. Not `from`/`to`: the patient page already uses those for its episode
 * filter, and the trends section shares its URL.
 */
export const TREND_PARAMS = { period: "period", from: "periodFrom", to: "periodTo" } as const;

const DAY_MS = 24 * 3600 * 1000;
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export const trendsQuerySchema = z
  .strictObject({
    period: z.enum(TREND_PERIODS, { error: "Choose 30 days, 90 days, 1 year or custom" }).default(DEFAULT_TREND_PERIOD),
    periodFrom: isoDate.optional(),
    periodTo: isoDate.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.period !== "custom") return;
    if (!q.periodFrom) ctx.addIssue({ code: "custom", path: ["periodFrom"], message: "Enter the first day of the period" });
    if (!q.periodTo) ctx.addIssue({ code: "custom", path: ["periodTo"], message: "Enter the last day of the period" });
    if (q.periodFrom && q.periodTo) {
      const span = days(q.periodFrom, q.periodTo);
      if (span < 0) ctx.addIssue({ code: "custom", path: ["periodTo"], message: "The last day must not be before the first day" });
      else if (span + 1 > MAX_TREND_DAYS)
        ctx.addIssue({ code: "custom", path: ["periodTo"], message: "Choose a period of at most 3 years" });
    }
  });

export type TrendsQuery = z.infer<typeof trendsQuerySchema>;

/**
 * The trend parameters out of a page's search params (other parameters belong to other parts of
 * the page and are left alone). Blank values count as absent, as an empty date input sends "".
 */
export function pickTrendParams(searchParams: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.values(TREND_PARAMS)) {
    const raw = searchParams[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value) out[key] = value;
  }
  return out;
}
