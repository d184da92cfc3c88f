/**
 * Which patients need attention: active red flags (the rules of lib/core/clinical over the last 30
 * days) or episodes marked for review.
 *
 * Each patient's answer is kept in PatientAttention and recomputed in the transaction of every
 * episode write (create, edit, delete, restore), so a view of the whole network reads one row
 * per patient instead of running the rules over every recent episode. A row holds until its
 * `validUntil` (an episode leaving the window, or a later-dated one entering it); reads recompute
 * the rows that have run out, and a clinic's time-zone change recomputes its rows.
 */
import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { computeRedFlags, RED_FLAG_CODES, RED_FLAG_URGENCY, windowUnchangedUntil, type RedFlagCode } from "@/lib/core/clinical/red-flags";
import { DEFAULT_THRESHOLDS } from "@/lib/core/clinical/thresholds";
import { episodeFactSelect, groupByPatient, toEpisodeFacts, toVisitFindingFacts } from "@/lib/features/assessment/data";
import { asDate } from "@/lib/server/sql-values";
import { appendAudit } from "@/lib/server/audit";
import { guarded, lockPatients } from "@/lib/server/transaction";
import { Prisma } from "@/generated/prisma/client";
import type { Tx } from "@/lib/server/db";

const DAY_MS = 24 * 3600 * 1000;
const CHUNK = 500;

export interface AttentionItem {
  patientId: string;
  name: string;
  mrn: string;
  clinicName: string;
  timeZone: string;
  /** Codes of the active red flags, most urgent first. */
  redFlags: RedFlagCode[];
  reviewCount: number;
  /** The latest episode inside the red-flag window. */
  lastEpisodeAt: Date | null;
}

export interface NeedsAttention {
  /** The most urgent patients first, at most `limit`. */
  items: AttentionItem[];
  /** Every patient with red flags or review marks, not only those listed. */
  total: number;
  withRedFlags: number;
  patientsByFlag: Record<RedFlagCode, number>;
  /** Episodes patients sent from their diaries that no clinician has reviewed yet. */
  diaryAwaitingReview: number;
}

function chunks<T>(xs: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Recomputes the stored attention of these patients as of `asOf`, in the caller's transaction.
 * On PostgreSQL the patients are locked first (transaction-scoped advisory locks, in key order), so
 * two writers of one patient cannot each store an answer that misses the other's episode. SQLite
 * runs one writer at a time.
 */
export async function refreshAttention(tx: Tx, patientIds: string[], asOf: Date = new Date()): Promise<void> {
  const ids = [...new Set(patientIds)].sort();
  const windowDays = DEFAULT_THRESHOLDS.windowDays;
  const windowStart = new Date(asOf.getTime() - windowDays * DAY_MS);
  for (const part of chunks(ids)) {
    await lockPatients(tx, part);
    const patients = await tx.patient.findMany({ where: { id: { in: part } }, select: { id: true, clinicId: true, clinic: { select: { timeZone: true } } } });
    // From the window's start on, later-dated episodes included: they decide how long the answer holds.
    const episodes = await tx.episode.findMany({
      where: { patientId: { in: part }, deletedAt: null, occurredAt: { gte: windowStart } },
      select: { ...episodeFactSelect, patientId: true },
    });
    // Through the (clinicId, needsReview, deletedAt, …) index: the patients' own index would visit every one of their episodes.
    const clinicIds = [...new Set(patients.map((p) => p.clinicId))];
    const reviews = await tx.episode.groupBy({
      by: ["patientId"],
      where: { clinicId: { in: clinicIds }, needsReview: true, deletedAt: null, patientId: { in: part } },
      _count: { _all: true },
    });
    const reviewCounts = new Map(reviews.map((r) => [r.patientId, r._count._all]));
    // Visits whose examination found something, from the window's start on (the finding flags read them).
    const examined = await tx.$queryRaw<{ id: string; patientId: string; occurredAt: Date | string | number; examFindings: string }[]>`
      SELECT "id", "patientId", "occurredAt", "examFindings" FROM "Visit"
      WHERE "patientId" IN (${Prisma.join(part)}) AND "deletedAt" IS NULL AND "examFindings" <> '' AND "occurredAt" >= ${windowStart}`;
    const byPatient = groupByPatient(episodes);
    const visitsBy = groupByPatient(examined.map((v) => ({ ...v, occurredAt: asDate(v.occurredAt) })));
    // The triage columns: the latest episode of patients with none from the window's start on, and every latest visit.
    const withoutRecent = part.filter((id) => !byPatient.has(id));
    const olderEpisodes = withoutRecent.length
      ? await tx.episode.groupBy({ by: ["patientId"], where: { patientId: { in: withoutRecent }, deletedAt: null }, _max: { occurredAt: true } })
      : [];
    const latestOlder = new Map(olderEpisodes.map((r) => [r.patientId, r._max.occurredAt]));
    const lastVisits = await tx.visit.groupBy({ by: ["patientId"], where: { patientId: { in: part }, deletedAt: null }, _max: { occurredAt: true } });
    const lastVisit = new Map(lastVisits.map((r) => [r.patientId, r._max.occurredAt]));
    const rows = patients.map((p) => {
      const eps = byPatient.get(p.id) ?? [];
      const visits = (visitsBy.get(p.id) ?? []).map(toVisitFindingFacts);
      const inWindow = eps.filter((e) => e.occurredAt <= asOf);
      const visitsInWindow = visits.filter((v) => v.occurredAt <= asOf);
      const flags =
        inWindow.length || visitsInWindow.length
          ? computeRedFlags({ episodes: inWindow.map(toEpisodeFacts), visits: visitsInWindow, asOf, timeZone: p.clinic.timeZone })
          : [];
      const last = inWindow.reduce<Date | null>((m, e) => (!m || e.occurredAt > m ? e.occurredAt : m), null);
      const codes = flags.map((f) => f.code);
      const latest = eps.reduce<Date | null>((m, e) => (!m || e.occurredAt > m ? e.occurredAt : m), null) ?? latestOlder.get(p.id) ?? null;
      return {
        patientId: p.id,
        clinicId: p.clinicId,
        flagCodes: codes.join(","),
        reviewCount: reviewCounts.get(p.id) ?? 0,
        lastEpisodeAt: last,
        ...flagOrder(codes),
        computedAt: asOf,
        validUntil: windowUnchangedUntil([...eps, ...visits].map((e) => e.occurredAt), asOf, windowDays),
        episodesInWindow: inWindow.length,
        latestEpisodeAt: latest,
        lastVisitAt: lastVisit.get(p.id) ?? null,
      };
    });
    await tx.patientAttention.deleteMany({ where: { patientId: { in: part } } });
    if (rows.length) await tx.patientAttention.createMany({ data: rows });
  }
}

/**
 * A clinic's local days changed (its time zone): its patients' answers are recomputed now, in the
 * change's transaction, so the next clinician to open the list does not wait for them.
 */
export async function recomputeClinicAttention(tx: Tx, clinicId: string): Promise<void> {
  const rows = await tx.patientAttention.findMany({ where: { clinicId }, select: { patientId: true } });
  await refreshAttention(tx, rows.map((r) => r.patientId));
}

/** Recomputes the clinics' stored answers that do not hold at `asOf` (ran out, or computed after it). */
export async function refreshOutOfDate(tx: Tx, clinicIds: string[], asOf: Date): Promise<void> {
  const outOfDate = await tx.patientAttention.findMany({
    where: { clinicId: { in: clinicIds }, OR: [{ computedAt: { gt: asOf } }, { validUntil: { lte: asOf } }] },
    select: { patientId: true },
  });
  if (outOfDate.length) await refreshAttention(tx, outOfDate.map((r) => r.patientId), asOf);
}

/**
 * Patients of the clinics with an episode in the rules' window at `asOf`, the latest episode
 * first (at most `limit`, ties by id), and how many there are: from the stored answers, whose
 * `lastEpisodeAt` is the latest episode inside the window.
 */
export async function listActivePatients(tx: Tx, clinicIds: string[], asOf: Date, limit: number): Promise<{ ids: string[]; active: number }> {
  if (!clinicIds.length) return { ids: [], active: 0 };
  await refreshOutOfDate(tx, clinicIds, asOf);
  // COUNT(*) OVER () counts the rows before LIMIT: how many patients were active in all.
  const rows = await tx.$queryRaw<{ patientId: string; active: number | bigint }[]>`
    SELECT a."patientId" AS "patientId", COUNT(*) OVER () AS "active" FROM "PatientAttention" a
    WHERE a."clinicId" IN (${Prisma.join(clinicIds)}) AND a."lastEpisodeAt" IS NOT NULL
      AND a."patientId" NOT IN (SELECT "id" FROM "Patient" WHERE "deletedAt" IS NOT NULL)
    ORDER BY a."lastEpisodeAt" DESC, a."patientId" LIMIT ${limit}`;
  return { ids: rows.map((r) => r.patientId), active: Number(rows[0]?.active ?? 0) };
}

/** Episodes marked for review in the clinics, whatever their date, deleted patients' left out (from the stored review marks). */
export async function countAwaitingReview(tx: Tx, clinicIds: string[]): Promise<number> {
  if (!clinicIds.length) return 0;
  const [row] = await tx.$queryRaw<{ n: number | bigint | null }[]>`
    SELECT SUM(a."reviewCount") AS "n" FROM "PatientAttention" a
    WHERE a."clinicId" IN (${Prisma.join(clinicIds)}) AND a."reviewCount" > 0
      AND a."patientId" NOT IN (SELECT "id" FROM "Patient" WHERE "deletedAt" IS NOT NULL)`;
  return Number(row?.n ?? 0);
}

const URGENCY_RANK = { URGENT: 0, HIGH: 1, ROUTINE: 2 } as const;
const NO_URGENCY = 3;
/** Possible seizure (impaired consciousness, or a bitten tongue or incontinence from the diary) 0, prolonged seizure 1, possible thrombosis 2. */
const TOP_RANK: Partial<Record<RedFlagCode, number>> = { IMPAIRED_CONSCIOUSNESS: 0, SEIZURE_SIGNS: 0, PROLONGED_SEIZURE: 1, CALF_SWELLING: 2 };
const NOT_TOP = 3;

/** The stored order keys of a patient's flags: possible seizure, prolonged seizure, possible thrombosis, then the most urgent flag, then more flags. */
function flagOrder(codes: RedFlagCode[]): { topFlagRank: number; urgencyRank: number; flagCount: number } {
  return {
    topFlagRank: Math.min(NOT_TOP, ...codes.map((c) => TOP_RANK[c] ?? NOT_TOP)),
    urgencyRank: Math.min(NO_URGENCY, ...codes.map((c) => URGENCY_RANK[RED_FLAG_URGENCY[c]])),
    flagCount: codes.length,
  };
}

type ListedRow = {
  patientId: string;
  flagCodes: string;
  reviewCount: number | bigint;
  lastEpisodeAt: Date | string | null;
  topFlagRank: number | bigint;
  urgencyRank: number | bigint;
  flagCount: number | bigint;
  givenName: string;
  familyName: string;
  mrn: string;
  clinicName: string;
  timeZone: string;
};

/** The order keys compared in turn (lower first), as the SQL below orders; ties after them go by name. */
function rankOf(r: ListedRow): number[] {
  const last = r.lastEpisodeAt === null ? 0 : new Date(r.lastEpisodeAt).getTime();
  return [Number(r.topFlagRank), Number(r.urgencyRank), -Number(r.flagCount), -Number(r.reviewCount), -last];
}

function compareRanks(ra: number[], rb: number[]): number {
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return 0;
}

function emptyByFlag(): Record<RedFlagCode, number> {
  return Object.fromEntries(RED_FLAG_CODES.map((c) => [c, 0])) as Record<RedFlagCode, number>;
}

/**
 * Patients of the actor's clinics with active red flags or episodes marked for review, most
 * urgent first (at most `limit`; ties at the cut decided by name), with the totals for all of them.
 * The database counts and orders the stored rows; only the listed ones (and any tied with the
 * last) are read.
 */
export async function listNeedsAttention(actor: Actor, asOf: Date = new Date(), limit = 100): Promise<NeedsAttention> {
  return guarded(actor, "clinical:read", { action: "NEEDS_ATTENTION_VIEW" }, async (tx) => {
    const clinicIds = actor.clinicIds;
    const result: NeedsAttention = { items: [], total: 0, withRedFlags: 0, patientsByFlag: emptyByFlag(), diaryAwaitingReview: 0 };
    if (clinicIds.length > 0) {
      await refreshOutOfDate(tx, clinicIds, asOf);

      // Deleted patients are left out by a short list (their index range), so the counts and the
      // order read PatientAttention alone; names are joined for the listed rows only.
      const listed = Prisma.sql`a."clinicId" IN (${Prisma.join(clinicIds)}) AND (a."flagCodes" <> '' OR a."reviewCount" > 0)
        AND a."patientId" NOT IN (SELECT "id" FROM "Patient" WHERE "deletedAt" IS NOT NULL)`;
      const perFlag = RED_FLAG_CODES.map(
        (code) => Prisma.sql`SUM(CASE WHEN (',' || a."flagCodes" || ',') LIKE ${`%,${code},%`} THEN 1 ELSE 0 END) AS ${Prisma.raw(`"${code}"`)}`,
      );
      const [counts] = await tx.$queryRaw<Record<string, number | bigint | null>[]>`
        SELECT COUNT(*) AS "total", SUM(CASE WHEN a."flagCodes" <> '' THEN 1 ELSE 0 END) AS "withRedFlags", ${Prisma.join(perFlag)}
        FROM "PatientAttention" a WHERE ${listed}`;
      result.total = Number(counts.total ?? 0);
      // Through the review queue's (clinicId, needsReview, deletedAt, …) index: only flagged episodes are visited.
      result.diaryAwaitingReview = await tx.episode.count({
        where: { clinicId: { in: clinicIds }, needsReview: true, deletedAt: null, source: "PATIENT", NOT: { patient: { deletedAt: { not: null } } } },
      });
      result.withRedFlags = Number(counts.withRedFlags ?? 0);
      for (const code of RED_FLAG_CODES) result.patientsByFlag[code] = Number(counts[code] ?? 0);

      if (limit > 0 && result.total > 0) {
        const named = (rows: Prisma.Sql) => Prisma.sql`
          SELECT a."patientId", a."flagCodes", a."reviewCount", a."lastEpisodeAt", a."topFlagRank", a."urgencyRank", a."flagCount",
                 p."givenName", p."familyName", p."mrn", c."name" AS "clinicName", c."timeZone"
          FROM (${rows}) a JOIN "Patient" p ON p."id" = a."patientId" JOIN "Clinic" c ON c."id" = a."clinicId"`;
        const top = await tx.$queryRaw<ListedRow[]>(
          named(Prisma.sql`SELECT * FROM "PatientAttention" a WHERE ${listed}
            ORDER BY a."topFlagRank", a."urgencyRank", a."flagCount" DESC, a."reviewCount" DESC, a."lastEpisodeAt" DESC NULLS LAST LIMIT ${limit}`),
        );
        // Every row tied with the last one listed: names decide among those.
        const edge = top.reduce((worst, r) => (compareRanks(rankOf(r), rankOf(worst)) > 0 ? r : worst));
        const tied = await tx.$queryRaw<ListedRow[]>(
          named(Prisma.sql`SELECT * FROM "PatientAttention" a WHERE ${listed}
            AND a."topFlagRank" = ${Number(edge.topFlagRank)} AND a."urgencyRank" = ${Number(edge.urgencyRank)} AND a."flagCount" = ${Number(edge.flagCount)}
            AND a."reviewCount" = ${Number(edge.reviewCount)}
            AND ${edge.lastEpisodeAt === null ? Prisma.sql`a."lastEpisodeAt" IS NULL` : Prisma.sql`a."lastEpisodeAt" = ${edge.lastEpisodeAt}`}`),
        );
        const rows = new Map([...top, ...tied].map((r) => [r.patientId, r]));
        result.items = [...rows.values()]
          .map((r) => ({
            rank: rankOf(r),
            item: {
              patientId: r.patientId,
              name: `${r.familyName}, ${r.givenName}`,
              mrn: r.mrn,
              clinicName: r.clinicName,
              timeZone: r.timeZone,
              redFlags: (r.flagCodes ? r.flagCodes.split(",") : []) as RedFlagCode[],
              reviewCount: Number(r.reviewCount),
              lastEpisodeAt: r.lastEpisodeAt === null ? null : new Date(r.lastEpisodeAt),
            },
          }))
          .sort((a, b) => compareRanks(a.rank, b.rank) || a.item.name.localeCompare(b.item.name))
          .slice(0, limit)
          .map((x) => x.item);
      }
    }
    await appendAudit(tx, actor, { action: "NEEDS_ATTENTION_VIEW", details: { patients: result.total } });
    return result;
  });
}
