/**
 * Turns the data layer's trend series into chart rows, series definitions and table views.
 * Plain functions (no "use client"): the server computes everything the client charts draw.
 */
import { CLASSIFICATION_LABELS, DAY_PART_LABELS, MUSCLE_GROUP_LABELS, SIDE_LABELS, TRIGGER_LABELS } from "@/lib/core/clinical/vocabulary";
import type { CountItem, DayPartPoint, EpisodeTypeKey, TrendMarker, WeekPoint } from "@/lib/features/trends/data";
import type { ChartTable } from "./chart-frame";
import {
  formatNumber,
  formatSeconds,
  formatWeek,
  MARKER_STYLE,
  OKABE_ITO,
  type BarSeries,
  type ChartMarker,
  type LineSeries,
} from "./palette";

const TYPE_LOOK: Record<EpisodeTypeKey, Omit<BarSeries, "key" | "label">> = {
  TONIC: { color: OKABE_ITO.blue, pattern: "solid" },
  MYOCLONIC: { color: OKABE_ITO.orange, pattern: "diagonal" },
  CLONIC: { color: OKABE_ITO.sky, pattern: "dots" },
  TONIC_CLONIC: { color: OKABE_ITO.vermillion, pattern: "cross" },
  RLS: { color: OKABE_ITO.green, pattern: "horizontal" },
  UNCLASSIFIED: { color: OKABE_ITO.grey, pattern: "vertical" },
};

export const typeLabel = (k: EpisodeTypeKey) => (k === "UNCLASSIFIED" ? "Unclassified" : CLASSIFICATION_LABELS[k]);

/** The types that occur in the period (a fixed look per type, whichever appear). */
export function typeSeries(weeks: WeekPoint[]): BarSeries[] {
  const present = (Object.keys(TYPE_LOOK) as EpisodeTypeKey[]).filter((k) => weeks.some((w) => w.byType[k] > 0));
  return present.map((k) => ({ key: k, label: typeLabel(k), ...TYPE_LOOK[k] }));
}

const weekHeader = (w: { weekStart: string; partial: boolean }) => `${formatWeek(w.weekStart, true)}${w.partial ? " (partial)" : ""}`;

export function weeklyTypeRows(weeks: WeekPoint[]) {
  return weeks.map((w) => ({ weekStart: w.weekStart, partial: w.partial, total: w.total, ...w.byType }));
}

/** The chart's data as a table; a patient's also says how many of each week's episodes the patient sent from the diary. */
export function weeklyTypeTable(weeks: WeekPoint[], series: BarSeries[], caption: string, options: { fromDiary?: boolean } = {}): ChartTable {
  const keys = series.map((s) => s.key as EpisodeTypeKey);
  const diary = options.fromDiary === true;
  const sum = (f: (w: WeekPoint) => number) => weeks.reduce((s, w) => s + f(w), 0);
  return {
    caption,
    columns: ["Week starting", ...series.map((s) => s.label), "Total", ...(diary ? ["Of which from the patient's diary"] : [])],
    rows: weeks.map((w) => ({ header: weekHeader(w), cells: [...keys.map((k) => w.byType[k]), w.total, ...(diary ? [w.fromDiary] : [])] })),
    footer: {
      header: "Period",
      cells: [...keys.map((k) => sum((w) => w.byType[k])), sum((w) => w.total), ...(diary ? [sum((w) => w.fromDiary)] : [])],
    },
  };
}

export function chartMarkers(markers: TrendMarker[]): ChartMarker[] {
  const kind = { VISIT: "visit", MEDICATION_START: "start", MEDICATION_STOP: "stop" } as const;
  return markers.map((m) => ({
    x: m.weekStart,
    short: MARKER_STYLE[kind[m.kind]].symbol,
    title: `${m.date}: ${m.label}`,
    kind: kind[m.kind],
  }));
}

export const PAIN_LINES: LineSeries[] = [{ key: "painAvg", label: "Average pain", color: OKABE_ITO.blue, dash: "", shape: "circle" }];
export const PAIN_BAND = { lowKey: "painMin", highKey: "painMax", label: "Lowest to highest", color: OKABE_ITO.sky };

export function painRows(weeks: WeekPoint[]) {
  return weeks.map((w) => ({ weekStart: w.weekStart, partial: w.partial, painAvg: w.painAvg, painMin: w.painMin, painMax: w.painMax }));
}

export function painTable(weeks: WeekPoint[]): ChartTable {
  return {
    caption: "Pain score (0 to 10) per week",
    columns: ["Week starting", "Episodes with a score", "Average", "Lowest", "Highest"],
    rows: weeks.map((w) => ({
      header: weekHeader(w),
      cells: [w.painCount, formatNumber(w.painAvg), formatNumber(w.painMin), formatNumber(w.painMax)],
    })),
  };
}

export const DURATION_LINES: LineSeries[] = [
  { key: "durationAvg", label: "Average duration", color: OKABE_ITO.blue, dash: "", shape: "circle" },
  { key: "durationMax", label: "Longest", color: OKABE_ITO.vermillion, dash: "6 3", shape: "triangle" },
];

export function durationRows(weeks: WeekPoint[]) {
  return weeks.map((w) => ({ weekStart: w.weekStart, partial: w.partial, durationAvg: w.durationAvg, durationMax: w.durationMax }));
}

export function durationTable(weeks: WeekPoint[]): ChartTable {
  const s = (v: number | null) => (v === null ? "—" : formatSeconds(v));
  return {
    caption: "Episode duration per week",
    columns: ["Week starting", "Episodes", "Average", "Longest"],
    rows: weeks.map((w) => ({ header: weekHeader(w), cells: [w.total, s(w.durationAvg), s(w.durationMax)] })),
  };
}

export const SLEEP_SERIES: BarSeries[] = [
  { key: "awake", label: "Awake", color: OKABE_ITO.orange, pattern: "diagonal" },
  { key: "asleep", label: "Asleep", color: OKABE_ITO.blue, pattern: "solid" },
];

export function dayPartRows(parts: DayPartPoint[]) {
  return parts.map((p) => ({ label: DAY_PART_LABELS[p.part], awake: p.awake, asleep: p.asleep, total: p.awake + p.asleep }));
}

export function dayPartTable(parts: DayPartPoint[]): ChartTable {
  return {
    caption: "Episodes by time of day (clinic time) and sleep",
    columns: ["Time of day", "Awake", "Asleep", "Total"],
    rows: parts.map((p) => ({ header: DAY_PART_LABELS[p.part], cells: [p.awake, p.asleep, p.awake + p.asleep] })),
  };
}

export const COUNT_SERIES: BarSeries[] = [{ key: "count", label: "Episodes", color: OKABE_ITO.blue, pattern: "solid" }];

const LABELS = { side: SIDE_LABELS, muscle: MUSCLE_GROUP_LABELS, trigger: TRIGGER_LABELS } as const;

export function countRows<K extends string>(items: CountItem<K>[], kind: keyof typeof LABELS) {
  const labels = LABELS[kind] as Record<string, string>;
  return items.map((i) => ({ label: labels[i.key] ?? i.key, count: i.count }));
}

export function countTable<K extends string>(
  items: CountItem<K>[],
  kind: keyof typeof LABELS,
  caption: string,
  column: string,
): ChartTable {
  return { caption, columns: [column, "Episodes"], rows: countRows(items, kind).map((r) => ({ header: r.label, cells: [r.count] })) };
}
