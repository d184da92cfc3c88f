import "server-only";
import { actorFor, type Actor } from "@/lib/server/permissions";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "@/lib/server/auth/password";
import { fieldErrors } from "@/lib/core/validation/common";
import { changePasswordSchema } from "@/lib/features/accounts/user-schema";
import { invalid } from "@/lib/server/errors";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_MS, SIGN_IN_MIN_RESPONSE_MS } from "@/lib/core/password-policy";
import { isTotpCode, normalizeCode } from "@/lib/server/auth/totp";
import { appendAudit } from "@/lib/server/audit";
import { isLocked, recordFailedProof } from "@/lib/server/auth/lockout";
import { db } from "@/lib/server/db";
import { asBool, asDate, asDateOrNull, asStringOrNull } from "@/lib/server/sql-values";
import { inTransaction } from "@/lib/server/transaction";
import { acceptSecondFactor, matchRecoveryCode, twoFactorRequired } from "./two-factor";
import type { Tx } from "@/lib/server/db";

export type SignInResult =
  | { ok: true; userId: string; sessionId: string; sessionVersion: number; mustChangePassword: boolean }
  /**
   * `secondFactor` appears only after the right password for an account with two-factor sign-in
   * on: REQUIRED when no code was sent, INVALID when the code was wrong. Every other refusal is
   * the bare `{ ok: false }`, except `sso: "REQUIRED"`: the right password of a non-admin
   * whose clinic requires single sign-on.
   */
  | { ok: false; secondFactor?: "REQUIRED" | "INVALID"; sso?: "REQUIRED" };

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
    // After the right password only, like the two-factor step: a wrong one says nothing new.
    // ADMIN accounts keep their password as the way in when the identity provider is down.
    if (fresh.role !== "ADMIN") {
      const ssoOnly = await tx.clinicMembership.findFirst({ where: { userId: fresh.id, clinic: { requireSso: true } }, select: { clinicId: true } });
      if (ssoOnly) {
        await appendAudit(tx, actor, { action: "SIGN_IN", outcome: "DENIED", details: { reason: "SSO_REQUIRED", clinicId: ssoOnly.clinicId } });
        return { ok: false, sso: "REQUIRED" };
      }
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
/** A session with its user and the user's clinics, as the session check reads them. */
interface StoredSession {
  userId: string;
  sessionVersion: number;
  createdAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  /** PASSWORD | SSO */
  method: string;
  user: {
    email: string;
    name: string;
    role: string;
    active: boolean;
    sessionVersion: number;
    mustChangePassword: boolean;
    totpEnabled: boolean;
  };
  memberships: { clinicId: string; clinic: { requireTwoFactor: boolean } }[];
}

/** One statement (a row per clinic of the user): the check runs on every request. */
async function readSession(client: Pick<Tx, "$queryRaw">, sessionId: string): Promise<StoredSession | null> {
  const rows = await client.$queryRaw<Record<string, unknown>[]>`
    SELECT s."userId", s."sessionVersion", s."createdAt", s."lastSeenAt", s."endedAt", s."endReason", s."method",
      u."email", u."name", u."role", u."active", u."sessionVersion" AS "userSessionVersion", u."mustChangePassword", u."totpEnabled",
      m."clinicId", c."requireTwoFactor"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
      LEFT JOIN "ClinicMembership" m ON m."userId" = u."id" LEFT JOIN "Clinic" c ON c."id" = m."clinicId"
    WHERE s."id" = ${sessionId}
    ORDER BY m."clinicId"`;
  const r = rows[0];
  if (!r) return null;
  return {
    userId: String(r.userId),
    sessionVersion: Number(r.sessionVersion),
    createdAt: asDate(r.createdAt),
    lastSeenAt: asDate(r.lastSeenAt),
    endedAt: asDateOrNull(r.endedAt),
    endReason: asStringOrNull(r.endReason),
    method: String(r.method),
    user: {
      email: String(r.email),
      name: String(r.name),
      role: String(r.role),
      active: asBool(r.active),
      sessionVersion: Number(r.userSessionVersion),
      mustChangePassword: asBool(r.mustChangePassword),
      totpEnabled: asBool(r.totpEnabled),
    },
    memberships: rows.filter((m) => m.clinicId != null).map((m) => ({ clinicId: String(m.clinicId), clinic: { requireTwoFactor: asBool(m.requireTwoFactor) } })),
  };
}

type SessionEnd = "REVOKED" | "IDLE_TIMEOUT" | "ABSOLUTE_TIMEOUT" | "INACTIVE";

/** What a stored session means now: a settled answer, or a write it needs first (an end, or moving lastSeenAt). */
function judgeSession(
  session: StoredSession | null,
  ip: string | null,
  now: Date,
  touch: boolean,
): { settled: SessionCheck } | { end: SessionEnd; actor: Actor } | { touch: true } {
  if (!session) return { settled: { ok: false, reason: "NO_SESSION" } };
  // An ended session keeps telling why it ended (the idle warning may have ended it already).
  if (session.endedAt) {
    const known = ["REVOKED", "IDLE_TIMEOUT", "ABSOLUTE_TIMEOUT", "INACTIVE"] as const;
    return { settled: { ok: false, reason: known.find((r) => r === session.endReason) ?? "ENDED" } };
  }
  const user = session.user;
  const actor = actorFor({ id: session.userId, ...user }, session.memberships.map((m) => m.clinicId), "session", ip);
  if (!user.active) return { end: "INACTIVE", actor };
  if (session.sessionVersion !== user.sessionVersion) return { end: "REVOKED", actor };
  if (now.getTime() - session.createdAt.getTime() > SESSION_ABSOLUTE_MS) return { end: "ABSOLUTE_TIMEOUT", actor };
  if (now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS) return { end: "IDLE_TIMEOUT", actor };
  const lastSeen = session.lastSeenAt.getTime();
  if (touch && now.getTime() - lastSeen > SESSION_TOUCH_MS) return { touch: true };
  // From the lastSeenAt actually stored: within SESSION_TOUCH_MS of the last write it is not
  // moved, and the session ends 15 minutes after that stored time, not after this request.
  const idleEnd = lastSeen + SESSION_IDLE_MS;
  const absoluteEnd = session.createdAt.getTime() + SESSION_ABSOLUTE_MS;
  return {
    settled: {
      ok: true,
      actor,
      mustChangePassword: user.mustChangePassword,
      // A single sign-on's second factor is the identity provider's MFA.
      mustEnrolTwoFactor: session.method !== "SSO" && !user.totpEnabled && twoFactorRequired(session.memberships),
      expiresAt: new Date(Math.min(idleEnd, absoluteEnd)),
      limit: absoluteEnd <= idleEnd ? "ABSOLUTE" : "IDLE",
    },
  };
}

export async function checkSession(sessionId: string, ip: string | null, now = new Date(), opts: { touch?: boolean } = {}): Promise<SessionCheck> {
  const touch = opts.touch !== false;
  // Most requests only read: one statement, no transaction (1.8 -> 0.5 ms on SQLite, 5.0 -> 1.8 ms
  // on PostgreSQL, measured). A session that must end, or whose lastSeenAt is due to move, is read
  // again and written in a transaction, so the write rests on what the transaction saw.
  const quick = judgeSession(await readSession(db, sessionId), ip, now, touch);
  if ("settled" in quick) return quick.settled;
  return inTransaction(async (tx) => {
    const stored = await readSession(tx, sessionId);
    const judged = judgeSession(stored, ip, now, touch);
    if ("settled" in judged) return judged.settled;
    if ("end" in judged) {
      await tx.session.update({ where: { id: sessionId }, data: { endedAt: now, endReason: judged.end } });
      await appendAudit(tx, judged.actor, { action: "SESSION_END", details: { sessionId, reason: judged.end } });
      return { ok: false, reason: judged.end };
    }
    await tx.session.update({ where: { id: sessionId }, data: { lastSeenAt: now } });
    // Judged again as just written: active, not idle, nothing left to write.
    const touched = judgeSession({ ...stored!, lastSeenAt: now }, ip, now, false);
    if (!("settled" in touched)) throw new Error("a session just touched must be settled");
    return touched.settled;
  });
}

export async function signOutSession(sessionId: string): Promise<void> {
  await inTransaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, include: { user: true } });
    if (!session || session.endedAt) return;
    await tx.session.update({ where: { id: sessionId }, data: { endedAt: new Date(), endReason: "SIGNED_OUT" } });
    const u = session.user;
    await appendAudit(tx, actorFor(u, [], "session"), { action: "SIGN_OUT", details: { sessionId } });
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
