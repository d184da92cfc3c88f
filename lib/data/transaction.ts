import type { Actor, Permission } from "@/lib/auth/actor";
import { can } from "@/lib/auth/actor";
import { db } from "@/lib/db";
import type { Prisma } from "@/generated/prisma/client";
import { appendAudit, type AuditInput } from "./audit";
import { forbidden, isDataError } from "./errors";

export type Tx = Prisma.TransactionClient;

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

/** True when a Prisma error is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
