import "server-only";
import { invalid, isDataError } from "./errors";
import { isUniqueViolation } from "./transaction";
import type { Tx } from "./db";

export interface CreateOptions {
  /** A client-chosen key: a repeated create with the same key returns the first result. */
  idempotencyKey?: string | null;
}

const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,200}$/;

export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key == null || key === "") return null;
  if (!KEY_PATTERN.test(key)) throw invalid({ idempotencyKey: "Use 8 to 200 letters, digits, '-', '_', ':' or '.'" });
  return key;
}

/**
 * Runs `create` once per (user, key). Inside the caller's transaction: a key seen before returns
 * the recorded resource id instead of creating again. Two racing requests with one key both try to
 * insert the key row; the loser's transaction fails on the unique key and `retryOnKeyConflict`
 * runs it again, now finding the winner's record.
 */
export async function createOnce(
  tx: Tx,
  userId: string,
  key: string | null,
  resourceType: string,
  create: () => Promise<string>,
): Promise<{ id: string; replayed: boolean }> {
  if (!key) return { id: await create(), replayed: false };
  const seen = await tx.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
  if (seen) {
    if (seen.resourceType !== resourceType) throw invalid({ idempotencyKey: "This key was already used for another kind of record" });
    return { id: seen.resourceId, replayed: true };
  }
  const id = await create();
  await tx.idempotencyKey.create({ data: { userId, key, resourceType, resourceId: id } });
  return { id, replayed: false };
}

export async function retryOnKeyConflict<T>(run: () => Promise<T>, hasKey: boolean): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // The loser of a race fails on a unique index (the key's, or the record's own such as an MRN);
    // run again, it now finds the winner's key. A genuine conflict fails the same way twice.
    if (hasKey && (isUniqueViolation(error) || (isDataError(error) && error.code === "CONFLICT"))) return run();
    throw error;
  }
}
