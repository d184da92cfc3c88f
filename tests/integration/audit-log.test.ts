import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import {
  AUDIT_CSV_COLUMNS,
  exportAuditEventsCsv,
  listAuditEvents,
  verifyAuditChain,
  type AuditEventRow,
} from "@/lib/features/audit-log/data";
import { signInWithPassword } from "@/lib/features/accounts/sign-in";
import { DataError } from "@/lib/server/errors";
import { inTransaction } from "@/lib/server/transaction";
import { createWorld } from "../factories/world";
import { dbKind, rawExec, tamperWithAuditLog } from "../helpers/raw-db";

let world: Awaited<ReturnType<typeof createWorld>>;
beforeAll(async () => {
  world = await createWorld(db);
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const append = (actor: Actor | null, input: AuditInput) => inTransaction((tx) => appendAudit(tx, actor, input));
const rowAt = (seq: number) => db.auditEvent.findUniqueOrThrow({ where: { seq } });
const lit = (v: string | number | null) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${v.replaceAll("'", "''")}'`);
/** Puts a deleted row back exactly as it was (SQLite keeps Prisma's text format for dates). */
function reinsertSql(r: AuditEventRow): string {
  const at = dbKind() === "sqlite" ? lit(r.at.toISOString().replace("Z", "+00:00")) : `${lit(r.at.toISOString())}::timestamptz`;
  const values = [lit(r.seq), at, ...[r.userId, r.userEmail, r.action, r.outcome, r.patientId, r.targetType, r.targetId, r.ip, r.details, r.prevHash, r.hash].map(lit)];
  return `INSERT INTO "AuditEvent" ("seq", "at", "userId", "userEmail", "action", "outcome", "patientId", "targetType", "targetId", "ip", "details", "prevHash", "hash") VALUES (${values.join(", ")})`;
}

/** A minimal RFC 4180 reader, to check the export from the outside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\r" && text[i + 1] === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell || row.length) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

/**
 * The database's own message for a refused statement. Prisma's SQLite adapter reports a trigger's
 * RAISE as a foreign key violation (P2003) and keeps the trigger's message in the error's meta.
 */
async function refusedBecause(promise: Promise<unknown>): Promise<string> {
  const error = (await promise.then(() => null, (e) => e)) as { message: string; meta?: { driverAdapterError?: { cause?: { originalMessage?: string } } } } | null;
  expect(error).not.toBeNull();
  return error!.meta?.driverAdapterError?.cause?.originalMessage ?? error!.message;
}

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe("append-only at the database level", () => {
  it("verifies an empty log", async () => {
    expect(await verifyAuditChain()).toEqual({ ok: true, rows: 0, lastSeq: null, lastHash: null, gaps: 0, broken: null });
  });

  it("refuses UPDATE and DELETE through the app's client and through a raw connection, but appends", async () => {
    await append(world.actors.admin, { action: "TEST_APPEND_ONLY", details: { n: 1 } });
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: "TEST_APPEND_ONLY" } });
    expect(await refusedBecause(db.auditEvent.update({ where: { seq: row.seq }, data: { outcome: "DENIED" } }))).toMatch(/append-only: UPDATE refused/);
    expect(await refusedBecause(db.auditEvent.deleteMany({}))).toMatch(/append-only: DELETE refused/);
    await expect(rawExec(`UPDATE "AuditEvent" SET "details" = '{}' WHERE "seq" = ${row.seq}`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(rawExec(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only: DELETE refused/);
    if (dbKind() === "postgresql") await expect(rawExec(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await rowAt(row.seq)).toEqual(row);
    await append(world.actors.admin, { action: "TEST_APPEND_ONLY", details: { n: 2 } });
    expect(await db.auditEvent.count({ where: { action: "TEST_APPEND_ONLY" } })).toBe(2);
  });
});

describe("verifyAuditChain", () => {
  beforeAll(async () => {
    for (let i = 0; i < 20; i++) {
      await append(i % 3 ? world.actors.clinician : null, { action: "TEST_CHAIN", outcome: i % 4 ? "SUCCESS" : "DENIED", details: { i, note: "a, \"quoted\"\nline" } });
    }
  });

  it("walks an intact chain across batch boundaries and names its head", async () => {
    const count = await db.auditEvent.count();
    const head = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    const progress: number[] = [];
    const report = await verifyAuditChain(undefined, { batchSize: 4, onProgress: (n) => progress.push(n) });
    expect(report).toEqual({ ok: true, rows: count, lastSeq: head.seq, lastHash: head.hash, gaps: 0, broken: null });
    expect(progress.length).toBeGreaterThanOrEqual(Math.ceil(count / 4));
    expect(await verifyAuditChain(undefined, { batchSize: 1000 })).toEqual(report);
  });

  it("finds an edited row by its hash, whichever side of a batch boundary it sits, and nothing once restored", async () => {
    for (const seq of [5, 6]) {
      const original = await rowAt(seq);
      await tamperWithAuditLog(`UPDATE "AuditEvent" SET "outcome" = 'SUCCESS', "details" = '{"i":0}' WHERE "seq" = ${seq}`);
      const report = await verifyAuditChain(undefined, { batchSize: 5 });
      expect(report.ok).toBe(false);
      expect(report.broken).toMatchObject({ seq, reason: "HASH_MISMATCH" });
      expect(report.broken!.message).toMatch(/edited/);
      expect(report.rows).toBe(seq - 1);
      await tamperWithAuditLog(`UPDATE "AuditEvent" SET "outcome" = ${lit(original.outcome)}, "details" = ${lit(original.details)} WHERE "seq" = ${seq}`);
      expect(await verifyAuditChain(undefined, { batchSize: 5 })).toMatchObject({ ok: true, broken: null });
    }
  });

  it("finds an edited row whose hash was recomputed, at the next row's link", async () => {
    const original = await rowAt(8);
    const { auditHash } = await import("@/lib/server/audit");
    const forged = { ...original, userEmail: "someone-else@test.clinic" };
    await tamperWithAuditLog(`UPDATE "AuditEvent" SET "userEmail" = ${lit(forged.userEmail)}, "hash" = ${lit(auditHash(original.prevHash, forged))} WHERE "seq" = 8`);
    const report = await verifyAuditChain();
    expect(report.broken).toMatchObject({ seq: 9, reason: "PREV_HASH_MISMATCH" });
    expect(report.broken!.message).toMatch(/seq 8/);
    await tamperWithAuditLog(`UPDATE "AuditEvent" SET "userEmail" = ${lit(original.userEmail)}, "hash" = ${lit(original.hash)} WHERE "seq" = 8`);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("finds deleted rows in the middle and at the start, naming the missing seqs", async () => {
    const deleted = [await rowAt(11), await rowAt(12)];
    await tamperWithAuditLog(`DELETE FROM "AuditEvent" WHERE "seq" IN (11, 12)`);
    const report = await verifyAuditChain(undefined, { batchSize: 3 });
    expect(report.broken).toMatchObject({ seq: 13, reason: "MISSING_ROWS" });
    expect(report.broken!.message).toMatch(/seq 11 to 12 deleted/);
    await tamperWithAuditLog(deleted.map(reinsertSql).join(";\n"));

    const first = await rowAt(1);
    await tamperWithAuditLog(`DELETE FROM "AuditEvent" WHERE "seq" = 1`);
    expect((await verifyAuditChain()).broken).toMatchObject({ seq: 2, reason: "MISSING_ROWS" });
    await tamperWithAuditLog(reinsertSql(first));
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("finds the newest rows deleted only against an anchor from an earlier run", async () => {
    const before = await verifyAuditChain();
    const anchor = { seq: before.lastSeq!, hash: before.lastHash! };
    const newest = await rowAt(anchor.seq);
    await tamperWithAuditLog(`DELETE FROM "AuditEvent" WHERE "seq" = ${anchor.seq}`);
    // The chain on its own still links up: that is why the head is worth keeping elsewhere.
    expect((await verifyAuditChain()).ok).toBe(true);
    const report = await verifyAuditChain(undefined, { anchor });
    expect(report.broken).toMatchObject({ seq: anchor.seq - 1, reason: "MISSING_ROWS" });
    expect(report.broken!.message).toMatch(new RegExp(`seq ${anchor.seq}`));
    // Appending after the deletion does not hide it.
    await tamperWithAuditLog(reinsertSql(newest));
    expect(await verifyAuditChain(undefined, { anchor })).toMatchObject({ ok: true, lastSeq: anchor.seq });
    expect((await verifyAuditChain(undefined, { anchor: { ...anchor, hash: "f".repeat(64) } })).broken).toMatchObject({ seq: anchor.seq });
  });

  it("accepts a seq gap left by a rolled-back append, because the chain still links", async () => {
    await inTransaction(async (tx) => {
      await appendAudit(tx, world.actors.admin, { action: "TEST_ROLLED_BACK" });
      throw new Error("roll back");
    }).catch(() => {});
    await append(world.actors.admin, { action: "TEST_AFTER_ROLLBACK" });
    expect(await db.auditEvent.count({ where: { action: "TEST_ROLLED_BACK" } })).toBe(0);
    const report = await verifyAuditChain();
    expect(report.ok).toBe(true);
    // PostgreSQL sequences are not transactional and leave the gap; SQLite's AUTOINCREMENT is.
    expect(report.gaps).toBe(dbKind() === "postgresql" ? 1 : 0);
  });

  it("needs audit:read when run for a user, and records each run", async () => {
    expect((await refusal(verifyAuditChain(world.actors.clinician))).code).toBe("FORBIDDEN");
    expect(await db.auditEvent.findFirst({ where: { userId: world.users.clinician.id, action: "AUDIT_VERIFY", outcome: "DENIED" } })).not.toBeNull();
    const report = await verifyAuditChain(world.actors.admin);
    expect(report.ok).toBe(true);
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: "AUDIT_VERIFY", outcome: "SUCCESS" }, orderBy: { seq: "desc" } });
    expect(row.userId).toBe(world.users.admin.id);
    expect(JSON.parse(row.details)).toMatchObject({ rows: report.rows, lastSeq: report.lastSeq });
    // Its own row is the next link and verifies too.
    expect(await verifyAuditChain()).toMatchObject({ ok: true, rows: report.rows + 1 });
  });
});

describe("listAuditEvents and the CSV export", () => {
  let ownPatient: string;
  let foreignPatient: string;
  let marker: number;

  beforeAll(async () => {
    const mk = (clinicId: string, mrn: string) =>
      db.patient.create({ data: { clinicId, mrn, givenName: "G", familyName: "F", searchText: `f g ${mrn}`, birthDate: "1980-01-01", sex: "FEMALE" } });
    ownPatient = (await mk(world.clinic.id, "AL-1")).id;
    foreignPatient = (await mk(world.otherClinic.id, "AL-2")).id;
    marker = (await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq;
    const { clinician, outsider, admin } = world.actors;
    await append(clinician, { action: "PATIENT_VIEW", patientId: ownPatient, targetType: "Patient", targetId: ownPatient });
    await append(outsider, { action: "PATIENT_VIEW", patientId: foreignPatient, targetType: "Patient", targetId: foreignPatient });
    await append(outsider, { action: "PATIENT_LIST", details: { q: "secret search of the other clinic" } });
    // A refused attempt on our patient by someone of the other clinic: ours to see.
    await append(outsider, { action: "PATIENT_VIEW", outcome: "DENIED", targetType: "Patient", targetId: ownPatient, details: { reason: "NOT_FOUND" } });
    await append(admin, { action: "USER_LIST" });
    await signInWithPassword("Nobody@Test.Clinic", "wrong password 1", "203.0.113.9");
    await append(
      { ...clinician, email: "=HYPERLINK(\"http://evil\")", ip: "@SUM(1)" },
      { action: "PATIENT_LIST", targetType: "Text", targetId: "line 1\r\nline 2, \"two\"", details: { q: "-2+3, \"quoted\"\nnext line" } },
    );
  });

  const since = () => ({ after: marker });

  it("lists newest first, in the admin's clinics only, and records the view", async () => {
    const page = await listAuditEvents(world.actors.admin, { ...since(), limit: 50 });
    expect(page.items.map((r) => r.action)).toEqual(["PATIENT_LIST", "SIGN_IN", "USER_LIST", "PATIENT_VIEW", "PATIENT_VIEW"]);
    const seqs = page.items.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    // Not the other clinic's patient, nor what its user searched for.
    expect(page.items.some((r) => r.patientId === foreignPatient)).toBe(false);
    expect(page.items.some((r) => r.details.includes("secret search"))).toBe(false);
    expect(page.items.find((r) => r.outcome === "DENIED")?.targetId).toBe(ownPatient);

    const outsiderAdmin = { ...world.actors.outsider, role: "ADMIN" as const };
    const theirs = await listAuditEvents(outsiderAdmin, since());
    expect(theirs.items.some((r) => r.patientId === foreignPatient)).toBe(true);
    expect(theirs.items.some((r) => r.patientId === ownPatient)).toBe(false);

    const view = await db.auditEvent.findFirstOrThrow({ where: { action: "AUDIT_VIEW", userId: world.users.admin.id }, orderBy: { seq: "desc" } });
    expect(JSON.parse(view.details)).toMatchObject({ returned: 5 });
  });

  it("filters by user email or id, patient, action, outcome and dates", async () => {
    const actions = async (filters: Record<string, unknown>) =>
      (await listAuditEvents(world.actors.admin, { ...since(), ...filters })).items.map((r) => `${r.action}:${r.outcome}`);
    expect(await actions({ user: "  CLINICIAN@test.clinic " })).toEqual(["PATIENT_VIEW:SUCCESS"]);
    expect(await actions({ user: world.users.admin.id, action: "user_list" })).toEqual(["USER_LIST:SUCCESS"]);
    expect(await actions({ user: "nobody@test.clinic" })).toEqual(["SIGN_IN:FAILURE"]);
    expect(await actions({ patientId: ownPatient })).toEqual(["PATIENT_VIEW:DENIED", "PATIENT_VIEW:SUCCESS"]);
    expect(await actions({ patientId: foreignPatient })).toEqual([]);
    expect(await actions({ outcome: "DENIED" })).toEqual(["PATIENT_VIEW:DENIED"]);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect(await actions({ from: day(-1), to: day(1), action: "SIGN_IN" })).toEqual(["SIGN_IN:FAILURE"]);
    expect(await actions({ from: day(1) })).toEqual([]);
    expect(await actions({ to: day(-1) })).toEqual([]);
    // Empty form fields mean "no filter".
    expect((await actions({ user: "", action: "", outcome: "" })).length).toBeGreaterThanOrEqual(5);
  });

  it("refuses bad filters field by field", async () => {
    const error = await refusal(listAuditEvents(world.actors.admin, { outcome: "MAYBE", from: "2026-02-30", action: "DROP TABLE", before: "x" }));
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(error.fields).sort()).toEqual(["action", "before", "from", "outcome"]);
    expect((await refusal(listAuditEvents(world.actors.admin, { from: "2026-03-02", to: "2026-03-01" }))).fields).toEqual({ to: "The end date is before the start date" });
  });

  it("pages by seq without gaps or repeats, forwards and back", async () => {
    // Between each two rows in scope, three of the other clinic's: pages must read past them.
    await inTransaction(async (tx) => {
      for (let i = 0; i < 11; i++) {
        await appendAudit(tx, world.actors.admin, { action: "TEST_PAGE", details: { i } });
        for (let j = 0; j < 3; j++) await appendAudit(tx, world.actors.outsider, { action: "TEST_PAGE", details: { i: -1 } });
      }
    });
    const seen: number[] = [];
    const pages = [];
    let before: number | undefined;
    do {
      const page = await listAuditEvents(world.actors.admin, { action: "TEST_PAGE", limit: 4, before });
      pages.push(page);
      seen.push(...page.items.map((r) => JSON.parse(r.details).i));
      before = page.olderCursor ?? undefined;
    } while (before);
    expect(seen).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(pages.map((p) => p.items.length)).toEqual([4, 4, 3]);
    expect(pages[0].newerCursor).toBeNull();
    const back = await listAuditEvents(world.actors.admin, { action: "TEST_PAGE", limit: 4, after: pages[2].newerCursor! });
    expect(back.items.map((r) => r.seq)).toEqual(pages[1].items.map((r) => r.seq));
    expect(back.olderCursor).toBe(pages[1].olderCursor);
    const top = await listAuditEvents(world.actors.admin, { action: "TEST_PAGE", limit: 4, after: back.newerCursor! });
    expect(top.items.map((r) => r.seq)).toEqual(pages[0].items.map((r) => r.seq));
    expect(top.newerCursor).toBeNull();
  });

  it("is for audit:read only, and says so in the log", async () => {
    expect((await refusal(listAuditEvents(world.actors.clinician, {}))).code).toBe("FORBIDDEN");
    expect((await refusal(exportAuditEventsCsv(world.actors.reader, {}))).code).toBe("FORBIDDEN");
    const denied = await db.auditEvent.findMany({ where: { outcome: "DENIED", action: { in: ["AUDIT_VIEW", "AUDIT_EXPORT"] } }, orderBy: { seq: "asc" } });
    expect(denied.map((d) => [d.action, d.userId])).toEqual([
      ["AUDIT_VIEW", world.users.clinician.id],
      ["AUDIT_EXPORT", world.users.reader.id],
    ]);
  });

  it("exports the same rows as CSV, oldest first, escaped and safe for spreadsheets, recorded before the first byte", async () => {
    const filters = { ...since(), user: "clinician@test.clinic" };
    const chunks = await exportAuditEventsCsv(world.actors.admin, { ...filters, action: "PATIENT_LIST" });
    const recorded = await db.auditEvent.findFirstOrThrow({ where: { action: "AUDIT_EXPORT", outcome: "SUCCESS" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(recorded.details).filters).toEqual({ user: "clinician@test.clinic", action: "PATIENT_LIST" });
    const text = (await collect(chunks)).join("");
    expect(text.startsWith("\uFEFFseq,at,")).toBe(true);
    // The injected email row is under the clinician's id, not email: filter by id to find it.
    const byId = (await collect(await exportAuditEventsCsv(world.actors.admin, { ...since(), user: world.users.clinician.id }))).join("");
    const rows = parseCsv(byId.slice(1));
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    const records = rows
      .slice(1)
      .map((r) => Object.fromEntries(AUDIT_CSV_COLUMNS.map((c, i) => [c, r[i]])))
      .filter((r) => Number(r.seq) > marker && !r.action.startsWith("AUDIT_"));
    expect(records.map((r) => r.action)).toEqual(["PATIENT_VIEW", "PATIENT_LIST"]);
    const evil = records[1];
    expect(evil.userEmail).toBe("'=HYPERLINK(\"http://evil\")");
    expect(evil.ip).toBe("'@SUM(1)");
    expect(evil.targetId).toBe("line 1\r\nline 2, \"two\"");
    expect(JSON.parse(evil.details)).toEqual({ q: "-2+3, \"quoted\"\nnext line" });
    const stored = await rowAt(Number(evil.seq));
    expect(evil.hash).toBe(stored.hash);
    expect(evil.at).toBe(stored.at.toISOString());
    expect(byId).toContain(`"{""q"":""-2+3, \\""quoted\\""\\nnext line""}"`);
  });

  it("streams a long export in batches, in scope", async () => {
    await inTransaction(async (tx) => {
      for (let i = 0; i < 2300; i++) await appendAudit(tx, world.actors.clinician, { action: "TEST_BULK", details: { i } });
      await appendAudit(tx, world.actors.outsider, { action: "TEST_BULK", details: { i: -1 } });
    });
    const chunks = await collect(await exportAuditEventsCsv(world.actors.admin, { action: "TEST_BULK" }));
    expect(chunks.length).toBe(4); // header, then 1000 + 1000 + 301 rows: the outsider's row is not in scope
    const records = parseCsv(chunks.join("").slice(1)).slice(1);
    expect(records.length).toBe(2300);
    expect(records.map((r) => JSON.parse(r[AUDIT_CSV_COLUMNS.indexOf("details")]).i)).toEqual([...Array(2300).keys()]);
  });
});
