import { formatInZone } from "@/lib/core/clinical/time";
import { CHECKLIST_STATUS_LABELS } from "@/lib/core/clinical/vocabulary";
import { RED_FLAG_LABELS, RED_FLAG_URGENCY_LABELS, type RedFlag } from "@/lib/core/clinical/red-flags";
import { WEAK_EVIDENCE_NOTE } from "@/lib/core/clinical/checklist";
import Link from "next/link";
import type { Assessment, ChecklistHistoryEntry } from "@/lib/features/assessment/data";
import { setChecklistAction } from "./actions";
import { ChecklistItemForm } from "./checklist-item-form";

const URGENCY_CLASS = { URGENT: "danger", HIGH: "warn", ROUTINE: "" } as const;

/** Which days or visits a flag rests on: exam-finding flags name their visits, linked. */
function EvidenceWhere({ flag, patientId, visits }: { flag: RedFlag; patientId: string; visits: Map<string, string> }) {
  const named = flag.evidence.visitIds.flatMap((id) => (visits.has(id) ? [{ id, label: visits.get(id)! }] : []));
  if (named.length > 0) {
    return (
      <>
        {" "}
        {named.length === 1 ? "Visit" : "Visits"}:{" "}
        {named.map((v, i) => (
          <span key={v.id}>
            {i > 0 && ", "}
            <Link href={`/patients/${patientId}/visits/${v.id}`}>{v.label}</Link>
          </span>
        ))}
        .
      </>
    );
  }
  return flag.evidence.days.length > 0 ? <> Days: {flag.evidence.days.join(", ")}.</> : null;
}

/** Red flags first, then every cause of the checklist with its suggestion, status and history. */
export function AssessmentPanel({
  patientId,
  assessment,
  history,
  canWrite,
  visits,
}: {
  patientId: string;
  assessment: Assessment;
  history: ChecklistHistoryEntry[];
  canWrite: boolean;
  /** The patient's visits with their date labels, for the evidence of exam-finding flags. */
  visits: { id: string; label: string }[];
}) {
  const suggested = assessment.checklist.filter((c) => c.suggested).length;
  const visitLabels = new Map(visits.map((v) => [v.id, v.label]));
  return (
    <section id="assessment" className="card" aria-labelledby="assessment-title">
      <h2 id="assessment-title" className="card-title">Assessment</h2>
      <p className="muted">Over the {assessment.windowDays} days up to {formatInZone(assessment.asOf, assessment.timeZone)}.</p>
      <h3>Red flags</h3>
      {assessment.redFlags.length === 0 ? (
        <p className="muted" data-testid="no-red-flags">No red flags in this period.</p>
      ) : (
        <ul className="flags" data-testid="red-flags">
          {assessment.redFlags.map((f) => (
            <li key={f.code} className={`flag ${URGENCY_CLASS[f.urgency]}`} data-code={f.code}>
              <p className="flag-title">
                <span className={`badge ${URGENCY_CLASS[f.urgency]}`}>{RED_FLAG_URGENCY_LABELS[f.urgency]}</span> <strong>{RED_FLAG_LABELS[f.code]}</strong>
              </p>
              <p>{f.message}</p>
              <p><strong>Advice:</strong> {f.advice}</p>
              <p><strong>Evidence:</strong> {f.evidence.summary}.<EvidenceWhere flag={f} patientId={patientId} visits={visitLabels} /></p>
            </li>
          ))}
        </ul>
      )}
      <h3>Differential checklist <span className="muted">({suggested} suggested)</span></h3>
      <div className="table-wrap">
        <table className="data checklist" data-testid="checklist">
          <caption className="sr-only">Possible causes, suggested ones marked with their reasons</caption>
          <thead>
            <tr>
              <th scope="col">Cause</th>
              <th scope="col">Suggested because</th>
              <th scope="col">Status and note</th>
            </tr>
          </thead>
          <tbody>
            {assessment.checklist.map((c) => {
              const itemHistory = history.filter((h) => h.causeId === c.causeId);
              // A cause a clinician ruled out keeps its place but reads as settled.
              const settled = c.status === "RULED_OUT";
              return (
                <tr key={c.causeId} data-cause={c.causeId} className={settled ? "settled" : c.suggested ? "suggested" : undefined}>
                  <th scope="row">
                    {settled ? <span className="badge">{CHECKLIST_STATUS_LABELS.RULED_OUT}</span> : c.suggested && <span className="badge warn">Suggested</span>} {c.label}
                    <cite className="source">{c.source === "literature" ? `Source: ${c.citation}` : c.citation}</cite>
                    {c.weakEvidence && <span className="source weak">{WEAK_EVIDENCE_NOTE}</span>}
                  </th>
                  <td>{c.reasons.length ? <ul className="tight">{c.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul> : <span className="muted">—</span>}</td>
                  <td>
                    {canWrite ? (
                      <ChecklistItemForm action={setChecklistAction.bind(null, patientId, c.causeId)} causeId={c.causeId} label={c.label} status={c.status} note={c.note} version={c.version} key={`${c.causeId}-${c.version}`} />
                    ) : (
                      <span>{CHECKLIST_STATUS_LABELS[c.status]}{c.note ? ` — ${c.note}` : ""}</span>
                    )}
                    {c.updatedBy && c.updatedAt && <p className="muted small">Set by {c.updatedBy}, {formatInZone(c.updatedAt, assessment.timeZone)}</p>}
                    {itemHistory.length > 0 && (
                      <details className="history">
                        <summary>History ({itemHistory.length})</summary>
                        <ol>
                          {itemHistory.map((h, i) => (
                            <li key={i}>
                              {formatInZone(h.changedAt, assessment.timeZone)} — {h.changedBy}: {CHECKLIST_STATUS_LABELS[h.fromStatus]} → {CHECKLIST_STATUS_LABELS[h.toStatus]}{h.note ? ` (“${h.note}”)` : ""}
                            </li>
                          ))}
                        </ol>
                      </details>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
