import Link from "next/link";
import { TREND_PARAMS, TREND_PERIOD_LABELS, TREND_PERIODS, type TrendPeriod } from "@/lib/features/trends/schema";
import { errorProps, FieldError } from "./field";
import styles from "./charts/charts.module.css";

/**
 * Links for the preset periods and a GET form for a custom one. The period lives in the URL, so
 * every view can be bookmarked and shared; other parameters of the page are kept.
 */
export function PeriodPicker({
  basePath,
  anchor = "",
  keep,
  current,
  values,
  errors,
  idPrefix,
}: {
  basePath: string;
  anchor?: string;
  /** Other search parameters of the page, carried along unchanged. */
  keep: Record<string, string>;
  current: TrendPeriod;
  /** What the custom form shows (the resolved period, or what was typed when it was refused). */
  values: { from: string; to: string };
  errors: Record<string, string>;
  idPrefix: string;
}) {
  const href = (period: TrendPeriod) =>
    `${basePath}?${new URLSearchParams({ ...keep, [TREND_PARAMS.period]: period }).toString()}${anchor}`;
  const fromId = `${idPrefix}-from`;
  const toId = `${idPrefix}-to`;
  return (
    <div className={styles.periods}>
      <nav aria-label="Period">
        <ul className={styles.periodLinks}>
          {TREND_PERIODS.filter((p) => p !== "custom").map((p) => (
            <li key={p}>
              <Link className="btn secondary small" href={href(p)} aria-current={current === p ? "page" : undefined}>
                {TREND_PERIOD_LABELS[p]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <form className={styles.customForm} action={`${basePath}${anchor}`} method="get" aria-label="Custom period">
        {Object.entries(keep).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <input type="hidden" name={TREND_PARAMS.period} value="custom" />
        <div>
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId}
            name={TREND_PARAMS.from}
            type="date"
            defaultValue={values.from}
            required
            {...errorProps(fromId, errors[TREND_PARAMS.from])}
          />
          <FieldError id={fromId} error={errors[TREND_PARAMS.from]} />
        </div>
        <div>
          <label htmlFor={toId}>To</label>
          <input
            id={toId}
            name={TREND_PARAMS.to}
            type="date"
            defaultValue={values.to}
            required
            {...errorProps(toId, errors[TREND_PARAMS.to])}
          />
          <FieldError id={toId} error={errors[TREND_PARAMS.to]} />
        </div>
        <button className={`btn ${current === "custom" ? "" : "secondary"} small`} type="submit">
          Show custom period
        </button>
      </form>
    </div>
  );
}
