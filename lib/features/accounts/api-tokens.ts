import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { actorFor, can } from "@/lib/server/permissions";
import { generateApiToken, hashApiToken, looksLikeApiToken, TOKEN_TOUCH_MS } from "@/lib/server/auth/api-tokens";
import { parseWith } from "@/lib/core/validation/common";
import { apiTokenCreateSchema } from "@/lib/features/accounts/api-token-schema";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { forbidden, invalid, isDataError, notFound } from "@/lib/server/errors";
import { auditRefusal, inTransaction } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";

/** What lists show about a token: never the token or its hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ClinicApiTokenView extends ApiTokenView {
  userId: string;
  userEmail: string;
  userName: string;
}

/** The one moment the token itself exists outside the caller's hands. */
export interface CreatedApiToken extends ApiTokenView {
  token: string;
}

const viewSelect = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/**
 * Token management is open to every signed-in user for their own tokens, so it has no role
 * permission; it runs in one transaction and audits refusals like guarded(). A token cannot mint
 * or manage tokens: a leaked token must not be able to outlive its own revocation.
 */
async function selfService<T>(actor: Actor, refusal: AuditInput, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (actor.via === "token") {
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

async function insertToken(tx: Tx, userId: string, name: string): Promise<CreatedApiToken> {
  const { token, tokenHash, prefix } = generateApiToken();
  const row = await tx.apiToken.create({ data: { userId, name, tokenHash, prefix }, select: viewSelect });
  return { ...row, token };
}

/** Creates a token for the actor; the answer carries the token, which is never shown again. */
export async function createApiToken(actor: Actor, input: unknown): Promise<CreatedApiToken> {
  const parsed = parseWith(apiTokenCreateSchema, input);
  return selfService(actor, { action: "API_TOKEN_CREATE", targetType: "ApiToken" }, async (tx) => {
    if (!parsed.ok) throw invalid(parsed.fields);
    const created = await insertToken(tx, actor.userId, parsed.data.name);
    await appendAudit(tx, actor, { action: "API_TOKEN_CREATE", targetType: "ApiToken", targetId: created.id, details: { name: created.name, prefix: created.prefix } });
    return created;
  });
}

/**
 * For the command line (`npm run token:create`): run by whoever operates the server, so there is
 * no signed-in actor; the audit row names the user the token was made for.
 */
export async function createApiTokenForEmail(emailInput: string, input: unknown): Promise<CreatedApiToken & { userEmail: string }> {
  const parsed = parseWith(apiTokenCreateSchema, input);
  if (!parsed.ok) throw invalid(parsed.fields);
  const email = emailInput.trim().toLowerCase();
  return inTransaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true, active: true } });
    if (!user) throw invalid({ email: "No user has this email" });
    if (!user.active) throw invalid({ email: "This user is deactivated" });
    const created = await insertToken(tx, user.id, parsed.data.name);
    await appendAudit(tx, null, {
      action: "API_TOKEN_CREATE",
      targetType: "ApiToken",
      targetId: created.id,
      details: { name: created.name, prefix: created.prefix, userId: user.id, userEmail: user.email, via: "command line" },
    });
    return { ...created, userEmail: user.email };
  });
}

/** The actor's own tokens, newest first, revoked ones included (they show when they stopped). */
export async function listApiTokens(actor: Actor): Promise<ApiTokenView[]> {
  return selfService(actor, { action: "API_TOKEN_LIST" }, (tx) =>
    tx.apiToken.findMany({ where: { userId: actor.userId }, select: viewSelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
  );
}

/** Admins: the active tokens of other users who share one of the admin's clinics. */
export async function listClinicApiTokens(actor: Actor): Promise<ClinicApiTokenView[]> {
  if (!can(actor, "users:manage")) {
    await auditRefusal(actor, { action: "API_TOKEN_LIST_CLINIC" }, "FORBIDDEN");
    throw forbidden();
  }
  return selfService(actor, { action: "API_TOKEN_LIST_CLINIC" }, async (tx) => {
    const rows = await tx.apiToken.findMany({
      where: { revokedAt: null, userId: { not: actor.userId }, user: { memberships: { some: { clinicId: { in: actor.clinicIds } } } } },
      select: { ...viewSelect, user: { select: { id: true, email: true, name: true } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return rows.map(({ user, ...t }) => ({ ...t, userId: user.id, userEmail: user.email, userName: user.name }));
  });
}

/**
 * Revokes a token at once. Anyone may revoke their own; an admin may revoke the tokens of users
 * in their clinics. Any other token answers NOT_FOUND. Revoking twice keeps the first time.
 */
export async function revokeApiToken(actor: Actor, tokenId: string): Promise<ApiTokenView> {
  const refusal: AuditInput = { action: "API_TOKEN_REVOKE", targetType: "ApiToken", targetId: tokenId };
  return selfService(actor, refusal, async (tx) => {
    const adminScope = can(actor, "users:manage") ? [{ user: { memberships: { some: { clinicId: { in: actor.clinicIds } } } } }] : [];
    const token = await tx.apiToken.findFirst({
      where: { id: tokenId, OR: [{ userId: actor.userId }, ...adminScope] },
      select: { ...viewSelect, userId: true },
    });
    if (!token) throw notFound("Token");
    const { userId, ...view } = token;
    if (view.revokedAt) return view;
    const revokedAt = new Date();
    await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt } });
    await appendAudit(tx, actor, { ...refusal, details: { prefix: view.prefix, ownerId: userId } });
    return { ...view, revokedAt };
  });
}

export type TokenAuthentication =
  | { ok: true; actor: Actor; tokenId: string }
  | { ok: false; reason: "MALFORMED" | "UNKNOWN" | "REVOKED" | "INACTIVE" };

/**
 * Resolves a bearer token to the actor it acts as: its user's current role and clinics, read on
 * every request so a role change, a deactivation or a revocation applies to the next call.
 */
export async function authenticateApiToken(token: string, ip: string | null, now = new Date()): Promise<TokenAuthentication> {
  if (!looksLikeApiToken(token)) return { ok: false, reason: "MALFORMED" };
  const tokenHash = hashApiToken(token);
  return inTransaction(async (tx) => {
    const row = await tx.apiToken.findUnique({
      where: { tokenHash },
      include: { user: { include: { memberships: { select: { clinicId: true } } } } },
    });
    if (!row) return { ok: false, reason: "UNKNOWN" } as const;
    const user = row.user;
    const actor = actorFor(user, user.memberships.map((m) => m.clinicId), "token", ip);
    const refuse = async (reason: "REVOKED" | "INACTIVE") => {
      await appendAudit(tx, actor, { action: "API_TOKEN_USE", outcome: "DENIED", targetType: "ApiToken", targetId: row.id, details: { reason } });
      return { ok: false, reason } as const;
    };
    if (row.revokedAt) return refuse("REVOKED");
    if (!user.active) return refuse("INACTIVE");
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOKEN_TOUCH_MS) {
      // Conditional, so two concurrent requests write once.
      await tx.apiToken.updateMany({
        where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - TOKEN_TOUCH_MS) } }] },
        data: { lastUsedAt: now },
      });
    }
    return { ok: true, actor, tokenId: row.id } as const;
  });
}
