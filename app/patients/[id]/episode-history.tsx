import { formatDuration } from "@/lib/core/clinical/red-flags";
import { formatInZone } from "@/lib/core/clinical/time";
import {
  CLASSIFICATION_LABELS,
  MOVEMENT_LABELS,
  MUSCLE_GROUP_LABELS,
  RELIEF_LABELS,
  RHYTHM_LABELS,
  SIDE_LABELS,
  TRIGGER_LABELS,
} from "@/lib/core/clinical/vocabulary";
import type { EpisodeDetail, RevisionField } from "@/lib/features/episodes/data";

/** Fields of old revisions that no longer exist on an episode (clinical spec section 8). */
type LegacyField = "worseAtRestOrEvening";
type HistoryField = RevisionField | LegacyField;

const FIELD_LABELS: Record<HistoryField, string> = {
  occurredAt: "When",
  durationSeconds: "Duration",
  side: "Side",
  muscleGroup: "Muscle group",
  movement: "Movement",
  rhythm: "Rhythm",
  voluntaryControl: "Patient can control the movement",
  urgeToMove: "Urge to move",
  worseAtRest: "Begins or gets worse at rest",
  worseInEvening: "Only or mostly in the evening or at night",
  worseAtRestOrEvening: "Worse at rest or in the evening (version 1)",
  reliefByMovement: "Relieved by moving",
  consciousnessImpaired: "Consciousness impaired",
  duringSleep: "During sleep",
  painScore: "Pain",
  triggers: "Triggers",
  relief: "What helped",
  classification: "Type (clinician)",
  suggestedClassification: "Suggested type",
  needsReview: "Awaiting review",
  notes: "Notes",
  witnessed: "Someone saw it",
  tongueBitten: "Tongue bitten",
  wetThemselves: "Wet themselves (incontinence)",
  visitId: "Reported at visit",
};

/** Fields holding one vocabulary value, and fields holding a comma-separated list of them. */
const VALUE_LABELS: Partial<Record<HistoryField, Record<string, string>>> = {
  side: SIDE_LABELS,
  muscleGroup: MUSCLE_GROUP_LABELS,
  movement: MOVEMENT_LABELS,
  rhythm: RHYTHM_LABELS,
  classification: CLASSIFICATION_LABELS,
  suggestedClassification: CLASSIFICATION_LABELS,
};
const LIST_LABELS: Partial<Record<HistoryField, Record<string, string>>> = { triggers: TRIGGER_LABELS, relief: RELIEF_LABELS };
const EMPTY: Partial<Record<HistoryField, string>> = { triggers: "none", relief: "none", notes: "empty", classification: "not labelled", visitId: "no visit" };

/** A stored value as the episode page shows it. */
function shown(field: HistoryField, value: unknown, timeZone: string): string {
  if (value === null || value === undefined || value === "") return EMPTY[field] ?? "not recorded";
  const labels = VALUE_LABELS[field];
  if (labels) return labels[String(value)] ?? String(value);
  const listLabels = LIST_LABELS[field];
  if (listLabels) return String(value).split(",").map((v) => listLabels[v] ?? v).join(", ");
  if (field === "occurredAt") return formatInZone(new Date(String(value)), timeZone);
  if (field === "durationSeconds") return formatDuration(Number(value));
  if (field === "notes") return `“${String(value)}”`;
  if (field === "visitId") return "another visit";
  if (field === "painScore") return String(value);
  return value ? "yes" : "no"; // the yes/no findings and the review mark
}

const ACTION_TEXT = {
  LABEL_CONFIRM: "confirmed the label on review.",
  DELETE: "deleted the episode.",
  RESTORE: "restored the episode.",
  MIGRATE: "upgraded the episode to clinical rules version 2: ‘worse at rest or in the evening’ recorded as both worse at rest and worse in the evening.",
} as const;

/** The upgrade migration writes as 'system', which has no user name. */
function authorOf(r: EpisodeDetail["history"][number]): string {
  return r.action === "MIGRATE" ? "the system" : (r.changedByName ?? "a former user");
}

/** A diary entry has no user behind it: the patient sent it through their diary link. */
function recorderOf(episode: EpisodeDetail): string {
  if (episode.source === "PATIENT") return "the patient, through the diary link,";
  return episode.createdByName ?? "a former user";
}

/** Who recorded the episode and every change since, newest first: each changed field before → after. */
export function EpisodeHistory({ episode }: { episode: EpisodeDetail }) {
  const tz = episode.timeZone;
  // Every version since the history began has an entry; versions before it have none.
  const untracked = episode.version - 1 - episode.history.length;
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title" className="card-title">History</h2>
      <ol className="history-list">
        {episode.history.map((r) => (
          <li key={r.version}>
            <span className="muted">{formatInZone(r.changedAt, tz)} · {authorOf(r)}</span>{" "}
            {r.action !== "UPDATE" ? (
              <>{ACTION_TEXT[r.action]}</>
            ) : Object.keys(r.changes).length === 0 ? (
              <>saved without changes.</>
            ) : (
              <ul className="tight">
                {Object.entries(r.changes).map(([field, [from, to]]) => {
                  const f = field as HistoryField;
                  return (
                    <li key={f}>
                      {FIELD_LABELS[f] ?? "Another field"}: {shown(f, from, tz)} → {shown(f, to, tz)}
                    </li>
                  );
                })}
              </ul>
            )}
          </li>
        ))}
        {untracked > 0 && (
          <li className="muted">
            {untracked === 1 ? "1 earlier change was" : `${untracked} earlier changes were`} saved before the app kept episode history.
          </li>
        )}
        <li>
          <span className="muted">{formatInZone(episode.createdAt, tz)} · {recorderOf(episode)}</span> recorded the episode.
        </li>
      </ol>
    </section>
  );
}
