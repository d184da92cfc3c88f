import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { formatDuration } from "@/lib/core/clinical/red-flags";
import { formatInZone } from "@/lib/core/clinical/time";
import { CLASSIFICATION_LABELS } from "@/lib/core/clinical/vocabulary";
import { listReviewQueue } from "@/lib/features/episodes/data";
import { can } from "@/lib/server/permissions";
import { SourceBadge } from "../_components/source-badge";
import { reviewEpisodeAction } from "./actions";
import { ReviewForm } from "./review-form";

export const metadata: Metadata = { title: "Episodes for review" };

export default async function ReviewPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const actor = await requireActor();
  const { cursor } = await searchParams;
  const queue = await listReviewQueue(actor, { cursor });
  const mayReview = can(actor, "clinical:write");
  return (
    <>
      <h1>Episodes for review <span className="muted">({queue.totalCapped ? `more than ${queue.total.toLocaleString("en")}` : queue.total})</span></h1>
      <p className="muted">
        Episodes the patient sent from the diary (not trusted until a clinician gives them a type), and episodes whose clinician label differs from the
        system&apos;s suggestion, newest first, across your clinics. Set the type here in one step, with the suggestion beside it, or open the episode first.
      </p>
      <div className="table-wrap">
        <table className="data">
          <caption className="sr-only">Episodes marked for review</caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Date and time</th>
              <th scope="col">Reported by</th>
              <th scope="col">Duration</th>
              <th scope="col">Suggested</th>
              <th scope="col">{mayReview ? "Type" : "Clinician\u2019s type"}</th>
              <th scope="col"><span className="sr-only">Open</span></th>
            </tr>
          </thead>
          <tbody>
            {queue.items.map((e) => (
              <tr key={e.id}>
                <td><Link href={`/patients/${e.patientId}`}>{e.patientName}</Link> <span className="muted nowrap">{e.mrn}</span></td>
                <td>{formatInZone(e.occurredAt, e.timeZone)}</td>
                <td>{e.source === "PATIENT" ? <SourceBadge source={e.source} /> : "Clinician"}</td>
                <td>{formatDuration(e.durationSeconds)}</td>
                <td id={`review-${e.id}`}>
                  {e.suggestedClassification ? CLASSIFICATION_LABELS[e.suggestedClassification] : "none"}
                  {e.classification && e.classification !== e.suggestedClassification && (
                    <div className="small muted">Label now: {CLASSIFICATION_LABELS[e.classification]}</div>
                  )}
                </td>
                <td>
                  {mayReview ? (
                    <ReviewForm
                      action={reviewEpisodeAction.bind(null, e.id, e.patientId)}
                      version={e.version}
                      suggestion={e.suggestedClassification}
                      current={e.classification}
                      describedBy={`review-${e.id}`}
                    />
                  ) : e.classification ? (
                    CLASSIFICATION_LABELS[e.classification]
                  ) : (
                    "—"
                  )}
                </td>
                <td><Link href={`/patients/${e.patientId}/episodes/${e.id}`}>Open episode</Link></td>
              </tr>
            ))}
            {queue.items.length === 0 && <tr><td colSpan={7} className="muted">Nothing to review.</td></tr>}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        {queue.prevCursor ? <Link className="btn secondary small" href={`/review?cursor=${queue.prevCursor}`}>← Newer</Link> : <span />}
        {queue.nextCursor && <Link className="btn secondary small" href={`/review?cursor=${queue.nextCursor}`}>Older →</Link>}
      </nav>
    </>
  );
}
