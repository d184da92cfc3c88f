import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { ageInYears } from "@/lib/core/clinical/age";
import { formatDuration } from "@/lib/core/clinical/red-flags";
import { formatInZone, instantToWallClock } from "@/lib/core/clinical/time";
import { defaultUnit } from "@/lib/core/clinical/units";
import {
  CLASSIFICATION_LABELS,
  CLASSIFICATIONS,
  CONDITION_LABELS,
  LIFESTYLE_FLAG_LABELS,
  SEX_LABELS,
  SIDE_LABELS,
  TRIGGER_LABELS,
} from "@/lib/core/clinical/vocabulary";
import { pageData } from "@/lib/http/page-data";
import { loadPatientPage } from "@/lib/features/patients/loaders";
import { createEpisodeAction, createVisitAction } from "./actions";
import { PatientExportLinks } from "@/app/_components/export/patient-export-links";
import { AssessmentPanel } from "./assessment-panel";
import { TrendsSection } from "./trends-section";
import { LabTrends } from "./lab-trends";
import { EpisodeForm } from "./episode-form";
import { EpisodeTable } from "./episode-table";
import { VisitForm } from "./visit-form";
import { Height, VisitsTable } from "./visits/visit-values";

export const metadata: Metadata = { title: "Patient" };

const SAVED: Record<string, string> = { "1": "Patient saved.", visit: "Visit saved.", episode: "Episode saved.", deleted: "Deleted. An administrator can restore it." };

export default async function PatientPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { id } = await params;
  const query = await searchParams;
  const actor = await requireActor();
  const { patient: p, visits, episodeQuery, episodes, assessment, history, trends, labTrends } = await pageData(loadPatientPage(actor, id, query));
  const tz = episodes.timeZone;
  const canWrite = can(actor, "clinical:write");
  const current = p.medications.filter((m) => m.active);
  const past = p.medications.filter((m) => !m.active);
  const nowLocal = instantToWallClock(new Date(), tz);
  const visitOptions = visits.map((v) => ({ id: v.id, label: formatInZone(v.occurredAt, tz) }));
  const pageLink = (cursor: string) => {
    const url = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1] && e[0] !== "cursor" && e[0] !== "saved"));
    url.set("cursor", cursor);
    return `/patients/${id}?${url.toString()}#episodes`;
  };
  return (
    <>
      <p><Link href="/patients">← Patients</Link></p>
      {query.saved && SAVED[query.saved] && <p className="alert ok" role="status">{SAVED[query.saved]}</p>}
      <div className="toolbar" style={{ alignItems: "center" }}>
        <h1 style={{ margin: 0 }}>
          {p.familyName}, {p.givenName}
        </h1>
        <span className="badge">MRN {p.mrn}</span>
        <span className="badge">{ageInYears(p.birthDate)} y · {SEX_LABELS[p.sex].toLowerCase()}</span>
        {p.pregnant && <span className="badge warn">Pregnant</span>}
        <span style={{ flex: 1 }} />
        {canWrite && <Link className="btn secondary" href={`/patients/${p.id}/edit`}>Edit patient</Link>}
      </div>
      <nav className="jump" aria-label="On this page">
        <a href="#assessment">Assessment</a>
        {canWrite && <a href="#record">Record episodes</a>}
        <a href="#episodes">Episodes</a>
        <a href="#trends">Trends</a>
        <a href="#visits">Visits</a>
        <a href="#exports-title">Reports and exports</a>
      </nav>
      <div className="grid-3">
        <section className="card" aria-labelledby="demographics">
          <h2 id="demographics" className="card-title">Demographics</h2>
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
          <h2 id="problems" className="card-title">Problem list and lifestyle</h2>
          {p.conditions.length ? <ul className="tight">{p.conditions.map((c) => <li key={c.code}>{CONDITION_LABELS[c.code]}</li>)}</ul> : <p className="muted">No conditions recorded.</p>}
          {p.lifestyle.length > 0 && <p>{p.lifestyle.map((l) => LIFESTYLE_FLAG_LABELS[l]).join(" · ")}</p>}
        </section>
        <section className="card" aria-labelledby="medications">
          <h2 id="medications" className="card-title">Medications</h2>
          {current.length ? <ul className="tight">{current.map((m) => <li key={m.id}>{m.name}{m.startedOn ? ` — since ${m.startedOn}` : ""}</li>)}</ul> : <p className="muted">No current medications.</p>}
          {past.length > 0 && <p className="muted">Past: {past.map((m) => `${m.name}${m.stoppedOn ? ` (stopped ${m.stoppedOn})` : ""}`).join("; ")}</p>}
        </section>
      </div>

      <AssessmentPanel patientId={id} assessment={assessment} history={history} canWrite={canWrite} visits={visitOptions} />

      {canWrite && (
        <section id="record" className="card" aria-labelledby="record-title">
          <h2 id="record-title" className="card-title">Record episodes</h2>
          <details className="panel">
            <summary>Log a visit (vitals, labs)</summary>
            <VisitForm
              action={createVisitAction.bind(null, id)}
              formId={randomUUID()}
              timeZone={tz}
              unitSystem={p.unitSystem}
              submitLabel="Save visit"
              initial={{
                occurredAt: nowLocal,
                systolic: "",
                diastolic: "",
                weight: "",
                weightUnit: defaultUnit("WEIGHT", p.unitSystem),
                temperature: "",
                temperatureUnit: defaultUnit("TEMPERATURE", p.unitSystem),
                examFindings: [],
                notes: "",
                labs: [],
              }}
            />
          </details>
          <EpisodeForm
            action={createEpisodeAction.bind(null, id)}
            formId={randomUUID()}
            visits={visitOptions}
            timeZone={tz}
            submitLabel="Save episode"
            initial={{
              occurredAt: nowLocal,
              duration: "",
              durationUnit: "s",
              side: "",
              muscleGroup: "CALF",
              movement: "",
              rhythm: "",
              painScore: "",
              triggers: [],
              relief: [],
              classification: "",
              notes: "",
              visitId: visitOptions[0]?.id ?? "",
              voluntaryControl: false,
              urgeToMove: false,
              worseAtRest: false,
              worseInEvening: false,
              reliefByMovement: false,
              consciousnessImpaired: false,
              duringSleep: false,
            }}
          />
        </section>
      )}

      <section id="episodes" aria-labelledby="episodes-title">
        <h2 id="episodes-title">Episodes <span className="muted">({episodes.total})</span></h2>
        <form className="toolbar" action={`/patients/${id}#episodes`} aria-label="Filter episodes">
          <div>
            <label htmlFor="f-type">Type</label>
            <select id="f-type" name="type" defaultValue={episodeQuery.type ?? ""} style={{ width: "auto" }}>
              <option value="">All types</option>
              {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{CLASSIFICATION_LABELS[c]}</option>)}
              <option value="NONE">Unclassified</option>
            </select>
          </div>
          <div>
            <label htmlFor="f-from">From</label>
            <input id="f-from" name="from" type="date" defaultValue={episodeQuery.from ?? ""} />
          </div>
          <div>
            <label htmlFor="f-to">To</label>
            <input id="f-to" name="to" type="date" defaultValue={episodeQuery.to ?? ""} />
          </div>
          <label className="choice" style={{ marginBottom: ".6rem" }}>
            <input type="checkbox" name="review" value="1" defaultChecked={!!episodeQuery.review} /> Marked for review only
          </label>
          <input type="hidden" name="sort" value={episodeQuery.sort} />
          <input type="hidden" name="dir" value={episodeQuery.dir} />
          <button className="btn secondary" type="submit">Apply</button>
          <Link className="btn secondary" href={`/patients/${id}#episodes`}>Reset</Link>
        </form>
        <EpisodeTable
          sorting={[{ id: episodeQuery.sort, desc: episodeQuery.dir === "desc" }]}
          rows={episodes.items.map((e) => ({
            id: e.id,
            when: formatInZone(e.occurredAt, tz),
            durationSeconds: e.durationSeconds,
            duration: formatDuration(e.durationSeconds),
            side: SIDE_LABELS[e.side],
            type: e.classification ? CLASSIFICATION_LABELS[e.classification] : "—",
            suggestion: e.suggestedClassification ? CLASSIFICATION_LABELS[e.suggestedClassification] : "none",
            pain: e.painScore === null ? "—" : String(e.painScore),
            triggers: e.triggers.map((t) => TRIGGER_LABELS[t]).join(", "),
            needsReview: e.needsReview,
            labelConfirmed: e.labelConfirmedAt !== null,
            editHref: `/patients/${id}/episodes/${e.id}`,
          }))}
        />
        <nav className="pager" aria-label="Episode pages">
          {episodes.prevCursor ? <Link className="btn secondary small" href={pageLink(episodes.prevCursor)}>← Newer</Link> : <span />}
          {episodes.nextCursor && <Link className="btn secondary small" href={pageLink(episodes.nextCursor)}>Older →</Link>}
        </nav>
      </section>

      <TrendsSection data={trends} searchParams={query} basePath={`/patients/${id}`} />
      <LabTrends data={labTrends} unitSystem={p.unitSystem} />

      <section id="visits" aria-labelledby="visits-title">
        <h2 id="visits-title">Visits <span className="muted">({visits.length})</span></h2>
        <VisitsTable visits={visits} patientId={id} timeZone={tz} system={p.unitSystem} />
      </section>

      <PatientExportLinks patientId={p.id} />
    </>
  );
}
