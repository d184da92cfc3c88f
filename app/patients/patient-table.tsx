import Link from "next/link";
import { ageInYears } from "@/lib/core/clinical/age";
import { RED_FLAG_LABELS, RED_FLAG_URGENCY_LABELS, type RedFlagUrgency } from "@/lib/core/clinical/red-flags";
import { SEX_LABELS } from "@/lib/core/clinical/vocabulary";
import { TRIAGE_WINDOW_DAYS, type TriagePatient } from "@/lib/features/patients/list";
import { PATIENT_TRIAGE_FIRST_DIR, type PatientTriageQuery, type PatientTriageSort } from "@/lib/features/patients/schema";
import styles from "./triage.module.css";

const URGENCY_CLASS: Record<RedFlagUrgency, string> = { URGENT: "badge danger", HIGH: "badge warn", ROUTINE: "badge" };

export const SORT_LABELS: Record<PatientTriageSort, string> = {
  name: "Name",
  mrn: "MRN",
  urgency: "Highest urgency",
  awaitingReview: "Awaiting review",
  lastEpisode: "Last episode",
  episodes30d: `Episodes, last ${TRIAGE_WINDOW_DAYS} days`,
  lastVisit: "Last visit",
};

/** The order in words, as the caption and the status line say it. */
export function orderInWords(sort: PatientTriageSort, dir: "asc" | "desc"): string {
  const first = dir === PATIENT_TRIAGE_FIRST_DIR[sort];
  switch (sort) {
    case "name":
    case "mrn":
      return first ? "A to Z" : "Z to A";
    case "urgency":
      return first ? "most urgent first" : "least urgent first";
    case "awaitingReview":
    case "episodes30d":
      return first ? "most first" : "fewest first";
    default:
      return first ? "most recent first" : "longest ago first";
  }
}

/** The list's URL with `changes` applied; a new sort or filter starts again from the first page. */
export function triageHref(query: PatientTriageQuery, changes: Partial<Record<keyof PatientTriageQuery, string | number | undefined>>): string {
  const state: Record<string, string | number | undefined> = {
    q: query.q || undefined,
    urgency: query.urgency,
    review: query.review,
    within: query.within,
    clinic: query.clinic,
    sort: query.sort,
    dir: query.dir,
    ...(query.limit !== 25 ? { limit: query.limit } : {}),
    ...changes,
  };
  const url = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v !== undefined && v !== "") url.set(k, String(v));
  return `/patients?${url.toString()}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "just now", "5 minutes ago", "3 days ago", "4 months ago", "2 years ago". */
export function timeAgo(at: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${plural(minutes, "minute")} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${plural(hours, "hour")} ago`;
  const days = Math.floor(hours / 24);
  if (days < 60) return `${plural(days, "day")} ago`;
  if (days < 730) return `${plural(Math.floor(days / 30.44), "month")} ago`;
  return `${plural(Math.floor(days / 365.25), "year")} ago`;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** "04 Dec 2026" on the clinic's calendar. */
function dayInZone(at: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) dayFormats.set(timeZone, (f = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "short", day: "2-digit" })));
  return f.format(at);
}

function When({ at, now, timeZone }: { at: Date | null; now: Date; timeZone: string }) {
  if (!at) return <span className="muted">None</span>;
  return (
    <>
      <time dateTime={at.toISOString()} className="nowrap">{timeAgo(at, now)}</time>
      <span className={`${styles.sub} muted`}>{dayInZone(at, timeZone)}</span>
    </>
  );
}

/** Thirty bars, one per day, the last the 24 hours up to now; the words say the total. */
function Sparkline({ daily }: { daily: number[] }) {
  const total = daily.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...daily);
  const h = 16;
  return (
    <span className={styles.spark}>
      <svg role="img" aria-label={`${plural(total, "episode")} in the last ${TRIAGE_WINDOW_DAYS} days`} width={daily.length * 2} height={h} viewBox={`0 0 ${daily.length * 2} ${h}`}>
        <line x1={0} x2={daily.length * 2} y1={h - 0.5} y2={h - 0.5} stroke="currentColor" strokeOpacity={0.35} strokeWidth={1} />
        {daily.map((n, i) => {
          if (!n) return null;
          const barH = Math.max(2, Math.round((n / max) * h));
          return <rect key={i} x={i * 2} y={h - barH} width={1.6} height={barH} fill="currentColor" />;
        })}
      </svg>
      <span aria-hidden="true">{plural(total, "episode")}</span>
    </span>
  );
}

function Urgency({ row }: { row: TriagePatient }) {
  if (!row.urgency) return <span className="muted">None</span>;
  const [top, ...more] = row.redFlags;
  return (
    <>
      <span className={URGENCY_CLASS[row.urgency]}>{RED_FLAG_URGENCY_LABELS[row.urgency]}</span>
      {top && (
        <span className={`${styles.sub} muted`} title={row.redFlags.map((c) => RED_FLAG_LABELS[c]).join(", ")}>
          {RED_FLAG_LABELS[top]}
          {more.length > 0 && ` and ${more.length} more`}
        </span>
      )}
    </>
  );
}

type Column = { id: string; sort?: PatientTriageSort; header: string; cell: (r: TriagePatient) => React.ReactNode; className?: string };

/**
 * The triage table, rendered on the server. On /patients (`query` given) each sortable header is
 * a link that writes the order to the URL; the dashboard's compact table has no links.
 */
export function PatientTable({
  rows,
  now,
  query,
  showClinic,
  compact = false,
  caption,
  empty = "No patients match.",
}: {
  rows: TriagePatient[];
  now: Date;
  query?: PatientTriageQuery;
  showClinic: boolean;
  compact?: boolean;
  caption: string;
  empty?: string;
}) {
  const columns: Column[] = [
    {
      id: "name",
      sort: "name",
      header: SORT_LABELS.name,
      cell: (r) => (
        <>
          <Link href={`/patients/${r.id}`}>{`${r.familyName}, ${r.givenName}`}</Link>
          <span className={`${styles.sub} muted`}>
            {compact ? r.mrn : `${ageInYears(r.birthDate)} y · ${SEX_LABELS[r.sex] ?? r.sex}${r.pregnant ? " · pregnant" : ""}`}
            {showClinic && ` · ${r.clinicName}`}
          </span>
        </>
      ),
    },
    ...(compact ? [] : [{ id: "mrn", sort: "mrn" as const, header: SORT_LABELS.mrn, cell: (r: TriagePatient) => r.mrn, className: styles.mrn }]),
    { id: "urgency", sort: "urgency", header: SORT_LABELS.urgency, cell: (r) => <Urgency row={r} /> },
    {
      id: "awaitingReview",
      sort: "awaitingReview",
      header: SORT_LABELS.awaitingReview,
      cell: (r) => (r.awaitingReview ? plural(r.awaitingReview, "episode") : <span className="muted">None</span>),
    },
    { id: "lastEpisode", sort: "lastEpisode", header: SORT_LABELS.lastEpisode, cell: (r) => <When at={r.lastEpisodeAt} now={now} timeZone={r.timeZone} /> },
    { id: "episodes30d", sort: "episodes30d", header: SORT_LABELS.episodes30d, cell: (r) => <Sparkline daily={r.daily} /> },
    ...(compact ? [] : [{ id: "lastVisit", sort: "lastVisit" as const, header: SORT_LABELS.lastVisit, cell: (r: TriagePatient) => <When at={r.lastVisitAt} now={now} timeZone={r.timeZone} /> }]),
  ];
  return (
    <div className="table-wrap">
      <table className={`data ${styles.triage}`} data-testid={compact ? "patients-to-see-first" : "patient-list"}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const sorted = query && c.sort === query.sort ? query.dir : null;
              return (
                <th key={c.id} scope="col" aria-sort={sorted ? (sorted === "asc" ? "ascending" : "descending") : undefined}>
                  {query && c.sort ? (
                    <Link
                      className={styles.sortLink}
                      href={triageHref(query, { sort: c.sort, dir: sorted ? (sorted === "asc" ? "desc" : "asc") : PATIENT_TRIAGE_FIRST_DIR[c.sort], cursor: undefined, page: undefined })}
                    >
                      {c.header}
                      <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : " ↕"}</span>
                    </Link>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              {columns.map((c) => (
                <td key={c.id} className={c.className}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="muted">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
