import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { formatDuration } from "@/lib/core/clinical/red-flags";
import { formatInZone, instantToWallClock } from "@/lib/core/clinical/time";
import { CLASSIFICATION_LABELS, CLASSIFICATIONS, SIDE_LABELS, TRIGGER_LABELS } from "@/lib/core/clinical/vocabulary";
import { loadPatientEpisodesTab } from "@/lib/features/patients/chart-loaders";
import { createEpisodeAction } from "../actions";
import { EpisodeForm } from "../episode-form";
import { EpisodeTable } from "../episode-table";
import { RecordSection } from "../_chart/record-section";
import { SavedNotice } from "../_chart/saved-notice";

export const metadata: Metadata = { title: "Episodes" };

type SearchParams = Record<string, string | string[] | undefined>;

/** The URL's one value of a parameter (the first when repeated). */
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The Episodes tab: the record form (folded until asked for), then the filtered, sorted, paged episodes. */
export default async function PatientEpisodesPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const { id } = await params;
  const query = await searchParams;
  const actor = await requireActor();
  const { header: h, episodeQuery, episodes, visitOptions: visits } = await pageData(loadPatientEpisodesTab(actor, id, query));
  const tz = h.timeZone;
  const base = `/patients/${encodeURIComponent(h.id)}/episodes`;
  const visitOptions = visits.map((v) => ({ id: v.id, label: formatInZone(v.occurredAt, tz) }));
  const pageLink = (cursor: string) => {
    const url = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      const value = one(v);
      if (value && k !== "cursor" && k !== "saved" && k !== "record") url.set(k, value);
    }
    url.set("cursor", cursor);
    return `${base}?${url.toString()}#episodes`;
  };
  return (
    <>
      <SavedNotice saved={query.saved} />
      {can(actor, "clinical:write") && (
        <RecordSection kind="episode" summary="Record an episode" open={one(query.record) === "1"} focusId="ep-duration">
          <EpisodeForm
            action={createEpisodeAction.bind(null, h.id)}
            formId={randomUUID()}
            visits={visitOptions}
            timeZone={tz}
            submitLabel="Save episode"
            initial={{
              occurredAt: instantToWallClock(new Date(), tz),
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
        </RecordSection>
      )}

      <section id="episodes" aria-labelledby="episodes-title">
        <h2 id="episodes-title">Episodes <span className="muted">({episodes.total})</span></h2>
        <form className="toolbar" action={`${base}#episodes`} aria-label="Filter episodes">
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
          <Link className="btn secondary" href={`${base}#episodes`}>Reset</Link>
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
            patientReported: e.source === "PATIENT",
            labelConfirmed: e.labelConfirmedAt !== null,
            editHref: `/patients/${id}/episodes/${e.id}`,
          }))}
        />
        <nav className="pager" aria-label="Episode pages">
          {episodes.prevCursor ? <Link className="btn secondary small" href={pageLink(episodes.prevCursor)}>← Newer</Link> : <span />}
          {episodes.nextCursor && <Link className="btn secondary small" href={pageLink(episodes.nextCursor)}>Older →</Link>}
        </nav>
      </section>
    </>
  );
}
