import { EPISODE_SOURCE_LABELS, type EpisodeSource } from "@/lib/core/clinical/vocabulary";

/** Marks an episode the patient sent from the diary; a clinician's own entries carry no mark. */
export function SourceBadge({ source }: { source: EpisodeSource }) {
  if (source !== "PATIENT") return null;
  return (
    <span className="badge patient-reported" title="Sent by the patient from the diary link; not trusted until a clinician reviews it">
      {EPISODE_SOURCE_LABELS.PATIENT}
    </span>
  );
}
