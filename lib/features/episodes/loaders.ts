import "server-only";
import { can, type Actor } from "@/lib/server/permissions";
import { notFound } from "@/lib/server/errors";
import { listVisits, type VisitView } from "@/lib/features/visits/data";
import { getEpisode, type EpisodeDetail } from "./data";

export interface EpisodePageData {
  episode: EpisodeDetail;
  /** The patient's visits to link the episode to; none for a reader, who sees no form. */
  visits: VisitView[];
}

/** /patients/[id]/episodes/[episodeId]: the episode, then (for a writer) the patient's visits. */
export async function loadEpisodePage(actor: Actor, patientId: string, episodeId: string): Promise<EpisodePageData> {
  const episode = await getEpisode(actor, episodeId);
  // The URL paired the episode with another patient: nothing more is read.
  if (episode.patientId !== patientId) throw notFound("Episode");
  const visits = can(actor, "clinical:write") ? await listVisits(actor, patientId) : [];
  return { episode, visits };
}
