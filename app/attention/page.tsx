import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { RED_FLAG_LABELS, RED_FLAG_URGENCY, RED_FLAG_URGENCY_LABELS } from "@/lib/core/clinical/red-flags";
import { formatInZone } from "@/lib/core/clinical/time";
import { listNeedsAttention } from "@/lib/features/attention/data";

export const metadata: Metadata = { title: "Needs attention" };

const URGENCY_CLASS = { URGENT: "danger", HIGH: "warn", ROUTINE: "" } as const;

export default async function AttentionPage() {
  const actor = await requireActor();
  const { items, total, diaryAwaitingReview } = await listNeedsAttention(actor);
  return (
    <>
      <h1>Needs attention <span className="muted">({total.toLocaleString("en-US")})</span></h1>
      <p className="muted">
        Patients with red flags in the last 30 days or episodes marked for review. Impaired consciousness, prolonged seizure-like episodes and calf swelling come first.
        {total > items.length && ` The ${items.length} most urgent of ${total.toLocaleString("en-US")} are listed.`}
      </p>
      <p data-testid="diary-awaiting-review">
        {diaryAwaitingReview > 0 ? (
          <Link href="/review">
            {diaryAwaitingReview.toLocaleString("en-US")} {diaryAwaitingReview === 1 ? "diary entry" : "diary entries"} from patients awaiting review
          </Link>
        ) : (
          <span className="muted">No diary entries from patients await review.</span>
        )}
      </p>
      <div className="table-wrap">
        <table className="data" data-testid="attention">
          <caption className="sr-only">Patients needing attention, most urgent first</caption>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Red flags</th>
              <th scope="col">For review</th>
              <th scope="col">Last episode</th>
              <th scope="col">Clinic</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.patientId}>
                <td>
                  {/* Straight to what needs attention: the red flags (the Checklist tab), else the episodes to review. */}
                  <Link href={i.redFlags.length > 0 ? `/patients/${i.patientId}/checklist` : `/patients/${i.patientId}/episodes?review=1`}>{i.name}</Link>{" "}
                  <span className="muted nowrap">MRN {i.mrn}</span>
                </td>
                <td>
                  {i.redFlags.map((code) => {
                    const urgency = RED_FLAG_URGENCY_LABELS[RED_FLAG_URGENCY[code]];
                    return (
                      <span key={code} className={`badge ${URGENCY_CLASS[RED_FLAG_URGENCY[code]]}`} title={urgency} style={{ margin: "0 .25rem .25rem 0" }}>
                        <span className="sr-only">{urgency}: </span>
                        {RED_FLAG_LABELS[code]}
                      </span>
                    );
                  })}
                  {i.redFlags.length === 0 && <span className="muted">—</span>}
                </td>
                <td>{i.reviewCount || "—"}</td>
                <td>{i.lastEpisodeAt ? formatInZone(i.lastEpisodeAt, i.timeZone) : "—"}</td>
                <td>{i.clinicName}</td>
              </tr>
            ))}
            {items.length === 0 && <tr><td colSpan={5} className="muted">No patient needs attention.</td></tr>}
          </tbody>
        </table>
      </div>
    </>
  );
}
