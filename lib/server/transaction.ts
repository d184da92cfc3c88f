import "server-only";
import type { Actor, Permission } from "@/lib/server/permissions";
import { can } from "@/lib/server/permissions";
import { db, type Tx } from "@/lib/server/db";
import { appendAudit, holdAuditsUntilDone, type AuditInput } from "./audit";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { AsyncLocalStorage } from "node:async_hooks";
import { forbidden, isDataError } from "./errors";

/** Several reads of one page in one transaction (`readTogether`). */
export interface SharedRead {
  tx: Tx;
  /** Patients found in the actor's scope by an earlier read of the same transaction (./scope.ts). */
  patientsInScope: Map<string, { id: string; clinicId: string; clinic: { timeZone: string; unitSystem: "SI" | "US" } }>;
  /** The first read refused (missing permission, or a record out of the actor's scope). */
  refusal: { actor: Actor; input: AuditInput; reason: "FORBIDDEN" | "NOT_FOUND" } | null;
}

export const sharedRead = new AsyncLocalStorage<SharedRead>();

/**
 * Every data-layer call runs in one transaction: the change and its audit row commit together.
 * (On SQLite this also keeps the adapter's single connection from mixing unrelated writes.)
 */
export function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(fn, { maxWait: 15_000, timeout: 30_000 });
}

/** Records a refused request on its own, since the refused work was rolled back. */
export async function auditRefusal(actor: Actor | null, input: AuditInput, reason: string): Promise<void> {
  await inTransaction((tx) =>
    appendAudit(tx, actor, { ...input, outcome: "DENIED", details: { ...input.details, reason } }),
  );
}

/**
 * Checks the permission, runs `fn` in a transaction, and audits refusals (missing permission or a
 * record the actor may not see). `refusal` describes the attempt for that audit row.
 */
export async function guarded<T>(
  actor: Actor,
  permission: Permission,
  refusal: AuditInput,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const shared = sharedRead.getStore();
  if (shared) {
    if (!permission.endsWith(":read")) throw new Error(`readTogether is for reads; ${refusal.action} needs ${permission}`);
    if (!can(actor, permission)) {
      shared.refusal ??= { actor, input: refusal, reason: "FORBIDDEN" };
      throw forbidden();
    }
    try {
      return await fn(shared.tx);
    } catch (error) {
      if (isDataError(error) && error.code === "NOT_FOUND") shared.refusal ??= { actor, input: refusal, reason: "NOT_FOUND" };
      throw error;
    }
  }
  if (!can(actor, permission)) {
    await auditRefusal(actor, refusal, "FORBIDDEN");
    throw forbidden();
  }
  try {
    return await inTransaction(fn);
  } catch (error) {
    if (isDataError(error) && error.code === "NOT_FOUND") await auditRefusal(actor, refusal, "NOT_FOUND");
    throw error;
  }
}

/**
 * Runs the reads of one page (data-layer calls, one after another) in one transaction. Each still
 * checks its permission and scope and records its own audit row, but the rows are appended together
 * when the reads are done: one commit (one fsync on SQLite) instead of one per read, and on
 * PostgreSQL the audit chain's lock is held only for those last inserts. A refused read rolls the
 * whole back and is audited as it would be alone. Reads only: a write inside throws.
 */
export async function readTogether<T>(fn: () => Promise<T>): Promise<T> {
  let state: SharedRead | null = null;
  try {
    return await inTransaction(async (tx) => {
      const current: SharedRead = (state = { tx, patientsInScope: new Map(), refusal: null });
      return await holdAuditsUntilDone(tx, () => sharedRead.run(current, fn));
    });
  } catch (error) {
    const refused = (state as SharedRead | null)?.refusal;
    if (refused) await auditRefusal(refused.actor, refused.input, refused.reason);
    throw error;
  }
}

/** True when a Prisma error is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/**
 * PostgreSQL: takes the patients' write locks (transaction-scoped advisory locks, in key order;
 * reentrant), held by every episode write and by a patient's deletion and restoration, so what is
 * derived from a patient's episodes (stored attention, the clinic's day counts) sees those writes
 * one after the other. SQLite runs one writer at a time.
 */
export async function lockPatients(tx: Tx, patientIds: string[]): Promise<void> {
  if (currentDatabaseKind() !== "postgresql" || !patientIds.length) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtext('patient-write:' || id) AS k FROM unnest(${patientIds}::text[]) AS id ORDER BY 1) AS keys`;
}
