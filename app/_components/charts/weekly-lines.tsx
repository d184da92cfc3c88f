"use client";

import { Area, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from "recharts";
import { markerLines, WeekTooltip } from "./chart-kit";
import { formatNumber, formatSeconds, formatWeek, type BandSeries, type ChartMarker, type LineSeries } from "./palette";

export interface WeeklyLinesProps {
  /** One point per week: `weekStart`, `partial` and the series' fields (null where there is no value). */
  data: Record<string, string | number | boolean | null>[];
  lines: LineSeries[];
  band?: BandSeries;
  markers?: ChartMarker[];
  /** What the vertical axis measures (for the chart description). */
  yLabel: string;
  /** The y axis domain, e.g. [0, 10] for pain scores. */
  domain?: [number, number];
  /** How values read on the axis and in the tooltip. */
  valueFormat?: "number" | "seconds";
}

function formatValue(kind: "number" | "seconds", v: number): string {
  return kind === "seconds" ? formatSeconds(v) : formatNumber(v);
}

const SECOND_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

/** Round ticks for a duration axis (30 s, 1 min, 5 min, ...), at most about five. */
function secondTicks(max: number): number[] {
  const step = SECOND_STEPS.find((s) => max / s <= 5) ?? 21600;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/** Weekly values as lines (each its own dash and marker shape), optionally over a low-high band. */
export function WeeklyLines({ data, lines, band, markers, yLabel, domain, valueFormat = "number" }: WeeklyLinesProps) {
  const colors = Object.fromEntries([
    ...lines.map((l) => [l.key, l.color]),
    ...(band ? [[`${band.lowKey}:${band.highKey}`, band.color]] : []),
  ]);
  const bandKey = band ? `${band.lowKey}:${band.highKey}` : "";
  const rows = band ? data.map((d) => ({ ...d, [bandKey]: d[band.lowKey] === null ? null : [d[band.lowKey], d[band.highKey]] })) : data;
  const max = Math.max(0, ...data.flatMap((d) => [...lines.map((l) => Number(d[l.key] ?? 0)), band ? Number(d[band.highKey] ?? 0) : 0]));
  const ticks = valueFormat === "seconds" ? secondTicks(max) : undefined;
  const format = (key: string, value: unknown) => {
    if (value === null || value === undefined) return "no value";
    if (Array.isArray(value)) return `${formatValue(valueFormat, Number(value[0]))} to ${formatValue(valueFormat, Number(value[1]))}`;
    return formatValue(valueFormat, Number(value));
  };
  return (
    <ComposedChart
      responsive
      data={rows}
      desc={`Weeks across, ${yLabel.toLowerCase()} up. The table view lists every value.`}
      style={{ width: "100%", height: 300 }}
      margin={{ top: 24, right: 16, bottom: 4, left: 0 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="weekStart" tickFormatter={(w: string) => formatWeek(w)} minTickGap={12} />
      <YAxis
        width={68}
        domain={domain ?? (ticks ? [0, ticks[ticks.length - 1]] : [0, "auto"])}
        ticks={ticks}
        allowDecimals={valueFormat === "number"}
        tickFormatter={(v: number) => formatValue(valueFormat, v)}
      />
      <Tooltip content={(props) => <WeekTooltip {...props} format={format} markers={markers} colors={colors} />} />
      <Legend itemSorter={null} />
      {band && (
        <Area
          dataKey={bandKey}
          name={band.label}
          fill={band.color}
          fillOpacity={0.18}
          stroke={band.color}
          strokeOpacity={0.5}
          strokeDasharray="1 3"
          legendType="rect"
          connectNulls={false}
          isAnimationActive={false}
        />
      )}
      {lines.map((l) => (
        <Line
          key={l.key}
          dataKey={l.key}
          name={l.label}
          stroke={l.color}
          strokeWidth={2.2}
          strokeDasharray={l.dash || undefined}
          dot={{ symbol: l.shape, r: 5, fill: l.color, stroke: "#ffffff", strokeWidth: 1 }}
          activeDot={{ r: 7 }}
          legendType={l.shape}
          connectNulls
          isAnimationActive={false}
        />
      ))}
      {markerLines(markers)}
    </ComposedChart>
  );
}
