/**
 * Soft-deleted records: the admin's list, restore, and purge (hard delete for a legal erasure
 * request). Needs "data:restore" (ADMIN), scoped to the actor's clinics like every other read.
 *
 * Deleting a patient only marks the patient; its visits, episodes and checklist stay as they were
 * and are hidden with it, so restoring the patient brings them all back. Visits and episodes
 * deleted on their own keep their own mark and are restored on their own.
 *
 * Purge removes the patient and every row about it in one transaction. The audit log is
 * append-only and chained, so its rows stay: older rows still carry the (pseudonymous) patient id,
 * and the purge itself is recorded as PATIENT_PURGE with the reason.
 */
import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { db } from "@/lib/server/db";
import { parseWith } from "@/lib/core/validation/common";
import { purgeSchema } from "@/lib/core/validation/recycle";
import { refreshAttention } from "@/lib/features/attention/data";
import { countEpisodeChanges, countPatientEpisodes } from "@/lib/features/episodes/day-counts";
import { appendAudit } from "@/lib/server/audit";
import { recordRevision } from "@/lib/features/episodes/data";
import { conflict, invalid, notFound } from "@/lib/server/errors";
import { guarded } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";

/** Rows per kind on the page; the oldest deletions beyond it show once newer ones are handled. */
export const DELETED_LIST_LIMIT = 200;

interface DeletedBase {
  id: string;
  deletedAt: Date;
  /** Name (email) of who deleted it, when known. */
  deletedBy: string | null;
}

export interface DeletedPatient extends DeletedBase {
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  clinicName: string;
  visits: number;
  episodes: number;
}

export interface DeletedChild extends DeletedBase {
  patientId: string;
  mrn: string;
  patientName: string;
  occurredAt: Date;
  /** The patient is deleted too: restore the patient first. */
  patientDeleted: boolean;
}

export interface DeletedVisit extends DeletedChild {
  labs: number;
}

export interface DeletedEpisode extends DeletedChild {
  classification: string | null;
}

export interface DeletedRecords {
  patients: DeletedPatient[];
  visits: DeletedVisit[];
  episodes: DeletedEpisode[];
}

const patientLabel = { select: { mrn: true, givenName: true, familyName: true, deletedAt: true } } as const;

async function userNames(tx: Tx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const users = await tx.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true, email: true } });
  return new Map(users.map((u) => [u.id, `${u.name} (${u.email})`]));
}

/** Patients, visits and episodes deleted in the actor's clinics, newest deletion first. */
export async function listDeleted(actor: Actor): Promise<DeletedRecords> {
  return guarded(actor, "data:restore", { action: "DELETED_LIST" }, async (tx) => {
    const inClinics = { clinicId: { in: actor.clinicIds } };
    // One query after another: queries of one transaction share one connection.
    const patients = await tx.patient.findMany({
      where: { ...inClinics, deletedAt: { not: null } },
      orderBy: [{ deletedAt: "desc" }, { id: "asc" }],
      take: DELETED_LIST_LIMIT,
      include: {
        clinic: { select: { name: true } },
        _count: { select: { visits: { where: { deletedAt: null } }, episodes: { where: { deletedAt: null } } } },
      },
    });
    const visits = await tx.visit.findMany({
      where: { deletedAt: { not: null }, patient: inClinics },
      orderBy: [{ deletedAt: "desc" }, { id: "asc" }],
      take: DELETED_LIST_LIMIT,
      include: { patient: patientLabel, _count: { select: { labs: true } } },
    });
    const episodes = await tx.episode.findMany({
      where: { ...inClinics, deletedAt: { not: null } },
      orderBy: [{ deletedAt: "desc" }, { id: "asc" }],
      take: DELETED_LIST_LIMIT,
      include: { patient: patientLabel },
    });
    const names = await userNames(tx, [...patients, ...visits, ...episodes].map((r) => r.deletedById));
    const child = (r: (typeof visits)[number] | (typeof episodes)[number]) => ({
      id: r.id,
      deletedAt: r.deletedAt!,
      deletedBy: r.deletedById ? (names.get(r.deletedById) ?? null) : null,
      patientId: r.patientId,
      mrn: r.patient.mrn,
      patientName: `${r.patient.familyName}, ${r.patient.givenName}`,
      occurredAt: r.occurredAt,
      patientDeleted: r.patient.deletedAt !== null,
    });
    await appendAudit(tx, actor, {
      action: "DELETED_LIST",
      details: { patients: patients.length, visits: visits.length, episodes: episodes.length },
    });
    return {
      patients: patients.map((p) => ({
        id: p.id,
        deletedAt: p.deletedAt!,
        deletedBy: p.deletedById ? (names.get(p.deletedById) ?? null) : null,
        mrn: p.mrn,
        givenName: p.givenName,
        familyName: p.familyName,
        birthDate: p.birthDate,
        clinicName: p.clinic.name,
        visits: p._count.visits,
        episodes: p._count.episodes,
      })),
      visits: visits.map((v) => ({ ...child(v), labs: v._count.labs })),
      episodes: episodes.map((e) => ({ ...child(e), classification: e.classification ?? e.suggestedClassification })),
    };
  });
}

const deletionDetails = (row: { deletedAt: Date | null; deletedById: string | null }) => ({
  deletedAt: row.deletedAt?.toISOString() ?? null,
  deletedById: row.deletedById,
});

/**
 * Brings a deleted patient back, with everything that was hidden with it (visits, episodes,
 * checklist: they were never marked). Bumps the version, so forms opened before are stale.
 */
export async function restorePatient(actor: Actor, id: string): Promise<void> {
  return guarded(actor, "data:restore", { action: "PATIENT_RESTORE", patientId: id, targetType: "Patient", targetId: id }, async (tx) => {
    const row = await tx.patient.findFirst({
      where: { id, clinicId: { in: actor.clinicIds } },
      select: { clinicId: true, deletedAt: true, deletedById: true },
    });
    if (!row) throw notFound("Patient");
    if (!row.deletedAt) throw conflict("This patient is not deleted (someone may have restored it already).");
    const { count } = await tx.patient.updateMany({
      where: { id, deletedAt: { not: null } },
      data: { deletedAt: null, deletedById: null, version: { increment: 1 } },
    });
    if (count === 0) throw conflict("This patient is not deleted (someone may have restored it already).");
    await countPatientEpisodes(tx, { id, clinicId: row.clinicId }, 1);
    await appendAudit(tx, actor, { action: "PATIENT_RESTORE", patientId: id, targetType: "Patient", targetId: id, details: deletionDetails(row) });
  });
}

export async function restoreVisit(actor: Actor, id: string): Promise<void> {
  return guarded(actor, "data:restore", { action: "VISIT_RESTORE", targetType: "Visit", targetId: id }, async (tx) => {
    const row = await tx.visit.findFirst({
      where: { id, patient: { clinicId: { in: actor.clinicIds } } },
      select: { patientId: true, deletedAt: true, deletedById: true, patient: { select: { deletedAt: true } } },
    });
    if (!row) throw notFound("Visit");
    if (!row.deletedAt) throw conflict("This visit is not deleted (someone may have restored it already).");
    if (row.patient.deletedAt) throw conflict("The patient of this visit is deleted: restore the patient first.");
    const { count } = await tx.visit.updateMany({
      where: { id, deletedAt: { not: null } },
      data: { deletedAt: null, deletedById: null, version: { increment: 1 } },
    });
    if (count === 0) throw conflict("This visit is not deleted (someone may have restored it already).");
    await refreshAttention(tx, [row.patientId]);
    await appendAudit(tx, actor, { action: "VISIT_RESTORE", patientId: row.patientId, targetType: "Visit", targetId: id, details: deletionDetails(row) });
  });
}

export async function restoreEpisode(actor: Actor, id: string): Promise<void> {
  return guarded(actor, "data:restore", { action: "EPISODE_RESTORE", targetType: "Episode", targetId: id }, async (tx) => {
    const row = await tx.episode.findFirst({
      where: { id, clinicId: { in: actor.clinicIds } },
      select: {
        patientId: true,
        clinicId: true,
        occurredAt: true,
        classification: true,
        suggestedClassification: true,
        deletedAt: true,
        deletedById: true,
        version: true,
        patient: { select: { deletedAt: true } },
      },
    });
    if (!row) throw notFound("Episode");
    if (!row.deletedAt) throw conflict("This episode is not deleted (someone may have restored it already).");
    if (row.patient.deletedAt) throw conflict("The patient of this episode is deleted: restore the patient first.");
    const { count } = await tx.episode.updateMany({
      where: { id, deletedAt: { not: null } },
      data: { deletedAt: null, deletedById: null, version: { increment: 1 } },
    });
    if (count === 0) throw conflict("This episode is not deleted (someone may have restored it already).");
    await recordRevision(tx, actor, "RESTORE", { id, patientId: row.patientId, version: row.version + 1 });
    await refreshAttention(tx, [row.patientId]);
    await countEpisodeChanges(tx, row, [], [row]);
    await appendAudit(tx, actor, { action: "EPISODE_RESTORE", patientId: row.patientId, targetType: "Episode", targetId: id, details: deletionDetails(row) });
  });
}

export interface PurgeResult {
  patientId: string;
  /** Rows removed per table. */
  removed: Record<string, number>;
}

/**
 * Legal erasure: hard-deletes a deleted patient and every row about it (conditions, medications,
 * visits, lab results, episodes, checklist items and their history, idempotency keys naming
 * them) in one transaction, and records PATIENT_PURGE with the reason. The patient must be
 * deleted first (two people, or two deliberate steps). With `confirmMrn` (the form always sends
 * it), it must equal the patient's MRN.
 *
 * The PATIENT_PURGE row names the patient only as its target (patientId stays empty), so the
 * admins who share a clinic with the purging admin still see it once the patient is gone. It
 * holds no name or MRN; the reason is free text: ask for a request reference, not PHI.
 *
 * On SQLite, secure_delete overwrites the freed content in the database pages and a checkpoint
 * afterwards moves it out of the WAL. Earlier backups still hold the patient until they age out.
 */
export async function purgePatient(actor: Actor, id: string, reason: string, options: { confirmMrn?: string } = {}): Promise<PurgeResult> {
  const parsed = parseWith(purgeSchema, { reason, confirmMrn: options.confirmMrn });
  const sqlite = currentDatabaseKind() === "sqlite";
  const result = await guarded(actor, "data:restore", { action: "PATIENT_PURGE", patientId: id, targetType: "Patient", targetId: id }, async (tx) => {
    const patient = await tx.patient.findFirst({
      where: { id, clinicId: { in: actor.clinicIds } },
      select: { id: true, mrn: true, clinicId: true, deletedAt: true, deletedById: true },
    });
    if (!patient) throw notFound("Patient");
    if (!parsed.ok) throw invalid(parsed.fields);
    const confirm = parsed.data.confirmMrn;
    if (confirm !== undefined && confirm !== patient.mrn) {
      throw invalid({ confirmMrn: confirm ? "This is not the patient's MRN: type it exactly as shown" : "Type the patient's MRN to confirm" });
    }
    if (!patient.deletedAt) throw conflict("Only a deleted patient can be purged: delete the patient first, then purge it here.");

    if (sqlite) await tx.$queryRawUnsafe("PRAGMA secure_delete = ON");
    const removed: Record<string, number> = {};
    // Keys first, while the records they name can still be found.
    removed.IdempotencyKey = await tx.$executeRaw`
      DELETE FROM "IdempotencyKey" WHERE ("resourceType" = 'Patient' AND "resourceId" = ${id})
        OR ("resourceType" = 'Visit' AND "resourceId" IN (SELECT "id" FROM "Visit" WHERE "patientId" = ${id}))
        OR ("resourceType" = 'Episode' AND "resourceId" IN (SELECT "id" FROM "Episode" WHERE "patientId" = ${id}))`;
    removed.ChecklistHistory = await tx.$executeRaw`
      DELETE FROM "ChecklistHistory" WHERE "patientId" = ${id} OR "itemId" IN (SELECT "id" FROM "ChecklistItem" WHERE "patientId" = ${id})`;
    removed.ChecklistItem = (await tx.checklistItem.deleteMany({ where: { patientId: id } })).count;
    removed.PatientAttention = (await tx.patientAttention.deleteMany({ where: { patientId: id } })).count;
    removed.EpisodeRevision = (await tx.episodeRevision.deleteMany({ where: { patientId: id } })).count;
    removed.Episode = (await tx.episode.deleteMany({ where: { patientId: id } })).count;
    removed.DiaryLink = (await tx.diaryLink.deleteMany({ where: { patientId: id } })).count;
    removed.LabResult = await tx.$executeRaw`
      DELETE FROM "LabResult" WHERE "patientId" = ${id} OR "visitId" IN (SELECT "id" FROM "Visit" WHERE "patientId" = ${id})`;
    removed.Visit = (await tx.visit.deleteMany({ where: { patientId: id } })).count;
    removed.PatientCondition = (await tx.patientCondition.deleteMany({ where: { patientId: id } })).count;
    removed.Medication = (await tx.medication.deleteMany({ where: { patientId: id } })).count;
    removed.Patient = (await tx.patient.deleteMany({ where: { id } })).count;
    if (sqlite) await tx.$queryRawUnsafe("PRAGMA secure_delete = OFF");

    await appendAudit(tx, actor, {
      action: "PATIENT_PURGE",
      targetType: "Patient",
      targetId: id,
      details: { reason: parsed.data.reason, clinicId: patient.clinicId, ...deletionDetails(patient), removed },
    });
    return { patientId: id, removed };
  });
  if (sqlite) {
    // Best effort: copy the overwritten pages into the database file and empty the WAL, so the
    // purged content is not left in older WAL frames. Readers in other processes may make it
    // partial; the next automatic checkpoint finishes it.
    await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)").catch(() => undefined);
  }
  return result;
}
