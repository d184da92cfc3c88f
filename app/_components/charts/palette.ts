/**
 * Colours and fills shared by the charts (server and client). Okabe–Ito colours stay apart for
 * the common colour-vision deficiencies; each series also gets its own fill pattern (bars) or
 * dash and marker shape (lines), so none depends on colour alone.
 */
export const OKABE_ITO = {
  orange: "#E69F00",
  sky: "#56B4E9",
  green: "#009E73",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
  black: "#000000",
  grey: "#7A7A7A",
} as const;

export const PATTERNS = ["solid", "diagonal", "dots", "cross", "horizontal", "vertical", "reverse"] as const;
export type PatternName = (typeof PATTERNS)[number];

/** A series of a bar chart: which field of each data point, its name and look. */
export interface BarSeries {
  key: string;
  label: string;
  color: string;
  pattern: PatternName;
}

export type MarkerShape = "circle" | "square" | "triangle" | "diamond" | "cross" | "star";

export interface LineSeries {
  key: string;
  label: string;
  color: string;
  /** SVG stroke-dasharray; "" for a solid line. */
  dash: string;
  shape: MarkerShape;
}

/** A range drawn as a band behind the lines (e.g. lowest to highest). */
export interface BandSeries {
  lowKey: string;
  highKey: string;
  label: string;
  color: string;
}

/** An event drawn as a vertical line at a category of the x axis (a week). */
export interface ChartMarker {
  x: string;
  /** Short text on the chart; the full description is in the list and table beside it. */
  short: string;
  title: string;
  kind: "visit" | "start" | "stop";
}

export const MARKER_STYLE: Record<ChartMarker["kind"], { color: string; dash: string; symbol: string; label: string }> = {
  visit: { color: "#4d5863", dash: "2 3", symbol: "V", label: "visit" },
  start: { color: OKABE_ITO.green, dash: "", symbol: "▲", label: "medication started" },
  stop: { color: OKABE_ITO.vermillion, dash: "6 3", symbol: "▼", label: "medication stopped" },
};

// Made once: a formatter costs about 40 times as much to make as to use, and a chart's table
// labels every week.
const WEEK_LABEL = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const WEEK_LABEL_WITH_YEAR = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "2026-03-23" -> "23 Mar" (with the year when asked): week labels on axes and in tables. */
export function formatWeek(weekStart: string, withYear = false): string {
  return (withYear ? WEEK_LABEL_WITH_YEAR : WEEK_LABEL).format(new Date(`${weekStart}T00:00:00Z`));
}

/** Seconds as "45 s", "2 min 30 s", "1 h 5 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const m = Math.round((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ""}`;
}

/** Up to one decimal, without a trailing ".0". */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
