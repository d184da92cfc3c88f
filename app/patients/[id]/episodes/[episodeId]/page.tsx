import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { formatDuration } from "@/lib/core/clinical/red-flags";
import { formatInZone, instantToWallClock } from "@/lib/core/clinical/time";
import { CLASSIFICATION_LABELS } from "@/lib/core/clinical/vocabulary";
import { pageData } from "@/lib/http/page-data";
import { loadEpisodePage } from "@/lib/features/episodes/loaders";
import { DeleteForm } from "../../../../_components/delete-form";
import { confirmEpisodeLabelAction, deleteEpisodeAction, updateEpisodeAction } from "../../actions";
import { ConfirmLabelForm } from "../../confirm-label-form";
import { EpisodeForm } from "../../episode-form";
import { EpisodeHistory } from "../../episode-history";

export const metadata: Metadata = { title: "Episode" };

export default async function EpisodePage({ params }: { params: Promise<{ id: string; episodeId: string }> }) {
  const { id, episodeId } = await params;
  const actor = await requireActor();
  const { episode: e, visits } = await pageData(loadEpisodePage(actor, id, episodeId));
  const canWrite = can(actor, "clinical:write");
  const label = e.classification && CLASSIFICATION_LABELS[e.classification];
  const suggested = e.suggestedClassification && CLASSIFICATION_LABELS[e.suggestedClassification];
  const useMinutes = e.durationSeconds >= 120 && e.durationSeconds % 60 === 0;
  return (
    <>
      <p><Link href={`/patients/${id}/episodes`}>← Episodes</Link></p>
      <h1>Episode of {formatInZone(e.occurredAt, e.timeZone)}</h1>
      {e.source === "PATIENT" && (
        <div className="alert warn" data-testid="patient-reported">
          <p style={{ margin: 0 }}>
            <span className="badge patient-reported">Patient diary</span> Sent by the patient from a diary link on {formatInZone(e.createdAt, e.timeZone)}
            {e.needsReview && !e.classification ? ": not trusted until a clinician gives it a type (set it below, or from the review list)." : "."}
          </p>
          <p className="small" style={{ margin: ".4rem 0 0" }}>
            Someone saw it: {e.witnessed ? "yes" : "no"} · Tongue bitten: {e.tongueBitten ? "yes" : "no"} · Wet themselves: {e.wetThemselves ? "yes" : "no"} ·
            Did not remember it or did not respond: {e.consciousnessImpaired ? "yes" : "no"}
          </p>
        </div>
      )}
      {e.needsReview && label && suggested && (
        <div className="alert warn">
          <p style={{ margin: 0 }}>Marked for review: the clinician&apos;s label ({label}) differs from the suggestion ({suggested}).</p>
          {canWrite && <ConfirmLabelForm action={confirmEpisodeLabelAction.bind(null, episodeId, id)} version={e.version} label={label} />}
        </div>
      )}
      {e.labelConfirmedAt && e.labelConfirmedFor && (
        <p className="alert ok" role="status">
          Label confirmed on review by {e.labelConfirmedByName ?? "a former user"} on {formatInZone(e.labelConfirmedAt, e.timeZone)}: {CLASSIFICATION_LABELS[e.labelConfirmedFor.classification]} stands against the suggested {CLASSIFICATION_LABELS[e.labelConfirmedFor.suggestion]}.
        </p>
      )}
      {canWrite ? (
        <>
          <div className="card">
            <EpisodeForm
              action={updateEpisodeAction.bind(null, episodeId, id)}
              visits={visits.map((v) => ({ id: v.id, label: formatInZone(v.occurredAt, e.timeZone) }))}
              timeZone={e.timeZone}
              submitLabel="Save changes"
              labelConfirmedFor={e.labelConfirmedFor}
              initial={{
                occurredAt: instantToWallClock(e.occurredAt, e.timeZone),
                duration: String(useMinutes ? e.durationSeconds / 60 : e.durationSeconds),
                durationUnit: useMinutes ? "min" : "s",
                side: e.side,
                muscleGroup: e.muscleGroup,
                movement: e.movement ?? "",
                rhythm: e.rhythm ?? "",
                painScore: e.painScore === null ? "" : String(e.painScore),
                triggers: e.triggers,
                relief: e.relief,
                classification: e.classification ?? "",
                notes: e.notes,
                visitId: e.visitId ?? "",
                voluntaryControl: e.voluntaryControl,
                urgeToMove: e.urgeToMove,
                worseAtRest: e.worseAtRest,
                worseInEvening: e.worseInEvening,
                reliefByMovement: e.reliefByMovement,
                consciousnessImpaired: e.consciousnessImpaired,
                duringSleep: e.duringSleep,
                version: e.version,
              }}
            />
          </div>
        </>
      ) : (
        <div className="card">
          <dl className="facts">
            <dt>Duration</dt><dd>{formatDuration(e.durationSeconds)}</dd>
            <dt>Suggested type</dt><dd>{e.suggestedClassification ? CLASSIFICATION_LABELS[e.suggestedClassification] : "none"}</dd>
            <dt>Why</dt><dd><ul className="tight">{e.suggestionRationale.map((r) => <li key={r}>{r}</li>)}</ul></dd>
            <dt>Clinician&apos;s type</dt><dd>{e.classification ? CLASSIFICATION_LABELS[e.classification] : "not labelled"}</dd>
            <dt>Notes</dt><dd>{e.notes || "—"}</dd>
          </dl>
        </div>
      )}
      <EpisodeHistory episode={e} />
      {canWrite && <DeleteForm action={deleteEpisodeAction.bind(null, episodeId, id)} version={e.version} what="episode" />}
    </>
  );
}
