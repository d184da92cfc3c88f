import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { CAUSES_BY_ID } from "@/lib/core/clinical/checklist";
import { formatInZone } from "@/lib/core/clinical/time";
import { ALLERGY_STATUS_LABELS, CHECKLIST_STATUS_LABELS, CONDITION_LABELS, LIFESTYLE_FLAG_LABELS } from "@/lib/core/clinical/vocabulary";
import { loadPatientHistoryTab } from "@/lib/features/patients/chart-loaders";
import { Height } from "../visits/visit-values";

export const metadata: Metadata = { title: "History" };

/** The History tab: the patient's history (demographics, problems, lifestyle, medications) and every change of the checklist. */
export default async function PatientHistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const { header: h, patient: p, checklistHistory } = await pageData(loadPatientHistoryTab(actor, id));
  const current = p.medications.filter((m) => m.active);
  const past = p.medications.filter((m) => !m.active);
  return (
    <>
      <h2>Medical history</h2>
      <div className="grid-3">
        <section className="card" aria-labelledby="demographics">
          <h3 id="demographics" className="card-title">Demographics</h3>
          <dl className="facts">
            <dt>Date of birth</dt>
            <dd>{p.birthDate}</dd>
            <dt>Height</dt>
            <dd>{p.heightCm === null ? <span className="muted">not recorded</span> : <Height heightCm={p.heightCm} entered={p.heightEntered} system={p.unitSystem} />}</dd>
            <dt>Clinic</dt>
            <dd>{p.clinicName}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="problems">
          <h3 id="problems" className="card-title">Problem list and lifestyle</h3>
          {p.conditions.length ? <ul className="tight">{p.conditions.map((c) => <li key={c.code}>{CONDITION_LABELS[c.code]}</li>)}</ul> : <p className="muted">No conditions recorded.</p>}
          {p.lifestyle.length > 0 && <p>{p.lifestyle.map((l) => LIFESTYLE_FLAG_LABELS[l]).join(" · ")}</p>}
        </section>
        <section className="card" aria-labelledby="allergies">
          <h3 id="allergies" className="card-title">Allergies</h3>
          {p.allergyStatus === "RECORDED" ? <p style={{ whiteSpace: "pre-wrap" }}>{p.allergies}</p> : <p className="muted">{ALLERGY_STATUS_LABELS[p.allergyStatus]}.</p>}
        </section>
        <section className="card" aria-labelledby="medications">
          <h3 id="medications" className="card-title">Medications</h3>
          {current.length ? <ul className="tight">{current.map((m) => <li key={m.id}>{m.name}{m.startedOn ? ` — since ${m.startedOn}` : ""}</li>)}</ul> : <p className="muted">No current medications.</p>}
          {past.length > 0 && <p className="muted">Past: {past.map((m) => `${m.name}${m.stoppedOn ? ` (stopped ${m.stoppedOn})` : ""}`).join("; ")}</p>}
        </section>
      </div>

      <section aria-labelledby="checklist-history">
        <h2 id="checklist-history">Checklist changes</h2>
        {checklistHistory.length === 0 ? (
          <p className="muted">No checklist item has been changed yet.</p>
        ) : (
          <ol className="history-list card">
            {checklistHistory.map((c, i) => (
              <li key={i}>
                <span className="muted">{formatInZone(c.changedAt, h.timeZone)} · {c.changedBy}</span> {CAUSES_BY_ID[c.causeId]?.label ?? c.causeId}:{" "}
                {CHECKLIST_STATUS_LABELS[c.fromStatus]} → {CHECKLIST_STATUS_LABELS[c.toStatus]}
                {c.note ? ` (“${c.note}”)` : ""}
              </li>
            ))}
          </ol>
        )}
        <p className="small muted">
          Each episode keeps its own history of changes, on its page (open it from the <Link href={`/patients/${encodeURIComponent(h.id)}/episodes`}>Episodes</Link> tab).
        </p>
      </section>
    </>
  );
}
