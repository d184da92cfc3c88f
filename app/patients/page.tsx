import Link from "next/link";
import type { Metadata } from "next";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { countLabel, LIST_COUNT_CAP } from "@/lib/server/pagination";
import { RED_FLAG_URGENCY_LABELS } from "@/lib/core/clinical/red-flags";
import { loadPatientListPage } from "@/lib/features/patients/list";
import { LAST_EPISODE_WITHIN_DAYS } from "@/lib/features/patients/schema";
import { CsvDownload } from "@/app/_components/export/csv-download";
import { orderInWords, PatientTable, SORT_LABELS, triageHref } from "./patient-table";
import styles from "./triage.module.css";

export const metadata: Metadata = { title: "Patients" };

const URGENCY_CHOICES = [
  ["ROUTINE", `${RED_FLAG_URGENCY_LABELS.ROUTINE} or higher (any red flag)`],
  ["HIGH", `${RED_FLAG_URGENCY_LABELS.HIGH} or higher`],
  ["URGENT", RED_FLAG_URGENCY_LABELS.URGENT],
] as const;

const withinWords = (days: number) => (days === 1 ? "24 hours" : `${days} days`);

export default async function PatientsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requireActor();
  const { query, page } = await loadPatientListPage(actor, await searchParams);
  const filtered = Boolean(query.q || query.urgency || query.review || query.within || query.clinic);
  const showClinic = page.clinics.length > 1;
  const pages = Math.max(1, Math.ceil(page.total / query.limit));
  const pageCount = page.totalCapped ? `more than ${pages.toLocaleString("en-US")}` : pages.toLocaleString("en-US");
  const narrowed = [
    query.urgency && `urgency ${query.urgency === "URGENT" ? "urgent" : `${RED_FLAG_URGENCY_LABELS[query.urgency].toLowerCase()} or higher`}`,
    query.review && "awaiting review",
    query.within && `last episode within ${withinWords(query.within)}`,
    query.clinic && `in ${page.clinics.find((c) => c.id === query.clinic)?.name ?? "a clinic you are not a member of"}`,
  ].filter(Boolean);
  return (
    <>
      <h1>Patients</h1>
      <form className={styles.filters} role="search" aria-label="Find and filter patients" action="/patients">
        <div>
          <label htmlFor="q">Search by name or MRN</label>
          <input id="q" name="q" type="search" defaultValue={query.q ?? ""} autoComplete="off" />
        </div>
        <div>
          <label htmlFor="urgency">Urgency at least</label>
          <select id="urgency" name="urgency" defaultValue={query.urgency ?? ""}>
            <option value="">Any, or none</option>
            {URGENCY_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="within">Last episode within</label>
          <select id="within" name="within" defaultValue={query.within ? String(query.within) : ""}>
            <option value="">Any time, or never</option>
            {LAST_EPISODE_WITHIN_DAYS.map((d) => (
              <option key={d} value={d}>{withinWords(d)}</option>
            ))}
          </select>
        </div>
        {showClinic && (
          <div>
            <label htmlFor="clinic">Clinic</label>
            <select id="clinic" name="clinic" defaultValue={query.clinic ?? ""}>
              <option value="">All my clinics</option>
              {page.clinics.map((c) => (
                <option key={c.id} value={c.id}>{c.name}</option>
              ))}
            </select>
          </div>
        )}
        <div className={styles.check}>
          <input id="review" name="review" type="checkbox" value="yes" defaultChecked={query.review === "yes"} />
          <label htmlFor="review">Awaiting review only</label>
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button className="btn secondary" type="submit">Search</button>
        {filtered && <Link className="btn secondary" href={triageHref(query, { q: undefined, urgency: undefined, review: undefined, within: undefined, clinic: undefined })}>Clear</Link>}
        <span style={{ flex: 1 }} />
        <CsvDownload href={`/api/v1/export/patients.csv${query.q ? `?q=${encodeURIComponent(query.q)}` : ""}`} label="Export list (CSV)" fallbackName="patients.csv" />
        {can(actor, "clinical:write") && <Link className="btn" href="/patients/new">New patient</Link>}
      </form>
      <p className="muted" role="status">
        <span>
          {countLabel(page, "patient", "patients")}
          {query.q ? ` matching “${query.q}”` : ""}
        </span>
        {narrowed.length > 0 && `, ${narrowed.join(", ")}`}
        {` · sorted by ${SORT_LABELS[query.sort].toLowerCase()}, ${orderInWords(query.sort, query.dir)}`}
        {page.totalCapped && ` (counted up to ${LIST_COUNT_CAP.toLocaleString("en-US")})`}
      </p>
      <PatientTable
        rows={page.items}
        now={page.asOf}
        query={query}
        showClinic={showClinic}
        caption={`Patients, sorted by ${SORT_LABELS[query.sort].toLowerCase()}, ${orderInWords(query.sort, query.dir)}`}
      />
      <nav className="pager" aria-label="Pages">
        {page.prevCursor ? (
          <Link className="btn secondary small" href={triageHref(query, { cursor: page.prevCursor, page: Math.max(1, query.page - 1) })}>← Previous</Link>
        ) : (
          <span />
        )}
        <span>Page {query.page.toLocaleString("en-US")} of {pageCount}</span>
        {page.nextCursor && <Link className="btn secondary small" href={triageHref(query, { cursor: page.nextCursor, page: query.page + 1 })}>Next →</Link>}
      </nav>
    </>
  );
}
