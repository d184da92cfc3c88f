"use client";

import { Bar, BarChart, Rectangle, CartesianGrid, LabelList, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { BarShapeProps } from "recharts";
import { PatternDefs, patternId, useSvgId } from "./chart-kit";
import type { BarSeries } from "./palette";

export interface CategoryBarsProps {
  /** One row per category: `label` and a count per series key. */
  data: Record<string, string | number>[];
  series: BarSeries[];
  /** Stack the series (one bar per category) rather than put them side by side. */
  stacked?: boolean;
  valueLabel: string;
  /** Room for the category names, in pixels. */
  labelWidth?: number;
}

/** Horizontal bars per category, each bar labelled with its count. */
export function CategoryBars({ data, series, stacked, valueLabel, labelWidth = 130 }: CategoryBarsProps) {
  const prefix = useSvgId();
  const barSize = stacked || series.length === 1 ? 22 : 14;
  const height = Math.max(140, data.length * (stacked || series.length === 1 ? 38 : 26 * series.length + 12) + 70);
  return (
    <BarChart responsive layout="vertical" data={data} style={{ width: "100%", height }} margin={{ top: 4, right: 40, bottom: 4, left: 4 }}>
      <PatternDefs prefix={prefix} series={series} />
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} label={{ value: valueLabel, position: "insideBottomRight", offset: -2 }} height={40} />
      <YAxis type="category" dataKey="label" width={labelWidth} />
      <Tooltip formatter={(value) => `${Number(value)} ${valueLabel.toLowerCase()}`} />
      <Legend itemSorter={null} />
      {series.map((s, i) => (
        <Bar
          key={s.key}
          dataKey={s.key}
          name={s.label}
          stackId={stacked ? "stack" : undefined}
          barSize={barSize}
          fill={`url(#${patternId(prefix, s.key)})`}
          stroke="#1a1f24"
          strokeWidth={0.6}
          isAnimationActive={false}
          // A custom shape keeps zero-length bars, so their direct label (0, or the total) still shows.
          shape={(props: BarShapeProps) => <Rectangle {...props} />}
        >
          {(!stacked || i === series.length - 1) && (
            <LabelList dataKey={stacked ? "total" : s.key} position="right" fill="#1a1f24" formatter={(v: unknown) => String(v ?? 0)} />
          )}
        </Bar>
      ))}
    </BarChart>
  );
}
