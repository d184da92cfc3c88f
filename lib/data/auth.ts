import type { Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/clinical/vocabulary";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { fieldErrors } from "@/lib/validation/common";
import { changePasswordSchema } from "@/lib/validation/user";
import { invalid } from "./errors";
import {
  LOCKOUT_DURATION_MS,
  LOCKOUT_THRESHOLD,
  LOCKOUT_WINDOW_MS,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
  SIGN_IN_MIN_RESPONSE_MS,
} from "@/lib/auth/policy";
import { appendAudit } from "./audit";
import { inTransaction } from "./transaction";

export type SignInResult =
  | { ok: true; userId: string; sessionId: string; sessionVersion: number; mustChangePassword: boolean }
  | { ok: false };

/**
 * Checks a password sign-in. Unknown account, wrong password, locked or inactive account all
 * answer the same `{ ok: false }` after the same argon2 work; only the audit log tells them apart.
 *
 * Every attempt also takes at least SIGN_IN_MIN_RESPONSE_MS. Argon2 alone does not make the
 * paths alike: here it verifies in about 5 ms, while a wrong password for a real account does
 * two more database statements than an unknown account (about 5 ms more, measured), enough to
 * tell which emails have accounts. The floor hides that difference and any later one.
 */
export async function signInWithPassword(emailInput: string, password: string, ip: string | null, now = new Date()): Promise<SignInResult> {
  const started = performance.now();
  try {
    return await attemptSignIn(emailInput, password, ip, now);
  } finally {
    const left = SIGN_IN_MIN_RESPONSE_MS - (performance.now() - started);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}

async function attemptSignIn(emailInput: string, password: string, ip: string | null, now: Date): Promise<SignInResult> {
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
  return inTransaction(async (tx) => {
    const fresh = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
    const actor = system(fresh.id);
    if (fresh.lockedUntil && fresh.lockedUntil > now) {
      await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "DENIED", details: { reason: "LOCKED" } });
      return { ok: false };
    }
    if (!fresh.active) {
      await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "DENIED", details: { reason: "INACTIVE" } });
      return { ok: false };
    }
    if (!passwordOk) {
      const recent = fresh.lastFailedSignInAt && now.getTime() - fresh.lastFailedSignInAt.getTime() < LOCKOUT_WINDOW_MS;
      const failures = (recent ? fresh.failedSignIns : 0) + 1;
      const lock = failures >= LOCKOUT_THRESHOLD;
      await tx.user.update({
        where: { id: fresh.id },
        data: {
          failedSignIns: lock ? 0 : failures,
          lastFailedSignInAt: now,
          lockedUntil: lock ? new Date(now.getTime() + LOCKOUT_DURATION_MS) : fresh.lockedUntil,
        },
      });
      await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "FAILURE", details: { reason: "WRONG_PASSWORD", failures } });
      if (lock) await appendAudit(tx, actor, { action: "ACCOUNT_LOCKED", outcome: "SUCCESS", details: { minutes: LOCKOUT_DURATION_MS / 60000 } });
      return { ok: false };
    }
    await tx.user.update({ where: { id: fresh.id }, data: { failedSignIns: 0, lastFailedSignInAt: null, lockedUntil: null, lastSignInAt: now } });
    const session = await tx.session.create({ data: { userId: fresh.id, sessionVersion: fresh.sessionVersion, createdAt: now, lastSeenAt: now } });
    await appendAudit(tx, actor, { action: "SIGN_IN", details: { sessionId: session.id } });
    return { ok: true, userId: fresh.id, sessionId: session.id, sessionVersion: fresh.sessionVersion, mustChangePassword: fresh.mustChangePassword };
  });
}

export type SessionCheck =
  | {
      ok: true;
      actor: Actor;
      mustChangePassword: boolean;
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
      include: { user: { include: { memberships: { select: { clinicId: true } } } } },
    });
    if (!session) return { ok: false, reason: "NO_SESSION" };
    if (session.endedAt) return { ok: false, reason: "ENDED" };
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
