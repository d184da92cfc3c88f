"use client";

import { Bar, BarChart, Rectangle, CartesianGrid, LabelList, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { BarShapeProps } from "recharts";
import { markerLines, PatternDefs, patternId, useSvgId, WeekTooltip } from "./chart-kit";
import { formatWeek, type BarSeries, type ChartMarker } from "./palette";

export interface WeeklyStackedBarsProps {
  /** One point per week: `weekStart`, `partial`, `total` and a number per series key. */
  data: Record<string, string | number | boolean | null>[];
  series: BarSeries[];
  markers?: ChartMarker[];
  /** What the vertical axis measures (for the chart description). */
  yLabel: string;
  /** What a unit is called in the tooltip, e.g. "episodes". */
  unit: string;
}

/** Weekly counts stacked by series (e.g. episode types), with the week's total above each bar. */
export function WeeklyStackedBars({ data, series, markers, yLabel, unit }: WeeklyStackedBarsProps) {
  const prefix = useSvgId();
  const showTotals = data.length <= 16;
  const colors = Object.fromEntries(series.map((s) => [s.key, s.color]));
  const format = (_key: string, value: unknown) => `${Number(value ?? 0)} ${unit}`;
  return (
    <BarChart
      responsive
      data={data}
      desc={`Weeks across, ${yLabel.toLowerCase()} up. The table view lists every value.`}
      style={{ width: "100%", height: 300 }}
      margin={{ top: 24, right: 16, bottom: 4, left: 0 }}
    >
      <PatternDefs prefix={prefix} series={series} />
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="weekStart" tickFormatter={(w: string) => formatWeek(w)} minTickGap={12} />
      <YAxis allowDecimals={false} width={44} />
      <Tooltip content={(props) => <WeekTooltip {...props} format={format} totalKey="total" markers={markers} colors={colors} />} />
      <Legend itemSorter={null} />
      {series.map((s, i) => (
        <Bar
          key={s.key}
          dataKey={s.key}
          name={s.label}
          stackId="stack"
          fill={`url(#${patternId(prefix, s.key)})`}
          stroke="#1a1f24"
          strokeWidth={0.6}
          isAnimationActive={false}
          // A custom shape keeps zero-length bars, so their direct label (0, or the total) still shows.
          shape={(props: BarShapeProps) => <Rectangle {...props} />}
        >
          {showTotals && i === series.length - 1 && (
            <LabelList dataKey="total" position="top" formatter={(v: unknown) => (Number(v) ? String(v) : "")} />
          )}
        </Bar>
      ))}
      {markerLines(markers)}
    </BarChart>
  );
}
