import "server-only";
import { createHash } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import type { Actor } from "@/lib/server/permissions";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Tx } from "./db";

export const GENESIS_HASH = "0".repeat(64);

export type AuditOutcome = "SUCCESS" | "DENIED" | "FAILURE";

export interface AuditInput {
  action: string;
  outcome?: AuditOutcome;
  patientId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
  /** The request's address when there is no actor (a failed sign-in to an unknown account). */
  ip?: string | null;
}

export interface AuditRowContent {
  at: Date;
  userId: string | null;
  userEmail: string | null;
  action: string;
  outcome: string;
  patientId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: string;
}

/** The chain link: a row's hash covers the previous row's hash and every field of the row. */
export function auditHash(prevHash: string, row: AuditRowContent): string {
  const canonical = JSON.stringify([
    prevHash,
    row.at.toISOString(),
    row.userId,
    row.userEmail,
    row.action,
    row.outcome,
    row.patientId,
    row.targetType,
    row.targetId,
    row.ip,
    row.details,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

// Any fixed number: PostgreSQL's advisory lock serialises appends so the chain never forks.
const AUDIT_CHAIN_LOCK = 7_310_001;

/** Appends one audit row inside the caller's transaction, so it commits or rolls back with the change. */
export async function appendAudit(tx: Tx, actor: Actor | null, input: AuditInput): Promise<void> {
  const held = heldAudits.getStore();
  if (held && held.tx === tx) {
    // One of several reads in one transaction: written with the others when they are done.
    held.entries.push({ actor, input });
    return;
  }
  await appendAudits(tx, [{ actor, input }]);
}

type AuditEntry = { actor: Actor | null; input: AuditInput };
const heldAudits = new AsyncLocalStorage<{ tx: Tx; entries: AuditEntry[] }>();

/**
 * Runs `fn` with the audit rows it appends in `tx` held back, then appends them with one insert
 * (readTogether in ./transaction.ts: the reads of one page).
 */
export async function holdAuditsUntilDone<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const held = { tx, entries: [] as AuditEntry[] };
  const result = await heldAudits.run(held, fn);
  await appendAudits(tx, held.entries);
  return result;
}

/** Appends audit rows in order, chained to the last row and to each other, with one insert. */
export async function appendAudits(tx: Tx, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  if (currentDatabaseKind() === "postgresql") {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  }
  // Plain SQL: audit rows are written on every request, and each ORM statement costs a query
  // compilation (about half a millisecond of the server's CPU).
  const last = await tx.$queryRaw<{ hash: string }[]>`SELECT "hash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1`;
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  const at = new Date();
  const values = entries.map(({ actor, input }) => {
    const row: AuditRowContent = {
      at,
      userId: actor?.userId ?? null,
      userEmail: actor?.email ?? null,
      action: input.action,
      outcome: input.outcome ?? "SUCCESS",
      patientId: input.patientId ?? null,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      ip: actor?.ip ?? input.ip ?? null,
      details: JSON.stringify(input.details ?? {}),
    };
    const hash = auditHash(prevHash, row);
    const linked = Prisma.sql`(${row.at}, ${row.userId}, ${row.userEmail}, ${row.action}, ${row.outcome}, ${row.patientId}, ${row.targetType}, ${row.targetId}, ${row.ip}, ${row.details}, ${prevHash}, ${hash})`;
    prevHash = hash;
    return linked;
  });
  // One multi-row INSERT: both databases number its rows (seq) in the order given.
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("at", "userId", "userEmail", "action", "outcome", "patientId", "targetType", "targetId", "ip", "details", "prevHash", "hash")
    VALUES ${Prisma.join(values)}`;
}
