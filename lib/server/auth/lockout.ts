import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { LOCKOUT_DURATION_MS, LOCKOUT_THRESHOLD, LOCKOUT_WINDOW_MS } from "@/lib/core/password-policy";
import { appendAudit } from "@/lib/server/audit";
import type { Tx } from "@/lib/server/db";
import { countAccountLockout } from "@/lib/server/metrics";

interface FailureState {
  id: string;
  failedSignIns: number;
  lastFailedSignInAt: Date | null;
  lockedUntil: Date | null;
}

export function isLocked(user: Pick<FailureState, "lockedUntil">, now: Date): boolean {
  return !!user.lockedUntil && user.lockedUntil > now;
}

/**
 * Counts one failed proof of identity (a wrong password, or a wrong second-factor code) towards
 * the account lockout: LOCKOUT_THRESHOLD failures within LOCKOUT_WINDOW_MS lock sign-in for
 * LOCKOUT_DURATION_MS. Audits the failure (as `action`, with `reason`) and the lock. Passwords
 * and codes share one count, so guessing codes after a stolen password locks the account too.
 */
export async function recordFailedProof(
  tx: Tx,
  user: FailureState,
  actor: Actor | null,
  now: Date,
  audit: { action: string; reason: string },
): Promise<{ failures: number; locked: boolean }> {
  const recent = user.lastFailedSignInAt && now.getTime() - user.lastFailedSignInAt.getTime() < LOCKOUT_WINDOW_MS;
  const failures = (recent ? user.failedSignIns : 0) + 1;
  const lock = failures >= LOCKOUT_THRESHOLD;
  await tx.user.update({
    where: { id: user.id },
    data: {
      failedSignIns: lock ? 0 : failures,
      lastFailedSignInAt: now,
      lockedUntil: lock ? new Date(now.getTime() + LOCKOUT_DURATION_MS) : user.lockedUntil,
    },
  });
  await appendAudit(tx, actor, { action: audit.action, outcome: "FAILURE", details: { reason: audit.reason, failures } });
  if (lock) {
    await appendAudit(tx, actor, { action: "ACCOUNT_LOCKED", outcome: "SUCCESS", details: { minutes: LOCKOUT_DURATION_MS / 60000 } });
    countAccountLockout();
  }
  return { failures, locked: lock };
}
