import "server-only";
import { randomBytes } from "node:crypto";
import type { Actor } from "@/lib/server/permissions";
import { hashPassword } from "@/lib/server/auth/password";
import { appendAudit } from "@/lib/server/audit";
import { isLocked } from "@/lib/server/auth/lockout";
import { inTransaction, isUniqueViolation } from "@/lib/server/transaction";
import { SSO_CREATE_ROLES, type SsoRefusal } from "@/lib/core/sign-in-errors";

/** What the identity provider said about the person, from its validated ID token. */
export interface SsoClaims {
  sub: string;
  email?: string | null;
  email_verified?: boolean | string | null;
  name?: string | null;
}

export type SsoSignInResult = { ok: true; userId: string; sessionId: string; created: boolean } | { ok: false; reason: SsoRefusal };

class Refused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    readonly userId: string | null = null,
  ) {
    super(reason);
  }
}

/**
 * Signs in the person an OpenID Connect provider vouched for (its ID token was already checked:
 * signature, issuer, audience, expiry, nonce). The account is found by email, and only a verified
 * email counts: a provider that lets people type any address would otherwise hand out accounts.
 * The provider's subject is bound at the first sign-in and must match afterwards.
 *
 * The app's own two-factor step is skipped: the identity provider runs its own MFA, and the
 * session is recorded with method SSO so that a clinic's two-factor requirement does not send
 * the user to enrol an authenticator here.
 *
 * An unknown email gets an account only when exactly one clinic allows it ("Create accounts from
 * the identity provider"), with that clinic's role (never ADMIN). Every outcome is audited as
 * SIGN_IN with `method: "SSO"`.
 */
export async function signInWithSso(claims: SsoClaims, ip: string | null, now = new Date()): Promise<SsoSignInResult> {
  const email = String(claims.email ?? "")
    .trim()
    .toLowerCase()
    .slice(0, 320);
  const sub = String(claims.sub ?? "").slice(0, 255);
  const verified = claims.email_verified === true || claims.email_verified === "true";
  const refuse = async (reason: SsoRefusal, userId: string | null, extra: Record<string, unknown> = {}): Promise<SsoSignInResult> => {
    const actor: Actor | null = userId ? { userId, email, name: "", role: "READ_ONLY", clinicIds: [], via: "session", ip } : null;
    await inTransaction((tx) =>
      appendAudit(tx, actor, {
        action: "SIGN_IN",
        outcome: userId ? "DENIED" : "FAILURE",
        ip,
        details: { method: "SSO", reason, email, ...extra },
      }),
    );
    return { ok: false, reason };
  };
  if (!sub || !email) return refuse("SSO_EMAIL_MISSING", null);
  if (!verified) return refuse("SSO_EMAIL_NOT_VERIFIED", null);

  // A password hash nobody knows: an account made by the provider signs in only through it,
  // until an admin issues a password.
  let unusableHash: string | null = null;
  const existing = await inTransaction((tx) => tx.user.findUnique({ where: { email }, select: { id: true } }));
  if (!existing) unusableHash = await hashPassword(randomBytes(32).toString("base64url"));

  try {
    return await inTransaction(async (tx): Promise<SsoSignInResult> => {
      let user = await tx.user.findUnique({ where: { email } });
      let created = false;
      if (!user) {
        const clinics = await tx.clinic.findMany({
          where: { ssoCreateAccounts: true },
          select: { id: true, name: true, ssoCreateRole: true },
        });
        if (clinics.length === 0) throw new Refused("SSO_UNKNOWN_ACCOUNT");
        // Two clinics allowing it leave no way to tell which one the person works in.
        if (clinics.length > 1) throw new Refused("SSO_CLINIC_AMBIGUOUS");
        const clinic = clinics[0];
        const role = (SSO_CREATE_ROLES as readonly string[]).includes(clinic.ssoCreateRole) ? clinic.ssoCreateRole : "READ_ONLY";
        const name =
          String(claims.name ?? "")
            .trim()
            .slice(0, 200) || email;
        user = await tx.user.create({
          data: { email, name, role, passwordHash: unusableHash!, oidcSubject: sub, memberships: { create: { clinicId: clinic.id } } },
        });
        created = true;
        const actor: Actor = { userId: user.id, email, name, role: "READ_ONLY", clinicIds: [clinic.id], via: "system", ip };
        await appendAudit(tx, actor, {
          action: "USER_CREATE",
          targetType: "User",
          targetId: user.id,
          details: { email, role, clinicId: clinic.id, via: "SSO" },
        });
      }
      const actor: Actor = { userId: user.id, email, name: user.name, role: "READ_ONLY", clinicIds: [], via: "session", ip };
      if (user.oidcSubject && user.oidcSubject !== sub) throw new Refused("SSO_SUBJECT_MISMATCH", user.id);
      if (isLocked(user, now)) throw new Refused("SSO_LOCKED", user.id);
      if (!user.active) throw new Refused("SSO_INACTIVE", user.id);
      await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now, ...(user.oidcSubject ? {} : { oidcSubject: sub }) } });
      const session = await tx.session.create({
        data: { userId: user.id, sessionVersion: user.sessionVersion, createdAt: now, lastSeenAt: now, method: "SSO" },
      });
      await appendAudit(tx, actor, { action: "SIGN_IN", details: { sessionId: session.id, method: "SSO" } });
      return { ok: true, userId: user.id, sessionId: session.id, created };
    });
  } catch (error) {
    if (error instanceof Refused) return refuse(error.reason, error.userId ?? null);
    // Another account already holds this subject (its email changed at the provider).
    if (isUniqueViolation(error)) return refuse("SSO_SUBJECT_MISMATCH", null);
    throw error;
  }
}

/**
 * A single sign-on that failed before we learnt who it was: the provider's token failed
 * validation (TOKEN: wrong audience, expired, bad signature or state) or the provider answered
 * with an error (PROVIDER: the person cancelled, the provider refused).
 */
export async function auditSsoTokenRefusal(kind: "TOKEN" | "PROVIDER", message: string, ip: string | null): Promise<void> {
  const reason =
    kind === "PROVIDER"
      ? "SSO_PROVIDER_ERROR"
      : /\baud\b|audience/i.test(message)
        ? "SSO_WRONG_AUDIENCE"
        : /expired|\bexp\b/i.test(message)
          ? "SSO_TOKEN_EXPIRED"
          : "SSO_TOKEN_INVALID";
  await inTransaction((tx) =>
    appendAudit(tx, null, { action: "SIGN_IN", outcome: "FAILURE", ip, details: { method: "SSO", reason, error: message.slice(0, 300) } }),
  );
}
