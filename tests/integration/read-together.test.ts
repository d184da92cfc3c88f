/**
 * readTogether (lib/server/transaction.ts): the patient page's reads in one transaction. Each read
 * must keep its permission check, its scope check and its audit row, exactly as when called
 * alone; a refused read leaves only its refusal; a write inside is refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { getAssessment, getChecklistHistory } from "@/lib/features/assessment/data";
import { listAuditEvents, verifyAuditChain } from "@/lib/features/audit-log/data";
import { createEpisode, listEpisodes } from "@/lib/features/episodes/data";
import { createPatient, getPatient } from "@/lib/features/patients/data";
import { readTogether } from "@/lib/server/transaction";
import { listVisits } from "@/lib/features/visits/data";
import { episodeListQuerySchema } from "@/lib/features/episodes/schema";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
const query = episodeListQuerySchema.parse({});

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "RT-1" }))).id;
  await createEpisode(world.actors.clinician, patientId, {
    occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
    durationSeconds: 400,
    side: "LEFT",
    movement: "SUSTAINED_CONTRACTION",
  });
});

const pageReads = (actor = world.actors.clinician, id = patientId) => async () => ({
  patient: await getPatient(actor, id),
  visits: await listVisits(actor, id),
  episodes: await listEpisodes(actor, id, query),
  assessment: await getAssessment(actor, id),
  history: await getChecklistHistory(actor, id),
});

const auditRowsAfter = (seq: number) => db.auditEvent.findMany({ where: { seq: { gt: seq } }, orderBy: { seq: "asc" } });
const lastSeq = async () => (await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0;
/** The parts of a row that do not depend on the moment. */
const shape = (rows: Awaited<ReturnType<typeof auditRowsAfter>>) =>
  rows.map((r) => ({ action: r.action, outcome: r.outcome, userId: r.userId, patientId: r.patientId, targetId: r.targetId }));

describe("readTogether", () => {
  it("gives what the reads give alone, and the same audit rows", async () => {
    const before = await lastSeq();
    const alone = await pageReads()();
    const middle = await lastSeq();
    const together = await readTogether(pageReads());
    // The assessment is as of the moment it was read.
    expect({ ...together, assessment: { ...together.assessment, asOf: null } }).toEqual({ ...alone, assessment: { ...alone.assessment, asOf: null } });
    const aloneRows = shape(await db.auditEvent.findMany({ where: { seq: { gt: before, lte: middle } }, orderBy: { seq: "asc" } }));
    expect(aloneRows.map((r) => r.action)).toEqual(["PATIENT_VIEW", "VISIT_LIST", "EPISODE_LIST", "ASSESSMENT_VIEW", "CHECKLIST_HISTORY_VIEW"]);
    expect(shape(await auditRowsAfter(middle))).toEqual(aloneRows);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("leaves only the refusal when a read is out of the actor's scope", async () => {
    const before = await lastSeq();
    await expect(readTogether(pageReads(world.actors.outsider))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(shape(await auditRowsAfter(before))).toEqual([
      { action: "PATIENT_VIEW", outcome: "DENIED", userId: world.users.outsider.id, patientId: null, targetId: patientId },
    ]);
  });

  it("rolls back the audit rows of the reads before a refused one", async () => {
    const before = await lastSeq();
    // A clinician may read the patient, but not the audit log: the first read is not recorded as done.
    await expect(
      readTogether(async () => {
        await getPatient(world.actors.clinician, patientId);
        return listAuditEvents(world.actors.clinician, {});
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const rows = await auditRowsAfter(before);
    expect(rows.map((r) => [r.outcome, r.userId])).toEqual([["DENIED", world.users.clinician.id]]);
  });

  it("refuses a write and records nothing of it", async () => {
    const before = await lastSeq();
    const patients = await db.patient.count();
    await expect(readTogether(() => createPatient(world.actors.clinician, validPatient({ mrn: "RT-2" })))).rejects.toThrow(/reads/);
    expect(await db.patient.count()).toBe(patients);
    expect(await auditRowsAfter(before)).toEqual([]);
  });

  it("keeps the audit chain whole with page reads and writes at the same time", async () => {
    await Promise.all([
      ...Array.from({ length: 6 }, () => readTogether(pageReads())),
      ...Array.from({ length: 4 }, (_, i) => createPatient(world.actors.clinician, validPatient({ mrn: `RT-W${i}` }))),
    ]);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});
