/**
 * Needs attention read the straightforward way, for tests of lib/features/attention/data.ts: every window
 * episode, examined visit and review mark of the actor's clinics, the rules of lib/core/clinical, the
 * ranking; nothing stored is read.
 */
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { computeRedFlags, RED_FLAG_URGENCY, type RedFlagCode } from "@/lib/core/clinical/red-flags";
import { DEFAULT_THRESHOLDS } from "@/lib/core/clinical/thresholds";
import type { ExamFinding } from "@/lib/core/clinical/vocabulary";
import { episodeFactSelect, toEpisodeFacts } from "@/lib/features/assessment/data";

const DAY = 86_400_000;
/** Listed first, in this order, whatever else a patient has: possible seizure, prolonged seizure, possible thrombosis (clinical spec v2). */
const TOP_CODES: RedFlagCode[] = ["IMPAIRED_CONSCIOUSNESS", "PROLONGED_SEIZURE", "CALF_SWELLING"];

/** The list as lib/features/attention/data.ts should give it, most urgent first, at most `limit`. */
export async function referenceAttention(actor: Actor, asOf: Date, limit: number) {
  const windowStart = new Date(asOf.getTime() - DEFAULT_THRESHOLDS.windowDays * DAY);
  const inScope = { clinicId: { in: actor.clinicIds }, deletedAt: null };
  const episodes = await db.episode.findMany({
    where: { ...inScope, occurredAt: { gte: windowStart, lte: asOf }, patient: { deletedAt: null } },
    select: { ...episodeFactSelect, patientId: true },
  });
  const visits = await db.visit.findMany({
    where: { deletedAt: null, occurredAt: { gte: windowStart, lte: asOf }, patient: inScope },
    select: { id: true, patientId: true, occurredAt: true, examFindings: true },
  });
  const reviews = await db.episode.groupBy({
    by: ["patientId"],
    where: { ...inScope, needsReview: true, patient: { deletedAt: null } },
    _count: { _all: true },
  });
  const patients = await db.patient.findMany({
    where: { id: { in: [...new Set([...episodes.map((e) => e.patientId), ...visits.map((v) => v.patientId), ...reviews.map((r) => r.patientId)])] } },
    include: { clinic: true },
  });
  const rank = (flags: ReturnType<typeof computeRedFlags>, reviewCount: number, last: Date | null) => {
    const codes = flags.map((f) => f.code);
    const top = TOP_CODES.findIndex((c) => codes.includes(c));
    const urgency = Math.min(3, ...flags.map((f) => ({ URGENT: 0, HIGH: 1, ROUTINE: 2 })[RED_FLAG_URGENCY[f.code]]));
    return [top === -1 ? TOP_CODES.length : top, urgency, -flags.length, -reviewCount, -(last?.getTime() ?? 0)];
  };
  const items = patients
    .map((p) => {
      const eps = episodes.filter((e) => e.patientId === p.id).map(toEpisodeFacts);
      const examined = visits
        .filter((v) => v.patientId === p.id)
        .map((v) => ({ id: v.id, occurredAt: v.occurredAt, examFindings: (v.examFindings ? v.examFindings.split(",") : []) as ExamFinding[] }));
      const redFlags = computeRedFlags({ episodes: eps, visits: examined, asOf, timeZone: p.clinic.timeZone });
      const reviewCount = reviews.find((r) => r.patientId === p.id)?._count._all ?? 0;
      // The latest episode in the window; visits do not count as episodes.
      const last = eps.reduce<Date | null>((m, e) => (!m || e.occurredAt > m ? e.occurredAt : m), null);
      return { patientId: p.id, name: `${p.familyName}, ${p.givenName}`, redFlags: redFlags.map((f) => f.code), reviewCount, lastEpisodeAt: last, rank: rank(redFlags, reviewCount, last) };
    })
    .filter((i) => i.redFlags.length || i.reviewCount);
  items.sort((a, b) => {
    for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
    return a.name.localeCompare(b.name);
  });
  return items.slice(0, limit).map(({ rank, ...rest }) => (void rank, rest));
}
