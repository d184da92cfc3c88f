"use client";

import { useId } from "react";
import { ReferenceLine, type TooltipContentProps } from "recharts";
import { formatWeek, MARKER_STYLE, type BarSeries, type ChartMarker, type PatternName } from "./palette";
import styles from "./charts.module.css";

/** A prefix for SVG ids that is valid inside url(#...) (React's ids contain other characters). */
export function useSvgId(): string {
  return `c${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
}

export const patternId = (prefix: string, key: string) => `${prefix}-${key}`;

function PatternMarks({ name }: { name: PatternName }) {
  const ink = { stroke: "#ffffff", strokeWidth: 1.6, strokeOpacity: 0.85 };
  switch (name) {
    case "diagonal":
      return <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" {...ink} />;
    case "reverse":
      return <path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" {...ink} />;
    case "horizontal":
      return <path d="M0,2 h8 M0,6 h8" {...ink} />;
    case "vertical":
      return <path d="M2,0 v8 M6,0 v8" {...ink} />;
    case "cross":
      return <path d="M0,0 l8,8 M8,0 l-8,8" {...ink} />;
    case "dots":
      return (
        <g fill="#ffffff" fillOpacity={0.9}>
          <circle cx="2" cy="2" r="1.3" />
          <circle cx="6" cy="6" r="1.3" />
        </g>
      );
    default:
      return null;
  }
}

/** One <pattern> per series: its colour with white marks, so series differ without colour too. */
export function PatternDefs({ prefix, series }: { prefix: string; series: BarSeries[] }) {
  return (
    <defs>
      {series.map((s) => (
        <pattern key={s.key} id={patternId(prefix, s.key)} width="8" height="8" patternUnits="userSpaceOnUse">
          <rect width="8" height="8" fill={s.color} />
          <PatternMarks name={s.pattern} />
        </pattern>
      ))}
    </defs>
  );
}

/** Vertical lines for visits and medication changes; one line per week, its symbols side by side. */
export function markerLines(markers: ChartMarker[] | undefined) {
  const byWeek = new Map<string, ChartMarker[]>();
  for (const m of markers ?? []) byWeek.set(m.x, [...(byWeek.get(m.x) ?? []), m]);
  return [...byWeek].map(([x, ms]) => {
    const style = MARKER_STYLE[ms.some((m) => m.kind === "stop") ? "stop" : ms.some((m) => m.kind === "start") ? "start" : "visit"];
    return (
      <ReferenceLine
        key={`marker-${x}`}
        x={x}
        stroke={style.color}
        strokeDasharray={style.dash || undefined}
        strokeWidth={1.5}
        ifOverflow="extendDomain"
        label={{ value: ms.map((m) => m.short).join(" "), position: "top", fill: "#1a1f24", fontSize: 12 }}
      />
    );
  });
}

type Row = Record<string, unknown>;

/** Tooltip for weekly charts: the week, each value exactly, and the markers of that week. */
export function WeekTooltip({
  active,
  payload,
  label,
  format,
  totalKey,
  markers,
  colors,
}: Partial<TooltipContentProps> & {
  format: (key: string, value: unknown) => string;
  totalKey?: string;
  markers?: ChartMarker[];
  /** Each series' plain colour (a bar's fill is a pattern, which cannot paint a swatch). */
  colors: Record<string, string>;
}) {
  if (!active || !payload?.length) return null;
  const row = payload[0].payload as Row;
  const week = String(label ?? row.weekStart);
  const notes = (markers ?? []).filter((m) => m.x === week);
  return (
    <div className={styles.tooltip}>
      <p className={styles.tooltipTitle}>
        Week of {formatWeek(week, true)}
        {row.partial ? " (partly in the period)" : ""}
      </p>
      <ul>
        {payload.map((p) => (
          <li key={String(p.dataKey)}>
            <span className={styles.swatch} style={{ background: colors[String(p.dataKey)] ?? p.color }} aria-hidden="true" /> {p.name}:{" "}
            <strong>{format(String(p.dataKey), p.value)}</strong>
          </li>
        ))}
        {totalKey && (
          <li>
            Total: <strong>{format(totalKey, row[totalKey])}</strong>
          </li>
        )}
      </ul>
      {notes.length > 0 && (
        <ul className={styles.tooltipNotes}>
          {notes.map((m, i) => (
            <li key={i}>{m.title}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
