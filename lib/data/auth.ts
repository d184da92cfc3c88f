import type { Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/clinical/vocabulary";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { fieldErrors } from "@/lib/validation/common";
import { changePasswordSchema } from "@/lib/validation/user";
import { invalid } from "./errors";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_MS, SIGN_IN_MIN_RESPONSE_MS } from "@/lib/auth/policy";
import { isTotpCode, normalizeCode } from "@/lib/auth/totp";
import { appendAudit } from "./audit";
import { isLocked, recordFailedProof } from "./lockout";
import { inTransaction } from "./transaction";
import { acceptSecondFactor, matchRecoveryCode, twoFactorRequired } from "./two-factor";

export type SignInResult =
  | { ok: true; userId: string; sessionId: string; sessionVersion: number; mustChangePassword: boolean }
  /**
   * `secondFactor` appears only after the right password for an account with two-factor sign-in
   * on: REQUIRED when no code was sent, INVALID when the code was wrong. Every other refusal is
   * the bare `{ ok: false }`.
   */
  | { ok: false; secondFactor?: "REQUIRED" | "INVALID" };

/**
 * Checks a password sign-in, and the second factor (`code`: an authenticator code or a recovery
 * code) when the account has two-factor sign-in on. Unknown account, wrong password, locked or
 * inactive account all answer the same `{ ok: false }` after the same argon2 work; only the audit
 * log tells them apart. A wrong code counts towards the lockout like a wrong password.
 *
 * Every attempt also takes at least SIGN_IN_MIN_RESPONSE_MS. Argon2 alone does not make the
 * paths alike: here it verifies in about 5 ms, while a wrong password for a real account does
 * two more database statements than an unknown account (about 5 ms more, measured), enough to
 * tell which emails have accounts. The floor hides that difference and any later one.
 */
export async function signInWithPassword(
  emailInput: string,
  password: string,
  ip: string | null,
  now = new Date(),
  code?: string,
): Promise<SignInResult> {
  const started = performance.now();
  try {
    return await attemptSignIn(emailInput, password, ip, now, code?.trim() || undefined);
  } finally {
    const left = SIGN_IN_MIN_RESPONSE_MS - (performance.now() - started);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}

async function attemptSignIn(emailInput: string, password: string, ip: string | null, now: Date, code: string | undefined): Promise<SignInResult> {
  const email = emailInput.trim().toLowerCase();
  const user = await inTransaction((tx) => tx.user.findUnique({ where: { email } }));
  const system = (userId: string | null): Actor | null =>
    userId ? { userId, email, name: "", role: "READ_ONLY", clinicIds: [], via: "session", ip } : null;
  if (!user) {
    await verifyAgainstDummy(password);
    await inTransaction((tx) => appendAudit(tx, null, { action: "SIGN_IN", outcome: "FAILURE", ip, details: { email, reason: "UNKNOWN_ACCOUNT" } }));
    return { ok: false };
  }
  const passwordOk = await verifyPassword(user.passwordHash, password);
  // Recovery codes are argon2 hashes too: matched before the transaction, spent inside it.
  const recoveryCodeId =
    passwordOk && user.totpEnabled && code && !isTotpCode(normalizeCode(code)) ? await matchRecoveryCode(user.id, code) : null;
  return inTransaction(async (tx): Promise<SignInResult> => {
    const fresh = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
    const actor = system(fresh.id);
    if (isLocked(fresh, now)) {
      await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "DENIED", details: { reason: "LOCKED" } });
      return { ok: false };
    }
    if (!fresh.active) {
      await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "DENIED", details: { reason: "INACTIVE" } });
      return { ok: false };
    }
    if (!passwordOk) {
      await recordFailedProof(tx, fresh, actor, now, { action: "SIGN_IN", reason: "WRONG_PASSWORD" });
      return { ok: false };
    }
    let secondFactor: string | undefined;
    if (fresh.totpEnabled) {
      if (!code) {
        await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "DENIED", details: { reason: "CODE_REQUIRED" } });
        return { ok: false, secondFactor: "REQUIRED" };
      }
      const method = await acceptSecondFactor(tx, fresh, actor, code, recoveryCodeId, now);
      if (!method) {
        const { locked } = await recordFailedProof(tx, fresh, actor, now, { action: "SIGN_IN", reason: "WRONG_CODE" });
        // The attempt that locks the account answers like any refusal of a locked account.
        return locked ? { ok: false } : { ok: false, secondFactor: "INVALID" };
      }
      secondFactor = method;
    }
    await tx.user.update({ where: { id: fresh.id }, data: { failedSignIns: 0, lastFailedSignInAt: null, lockedUntil: null, lastSignInAt: now } });
    const session = await tx.session.create({ data: { userId: fresh.id, sessionVersion: fresh.sessionVersion, createdAt: now, lastSeenAt: now } });
    await appendAudit(tx, actor, { action: "SIGN_IN", details: { sessionId: session.id, ...(secondFactor ? { secondFactor } : {}) } });
    return { ok: true, userId: fresh.id, sessionId: session.id, sessionVersion: fresh.sessionVersion, mustChangePassword: fresh.mustChangePassword };
  });
}

export type SessionCheck =
  | {
      ok: true;
      actor: Actor;
      mustChangePassword: boolean;
      /** A clinic of the user requires two-factor sign-in and the user has not set it up yet. */
      mustEnrolTwoFactor: boolean;
      /** When the session ends unless there is activity first (or for good, when `limit` is ABSOLUTE). */
      expiresAt: Date;
      /** Which limit `expiresAt` is: the idle one (activity extends it) or the absolute one (nothing does). */
      limit: "IDLE" | "ABSOLUTE";
    }
  | { ok: false; reason: "NO_SESSION" | "ENDED" | "REVOKED" | "IDLE_TIMEOUT" | "ABSOLUTE_TIMEOUT" | "INACTIVE" };

/**
 * Validates a browser session on every request: the user is active, the session's version is
 * the user's current one, and neither the idle nor the absolute limit has passed. Timeouts end
 * the session and are audited. A request counts as activity (refreshes `lastSeenAt`) unless
 * `touch` is false: the idle-timeout warning asks how long is left without extending it.
 */
export async function checkSession(sessionId: string, ip: string | null, now = new Date(), opts: { touch?: boolean } = {}): Promise<SessionCheck> {
  return inTransaction(async (tx) => {
    const session = await tx.session.findUnique({
      where: { id: sessionId },
      include: { user: { include: { memberships: { select: { clinicId: true, clinic: { select: { requireTwoFactor: true } } } } } } },
    });
    if (!session) return { ok: false, reason: "NO_SESSION" };
    // An ended session keeps telling why it ended (the idle warning may have ended it already).
    if (session.endedAt) {
      const known = ["REVOKED", "IDLE_TIMEOUT", "ABSOLUTE_TIMEOUT", "INACTIVE"] as const;
      const reason = known.find((r) => r === session.endReason) ?? "ENDED";
      return { ok: false, reason };
    }
    const user = session.user;
    const actor: Actor = {
      userId: user.id,
      email: user.email,
      name: user.name,
      role: user.role as Role,
      clinicIds: user.memberships.map((m) => m.clinicId),
      via: "session",
      ip,
    };
    const end = async (reason: "REVOKED" | "IDLE_TIMEOUT" | "ABSOLUTE_TIMEOUT" | "INACTIVE") => {
      await tx.session.update({ where: { id: sessionId }, data: { endedAt: now, endReason: reason } });
      await appendAudit(tx, actor, { action: "SESSION_END", details: { sessionId, reason } });
      return { ok: false as const, reason };
    };
    if (!user.active) return end("INACTIVE");
    if (session.sessionVersion !== user.sessionVersion) return end("REVOKED");
    if (now.getTime() - session.createdAt.getTime() > SESSION_ABSOLUTE_MS) return end("ABSOLUTE_TIMEOUT");
    if (now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS) return end("IDLE_TIMEOUT");
    let lastSeen = session.lastSeenAt.getTime();
    if (opts.touch !== false && now.getTime() - lastSeen > SESSION_TOUCH_MS) {
      await tx.session.update({ where: { id: sessionId }, data: { lastSeenAt: now } });
      lastSeen = now.getTime();
    }
    // From the lastSeenAt actually stored: within SESSION_TOUCH_MS of the last write it is not
    // moved, and the session ends 15 minutes after that stored time, not after this request.
    const idleEnd = lastSeen + SESSION_IDLE_MS;
    const absoluteEnd = session.createdAt.getTime() + SESSION_ABSOLUTE_MS;
    return {
      ok: true,
      actor,
      mustChangePassword: user.mustChangePassword,
      mustEnrolTwoFactor: !user.totpEnabled && twoFactorRequired(user.memberships),
      expiresAt: new Date(Math.min(idleEnd, absoluteEnd)),
      limit: absoluteEnd <= idleEnd ? "ABSOLUTE" : "IDLE",
    };
  });
}

export async function signOutSession(sessionId: string): Promise<void> {
  await inTransaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, include: { user: true } });
    if (!session || session.endedAt) return;
    await tx.session.update({ where: { id: sessionId }, data: { endedAt: new Date(), endReason: "SIGNED_OUT" } });
    const u = session.user;
    await appendAudit(tx, { userId: u.id, email: u.email, name: u.name, role: u.role as Role, clinicIds: [], via: "session" }, { action: "SIGN_OUT", details: { sessionId } });
  });
}

/**
 * Changes the actor's own password after checking the current one. Other sessions end (new
 * session version); the session making the change carries on.
 */
export async function changeOwnPassword(actor: Actor, sessionId: string, currentPassword: string, newPassword: string): Promise<void> {
  const parsed = changePasswordSchema.safeParse({ currentPassword, newPassword });
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  const user = await inTransaction((tx) => tx.user.findUniqueOrThrow({ where: { id: actor.userId } }));
  if (!(await verifyPassword(user.passwordHash, currentPassword))) throw invalid({ currentPassword: "This is not your current password" });
  if (currentPassword === newPassword) throw invalid({ newPassword: "Choose a password different from the current one" });
  const passwordHash = await hashPassword(newPassword);
  await inTransaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: actor.userId },
      data: { passwordHash, mustChangePassword: false, sessionVersion: { increment: 1 } },
    });
    await tx.session.update({ where: { id: sessionId }, data: { sessionVersion: updated.sessionVersion } });
    await appendAudit(tx, actor, { action: "PASSWORD_CHANGE" });
  });
}

/**
 * "Sign out everywhere": ends every open session of the actor, this one included, and bumps the
 * session version so that no session issued before now is accepted again. Audited as one
 * SIGN_OUT_EVERYWHERE row and a SESSION_END row per session ended.
 */
export async function signOutEverywhere(actor: Actor, now = new Date()): Promise<{ ended: number }> {
  return inTransaction(async (tx) => {
    await tx.user.update({ where: { id: actor.userId }, data: { sessionVersion: { increment: 1 } } });
    const open = await tx.session.findMany({ where: { userId: actor.userId, endedAt: null }, select: { id: true }, orderBy: { createdAt: "asc" } });
    await tx.session.updateMany({
      where: { id: { in: open.map((s) => s.id) } },
      data: { endedAt: now, endReason: "SIGNED_OUT_EVERYWHERE" },
    });
    await appendAudit(tx, actor, { action: "SIGN_OUT_EVERYWHERE", details: { sessions: open.length } });
    for (const s of open) {
      await appendAudit(tx, actor, { action: "SESSION_END", details: { sessionId: s.id, reason: "SIGNED_OUT_EVERYWHERE" } });
    }
    return { ended: open.length };
  });
}
