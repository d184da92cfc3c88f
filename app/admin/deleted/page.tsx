import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { DELETED_LIST_LIMIT, listDeleted } from "@/lib/features/recycle/data";
import { PurgeForm, RestoreButton } from "./deleted-forms";

export const metadata: Metadata = { title: "Deleted records" };

const utc = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

const DONE_MESSAGES: Record<string, string> = {
  "restored-patient": "Patient restored, with the visits, episodes and checklist that were hidden with it.",
  "restored-visit": "Visit restored.",
  "restored-episode": "Episode restored.",
  purged: "Patient purged: the patient and all their records are erased. The purge is in the audit log.",
};

type Params = Record<string, string | string[] | undefined>;

export default async function DeletedRecordsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const actor = await requireActor();
  if (!can(actor, "data:restore")) notFound();
  const done = (await searchParams).done;
  const message = typeof done === "string" ? DONE_MESSAGES[done] : undefined;
  const { patients, visits, episodes } = await listDeleted(actor);
  const blocked = "Restore the patient first.";
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

      <section aria-labelledby="deleted-visits">
        <h2 id="deleted-visits">Visits deleted on their own</h2>
        {visits.length === 0 ? (
          <p className="muted">No deleted visits.</p>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Deleted visits</caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Visit</th>
                  <th scope="col">Lab results</th>
                  <th scope="col">Deleted</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {visits.map((v) => (
                  <tr key={v.id}>
                    <td>{v.patientName} ({v.mrn}){v.patientDeleted && <> <span className="badge danger">patient deleted</span></>}</td>
                    <td>{utc(v.occurredAt)}</td>
                    <td>{v.labs}</td>
                    <td>{utc(v.deletedAt)}<br /><span className="muted">{v.deletedBy ?? "unknown user"}</span></td>
                    <td><RestoreButton kind="visit" id={v.id} label={`Restore the visit of ${v.patientName} on ${utc(v.occurredAt)}`} blockedReason={v.patientDeleted ? blocked : undefined} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="deleted-episodes">
        <h2 id="deleted-episodes">Episodes deleted on their own</h2>
        {episodes.length === 0 ? (
          <p className="muted">No deleted episodes.</p>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Deleted episodes</caption>
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Episode</th>
                  <th scope="col">Type</th>
                  <th scope="col">Deleted</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {episodes.map((e) => (
                  <tr key={e.id}>
                    <td>{e.patientName} ({e.mrn}){e.patientDeleted && <> <span className="badge danger">patient deleted</span></>}</td>
                    <td>{utc(e.occurredAt)}</td>
                    <td>{e.classification?.replaceAll("_", " ").toLowerCase() ?? <span className="muted">unclassified</span>}</td>
                    <td>{utc(e.deletedAt)}<br /><span className="muted">{e.deletedBy ?? "unknown user"}</span></td>
                    <td><RestoreButton kind="episode" id={e.id} label={`Restore the episode of ${e.patientName} on ${utc(e.occurredAt)}`} blockedReason={e.patientDeleted ? blocked : undefined} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
