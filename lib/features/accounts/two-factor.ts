import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { hashPassword, verifyPassword } from "@/lib/server/auth/password";
import { LOCKOUT_DURATION_MS } from "@/lib/core/password-policy";
import { qrSvgDataUrl } from "@/lib/core/qr";
import { openSecret, sealSecret } from "@/lib/server/auth/secret-box";
import {
  base32Encode,
  canonicalRecoveryCode,
  formatSecret,
  isTotpCode,
  matchTotp,
  newRecoveryCode,
  newTotpSecret,
  normalizeCode,
  otpauthUri,
  RECOVERY_CODE_COUNT,
} from "@/lib/server/auth/totp";
import { parseWith } from "@/lib/core/validation/common";
import {
  confirmEnrolmentSchema,
  disableTwoFactorSchema,
  regenerateRecoveryCodesSchema,
  startEnrolmentSchema,
} from "@/lib/features/accounts/two-factor-schema";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { conflict, forbidden, invalid, notFound } from "@/lib/server/errors";
import { isLocked, recordFailedProof } from "@/lib/server/auth/lockout";
import { auditRefusal, guarded, inTransaction } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";

/** The name authenticator apps show next to the account. */
export const TWO_FACTOR_ISSUER = "Cramp Clinic";

export type SecondFactorMethod = "TOTP" | "RECOVERY_CODE";

const WRONG_CODE = "This code is not right. Enter the newest code from your authenticator app, or an unused recovery code.";
const WRONG_PASSWORD = "This is not your current password";
const LOCKED = `Too many wrong passwords or codes: try again in ${LOCKOUT_DURATION_MS / 60000} minutes.`;

// ---------------------------------------------------------------------------------------------
// Second-factor checks, shared by sign-in (lib/features/accounts/sign-in.ts) and the account page

/**
 * The id of the user's unused recovery code that `input` is, or null. Runs before the caller's
 * transaction: each code is an argon2id hash, too slow to verify while holding a write lock.
 */
export async function matchRecoveryCode(userId: string, input: string): Promise<string | null> {
  const canonical = canonicalRecoveryCode(input);
  if (!canonical) return null;
  const codes = await inTransaction((tx) =>
    tx.recoveryCode.findMany({ where: { userId, usedAt: null }, select: { id: true, codeHash: true }, orderBy: { id: "asc" } }),
  );
  for (const c of codes) if (await verifyPassword(c.codeHash, canonical)) return c.id;
  return null;
}

/**
 * In the caller's transaction: accepts `code` as the user's current authenticator code, or spends
 * the recovery code matched beforehand (`recoveryCodeId`, from matchRecoveryCode). Both writes are
 * conditional, so of two requests racing with one code only one succeeds. Null when refused.
 */
export async function acceptSecondFactor(
  tx: Tx,
  user: { id: string; totpSecret: string | null; totpLastStep: number | null },
  actor: Actor | null,
  code: string,
  recoveryCodeId: string | null,
  now: Date,
): Promise<SecondFactorMethod | null> {
  const normalized = normalizeCode(code);
  if (isTotpCode(normalized)) {
    const secret = user.totpSecret ? openSecret(user.totpSecret, user.id) : null;
    if (!secret) return null;
    const step = matchTotp(secret, normalized, now.getTime(), user.totpLastStep);
    if (step === null) return null;
    const { count } = await tx.user.updateMany({
      where: { id: user.id, totpEnabled: true, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return count === 1 ? "TOTP" : null;
  }
  if (!recoveryCodeId) return null;
  const { count } = await tx.recoveryCode.updateMany({ where: { id: recoveryCodeId, userId: user.id, usedAt: null }, data: { usedAt: now } });
  if (count !== 1) return null;
  const remaining = await tx.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
  await appendAudit(tx, actor, { action: "TWO_FACTOR_RECOVERY_CODE_USED", targetType: "User", targetId: user.id, details: { remaining } });
  return "RECOVERY_CODE";
}

/** True when one of the user's clinics requires a second factor. */
export function twoFactorRequired(memberships: { clinic: { requireTwoFactor: boolean } }[]): boolean {
  return memberships.some((m) => m.clinic.requireTwoFactor);
}

// ---------------------------------------------------------------------------------------------
// The user's own settings (/account/two-factor)

/**
 * Open to every signed-in user for their own account, so no role permission; refused for API
 * tokens (a token must not be able to change how its user signs in). Audits refusals.
 */
async function selfService<T>(actor: Actor, refusal: AuditInput, fn: () => Promise<T>): Promise<T> {
  if (actor.via !== "session") {
    await auditRefusal(actor, refusal, "FORBIDDEN");
    throw forbidden();
  }
  return fn();
}

export interface TwoFactorStatus {
  enabled: boolean;
  /** Names of the user's clinics that require two-factor sign-in. */
  requiredBy: string[];
  /** Set-up begun and awaiting its first code: what the authenticator app needs. */
  pending: { secret: string; uri: string; qrDataUrl: string } | null;
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(actor: Actor): Promise<TwoFactorStatus> {
  return selfService(actor, { action: "TWO_FACTOR_STATUS" }, async () => {
    const { user, left } = await inTransaction(async (tx) => ({
      user: await tx.user.findUniqueOrThrow({
        where: { id: actor.userId },
        include: { memberships: { include: { clinic: { select: { name: true, requireTwoFactor: true } } } } },
      }),
      left: await tx.recoveryCode.count({ where: { userId: actor.userId, usedAt: null } }),
    }));
    let pending: TwoFactorStatus["pending"] = null;
    if (!user.totpEnabled && user.totpSecret) {
      // Unreadable after a change of NEXTAUTH_SECRET: then the set-up simply starts again.
      const secret = openSecret(user.totpSecret, user.id);
      if (secret) {
        const uri = otpauthUri(secret, user.email, TWO_FACTOR_ISSUER);
        pending = { secret: formatSecret(base32Encode(secret)), uri, qrDataUrl: qrSvgDataUrl(uri) };
      }
    }
    return {
      enabled: user.totpEnabled,
      requiredBy: user.memberships.filter((m) => m.clinic.requireTwoFactor).map((m) => m.clinic.name).sort(),
      pending,
      recoveryCodesLeft: user.totpEnabled ? left : 0,
    };
  });
}

/**
 * Begins set-up: a new secret, kept encrypted and not yet in force. Asks for the password again
 * (a session left open must not be enough to change how the account signs in).
 */
export async function startTwoFactorEnrolment(actor: Actor, input: unknown): Promise<void> {
  const refusal = { action: "TWO_FACTOR_ENROLMENT_START", targetType: "User", targetId: actor.userId };
  return selfService(actor, refusal, async () => {
    const parsed = parseWith(startEnrolmentSchema, input);
    if (!parsed.ok) throw invalid(parsed.fields);
    const user = await inTransaction((tx) => tx.user.findUniqueOrThrow({ where: { id: actor.userId } }));
    if (user.totpEnabled) throw conflict("Two-factor sign-in is already on.");
    if (!(await verifyPassword(user.passwordHash, parsed.data.currentPassword))) throw invalid({ currentPassword: WRONG_PASSWORD });
    await inTransaction(async (tx) => {
      const { count } = await tx.user.updateMany({
        where: { id: actor.userId, totpEnabled: false },
        data: { totpSecret: sealSecret(newTotpSecret(), actor.userId), totpLastStep: null },
      });
      if (count !== 1) throw conflict("Two-factor sign-in is already on.");
      await appendAudit(tx, actor, refusal);
    });
  });
}

/** Ten new recovery codes: the codes for the user, and their argon2id hashes for the database. */
async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(canonicalRecoveryCode(c)!)));
  return { codes, hashes };
}

/** Moves this session to the user's new session version, so that only the other sessions end. */
async function keepThisSession(tx: Tx, actor: Actor, sessionId: string): Promise<void> {
  const { sessionVersion } = await tx.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { sessionVersion: true } });
  await tx.session.updateMany({ where: { id: sessionId, userId: actor.userId }, data: { sessionVersion } });
}

/**
 * Turns two-factor sign-in on once the user proves the app works with a current code. Returns
 * the recovery codes: they exist in clear only in this answer. Other sessions of the user end
 * (they were opened without the second factor); this one carries on.
 */
export async function confirmTwoFactorEnrolment(actor: Actor, sessionId: string, input: unknown, now = new Date()): Promise<{ recoveryCodes: string[] }> {
  const refusal = { action: "TWO_FACTOR_ENABLE", targetType: "User", targetId: actor.userId };
  return selfService(actor, refusal, async () => {
    const parsed = parseWith(confirmEnrolmentSchema, input);
    if (!parsed.ok) throw invalid(parsed.fields);
    const user = await inTransaction((tx) => tx.user.findUniqueOrThrow({ where: { id: actor.userId } }));
    if (user.totpEnabled) throw conflict("Two-factor sign-in is already on.");
    const secret = user.totpSecret ? openSecret(user.totpSecret, user.id) : null;
    if (!user.totpSecret || !secret) throw invalid({ code: "Start the set-up first: no authenticator is waiting to be confirmed." });
    const step = matchTotp(secret, parsed.data.code, now.getTime());
    if (step === null) {
      await inTransaction((tx) => appendAudit(tx, actor, { ...refusal, outcome: "FAILURE", details: { reason: "WRONG_CODE" } }));
      throw invalid({ code: "This code does not match. Check that your phone's clock is right, and enter the newest code." });
    }
    const { codes, hashes } = await newRecoveryCodes();
    await inTransaction(async (tx) => {
      // Only the secret the code was checked against is switched on (not one from a newer start).
      const { count } = await tx.user.updateMany({
        where: { id: actor.userId, totpEnabled: false, totpSecret: user.totpSecret },
        data: { totpEnabled: true, totpLastStep: step, sessionVersion: { increment: 1 } },
      });
      if (count !== 1) throw conflict("The set-up changed meanwhile (started again in another window?). Reload and try again.");
      await tx.recoveryCode.deleteMany({ where: { userId: actor.userId } });
      await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId: actor.userId, codeHash, createdAt: now })) });
      await keepThisSession(tx, actor, sessionId);
      await appendAudit(tx, actor, { ...refusal, details: { recoveryCodes: codes.length } });
    });
    return { recoveryCodes: codes };
  });
}

/**
 * Checks a current code (and optionally the password) for a change to the user's own second
 * factor; wrong ones count towards the lockout like failed sign-ins. Runs `change` in the same
 * transaction when they are right, and throws the field errors after the failure is committed.
 */
async function withCurrentFactor<T>(
  actor: Actor,
  action: string,
  proof: { code: string; currentPassword?: string },
  now: Date,
  change: (tx: Tx, method: SecondFactorMethod) => Promise<T>,
): Promise<T> {
  const user = await inTransaction((tx) => tx.user.findUniqueOrThrow({ where: { id: actor.userId } }));
  if (!user.totpEnabled) throw conflict("Two-factor sign-in is not on.");
  if (isLocked(user, now)) {
    await inTransaction((tx) => appendAudit(tx, actor, { action, outcome: "DENIED", targetType: "User", targetId: actor.userId, details: { reason: "LOCKED" } }));
    throw invalid({ code: LOCKED });
  }
  const passwordOk = proof.currentPassword === undefined || (await verifyPassword(user.passwordHash, proof.currentPassword));
  const recoveryCodeId = passwordOk && !isTotpCode(normalizeCode(proof.code)) ? await matchRecoveryCode(user.id, proof.code) : null;
  const outcome = await inTransaction(async (tx): Promise<{ fields: Record<string, string> } | { value: T }> => {
    const fresh = await tx.user.findUniqueOrThrow({ where: { id: actor.userId } });
    if (!passwordOk) {
      await recordFailedProof(tx, fresh, actor, now, { action, reason: "WRONG_PASSWORD" });
      return { fields: { currentPassword: WRONG_PASSWORD } };
    }
    const method = await acceptSecondFactor(tx, fresh, actor, proof.code, recoveryCodeId, now);
    if (!method) {
      const { locked } = await recordFailedProof(tx, fresh, actor, now, { action, reason: "WRONG_CODE" });
      return { fields: { code: locked ? LOCKED : WRONG_CODE } };
    }
    return { value: await change(tx, method) };
  });
  if ("fields" in outcome) throw invalid(outcome.fields);
  return outcome.value;
}

/**
 * Turns two-factor sign-in off, with the password and a current code (or a recovery code). The
 * secret and recovery codes are deleted; other sessions end. Where a clinic requires two-factor
 * sign-in the user is sent straight back to set it up again (a new phone, for instance).
 */
export async function disableTwoFactor(actor: Actor, sessionId: string, input: unknown, now = new Date()): Promise<void> {
  const action = "TWO_FACTOR_DISABLE";
  return selfService(actor, { action, targetType: "User", targetId: actor.userId }, async () => {
    const parsed = parseWith(disableTwoFactorSchema, input);
    if (!parsed.ok) throw invalid(parsed.fields);
    await withCurrentFactor(actor, action, parsed.data, now, async (tx, method) => {
      await tx.user.update({
        where: { id: actor.userId },
        data: { totpEnabled: false, totpSecret: null, totpLastStep: null, sessionVersion: { increment: 1 } },
      });
      await tx.recoveryCode.deleteMany({ where: { userId: actor.userId } });
      await keepThisSession(tx, actor, sessionId);
      await appendAudit(tx, actor, { action, targetType: "User", targetId: actor.userId, details: { method } });
    });
  });
}

/** Replaces the recovery codes (all ten; unused old ones stop working), after a current code. */
export async function regenerateRecoveryCodes(actor: Actor, input: unknown, now = new Date()): Promise<{ recoveryCodes: string[] }> {
  const action = "TWO_FACTOR_RECOVERY_CODES_REPLACE";
  return selfService(actor, { action, targetType: "User", targetId: actor.userId }, async () => {
    const parsed = parseWith(regenerateRecoveryCodesSchema, input);
    if (!parsed.ok) throw invalid(parsed.fields);
    const { codes, hashes } = await newRecoveryCodes();
    await withCurrentFactor(actor, action, parsed.data, now, async (tx, method) => {
      await tx.recoveryCode.deleteMany({ where: { userId: actor.userId } });
      await tx.recoveryCode.createMany({ data: hashes.map((codeHash) => ({ userId: actor.userId, codeHash, createdAt: now })) });
      await appendAudit(tx, actor, { action, targetType: "User", targetId: actor.userId, details: { method, recoveryCodes: codes.length } });
    });
    return { recoveryCodes: codes };
  });
}

// ---------------------------------------------------------------------------------------------
// Administration (/admin/users)

export interface TwoFactorOverview {
  clinics: { id: string; name: string; requireTwoFactor: boolean }[];
  /** User id → whether two-factor sign-in is on, for the users the admin manages. */
  enabledByUser: Record<string, boolean>;
}

export async function twoFactorOverview(actor: Actor): Promise<TwoFactorOverview> {
  return guarded(actor, "users:manage", { action: "USER_LIST" }, async (tx) => {
    const clinics = await tx.clinic.findMany({
      where: { id: { in: actor.clinicIds } },
      select: { id: true, name: true, requireTwoFactor: true },
      orderBy: { name: "asc" },
    });
    const users = await tx.user.findMany({
      where: { memberships: { some: { clinicId: { in: actor.clinicIds } } } },
      select: { id: true, totpEnabled: true },
    });
    return { clinics, enabledByUser: Object.fromEntries(users.map((u) => [u.id, u.totpEnabled])) };
  });
}

/**
 * Requires (or stops requiring) two-factor sign-in of every member of one of the admin's clinics.
 * Only an admin who signs in with two factors may require it.
 */
export async function setClinicTwoFactorRequirement(actor: Actor, clinicId: string, required: unknown): Promise<void> {
  const action = "TWO_FACTOR_REQUIREMENT_CHANGE";
  return guarded(actor, "users:manage", { action, targetType: "Clinic", targetId: clinicId }, async (tx) => {
    if (!actor.clinicIds.includes(clinicId)) throw notFound("Clinic");
    if (typeof required !== "boolean") throw invalid({ required: "Choose whether to require two-factor sign-in" });
    // Otherwise the admin's own next page would be the set-up page, mid-task (as GitHub and others do).
    if (required && !(await tx.user.findUniqueOrThrow({ where: { id: actor.userId } })).totpEnabled) {
      throw invalid({ required: "Turn on two-factor sign-in for your own account first (Your account, Two-factor sign-in)" });
    }
    const before = await tx.clinic.findUnique({ where: { id: clinicId } });
    if (!before) throw notFound("Clinic");
    if (before.requireTwoFactor === required) return;
    await tx.clinic.update({ where: { id: clinicId }, data: { requireTwoFactor: required } });
    await appendAudit(tx, actor, { action, targetType: "Clinic", targetId: clinicId, details: { from: before.requireTwoFactor, to: required } });
  });
}

/**
 * For a user who lost both the phone and the recovery codes: deletes their secret and recovery
 * codes and ends their sessions. Where a clinic requires it they set it up again at next sign-in.
 * Not for the admin's own account, which goes through the account page and a current code.
 */
export async function resetUserTwoFactor(actor: Actor, userId: string): Promise<void> {
  const action = "TWO_FACTOR_RESET";
  return guarded(actor, "users:manage", { action, targetType: "User", targetId: userId }, async (tx) => {
    const user = await tx.user.findFirst({ where: { id: userId, memberships: { some: { clinicId: { in: actor.clinicIds } } } } });
    if (!user) throw notFound("User");
    if (user.id === actor.userId) throw invalid({ _form: "Turn off your own two-factor sign-in on your account page" });
    if (!user.totpEnabled && !user.totpSecret) return;
    await tx.user.update({
      where: { id: userId },
      data: { totpEnabled: false, totpSecret: null, totpLastStep: null, sessionVersion: { increment: 1 } },
    });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await appendAudit(tx, actor, { action, targetType: "User", targetId: userId, details: { wasEnabled: user.totpEnabled } });
  });
}

