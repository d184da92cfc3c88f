import type { WeeklyCount } from "@/lib/features/patients/chart-data";

const WIDTH = 240;
const HEIGHT = 48;
const PAD = 4;

/**
 * Episodes per week as a tiny inline SVG (no chart library on the Overview), with the counts in
 * words for screen readers and a table behind a disclosure.
 */
export function WeeklySparkline({ weeks, title }: { weeks: WeeklyCount[]; title: string }) {
  const max = Math.max(1, ...weeks.map((w) => w.count));
  const step = weeks.length > 1 ? (WIDTH - 2 * PAD) / (weeks.length - 1) : 0;
  const points = weeks.map((w, i) => [PAD + i * step, HEIGHT - PAD - (w.count / max) * (HEIGHT - 2 * PAD)] as const);
  const path = points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`).join(" ");
  const last = points[points.length - 1];
  return (
    <svg className="sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={title}>
      <path d={path} fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
      {last && <circle cx={last[0]} cy={last[1]} r="3" fill="currentColor" />}
    </svg>
  );
}
