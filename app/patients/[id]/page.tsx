import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { CAUSES_BY_ID } from "@/lib/core/clinical/checklist";
import { formatDuration, RED_FLAG_LABELS, RED_FLAG_URGENCY, RED_FLAG_URGENCY_LABELS } from "@/lib/core/clinical/red-flags";
import { formatInZone } from "@/lib/core/clinical/time";
import { CHECKLIST_STATUS_LABELS, CLASSIFICATION_LABELS, SIDE_LABELS } from "@/lib/core/clinical/vocabulary";
import { loadPatientOverview } from "@/lib/features/patients/chart-loaders";
import { OVERVIEW_WEEKS } from "@/lib/features/patients/chart-data";
import { SavedNotice } from "./_chart/saved-notice";
import { WeeklySparkline } from "./_chart/sparkline";
import { ExamFindings, LabList, MeasuredValue } from "./visits/visit-values";

export const metadata: Metadata = { title: "Patient" };

const URGENCY_CLASS = { URGENT: "danger", HIGH: "warn", ROUTINE: "" } as const;
/** How many causes the Overview lists; the checklist tab has them all. */
const OVERVIEW_CAUSES = 6;

/** The chart's first tab: what needs attention, the latest visit and episodes, and the weekly trend. */
export default async function PatientOverviewPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const query = await searchParams;
  const actor = await requireActor();
  const { header: h, suggestions, lastEpisodes, weekly } = await pageData(loadPatientOverview(actor, id));
  // The suggested causes (marked or not), then the causes marked without a suggestion.
  const suggestedIds = new Set(suggestions.map((s) => s.causeId));
  const causes = [
    ...suggestions,
    ...h.checklistMarks
      .filter((m) => m.status !== "RULED_OUT" && !suggestedIds.has(m.causeId))
      .map((m) => ({ causeId: m.causeId, label: CAUSES_BY_ID[m.causeId].label, reason: "", reasonCount: 0, status: m.status })),
  ];
  const v = h.lastVisit;
  const tz = h.timeZone;
  const base = `/patients/${encodeURIComponent(h.id)}`;
  const weekTotal = weekly.reduce((s, w) => s + w.count, 0);
  const thisWeek = weekly[weekly.length - 1]?.count ?? 0;
  return (
    <>
      <SavedNotice saved={query.saved} />
      <h2 className="sr-only">Overview</h2>
      <div className="overview-grid">
        <section className="card" aria-labelledby="ov-flags">
          <h3 id="ov-flags" className="card-title">Red flags</h3>
          {h.redFlags.length === 0 ? (
            <p className="muted" data-testid="no-red-flags">No red flags in the last 30 days.</p>
          ) : (
            <ul className="tight overview-flags" data-testid="red-flags">
              {h.redFlags.map((code) => (
                <li key={code} data-code={code}>
                  <span className={`badge ${URGENCY_CLASS[RED_FLAG_URGENCY[code]]}`}>{RED_FLAG_URGENCY_LABELS[RED_FLAG_URGENCY[code]]}</span> {RED_FLAG_LABELS[code]}
                </li>
              ))}
            </ul>
          )}
          <p className="small"><Link href={`${base}/checklist`}>Evidence and advice, and the suggested causes</Link></p>
        </section>

        <section className="card" aria-labelledby="ov-checklist">
          <h3 id="ov-checklist" className="card-title">Checklist</h3>
          {causes.length === 0 ? (
            <p className="muted" data-testid="no-suggested-causes">Nothing in the record suggests a cause, and none is marked suspected or confirmed.</p>
          ) : (
            <ul className="tight overview-causes" data-testid="overview-causes">
              {causes.slice(0, OVERVIEW_CAUSES).map((c) => (
                <li key={c.causeId} data-cause={c.causeId}>
                  <span className={`badge ${c.status === "CONFIRMED" ? "danger" : c.status === "SUSPECTED" ? "warn" : ""}`}>{c.status ? CHECKLIST_STATUS_LABELS[c.status] : "Suggested"}</span>{" "}
                  {c.label}
                  {c.reason && (
                    <span className="muted small">
                      {" "}({c.reason}{c.reasonCount > 1 ? `, and ${c.reasonCount - 1} more` : ""})
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          <p className="small">
            {causes.length > OVERVIEW_CAUSES && `${causes.length - OVERVIEW_CAUSES} more. `}
            <Link href={`${base}/checklist`}>The differential checklist, with every reason</Link>
          </p>
        </section>

        <section className="card" aria-labelledby="ov-trend">
          <h3 id="ov-trend" className="card-title">Episodes per week</h3>
          <WeeklySparkline weeks={weekly} title={`Episodes per week over the last ${OVERVIEW_WEEKS} weeks, oldest first: ${weekly.map((w) => w.count).join(", ")}`} />
          <p className="small">
            {weekTotal} in the last {OVERVIEW_WEEKS} weeks, {thisWeek} this week. <Link href={`${base}/trends`}>Trends</Link>
          </p>
        </section>

        <section className="card" aria-labelledby="ov-visit">
          <h3 id="ov-visit" className="card-title">Last visit</h3>
          {v ? (
            <>
              <p><Link href={`${base}/visits/${v.id}`}>{formatInZone(v.occurredAt, tz)}</Link></p>
              <dl className="facts">
                <dt>Blood pressure</dt><dd>{v.systolic ? `${v.systolic}/${v.diastolic} mmHg` : "—"}</dd>
                <dt>Weight</dt><dd>{v.weightKg === null ? "—" : <MeasuredValue measure="WEIGHT" canonical={v.weightKg} entered={v.weightEntered} system={h.unitSystem} />}</dd>
                <dt>Temperature</dt><dd>{v.temperatureC === null ? "—" : <MeasuredValue measure="TEMPERATURE" canonical={v.temperatureC} entered={v.temperatureEntered} system={h.unitSystem} />}</dd>
                <dt>Examination</dt><dd><ExamFindings findings={v.examFindings} /></dd>
                <dt>Labs</dt><dd><LabList labs={v.labs} system={h.unitSystem} /></dd>
              </dl>
            </>
          ) : (
            <p className="muted">No visits yet.</p>
          )}
          <p className="small"><Link href={`${base}/visits`}>All visits and lab trends</Link></p>
        </section>
      </div>

      <section aria-labelledby="ov-episodes">
        <h3 id="ov-episodes">Last episodes</h3>
        <div className="table-wrap">
          <table className="data recent">
            <caption className="sr-only">The latest episodes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date and time</th>
                <th scope="col">Duration</th>
                <th scope="col">Side</th>
                <th scope="col">Type</th>
                <th scope="col">Pain</th>
                <th scope="col">Review</th>
              </tr>
            </thead>
            <tbody>
              {lastEpisodes.map((e) => {
                const type = e.classification ?? e.suggestedClassification;
                return (
                  <tr key={e.id}>
                    <th scope="row"><Link href={`${base}/episodes/${e.id}`}>{formatInZone(e.occurredAt, tz)}</Link></th>
                    <td>{formatDuration(e.durationSeconds)}</td>
                    <td>{SIDE_LABELS[e.side]}</td>
                    <td>{type ? `${CLASSIFICATION_LABELS[type]}${e.classification ? "" : " (suggested)"}` : "—"}</td>
                    <td>{e.painScore ?? "—"}</td>
                    <td>
                      {e.patientReported && <span className="badge patient-reported">Patient diary</span>}{" "}
                      {e.needsReview && <span className="badge warn">Review</span>}
                    </td>
                  </tr>
                );
              })}
              {lastEpisodes.length === 0 && (
                <tr><td colSpan={6} className="muted">No episodes yet.</td></tr>
              )}
            </tbody>
          </table>
        </div>
        <p className="small"><Link href={`${base}/episodes`}>All episodes</Link></p>
      </section>
    </>
  );
}
