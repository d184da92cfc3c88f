/**
 * Each clinic's episodes per local calendar day and type (EpisodeDayCount), so the clinic
 * dashboard sums a few rows per day instead of aggregating every episode of its period.
 *
 * Counted: the episodes the dashboard shows (not deleted, of a patient not deleted), by the
 * clinic's local day and the episode's type on the charts. Kept:
 * - in the transaction of every episode create, edit, delete and restore, and of a patient's
 *   deletion and restoration, as +1/-1 changes;
 * - rebuilt from the episodes when the clinic's time zone changes, and before a read when they
 *   were never built (Clinic.episodeDayCountsAt null: a new clinic, the migration, a bulk load).
 *
 * On PostgreSQL:
 * - a writer holds its patient's write lock (lockPatients), so an episode written while its
 *   patient is deleted is counted by one of the two and not both or neither;
 * - a writer holds a shared advisory lock on its clinic and a rebuild an exclusive one: a rebuild (a
 *   time-zone change) waits for the writes in flight, whose episodes it then counts in the new
 *   zone, and a writer that waited for a rebuild reads the zone it set.
 * Writers of one clinic do not wait for each other: each change is one atomic upsert. SQLite runs
 * one writer at a time.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { dayNumber, localDate } from "@/lib/core/clinical/red-flags";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { EFFECTIVE_TYPE, OCCURRED_AT, perRun, UNCLASSIFIED, weekIndexSql } from "./sql";
import { lockPatients } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";

/** What the counts need of an episode. */
export interface CountedEpisode {
  occurredAt: Date;
  classification: string | null;
  suggestedClassification: string | null;
}

const effectiveType = (e: CountedEpisode): string => e.classification ?? e.suggestedClassification ?? UNCLASSIFIED;

async function lockClinic(tx: Tx, clinicId: string, mode: "shared" | "exclusive"): Promise<void> {
  if (currentDatabaseKind() !== "postgresql") return;
  if (mode === "shared") await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtext(${`day-counts:${clinicId}`}))`;
  else await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`day-counts:${clinicId}`}))`;
}

/**
 * Applies an episode write to its clinic's counts, in the writer's transaction: `removed` stop
 * counting as they were (deleted, or the state before an edit), `added` start counting (created,
 * restored, the state after an edit). Nothing to do while the patient is deleted.
 */
export async function countEpisodeChanges(
  tx: Tx,
  owner: { clinicId: string; patientId: string },
  removed: CountedEpisode[],
  added: CountedEpisode[],
): Promise<void> {
  if (!removed.length && !added.length) return;
  await lockPatients(tx, [owner.patientId]);
  const patient = await tx.patient.findUniqueOrThrow({ where: { id: owner.patientId }, select: { deletedAt: true } });
  if (patient.deletedAt) return;
  await applyChanges(tx, owner.clinicId, removed, added);
}

/**
 * A patient's deletion (-1) or restoration (+1), in its transaction after the patient row changed:
 * the patient's episodes stop or start counting.
 */
export async function countPatientEpisodes(tx: Tx, patient: { id: string; clinicId: string }, sign: -1 | 1): Promise<void> {
  await lockPatients(tx, [patient.id]);
  const episodes = await tx.episode.findMany({
    where: { patientId: patient.id, deletedAt: null },
    select: { occurredAt: true, classification: true, suggestedClassification: true },
  });
  await applyChanges(tx, patient.clinicId, sign < 0 ? episodes : [], sign > 0 ? episodes : []);
}

async function applyChanges(tx: Tx, clinicId: string, removed: CountedEpisode[], added: CountedEpisode[]): Promise<void> {
  if (!removed.length && !added.length) return;
  await lockClinic(tx, clinicId, "shared");
  const clinic = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { timeZone: true, episodeDayCountsAt: true } });
  // Never built: the first read builds them from the episodes, this write included.
  if (!clinic.episodeDayCountsAt) return;
  const deltas = new Map<string, { day: number; type: string; count: number }>();
  for (const [episodes, sign] of [
    [removed, -1],
    [added, 1],
  ] as const) {
    for (const e of episodes) {
      const day = dayNumber(localDate(e.occurredAt, clinic.timeZone));
      const type = effectiveType(e);
      const key = `${day}|${type}`;
      const d = deltas.get(key) ?? { day, type, count: 0 };
      d.count += sign;
      deltas.set(key, d);
    }
  }
  for (const d of deltas.values()) {
    if (d.count === 0) continue; // an edit that left the day and the type as they were
    await tx.$executeRaw`INSERT INTO "EpisodeDayCount" ("clinicId", "day", "type", "count") VALUES (${clinicId}, ${d.day}, ${d.type}, ${d.count})
      ON CONFLICT ("clinicId", "day", "type") DO UPDATE SET "count" = "EpisodeDayCount"."count" + excluded."count"`;
  }
}

/** Rebuilds a clinic's counts from its episodes, in the caller's transaction (its time zone as stored now). */
export async function rebuildDayCounts(tx: Tx, clinicId: string): Promise<void> {
  await lockClinic(tx, clinicId, "exclusive");
  const clinic = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { timeZone: true } });
  await tx.$executeRaw`DELETE FROM "EpisodeDayCount" WHERE "clinicId" = ${clinicId}`;
  const span = await tx.episode.aggregate({ where: { clinicId, deletedAt: null }, _min: { occurredAt: true }, _max: { occurredAt: true } });
  const first = span._min.occurredAt;
  const last = span._max.occurredAt;
  if (first && last) {
    const bounds = { timeZone: clinic.timeZone, start: first, end: new Date(last.getTime() + 1) };
    // One part per run of one UTC offset (SQLite); a day cut by a change of offset has a row in
    // two parts, hence the outer SUM.
    const parts = perRun(
      currentDatabaseKind(),
      OCCURRED_AT,
      bounds,
      (local, range) => Prisma.sql`SELECT ${local.day} AS d, ${EFFECTIVE_TYPE} AS ty, COUNT(*) AS n
        FROM "Episode" e WHERE e."clinicId" = ${clinicId} AND e."deletedAt" IS NULL AND ${range}
          AND e."patientId" NOT IN (SELECT p."id" FROM "Patient" p WHERE p."clinicId" = ${clinicId} AND p."deletedAt" IS NOT NULL)
        GROUP BY 1, 2`,
    );
    await tx.$executeRaw`INSERT INTO "EpisodeDayCount" ("clinicId", "day", "type", "count")
      SELECT ${clinicId}, t.d, t.ty, SUM(t.n) FROM (${parts}) t GROUP BY t.d, t.ty`;
  }
  await tx.clinic.update({ where: { id: clinicId }, data: { episodeDayCountsAt: new Date() } });
}

/** Builds the counts of those of these clinics that have none yet (see the top of this file). */
export async function ensureDayCounts(tx: Tx, clinicIds: string[]): Promise<void> {
  if (!clinicIds.length) return;
  const unbuilt = await tx.clinic.findMany({ where: { id: { in: clinicIds }, episodeDayCountsAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  for (const c of unbuilt) {
    // Another reader may have built them while this one waited for the lock (taken again inside: it is reentrant).
    await lockClinic(tx, c.id, "exclusive");
    const still = await tx.clinic.findUniqueOrThrow({ where: { id: c.id }, select: { episodeDayCountsAt: true } });
    if (!still.episodeDayCountsAt) await rebuildDayCounts(tx, c.id);
  }
}

/** The clinic's counts per Monday-based week index (see weekIndexSql) and type over local days [fromDay, toDay]. */
export async function queryDayCountsByWeek(tx: Tx, clinicId: string, fromDay: number, toDay: number): Promise<{ week: number; type: string; count: number }[]> {
  const rows = await tx.$queryRaw<{ week: unknown; type: string; count: unknown }[]>`
    SELECT ${weekIndexSql(Prisma.sql`d."day"`)} AS "week", d."type" AS "type", SUM(d."count") AS "count"
    FROM "EpisodeDayCount" d WHERE d."clinicId" = ${clinicId} AND d."day" >= ${fromDay} AND d."day" <= ${toDay}
    GROUP BY 1, 2`;
  return rows.map((r) => ({ week: Number(r.week), type: r.type, count: Number(r.count) }));
}
