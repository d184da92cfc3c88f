import { formatInZone } from "@/lib/clinical/time";
import { CHECKLIST_STATUS_LABELS } from "@/lib/clinical/vocabulary";
import { RED_FLAG_LABELS } from "@/lib/clinical/red-flags";
import { WEAK_EVIDENCE_NOTE } from "@/lib/clinical/checklist";
import type { Assessment, ChecklistHistoryEntry } from "@/lib/data/assessment";
import { setChecklistAction } from "./actions";
import { ChecklistItemForm } from "./checklist-item-form";

const URGENCY_CLASS = { URGENT: "danger", HIGH: "warn", ROUTINE: "" } as const;

/** Red flags first, then every cause of the checklist with its suggestion, status and history. */
export function AssessmentPanel({ patientId, assessment, history, canWrite }: { patientId: string; assessment: Assessment; history: ChecklistHistoryEntry[]; canWrite: boolean }) {
  const suggested = assessment.checklist.filter((c) => c.suggested).length;
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
                <span className={`badge ${URGENCY_CLASS[f.urgency]}`}>{f.urgency.toLowerCase()}</span> <strong>{RED_FLAG_LABELS[f.code]}</strong> <span className="muted">({f.code})</span>
              </p>
              <p>{f.message}</p>
              <p><strong>Evidence:</strong> {f.evidence.summary}.{f.evidence.days.length > 0 && ` Days: ${f.evidence.days.join(", ")}.`}</p>
              <p><strong>Advice:</strong> {f.advice}</p>
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
              return (
                <tr key={c.causeId} data-cause={c.causeId} className={c.suggested ? "suggested" : undefined}>
                  <th scope="row">
                    {c.suggested && <span className="badge warn">Suggested</span>} {c.label}
                    <br />
                    <span className="muted source">{c.source === "article" ? "Source article" : "Clinical literature"}{c.weakEvidence ? ` · ${WEAK_EVIDENCE_NOTE}` : ""}</span>
                  </th>
                  <td>{c.reasons.length ? <ul className="tight">{c.reasons.map((r) => <li key={r}>{r}</li>)}</ul> : <span className="muted">—</span>}</td>
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
