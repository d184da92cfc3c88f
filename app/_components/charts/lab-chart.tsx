"use client";
/**
 * One measure over time (a lab analyte, temperature or weight): the values as a line over the
 * reference range shaded, and each value outside the range drawn as a triangle (down for low, up
 * for high) with its letter L or H, so colour is not the only cue. The server writes every text.
 *
 * recharts is imported when a chart is drawn, as the charts of lazy.tsx are, so it stays out of
 * the first load of every page.
 */
import dynamic from "next/dynamic";
import type { DotItemDotProps, TooltipContentProps } from "recharts";
import { OKABE_ITO } from "./palette";
import styles from "./charts.module.css";

export interface LabChartPoint {
  /** When taken, in milliseconds since 1970: the x axis is time, so uneven gaps between visits show. */
  at: number;
  /** In the chart's unit. */
  value: number;
  flag: "L" | "H" | null;
  /** The local date, for the axis ("12 Mar 2026"). */
  day: string;
  /** The tooltip's lines: when, and the value with its unit and flag in words. */
  when: string;
  text: string;
}

export interface LabChartProps {
  /** The SVG's accessible name and description. */
  title: string;
  description: string;
  /** The unit of the values and of the reference range, shown on the vertical axis. */
  unit: string;
  points: LabChartPoint[];
  /** In the chart's unit; a null bound is open, and the band runs to the chart's edge. */
  reference: { low: number | null; high: number | null };
}

const LOOK = { line: OKABE_ITO.blue, flagged: OKABE_ITO.vermillion, band: OKABE_ITO.green } as const;
const DAY_MS = 24 * 3600 * 1000;
// A small chart has room for about three dates ("21 May 2026") across.
const MAX_TICKS = 3;

/** The first, middle and last dates (the points' own, so each label is a real date). */
function tickPoints(points: LabChartPoint[]): LabChartPoint[] {
  if (points.length <= MAX_TICKS) return points;
  return [points[0], points[Math.floor((points.length - 1) / 2)], points[points.length - 1]];
}

/** Room either side of the first and last date for their labels (two weeks around a single one). */
function timeDomain(points: LabChartPoint[]): [number, number] {
  const first = points[0].at;
  const last = points[points.length - 1].at;
  const pad = last > first ? (last - first) * 0.14 : 14 * DAY_MS;
  return [first - pad, last + pad];
}

/**
 * Round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) over the values and the range's
 * bounds, with a little room so a marked point clears the edge.
 */
function valueAxis(points: LabChartPoint[], reference: LabChartProps["reference"]): { ticks: number[]; decimals: number } {
  const values = [...points.map((p) => p.value), ...[reference.low, reference.high].filter((b): b is number => b !== null)];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || Math.abs(max) * 0.1 || 1;
  const raw = (span * 1.1) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / power === 2.5 ? 1 : 0));
  const lo = Math.floor((min - span * 0.05) / step);
  const hi = Math.ceil((max + span * 0.05) / step);
  return { ticks: Array.from({ length: hi - lo + 1 }, (_, i) => Number(((lo + i) * step).toFixed(decimals))), decimals };
}

function PointDot({ cx, cy, payload }: DotItemDotProps) {
  if (cx == null || cy == null) return null;
  const p = payload as LabChartPoint;
  if (!p.flag) return <circle cx={cx} cy={cy} r={4} fill={LOOK.line} />;
  const s = 7;
  const tip = p.flag === "H" ? -s : s;
  return (
    <g>
      <path d={`M${cx},${cy + tip} L${cx + s},${cy - tip * 0.8} L${cx - s},${cy - tip * 0.8} Z`} fill={LOOK.flagged} />
      <text x={cx + 10} y={cy + 4} fontSize={13} fontWeight={700} fill="currentColor">
        {p.flag}
      </text>
    </g>
  );
}

function PointTooltip({ active, payload }: Partial<TooltipContentProps>) {
  if (!active || !payload?.length) return null;
  const p = payload[0].payload as LabChartPoint;
  return (
    <div className={styles.tooltip}>
      <p className={styles.tooltipTitle}>{p.when}</p>
      <p style={{ margin: 0 }}>{p.text}</p>
    </div>
  );
}

const placeholder = () => <div aria-hidden="true" style={{ minHeight: 220 }} />;

export const LabChart = dynamic(
  () =>
    import("recharts").then(({ CartesianGrid, ComposedChart, Line, ReferenceArea, Tooltip, XAxis, YAxis }) => {
      function LabChart({ title, description, unit, points, reference }: LabChartProps) {
        const ticks = tickPoints(points);
        const dayOf = new Map(ticks.map((p) => [p.at, p.day]));
        const banded = reference.low !== null || reference.high !== null;
        const y = valueAxis(points, reference);
        return (
          <ComposedChart
            responsive
            data={points}
            title={title}
            desc={description}
            style={{ width: "100%", height: 220 }}
            margin={{ top: 14, right: 22, bottom: 4, left: 4 }}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            {/* An open bound leaves that end of the band undefined: recharts then runs it to the edge. */}
            {banded && (
              <ReferenceArea
                y1={reference.high ?? undefined}
                y2={reference.low ?? undefined}
                fill={LOOK.band}
                fillOpacity={0.16}
              />
            )}
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={timeDomain(points)}
              ticks={ticks.map((p) => p.at)}
              tickFormatter={(at: number) => dayOf.get(at) ?? ""}
              interval="preserveStartEnd"
              minTickGap={8}
            />
            <YAxis
              width={62}
              domain={[y.ticks[0], y.ticks[y.ticks.length - 1]]}
              ticks={y.ticks}
              tickFormatter={(v: number) => v.toFixed(y.decimals)}
              label={{ value: unit, angle: -90, position: "insideLeft", style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props) => <PointTooltip {...props} />} />
            <Line
              dataKey="value"
              name={unit}
              stroke={LOOK.line}
              strokeWidth={2}
              dot={PointDot}
              activeDot={{ r: 6 }}
              isAnimationActive={false}
            />
          </ComposedChart>
        );
      }
      return LabChart;
    }),
  { ssr: false, loading: placeholder },
);
