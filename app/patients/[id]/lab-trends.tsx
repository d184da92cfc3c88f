import { formatInZone } from "@/lib/core/clinical/time";
import {
  defaultUnit,
  formatReferenceRange,
  formatValue,
  fromCanonical,
  otherSystemEquivalent,
  REFERENCE_FLAG_LABELS,
  UNIT_SYSTEM_LABELS,
  type ReferenceFlag,
  type UnitSystem,
} from "@/lib/core/clinical/units";
import type { LabTrendMeasure, LabTrendPoint, LabTrends as LabTrendsData, LabTrendSeries } from "@/lib/features/trends/data";
import { ChartFrame, type ChartTable } from "@/app/_components/charts/chart-frame";
import { LabChart, type LabChartPoint } from "@/app/_components/charts/lab-chart";

const DAY = new Map<string, Intl.DateTimeFormat>();
/** "12 Mar 2026" on the clinic's calendar, for the chart axis (one formatter per zone). */
function dayIn(at: Date, timeZone: string): string {
  let f = DAY.get(timeZone);
  if (!f) DAY.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, day: "numeric", month: "short", year: "numeric" })));
  return f.format(at);
}

/** The value in `unit`: as entered when it was entered in that unit (no round trip through the canonical one), else converted. */
function valueIn(measure: LabTrendMeasure, p: LabTrendPoint, unit: string): number {
  return p.enteredUnit === unit ? p.enteredValue : fromCanonical(measure, p.value, unit);
}

/** "1.6 mg/dL (0.66 mmol/L)": the value in the shown unit, and in the other system's (spec section 7). */
function valueText(measure: LabTrendMeasure, p: LabTrendPoint, unit: string): string {
  // A no-break space keeps each number with its unit in the narrow table.
  const text = (u: string) => formatValue(measure, valueIn(measure, p, u), u).replace(" ", "\u00a0");
  const other = otherSystemEquivalent(measure, p.value, unit);
  return other ? `${text(unit)} (${text(other.unit)})` : text(unit);
}

const flagWords = (flag: ReferenceFlag) => (flag ? REFERENCE_FLAG_LABELS[flag] : "In range");
const hasRange = (s: LabTrendSeries) => s.reference.low !== null || s.reference.high !== null;

function countsText(s: LabTrendSeries): string {
  const n = s.points.length;
  const low = s.points.filter((p) => p.flag === "L").length;
  const high = s.points.filter((p) => p.flag === "H").length;
  const flagged = [low && `${low} low`, high && `${high} high`].filter(Boolean).join(", ");
  return `${n} value${n === 1 ? "" : "s"}${flagged ? `, ${flagged}` : ""}`;
}

function SeriesChart({ s, unitSystem, timeZone }: { s: LabTrendSeries; unitSystem: UnitSystem; timeZone: string }) {
  const unit = defaultUnit(s.measure, unitSystem);
  const range = hasRange(s) ? formatReferenceRange(s.measure, unit) : "";
  const bound = (b: number | null) => (b === null ? null : fromCanonical(s.measure, b, unit));
  const points: LabChartPoint[] = s.points.map((p) => ({
    at: p.takenAt.getTime(),
    value: valueIn(s.measure, p, unit),
    flag: p.flag,
    day: dayIn(p.takenAt, timeZone),
    when: formatInZone(p.takenAt, timeZone),
    text: `${valueText(s.measure, p, unit)}${range ? `: ${flagWords(p.flag).toLowerCase()}` : ""}`,
  }));
  const description = range
    ? `Reference range ${range}, shaded. ${countsText(s)}.`
    : `No reference range. ${countsText(s)}.`;
  // The range is the same for every row, so the caption says it once (the charts are narrow).
  const table: ChartTable = {
    caption: `${s.label} (${unit}), oldest first. ${range ? `Reference range ${range}.` : "No reference range."}`,
    columns: range ? ["Date", "Value", "Flag"] : ["Date", "Value"],
    rows: s.points.map((p, i) => ({
      header: points[i].when,
      cells: range ? [valueText(s.measure, p, unit), flagWords(p.flag)] : [valueText(s.measure, p, unit)],
    })),
  };
  const title = `${s.label} (${unit})`;
  return (
    <ChartFrame id={`lab-${s.measure.toLowerCase().replaceAll("_", "-")}`} title={title} description={description} empty={false} table={table}>
      <LabChart
        title={title}
        description={`Dates across, ${s.label.toLowerCase()} in ${unit} up. ${description} Values outside the range are marked L (low) or H (high). The table view lists every value.`}
        unit={unit}
        points={points}
        reference={{ low: bound(s.reference.low), high: bound(s.reference.high) }}
      />
    </ChartFrame>
  );
}

/** A patient's lab results, temperature and weight over time, one small chart each, in the clinic's units. */
export function LabTrends({ data, unitSystem }: { data: LabTrendsData; unitSystem: UnitSystem }) {
  return (
    <section id="lab-trends" aria-labelledby="lab-trends-title">
      <h2 id="lab-trends-title">Lab trends</h2>
      {data.series.length === 0 ? (
        <p className="muted">No lab results, temperatures or weights recorded yet.</p>
      ) : (
        <>
          <p className="muted">
            Every value recorded at a visit, in {UNIT_SYSTEM_LABELS[unitSystem]}, times in {data.timeZone}. The shaded band is the
            reference range; a value below it is drawn ▼ and marked L, above it ▲ and marked H.
          </p>
          {/* Smaller than the episode charts: a chart per measure. */}
          <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 340px), 1fr))", gap: "1rem", marginBottom: "1rem" }}>
            {data.series.map((s) => (
              <SeriesChart key={s.measure} s={s} unitSystem={unitSystem} timeZone={data.timeZone} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
