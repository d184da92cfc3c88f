import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { loadAuditLogPage } from "@/lib/features/audit-log/loaders";
import { AUDIT_OUTCOMES } from "@/lib/features/audit-log/schema";
import { FieldError, errorProps } from "../../_components/field";

export const metadata: Metadata = { title: "Audit log" };

// Suggestions for the action filter (any action name can be typed).
const KNOWN_ACTIONS = [
  "ACCOUNT_LOCKED",
  "API_TOKEN_CREATE",
  "API_TOKEN_LIST",
  "API_TOKEN_LIST_CLINIC",
  "API_TOKEN_REVOKE",
  "API_TOKEN_USE",
  "ASSESSMENT_VIEW",
  "AUDIT_EXPORT",
  "AUDIT_VERIFY",
  "AUDIT_VIEW",
  "CHECKLIST_HISTORY_VIEW",
  "CHECKLIST_UPDATE",
  "CLINIC_LIST",
  "CLINIC_SETTINGS_UPDATE",
  "DASHBOARD_VIEW",
  "DELETED_LIST",
  "EPISODE_CREATE",
  "EPISODE_DELETE",
  "EPISODE_LABEL_CONFIRM",
  "EPISODE_LIST",
  "EPISODE_RESTORE",
  "EPISODE_UPDATE",
  "EPISODE_VIEW",
  "EXPORT_CSV",
  "EXPORT_FHIR",
  "EXPORT_HANDOUT",
  "EXPORT_PDF",
  "LAB_TRENDS_VIEW",
  "NEEDS_ATTENTION_VIEW",
  "PASSWORD_CHANGE",
  "PATIENT_CREATE",
  "PATIENT_DELETE",
  "PATIENT_LIST",
  "PATIENT_PURGE",
  "PATIENT_RESTORE",
  "PATIENT_UPDATE",
  "PATIENT_VIEW",
  "REVIEW_QUEUE_VIEW",
  "SESSION_END",
  "SIGN_IN",
  "SIGN_OUT",
  "SIGN_OUT_EVERYWHERE",
  "TRENDS_VIEW",
  "TWO_FACTOR_DISABLE",
  "TWO_FACTOR_ENABLE",
  "TWO_FACTOR_ENROLMENT_START",
  "TWO_FACTOR_RECOVERY_CODES_REPLACE",
  "TWO_FACTOR_RECOVERY_CODE_USED",
  "TWO_FACTOR_REQUIREMENT_CHANGE",
  "TWO_FACTOR_RESET",
  "TWO_FACTOR_STATUS",
  "USER_CREATE",
  "USER_DEACTIVATE",
  "USER_LIST",
  "USER_REACTIVATE",
  "USER_ROLE_CHANGE",
  "USER_UNLOCK",
  "VISIT_CREATE",
  "VISIT_DELETE",
  "VISIT_LIST",
  "VISIT_RESTORE",
  "VISIT_UPDATE",
  "VISIT_VIEW",
];

type Params = Record<string, string | string[] | undefined>;

const utc = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19) + " UTC";

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  if (!can(actor, "audit:read")) notFound();
  const { filters, report, page, fields } = await loadAuditLogPage(actor, await searchParams);
  const query = (extra: Record<string, string | number> = {}) =>
    new URLSearchParams({ ...filters, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) }).toString();

  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">
        Every sign-in, record access and change, newest first. Rows are append-only and hash-chained; times are UTC.
      </p>

      <form className="card" action="/admin/audit" method="get" role="search" aria-label="Filter the audit log" noValidate>
        {(fields.before || fields.after) && <p className="alert error" role="alert">{fields.before ?? fields.after}</p>}
        <div className="toolbar" style={{ marginBottom: 0 }}>
          <div>
            <label htmlFor="user">User (email or id)</label>
            <input id="user" name="user" type="text" defaultValue={filters.user ?? ""} autoComplete="off" {...errorProps("user", fields.user)} />
            <FieldError id="user" error={fields.user} />
          </div>
          <div>
            <label htmlFor="patientId">Patient id</label>
            <input id="patientId" name="patientId" type="text" defaultValue={filters.patientId ?? ""} autoComplete="off" {...errorProps("patientId", fields.patientId)} />
            <FieldError id="patientId" error={fields.patientId} />
          </div>
          <div>
            <label htmlFor="action">Action</label>
            <input id="action" name="action" type="text" list="audit-actions" defaultValue={filters.action ?? ""} autoComplete="off" {...errorProps("action", fields.action)} />
            <datalist id="audit-actions">
              {KNOWN_ACTIONS.map((a) => <option key={a} value={a} />)}
            </datalist>
            <FieldError id="action" error={fields.action} />
          </div>
          <div>
            <label htmlFor="outcome">Outcome</label>
            <select id="outcome" name="outcome" defaultValue={filters.outcome ?? ""} {...errorProps("outcome", fields.outcome)}>
              <option value="">Any</option>
              {AUDIT_OUTCOMES.map((o) => <option key={o} value={o}>{o.toLowerCase()}</option>)}
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
          <button className="btn" type="submit">Filter</button>
          {Object.keys(filters).length > 0 && <Link className="btn secondary" href="/admin/audit" prefetch={false}>Clear</Link>}
        </div>
      </form>

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
          {report.lastSeq !== null && <> Head: <code style={{ wordBreak: "break-all" }}>{report.lastSeq}:{report.lastHash}</code></>}
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
            <table className="data">
              <caption className="sr-only">Audit events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">User</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Patient</th>
                  <th scope="col">Target</th>
                  <th scope="col">IP</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td style={{ whiteSpace: "nowrap" }}>{utc(e.at)}</td>
                    <td>{e.userEmail ?? <span className="muted">none</span>}</td>
                    <td><code>{e.action}</code></td>
                    <td>{e.outcome === "SUCCESS" ? "success" : <span className={`badge ${e.outcome === "DENIED" ? "warn" : "danger"}`}>{e.outcome.toLowerCase()}</span>}</td>
                    <td>{e.patientId ? <Link href={`/admin/audit?${new URLSearchParams({ patientId: e.patientId })}`} prefetch={false}><code>{e.patientId}</code></Link> : ""}</td>
                    <td>{e.targetType ? <>{e.targetType} <code>{e.targetId}</code></> : ""}</td>
                    <td>{e.ip ?? ""}</td>
                    <td><code style={{ wordBreak: "break-word", fontSize: ".85rem" }}>{e.details === "{}" ? "" : e.details}</code></td>
                  </tr>
                ))}
                {page.items.length === 0 && <tr><td colSpan={9} className="muted">No audit events match these filters.</td></tr>}
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
