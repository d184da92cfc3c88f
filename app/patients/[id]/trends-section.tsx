import type { TrendsSectionData } from "@/lib/features/trends/loaders";
import { DEFAULT_TREND_PERIOD, TREND_PARAMS, TREND_PERIOD_LABELS } from "@/lib/features/trends/schema";
import { ChartFrame } from "@/app/_components/charts/chart-frame";
import { CategoryBars, WeeklyLines, WeeklyStackedBars } from "@/app/_components/charts/lazy";
import {
  chartMarkers,
  COUNT_SERIES,
  countRows,
  countTable,
  dayPartRows,
  dayPartTable,
  DURATION_LINES,
  durationRows,
  durationTable,
  PAIN_BAND,
  PAIN_LINES,
  painRows,
  painTable,
  SLEEP_SERIES,
  typeSeries,
  weeklyTypeRows,
  weeklyTypeTable,
} from "@/app/_components/charts/episode-series";
import { MARKER_STYLE, type ChartMarker } from "@/app/_components/charts/palette";
import styles from "@/app/_components/charts/charts.module.css";
import { PeriodPicker } from "@/app/_components/period-picker";

type SearchParams = Record<string, string | string[] | undefined>;

/** The page's other parameters, kept on period links (not the one-off "saved" notice). */
function otherParams(searchParams: SearchParams): Record<string, string> {
  const trendKeys = new Set<string>(Object.values(TREND_PARAMS));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(searchParams)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value && !trendKeys.has(k) && k !== "saved") out[k] = value;
  }
  return out;
}

function MarkerList({ markers }: { markers: ChartMarker[] }) {
  if (!markers.length) return null;
  return (
    <ul className={styles.markers} aria-label="Visits and medication changes on the weekly charts">
      {markers.map((m, i) => (
        <li key={i}>
          <span className={styles.markerSymbol} style={{ color: MARKER_STYLE[m.kind].color }} aria-hidden="true">
            {m.short}
          </span>
          {m.title}
        </li>
      ))}
    </ul>
  );
}

/** A patient's trends; `basePath` is the page it sits on, for the period links. */
export function TrendsSection({
  data,
  searchParams,
  basePath,
}: {
  data: TrendsSectionData;
  searchParams: SearchParams;
  basePath: string;
}) {
  const { trends: t, picked, errors } = data;
  const refused = Object.keys(errors).length > 0;
  const markers = chartMarkers(t.markers);
  const types = typeSeries(t.weeks);
  const diaryTotal = t.weeks.reduce((sum, w) => sum + w.fromDiary, 0);
  const empty = t.total === 0;
  const noPain = t.weeks.every((w) => w.painCount === 0);
  const range = `${t.period.from} to ${t.period.to}`;
  return (
    <section id="trends" aria-labelledby="trends-title">
      <h2 id="trends-title">Trends</h2>
      <PeriodPicker
        basePath={basePath}
        anchor="#trends"
        keep={otherParams(searchParams)}
        current={t.period.period}
        values={{ from: picked[TREND_PARAMS.from] ?? t.period.from, to: picked[TREND_PARAMS.to] ?? t.period.to }}
        errors={errors}
        idPrefix="trend-period"
      />
      {refused && (
        <p className="alert error" role="alert">
          That period cannot be shown: {Object.values(errors).join("; ")}. Showing the last {TREND_PERIOD_LABELS[DEFAULT_TREND_PERIOD]}{" "}
          instead.
        </p>
      )}
      <p className="muted" data-testid="trends-summary">
        {TREND_PERIOD_LABELS[t.period.period]}: {range} ({t.period.days} days) · <strong data-testid="trends-total">{t.total}</strong>{" "}
        episode
        {t.total === 1 ? "" : "s"}
        {diaryTotal > 0 && ` (${diaryTotal} reported by the patient from the diary)`} · weeks start on Monday, times in {t.timeZone}
      </p>
      <div className={styles.grid}>
        <ChartFrame
          id="episodes-per-week"
          title="Episodes per week, by type"
          description="Type is the clinician's label, else the system's suggestion. Lines mark visits (V) and medication starts (▲) and stops (▼)."
          empty={empty}
          table={weeklyTypeTable(t.weeks, types, `Episodes per week by type, ${range}`, { fromDiary: true })}
          after={<MarkerList markers={markers} />}
        >
          <WeeklyStackedBars data={weeklyTypeRows(t.weeks)} series={types} markers={markers} yLabel="Episodes" unit="episodes" />
        </ChartFrame>
        <ChartFrame
          id="pain"
          title="Pain score per week"
          description="Average of the episodes with a score (0 to 10), with the lowest to highest score as a band."
          empty={empty || noPain}
          emptyText={empty ? "No episodes in this period." : "No pain scores recorded in this period."}
          table={painTable(t.weeks)}
        >
          <WeeklyLines data={painRows(t.weeks)} lines={PAIN_LINES} band={PAIN_BAND} markers={markers} yLabel="Pain" domain={[0, 10]} />
        </ChartFrame>
        <ChartFrame
          id="duration"
          title="Episode duration per week"
          description="Average and longest episode of each week."
          empty={empty}
          table={durationTable(t.weeks)}
        >
          <WeeklyLines data={durationRows(t.weeks)} lines={DURATION_LINES} markers={markers} yLabel="Duration" valueFormat="seconds" />
        </ChartFrame>
        <ChartFrame
          id="time-of-day"
          title="When episodes happen"
          description={`Time of day on the clinic's clock (${t.timeZone}), asleep or awake.`}
          empty={empty}
          table={dayPartTable(t.dayParts)}
        >
          <CategoryBars data={dayPartRows(t.dayParts)} series={SLEEP_SERIES} stacked valueLabel="Episodes" labelWidth={150} />
        </ChartFrame>
        <ChartFrame id="side" title="Side" empty={empty} table={countTable(t.sides, "side", "Episodes by side", "Side")}>
          <CategoryBars data={countRows(t.sides, "side")} series={COUNT_SERIES} valueLabel="Episodes" />
        </ChartFrame>
        <ChartFrame
          id="muscle"
          title="Muscle group"
          empty={empty}
          table={countTable(t.muscleGroups, "muscle", "Episodes by muscle group", "Muscle group")}
        >
          <CategoryBars data={countRows(t.muscleGroups, "muscle")} series={COUNT_SERIES} valueLabel="Episodes" />
        </ChartFrame>
        <ChartFrame
          id="triggers"
          title="Triggers"
          description="An episode with several triggers counts once for each."
          empty={empty}
          table={countTable(t.triggers, "trigger", "Episodes by trigger", "Trigger")}
        >
          <CategoryBars data={countRows(t.triggers, "trigger")} series={COUNT_SERIES} valueLabel="Episodes" />
        </ChartFrame>
      </div>
    </section>
  );
}
