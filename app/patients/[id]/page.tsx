import Link from "next/link";
import type { Metadata } from "next";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/session";
import { ageInYears } from "@/lib/clinical/age";
import { CONDITION_LABELS, LIFESTYLE_FLAG_LABELS, SEX_LABELS } from "@/lib/clinical/vocabulary";
import { getPatient } from "@/lib/data/patients";
import { pageData } from "@/lib/data/page-data";

export const metadata: Metadata = { title: "Patient" };

export default async function PatientPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { id } = await params;
  const { saved } = await searchParams;
  const actor = await requireActor();
  const p = await pageData(getPatient(actor, id));
  const current = p.medications.filter((m) => m.active);
  const past = p.medications.filter((m) => !m.active);
  return (
    <>
      <p><Link href="/patients">← Patients</Link></p>
      {saved && <p className="alert ok" role="status">Saved.</p>}
      <div className="toolbar" style={{ alignItems: "center" }}>
        <h1 style={{ margin: 0 }}>
          {p.familyName}, {p.givenName}
        </h1>
        <span className="badge">MRN {p.mrn}</span>
        {p.pregnant && <span className="badge warn">Pregnant</span>}
        <span style={{ flex: 1 }} />
        {can(actor, "clinical:write") && <Link className="btn secondary" href={`/patients/${p.id}/edit`}>Edit patient</Link>}
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="demographics">
          <h2 id="demographics" style={{ marginTop: 0 }}>Demographics</h2>
          <dl className="facts">
            <dt>Date of birth</dt>
            <dd>{p.birthDate} ({ageInYears(p.birthDate)} years)</dd>
            <dt>Sex</dt>
            <dd>{SEX_LABELS[p.sex]}</dd>
            <dt>Height</dt>
            <dd>{p.heightCm ? `${p.heightCm} cm` : <span className="muted">not recorded</span>}</dd>
            <dt>Clinic</dt>
            <dd>{p.clinicName}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="problems">
          <h2 id="problems" style={{ marginTop: 0 }}>Problem list</h2>
          {p.conditions.length ? (
            <ul>{p.conditions.map((c) => <li key={c.code}>{CONDITION_LABELS[c.code]}{c.onsetDate ? ` (since ${c.onsetDate})` : ""}</li>)}</ul>
          ) : (
            <p className="muted">No conditions recorded.</p>
          )}
          <h3>Lifestyle</h3>
          {p.lifestyle.length ? (
            <ul>{p.lifestyle.map((l) => <li key={l}>{LIFESTYLE_FLAG_LABELS[l]}</li>)}</ul>
          ) : (
            <p className="muted">No lifestyle flags.</p>
          )}
        </section>
        <section className="card" aria-labelledby="medications">
          <h2 id="medications" style={{ marginTop: 0 }}>Medications</h2>
          {current.length ? (
            <ul>{current.map((m) => <li key={m.id}>{m.name}{m.startedOn ? ` — since ${m.startedOn}` : ""}</li>)}</ul>
          ) : (
            <p className="muted">No current medications.</p>
          )}
          {past.length > 0 && (
            <>
              <h3>Past</h3>
              <ul>{past.map((m) => <li key={m.id}>{m.name}{m.startedOn ? ` ${m.startedOn}` : ""}{m.stoppedOn ? ` – ${m.stoppedOn}` : ""}</li>)}</ul>
            </>
          )}
        </section>
      </div>
    </>
  );
}
