import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import type { Actor } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { RED_FLAG_CODES, RED_FLAG_LABELS } from "@/lib/core/clinical/red-flags";
import { listNeedsAttention } from "@/lib/features/attention/data";
import { getSuggestedCauses } from "@/lib/features/trends/data";
import { loadDashboard } from "@/lib/features/trends/loaders";
import { DEFAULT_TREND_PERIOD, TREND_PARAMS, TREND_PERIOD_LABELS } from "@/lib/features/trends/schema";
import { ChartFrame } from "@/app/_components/charts/chart-frame";
import { CategoryBars, WeeklyStackedBars } from "@/app/_components/charts/lazy";
import { typeSeries, weeklyTypeRows, weeklyTypeTable } from "@/app/_components/charts/episode-series";
import { formatWeek, OKABE_ITO, type BarSeries } from "@/app/_components/charts/palette";
import styles from "@/app/_components/charts/charts.module.css";
import { PeriodPicker } from "@/app/_components/period-picker";
import { loadPatientsToSeeFirst } from "@/lib/features/patients/list";
import { PatientTable } from "@/app/patients/patient-table";

export const metadata: Metadata = { title: "Clinic dashboard" };

const PATIENT_SERIES: BarSeries[] = [{ key: "count", label: "New patients", color: OKABE_ITO.green, pattern: "solid" }];
const CAUSE_SERIES: BarSeries[] = [{ key: "patients", label: "Patients", color: OKABE_ITO.purple, pattern: "solid" }];

/** Patients with active red flags: each patient's stored answer of the rules over the last 30 days (streamed in). */
async function RedFlagCount({ actor }: { actor: Actor }) {
  const { withRedFlags, patientsByFlag } = await listNeedsAttention(actor, new Date(), 0);
  const byFlag = RED_FLAG_CODES.map((code) => ({ code, patients: patientsByFlag[code] })).filter((f) => f.patients > 0);
  return (
    <>
      <p className={styles.kpiValue}>{withRedFlags.toLocaleString("en-US")}</p>
      <p className={styles.kpiLabel}>
        <Link href="/attention">Patients with active red flags</Link> (last 30 days)
      </p>
      {byFlag.length > 0 && (
        <ul className="tight small" aria-label="Patients by red flag">
          {byFlag.map((f) => (
            <li key={f.code}>
              {RED_FLAG_LABELS[f.code]}: {f.patients}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The ten patients the triage list puts first: the most urgent red flag, then the most episodes awaiting review (streamed in). */
async function PatientsToSeeFirst({ actor }: { actor: Actor }) {
  const page = await loadPatientsToSeeFirst(actor);
  return (
    <PatientTable
      rows={page.items}
      now={page.asOf}
      showClinic={page.clinics.length > 1}
      compact
      caption="Patients to see first: the most urgent red flag first, then the most episodes awaiting review"
      empty="No patient has a red flag or an episode awaiting review."
    />
  );
}

/** The checklist causes most often suggested (streamed in: the rules run per patient). */
async function SuggestedCauses({ actor }: { actor: Actor }) {
  const c = await getSuggestedCauses(actor);
  return (
    <ChartFrame
      id="suggested-causes"
      title="Most frequently suggested causes"
      description={
        c.patientsActive > c.patientsChecked
          ? `Checklist suggestions for the ${c.patientsChecked} patients with the most recent episodes (of ${c.patientsActive} with episodes in the last ${c.windowDays} days).`
          : `Checklist suggestions for the ${c.patientsChecked} patients with episodes in the last ${c.windowDays} days.`
      }
      empty={c.causes.length === 0}
      emptyText="No cause is suggested for the recently active patients."
      table={{
        caption: "Patients for whom each cause is suggested",
        columns: ["Cause", "Patients"],
        rows: c.causes.map((x) => ({ header: x.label, cells: [x.patients] })),
      }}
    >
      <CategoryBars
        data={c.causes.slice(0, 10).map((x) => ({ label: x.label, patients: x.patients }))}
        series={CAUSE_SERIES}
        valueLabel="Patients"
        labelWidth={300}
      />
    </ChartFrame>
  );
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor();
  const { dashboard: d, picked, errors } = await loadDashboard(actor, await searchParams);
  const refused = Object.keys(errors).length > 0;
  const types = typeSeries(d.weeks);
  const range = `${d.period.from} to ${d.period.to}`;
  const zones = [...new Set(d.clinics.map((c) => c.timeZone))].join(", ");
  return (
    <>
      <h1>Clinic dashboard</h1>
      <p className="muted">
        {d.clinics.map((c) => c.name).join(", ") || "No clinic"} · weeks start on Monday in each clinic&apos;s time zone ({zones || "UTC"})
      </p>
      <div className={styles.kpis}>
        <div className={styles.kpi} data-testid="kpi-red-flags" aria-live="polite">
          <Suspense fallback={<p className={styles.kpiLabel}>Checking red flags…</p>}>
            <RedFlagCount actor={actor} />
          </Suspense>
        </div>
        <div className={styles.kpi} data-testid="kpi-review">
          <p className={styles.kpiValue}>{d.awaitingReview}</p>
          <p className={styles.kpiLabel}>
            <Link href="/review">Episodes awaiting review</Link>
          </p>
        </div>
        <div className={styles.kpi} data-testid="kpi-episodes">
          <p className={styles.kpiValue}>{d.episodesInPeriod}</p>
          <p className={styles.kpiLabel}>Episodes in the period</p>
        </div>
        <div className={styles.kpi} data-testid="kpi-new-patients">
          <p className={styles.kpiValue}>{d.newPatientsInPeriod}</p>
          <p className={styles.kpiLabel}>New patients in the period</p>
        </div>
      </div>
      <h2 id="see-first">Patients to see first</h2>
      <p className="muted">
        Red flags of the last 30 days, most urgent first, then episodes awaiting review.{" "}
        <Link href="/patients?sort=urgency&dir=desc">All patients by urgency</Link>
      </p>
      <Suspense fallback={<p className="muted">Reading the patient list…</p>}>
        <PatientsToSeeFirst actor={actor} />
      </Suspense>
      <h2>Over time</h2>
      <PeriodPicker
        basePath="/dashboard"
        keep={{}}
        current={d.period.period}
        values={{ from: picked[TREND_PARAMS.from] ?? d.period.from, to: picked[TREND_PARAMS.to] ?? d.period.to }}
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
        {TREND_PERIOD_LABELS[d.period.period]}: {range} ({d.period.days} days)
      </p>
      <div className={styles.grid}>
        <ChartFrame
          id="clinic-episodes-per-week"
          title="Episodes per week, by type"
          description="Type is the clinician's label, else the system's suggestion."
          empty={d.episodesInPeriod === 0}
          table={weeklyTypeTable(d.weeks, types, `Episodes per week by type, all your clinics, ${range}`)}
        >
          <WeeklyStackedBars data={weeklyTypeRows(d.weeks)} series={types} yLabel="Episodes" unit="episodes" />
        </ChartFrame>
        <ChartFrame
          id="new-patients"
          title="New patients per week"
          empty={d.newPatientsInPeriod === 0}
          emptyText="No new patients in this period."
          table={{
            caption: `New patients per week, ${range}`,
            columns: ["Week starting", "New patients"],
            rows: d.newPatients.map((w) => ({
              header: `${formatWeek(w.weekStart, true)}${w.partial ? " (partial)" : ""}`,
              cells: [w.count],
            })),
          }}
        >
          <WeeklyStackedBars
            data={d.newPatients.map((w) => ({ weekStart: w.weekStart, partial: w.partial, count: w.count, total: w.count }))}
            series={PATIENT_SERIES}
            yLabel="Patients"
            unit="patients"
          />
        </ChartFrame>
      </div>
      <h2>Likely causes</h2>
      <div className={styles.grid}>
        <Suspense fallback={<p className="muted">Running the checklist rules…</p>}>
          <SuggestedCauses actor={actor} />
        </Suspense>
      </div>
    </>
  );
}
