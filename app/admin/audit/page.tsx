import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { loadAuditLogPage } from "@/lib/features/audit-log/loaders";
import { patientInWords, type AuditEventView, type AuditPatientRef } from "@/lib/features/audit-log/data";
import { AUDIT_OUTCOMES } from "@/lib/features/audit-log/schema";
import {
  AUDIT_ACTION_CODES,
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTIONS,
  auditActionLabel,
  auditOutcomeLabel,
  auditTargetLabel,
  describeAuditDetails,
  type DetailEntry,
  type DetailReferences,
} from "@/lib/core/audit-actions";
import { FieldError, errorProps } from "../../_components/field";
import styles from "./audit.module.css";

export const metadata: Metadata = { title: "Audit log" };

type Params = Record<string, string | string[] | undefined>;

const day = (d: Date) => d.toISOString().slice(0, 10);
const time = (d: Date) => d.toISOString().slice(11, 19);

function DetailList({ entries }: { entries: DetailEntry[] }) {
  return (
    <dl className={styles.details}>
      {entries.map((entry, i) => (
        <div key={i}>
          <dt>{entry.label}</dt>
          <dd>{typeof entry.value === "string" ? entry.value : <DetailList entries={entry.value} />}</dd>
        </div>
      ))}
    </dl>
  );
}

/** An email address that wraps before its @ when the cell is narrow, not inside a word. */
function Email({ address }: { address: string }) {
  const at = address.indexOf("@");
  if (at <= 0) return <>{address}</>;
  return (
    <>
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </>
  );
}

function PatientCell({ patient }: { patient: AuditPatientRef | null }) {
  if (!patient) return null;
  if (patient.state === "active") {
    return (
      <>
        <Link href={`/patients/${patient.id}`} prefetch={false}>{patient.name}</Link>
        <br />
        <span className="muted">MRN {patient.mrn}</span>
      </>
    );
  }
  if (patient.state === "deleted") {
    return (
      <>
        {patient.name} <span className="badge warn">deleted</span>
        <br />
        <span className="muted">MRN {patient.mrn}</span>
      </>
    );
  }
  return <span className="muted">{patientInWords(patient)}</span>;
}

function EventRow({ e, references, filterLink }: { e: AuditEventView; references: DetailReferences; filterLink: (extra: Record<string, string>) => string }) {
  const entries: DetailEntry[] = [
    { label: "Outcome", value: auditOutcomeLabel(e.outcome) },
    ...(e.target && e.targetType !== "Patient" ? [{ label: "Record", value: e.target }] : []),
    ...(e.details === "{}" ? [] : describeAuditDetails(e.details, references)),
    // As the CSV export and the chain verification name the row.
    { label: "Row", value: String(e.seq) },
    { label: "Action code", value: e.action },
  ];
  const knownPatient = e.patient && (e.patient.state === "active" || e.patient.state === "deleted");
  return (
    <tr>
      <td>
        <time dateTime={e.at.toISOString()}>
          {day(e.at)}
          <br />
          {time(e.at)}
        </time>
      </td>
      <td>
        {e.userName ?? (e.userEmail ? null : <span className="muted">No signed-in user</span>)}
        {e.userEmail && (
          <>
            {e.userName && <br />}
            <span className="muted">
              <Email address={e.userEmail} />
            </span>
          </>
        )}
        <br />
        <span className="muted">from {e.ip ?? "an unknown address"}</span>
      </td>
      <td>
        {auditActionLabel(e.action)}
        {e.target && e.targetType && e.target !== auditTargetLabel(e.targetType) && (
          <>
            <br />
            <span className="muted">{e.target}</span>
          </>
        )}
        {e.outcome !== "SUCCESS" && (
          <>
            <br />
            <span className={`badge ${e.outcome === "DENIED" ? "warn" : "danger"}`}>{auditOutcomeLabel(e.outcome)}</span>
          </>
        )}
      </td>
      <td>
        <PatientCell patient={e.patient} />
      </td>
      <td>
        <details className={styles.expand}>
          <summary>
            Details<span className="sr-only"> of row {e.seq}</span>
          </summary>
          <DetailList entries={entries} />
          {knownPatient && (
            <p className={styles.more}>
              <Link href={filterLink({ patientId: e.patient!.id })} prefetch={false}>
                All events about this patient
              </Link>
            </p>
          )}
        </details>
      </td>
    </tr>
  );
}

function PatientFilterNote({ filters, patients, without }: { filters: Record<string, string>; patients: AuditPatientRef[]; without: (key: string) => string }) {
  const named = (p: AuditPatientRef) => `${patientInWords(p)} (MRN ${p.mrn})`;
  if (filters.patientId) {
    return (
      <p>
        {patients.length ? <>Events about <strong>{named(patients[0])}</strong>. </> : <>Events about one patient. </>}
        <Link href={without("patientId")} prefetch={false}>Show every patient</Link>
      </p>
    );
  }
  if (patients.length === 0) return <p className="muted">No patient of your clinics matches “{filters.patient}”.</p>;
  if (patients.length > 5) return <p className="muted">{patients.length} patients match “{filters.patient}”.</p>;
  return (
    <p className="muted">
      {patients.length === 1 ? "Patient" : "Patients"} matching “{filters.patient}”: {patients.map(named).join("; ")}.
    </p>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  if (!can(actor, "audit:read")) notFound();
  const { filters, users, report, page, fields } = await loadAuditLogPage(actor, await searchParams);
  const query = (extra: Record<string, string | number> = {}) =>
    new URLSearchParams({ ...filters, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) }).toString();
  const filterLink = (extra: Record<string, string>) => `/admin/audit?${query(extra)}`;
  const without = (key: string) => `/admin/audit?${new URLSearchParams(Object.entries(filters).filter(([k]) => k !== key)).toString()}`;
  const userKnown = !filters.user || users.some((u) => u.id === filters.user);
  const actionKnown = !filters.action || AUDIT_ACTION_CODES.includes(filters.action.toUpperCase() as (typeof AUDIT_ACTION_CODES)[number]);

  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Every sign-in, record access and change, newest first. Rows are append-only and hash-chained; times are UTC.
      </p>

      <form className="card" action="/admin/audit" method="get" role="search" aria-label="Filter the audit log" noValidate>
        {(fields.before || fields.after) && <p className="alert error" role="alert">{fields.before ?? fields.after}</p>}
        {filters.patientId && <input type="hidden" name="patientId" value={filters.patientId} />}
        <div className={styles.filters}>
          <div>
            <label htmlFor="user">User</label>
            <select id="user" name="user" defaultValue={filters.user ?? ""} {...errorProps("user", fields.user)}>
              <option value="">Anyone</option>
              {!userKnown && <option value={filters.user}>{filters.user}</option>}
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.email})
                </option>
              ))}
            </select>
            <FieldError id="user" error={fields.user} />
          </div>
          <div>
            <label htmlFor="patient">Patient</label>
            <input
              id="patient"
              name="patient"
              type="search"
              defaultValue={filters.patient ?? ""}
              autoComplete="off"
              placeholder="Name or MRN"
              {...errorProps("patient", fields.patient)}
            />
            <FieldError id="patient" error={fields.patient} />
          </div>
          <div>
            <label htmlFor="action">Action</label>
            <select id="action" name="action" defaultValue={filters.action ?? ""} {...errorProps("action", fields.action)}>
              <option value="">Any action</option>
              {!actionKnown && <option value={filters.action}>{auditActionLabel(filters.action.toUpperCase())}</option>}
              {AUDIT_ACTION_GROUPS.map((group) => (
                <optgroup key={group} label={group}>
                  {AUDIT_ACTION_CODES.filter((code) => AUDIT_ACTIONS[code].group === group).map((code) => (
                    <option key={code} value={code}>
                      {AUDIT_ACTIONS[code].label}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
            <FieldError id="action" error={fields.action} />
          </div>
          <div>
            <label htmlFor="outcome">Outcome</label>
            <select id="outcome" name="outcome" defaultValue={filters.outcome ?? ""} {...errorProps("outcome", fields.outcome)}>
              <option value="">Any outcome</option>
              {AUDIT_OUTCOMES.map((o) => <option key={o} value={o}>{auditOutcomeLabel(o)}</option>)}
            </select>
            <FieldError id="outcome" error={fields.outcome} />
          </div>
          <div>
            <label htmlFor="from">From (UTC day)</label>
            <input id="from" name="from" type="date" defaultValue={filters.from ?? ""} {...errorProps("from", fields.from)} />
            <FieldError id="from" error={fields.from} />
          </div>
          <div>
            <label htmlFor="to">To (UTC day)</label>
            <input id="to" name="to" type="date" defaultValue={filters.to ?? ""} {...errorProps("to", fields.to)} />
            <FieldError id="to" error={fields.to} />
          </div>
          <div className={styles.buttons}>
            <button className="btn" type="submit">Filter</button>
            {Object.keys(filters).length > 0 && <Link className="btn secondary" href="/admin/audit" prefetch={false}>Clear</Link>}
          </div>
        </div>
      </form>

      {page?.patients && <PatientFilterNote filters={filters} patients={page.patients} without={without} />}

      <div className="toolbar">
        <form action="/admin/audit" method="get">
          {Object.entries(filters).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
          <input type="hidden" name="verify" value="1" />
          <button className="btn secondary" type="submit">Verify chain</button>
        </form>
        {/* A plain link: the export is a download from a route handler, and is itself audited. */}
        <a className="btn secondary" href={`/admin/audit/export?${query()}`} download>
          Export CSV{Object.keys(filters).length > 0 ? " (filtered)" : ""}
        </a>
      </div>

      {report && (report.ok ? (
        <div className="alert ok" role="status">
          <strong>Audit chain intact:</strong> {report.rows} rows checked
          {report.gaps > 0 && ` (${report.gaps} gap${report.gaps === 1 ? "" : "s"} in numbering from rolled-back transactions; the chain links across them)`}.
          {report.lastSeq !== null && <> Head: <code className={styles.hash}>{report.lastSeq}:{report.lastHash}</code></>}
        </div>
      ) : (
        <div className="alert error" role="alert">
          <strong>Audit chain broken at row {report.broken!.seq}</strong> ({report.broken!.reason.toLowerCase().replaceAll("_", " ")}): {report.broken!.message}{" "}
          {report.rows} earlier rows verified. Preserve the database as it is and report this as a security incident.
        </div>
      ))}

      {page && (
        <>
          <div className="table-wrap">
            <table className={`data ${styles.log}`}>
              <caption className="sr-only">Audit events, newest first</caption>
              <colgroup>
                <col className={styles.when} />
                <col className={styles.who} />
                <col className={styles.what} />
                <col className={styles.patient} />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">When (UTC)</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => <EventRow key={e.seq} e={e} references={page.references} filterLink={filterLink} />)}
                {page.items.length === 0 && <tr><td colSpan={5} className="muted">No audit events match these filters.</td></tr>}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Pages">
            {page.newerCursor !== null ? <Link className="btn secondary small" href={`/admin/audit?${query({ after: page.newerCursor })}`} prefetch={false}>← Newer</Link> : <span />}
            {page.olderCursor !== null && <Link className="btn secondary small" href={`/admin/audit?${query({ before: page.olderCursor })}`} prefetch={false}>Older →</Link>}
          </nav>
        </>
      )}
    </>
  );
}
