import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import type { ReactNode } from "react";
import { DELETED_LIST_LIMIT, listDeleted, type DeletedChild } from "@/lib/features/recycle/data";
import { PurgeForm, RestoreButton } from "./deleted-forms";
import { CLASSIFICATION_LABELS, type Classification } from "@/lib/core/clinical/vocabulary";

export const metadata: Metadata = { title: "Deleted records" };

const utc = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

const DONE_MESSAGES: Record<string, string> = {
  "restored-patient": "Patient restored, with the visits, episodes and checklist that were hidden with it.",
  "restored-visit": "Visit restored.",
  "restored-episode": "Episode restored.",
  purged: "Patient purged: the patient and all their records are erased. The purge is in the audit log.",
};

type Params = Record<string, string | string[] | undefined>;

/** Visits or episodes deleted on their own (not with their patient), each with a restore button. */
function DeletedChildren<T extends DeletedChild>({
  kind,
  title,
  rows,
  detail,
}: {
  kind: "visit" | "episode";
  title: string;
  rows: T[];
  /** The column between the date and the deletion: what tells the records apart. */
  detail: { header: string; cell: (row: T) => ReactNode };
}) {
  const plural = `${kind}s`;
  return (
    <section aria-labelledby={`deleted-${plural}`}>
      <h2 id={`deleted-${plural}`}>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">{`No deleted ${plural}.`}</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="sr-only">{`Deleted ${plural}`}</caption>
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">{kind === "visit" ? "Visit" : "Episode"}</th>
                <th scope="col">{detail.header}</th>
                <th scope="col">Deleted</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{r.patientName}<br /><span className="muted nowrap">MRN {r.mrn}</span>{r.patientDeleted && <> <span className="badge danger">patient deleted</span></>}</td>
                  <td>{utc(r.occurredAt)}</td>
                  <td>{detail.cell(r)}</td>
                  <td>{utc(r.deletedAt)}<br /><span className="muted">{r.deletedBy ?? "unknown user"}</span></td>
                  <td><RestoreButton kind={kind} id={r.id} label={`Restore the ${kind} of ${r.patientName} on ${utc(r.occurredAt)}`} blockedReason={r.patientDeleted ? "Restore the patient first." : undefined} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default async function DeletedRecordsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  if (!can(actor, "data:restore")) notFound();
  const done = (await searchParams).done;
  const message = typeof done === "string" ? DONE_MESSAGES[done] : undefined;
  const { patients, visits, episodes } = await listDeleted(actor);
  return (
    <>
      <h1>Deleted records</h1>
      <p className="muted">
        Deleted patients, visits and episodes of your clinics, newest deletion first (up to {DELETED_LIST_LIMIT} of each). Restoring a patient brings back
        everything that was hidden with it. Purging erases a deleted patient for good.
      </p>
      <div aria-live="polite">{message && <p className="alert ok" role="status">{message}</p>}</div>

      <section aria-labelledby="deleted-patients">
        <h2 id="deleted-patients">Patients</h2>
        {patients.length === 0 ? (
          <p className="muted">No deleted patients.</p>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Deleted patients</caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">MRN</th>
                  <th scope="col">Clinic</th>
                  <th scope="col">Records hidden with it</th>
                  <th scope="col">Deleted</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {patients.map((p) => (
                  <tr key={p.id}>
                    <td>{p.familyName}, {p.givenName}<br /><span className="muted">born {p.birthDate}</span></td>
                    <td>{p.mrn}</td>
                    <td>{p.clinicName}</td>
                    <td>{p.visits} visit(s), {p.episodes} episode(s)</td>
                    <td>{utc(p.deletedAt)}<br /><span className="muted">{p.deletedBy ?? "unknown user"}</span></td>
                    <td>
                      <RestoreButton kind="patient" id={p.id} label={`Restore ${p.familyName}, ${p.givenName} (${p.mrn})`} />
                      <PurgeForm patient={{ id: p.id, mrn: p.mrn, name: `${p.familyName}, ${p.givenName}` }} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <DeletedChildren
        kind="visit"
        title="Visits deleted on their own"
        rows={visits}
        detail={{ header: "Lab results", cell: (v) => v.labs }}
      />

      <DeletedChildren
        kind="episode"
        title="Episodes deleted on their own"
        rows={episodes}
        detail={{ header: "Type", cell: (e) => (e.classification ? (CLASSIFICATION_LABELS[e.classification as Classification] ?? e.classification) : <span className="muted">unclassified</span>) }}
      />
    </>
  );
}
