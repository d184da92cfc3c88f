import fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { checkDatabase } from "@/lib/ops/backup";
import { sqlitePath } from "@/lib/server/db-adapter";
import { verifyAuditChain } from "@/lib/features/audit-log/data";
import { DataError } from "@/lib/server/errors";
import { createEpisode, deleteEpisode, listEpisodes } from "@/lib/features/episodes/data";
import { createPatient, deletePatient, getPatient } from "@/lib/features/patients/data";
import { listDeleted, purgePatient, restoreEpisode, restorePatient, restoreVisit } from "@/lib/features/recycle/data";
import { createVisit, deleteVisit, listVisits } from "@/lib/features/visits/data";
import { createWorld, validPatient } from "../factories/world";
import { actorFor, createUser } from "../factories/users";

let world: Awaited<ReturnType<typeof createWorld>>;
let foreignAdmin: Actor;
beforeAll(async () => {
  world = await createWorld(db);
  const u = await createUser(db, { email: "admin@other.clinic", name: "Other Admin", role: "ADMIN", clinicIds: [world.otherClinic.id], password: "correct horse battery" });
  foreignAdmin = actorFor(u, [world.otherClinic.id]);
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
const episode = (h: number, extra: Record<string, unknown> = {}) => ({ occurredAt: hoursAgo(h), durationSeconds: 90, side: "LEFT", movement: "SUSTAINED_CONTRACTION", ...extra });
const labs = [
  { analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L" },
  { analyte: "POTASSIUM", value: 3.4, unit: "mmol/L" },
];

/** A patient with a visit (two labs), two episodes (one at the visit), a checklist item with history and idempotency keys. */
async function patientWithRecords(mrn: string, givenName = "Anna") {
  const actor = world.actors.clinician;
  const patient = await createPatient(actor, validPatient({ mrn, givenName }), { idempotencyKey: `patient-${mrn}-key` });
  const visit = await createVisit(actor, patient.id, { occurredAt: hoursAgo(48), labs, notes: "Review" }, { idempotencyKey: `visit-${mrn}-key` });
  const e1 = await createEpisode(actor, patient.id, episode(50, { visitId: visit.id }), { idempotencyKey: `episode-${mrn}-key` });
  const e2 = await createEpisode(actor, patient.id, episode(20));
  const item = await db.checklistItem.create({ data: { patientId: patient.id, causeId: "DEHYDRATION", status: "SUSPECTED", note: "Low intake", updatedById: world.users.clinician.id } });
  await db.checklistHistory.create({ data: { itemId: item.id, patientId: patient.id, causeId: "DEHYDRATION", fromStatus: "NOT_ASSESSED", toStatus: "SUSPECTED", note: "Low intake", changedById: world.users.clinician.id } });
  return { patient, visit, episodes: [e1, e2], item };
}

const currentVersion = async (id: string) => (await db.patient.findUniqueOrThrow({ where: { id } })).version;

describe("restore", () => {
  it("restoring a deleted patient brings back its visits, episodes and checklist", async () => {
    const { patient, visit, episodes, item } = await patientWithRecords("RC-1");
    const admin = world.actors.admin;
    await deletePatient(world.actors.clinician, patient.id, patient.version);
    // Hidden with the patient, though never marked themselves.
    expect((await refusal(getPatient(admin, patient.id))).code).toBe("NOT_FOUND");
    expect((await refusal(listVisits(admin, patient.id))).code).toBe("NOT_FOUND");
    expect((await refusal(listEpisodes(admin, patient.id, {}))).code).toBe("NOT_FOUND");

    const deleted = await listDeleted(admin);
    const listed = deleted.patients.find((p) => p.id === patient.id);
    expect(listed).toMatchObject({ mrn: "RC-1", visits: 1, episodes: 2, clinicName: "Test Clinic" });
    expect(listed?.deletedBy).toContain("clinician@test.clinic");
    // Its children were not deleted on their own, so they are not listed on their own.
    expect(deleted.visits.some((v) => v.patientId === patient.id)).toBe(false);
    expect(deleted.episodes.some((e) => e.patientId === patient.id)).toBe(false);

    const versionBefore = await currentVersion(patient.id);
    await restorePatient(admin, patient.id);
    const back = await getPatient(world.actors.clinician, patient.id);
    expect(back.version).toBe(versionBefore + 1);
    const visits = await listVisits(world.actors.clinician, patient.id);
    expect(visits.map((v) => v.id)).toEqual([visit.id]);
    expect(visits[0].labs).toHaveLength(2);
    const eps = await listEpisodes(world.actors.clinician, patient.id, {});
    expect(eps.items.map((e) => e.id).sort()).toEqual(episodes.map((e) => e.id).sort());
    expect(await db.checklistItem.findUnique({ where: { id: item.id } })).toMatchObject({ status: "SUSPECTED" });
    expect(await db.checklistHistory.count({ where: { itemId: item.id } })).toBe(1);
    expect((await listDeleted(admin)).patients.some((p) => p.id === patient.id)).toBe(false);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "PATIENT_RESTORE", targetId: patient.id } });
    expect(audit).toMatchObject({ userId: world.users.admin.id, patientId: patient.id, outcome: "SUCCESS" });
    expect(JSON.parse(audit.details)).toMatchObject({ deletedById: world.users.clinician.id });
    // A second restore is a conflict, not a silent success.
    expect((await refusal(restorePatient(admin, patient.id))).code).toBe("CONFLICT");
  });

  it("visits and episodes deleted on their own are listed and restored on their own", async () => {
    const { patient, visit, episodes } = await patientWithRecords("RC-2");
    const clinician = world.actors.clinician;
    await deleteVisit(clinician, visit.id, visit.version);
    await deleteEpisode(clinician, episodes[1].id, episodes[1].version);
    let deleted = await listDeleted(world.actors.admin);
    expect(deleted.visits.find((v) => v.id === visit.id)).toMatchObject({ mrn: "RC-2", labs: 2, patientDeleted: false });
    expect(deleted.episodes.find((e) => e.id === episodes[1].id)).toMatchObject({ mrn: "RC-2", patientDeleted: false });
    expect(await listVisits(clinician, patient.id)).toHaveLength(0);

    // With the patient deleted too, the patient comes first; restoring it leaves the separately
    // deleted episode deleted.
    await deletePatient(clinician, patient.id, await currentVersion(patient.id));
    deleted = await listDeleted(world.actors.admin);
    expect(deleted.episodes.find((e) => e.id === episodes[1].id)?.patientDeleted).toBe(true);
    const blocked = await refusal(restoreEpisode(world.actors.admin, episodes[1].id));
    expect(blocked.code).toBe("CONFLICT");
    expect(blocked.message).toMatch(/restore the patient first/);
    await restorePatient(world.actors.admin, patient.id);
    expect((await listEpisodes(clinician, patient.id, {})).items.map((e) => e.id)).toEqual([episodes[0].id]);

    await restoreEpisode(world.actors.admin, episodes[1].id);
    await restoreVisit(world.actors.admin, visit.id);
    expect((await listEpisodes(clinician, patient.id, {})).total).toBe(2);
    const visits = await listVisits(clinician, patient.id);
    expect(visits).toHaveLength(1);
    expect(visits[0].version).toBe(visit.version + 2); // deleted, then restored
    expect(await db.auditEvent.count({ where: { action: { in: ["VISIT_RESTORE", "EPISODE_RESTORE"] }, patientId: patient.id, outcome: "SUCCESS" } })).toBe(2);
    // The episode's history has the deletion and the restore, each with its version.
    const history = await db.episodeRevision.findMany({ where: { episodeId: episodes[1].id }, orderBy: { version: "asc" } });
    const restored = await db.episode.findUniqueOrThrow({ where: { id: episodes[1].id } });
    expect(history.map((h) => [h.action, h.version])).toEqual([["DELETE", restored.version - 1], ["RESTORE", restored.version]]);
  });
});

/** Every table with a patientId column (found in the catalog, so tables added later count too). */
async function tablesWithPatientId(): Promise<string[]> {
  const rows = process.env.TEST_DB_KIND === "postgresql"
    ? await db.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'patientId'`)
    : await db.$queryRawUnsafe<{ name: string }[]>(`SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'patientId'`);
  return rows.map((r) => r.name).sort();
}

async function rowsAbout(patientId: string, ids: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of await tablesWithPatientId()) {
    const [{ n }] = await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE "patientId" = '${patientId}'`);
    out[table] = Number(n);
  }
  out.Patient = await db.patient.count({ where: { id: patientId } });
  out.IdempotencyKey = await db.idempotencyKey.count({ where: { resourceId: { in: ids } } });
  return out;
}

describe("purge", () => {
  it("removes every row of the patient in one go, keeps the audit log verifiable, and records the reason", async () => {
    const keep = await patientWithRecords("PG-KEEP");
    const { patient, visit, episodes, item } = await patientWithRecords("PG-1", "Quillonberta");
    const ids = [patient.id, visit.id, ...episodes.map((e) => e.id), item.id];
    const admin = world.actors.admin;
    const before = await rowsAbout(patient.id, ids);
    expect(before).toMatchObject({ Patient: 1, Visit: 1, LabResult: 2, Episode: 2, ChecklistItem: 1, ChecklistHistory: 1, PatientCondition: 1, Medication: 1, IdempotencyKey: 3 });
    const keepBefore = await rowsAbout(keep.patient.id, [keep.patient.id]);

    // Not deleted yet: a purge is the second deliberate step.
    expect((await refusal(purgePatient(admin, patient.id, "Erasure request ER-2026-17", { confirmMrn: "PG-1" }))).code).toBe("CONFLICT");
    await deletePatient(world.actors.clinician, patient.id, patient.version);
    const short = await refusal(purgePatient(admin, patient.id, "too short", { confirmMrn: "PG-1" }));
    expect(short.code).toBe("VALIDATION");
    expect(short.fields.reason).toMatch(/at least 10/);
    const wrongMrn = await refusal(purgePatient(admin, patient.id, "Erasure request ER-2026-17", { confirmMrn: "PG-2" }));
    expect(wrongMrn.fields.confirmMrn).toBeDefined();
    expect((await refusal(purgePatient(admin, patient.id, "Erasure request ER-2026-17", { confirmMrn: "" }))).fields.confirmMrn).toBeDefined();
    expect((await rowsAbout(patient.id, ids)).Patient).toBe(1);

    const auditAboutPatient = await db.auditEvent.count({ where: { patientId: patient.id } });
    const result = await purgePatient(admin, patient.id, "  Erasure request ER-2026-17  ", { confirmMrn: "PG-1" });
    expect(result.removed).toMatchObject({ Patient: 1, Visit: 1, LabResult: 2, Episode: 2, ChecklistItem: 1, ChecklistHistory: 1, IdempotencyKey: 3 });
    const after = await rowsAbout(patient.id, ids);
    for (const [table, n] of Object.entries(after)) if (table !== "AuditEvent") expect({ table, n }).toEqual({ table, n: 0 });
    // The audit log keeps every row (append-only), and adds the purge.
    expect(after.AuditEvent).toBe(auditAboutPatient);
    const purge = await db.auditEvent.findFirstOrThrow({ where: { action: "PATIENT_PURGE", outcome: "SUCCESS", targetId: patient.id } });
    expect(purge).toMatchObject({ userId: world.users.admin.id, patientId: null, targetType: "Patient" });
    const details = JSON.parse(purge.details);
    expect(details).toMatchObject({ reason: "Erasure request ER-2026-17", clinicId: world.clinic.id, removed: { Episode: 2 } });
    expect(purge.details).not.toContain("PG-1"); // no MRN in the log
    expect((await verifyAuditChain()).ok).toBe(true);
    // Other patients untouched; the whole database still passes the restore checks.
    expect(await rowsAbout(keep.patient.id, [keep.patient.id])).toEqual(keepBefore);
    const check = await checkDatabase(process.env.DATABASE_URL!);
    expect(check.checks.filter((c) => !c.ok)).toEqual([]);
    if (process.env.TEST_DB_KIND === "sqlite") {
      // secure_delete zeroed the freed content and the checkpoint emptied the WAL: the name is
      // nowhere in the files any more (PostgreSQL keeps dead tuples until VACUUM reuses them).
      const file = sqlitePath(process.env.DATABASE_URL!);
      for (const f of [file, `${file}-wal`]) {
        if (fs.existsSync(f)) expect(fs.readFileSync(f).includes(Buffer.from("Quillonberta")), f).toBe(false);
      }
    }
    // Gone for good: neither restorable nor purgeable again.
    expect((await refusal(restorePatient(admin, patient.id))).code).toBe("NOT_FOUND");
    expect((await refusal(purgePatient(admin, patient.id, "Erasure request ER-2026-17", { confirmMrn: "PG-1" }))).code).toBe("NOT_FOUND");
  });
});

describe("permissions", () => {
  it("clinicians and read-only users get FORBIDDEN, an admin of another clinic NOT_FOUND, and nothing changes", async () => {
    const { patient, visit, episodes } = await patientWithRecords("PM-1");
    const clinician = world.actors.clinician;
    await deleteVisit(clinician, visit.id, visit.version);
    await deleteEpisode(clinician, episodes[0].id, episodes[0].version);
    await deletePatient(clinician, patient.id, await currentVersion(patient.id));
    const snapshot = async () => ({
      patient: await db.patient.findUniqueOrThrow({ where: { id: patient.id } }),
      visit: await db.visit.findUniqueOrThrow({ where: { id: visit.id } }),
      episode: await db.episode.findUniqueOrThrow({ where: { id: episodes[0].id } }),
      episodes: await db.episode.count({ where: { patientId: patient.id } }),
    });
    const before = await snapshot();
    const deniedBefore = await db.auditEvent.count({ where: { outcome: "DENIED" } });

    for (const actor of [world.actors.clinician, world.actors.reader]) {
      expect((await refusal(listDeleted(actor))).code).toBe("FORBIDDEN");
      expect((await refusal(restorePatient(actor, patient.id))).code).toBe("FORBIDDEN");
      expect((await refusal(restoreVisit(actor, visit.id))).code).toBe("FORBIDDEN");
      expect((await refusal(restoreEpisode(actor, episodes[0].id))).code).toBe("FORBIDDEN");
      expect((await refusal(purgePatient(actor, patient.id, "Erasure request ER-2026-99", { confirmMrn: "PM-1" }))).code).toBe("FORBIDDEN");
    }
    expect((await listDeleted(foreignAdmin)).patients.some((p) => p.id === patient.id)).toBe(false);
    expect((await refusal(restorePatient(foreignAdmin, patient.id))).code).toBe("NOT_FOUND");
    expect((await refusal(restoreVisit(foreignAdmin, visit.id))).code).toBe("NOT_FOUND");
    expect((await refusal(restoreEpisode(foreignAdmin, episodes[0].id))).code).toBe("NOT_FOUND");
    expect((await refusal(purgePatient(foreignAdmin, patient.id, "Erasure request ER-2026-99", { confirmMrn: "PM-1" }))).code).toBe("NOT_FOUND");

    expect(await snapshot()).toEqual(before);
    // Every refusal is on the record: 5 per non-admin, 4 for the foreign admin.
    expect(await db.auditEvent.count({ where: { outcome: "DENIED" } })).toBe(deniedBefore + 14);
    expect(await db.auditEvent.count({ where: { action: "PATIENT_PURGE", outcome: "DENIED", patientId: patient.id } })).toBe(3);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});
