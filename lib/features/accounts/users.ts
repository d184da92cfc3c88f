import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { hashPassword } from "@/lib/server/auth/password";
import type { Role } from "@/lib/core/clinical/vocabulary";
import { parseWith } from "@/lib/core/validation/common";
import { roleChangeSchema, userCreateSchema } from "@/lib/features/accounts/user-schema";
import { appendAudit } from "@/lib/server/audit";
import { conflict, invalid, notFound } from "@/lib/server/errors";
import { guarded, isUniqueViolation } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  locked: boolean;
  mustChangePassword: boolean;
  clinics: string[];
  lastSignInAt: Date | null;
}

/** Admins manage the users who share at least one of their clinics. */
function scope(actor: Actor) {
  return { memberships: { some: { clinicId: { in: actor.clinicIds } } } };
}

async function requireUserInScope(tx: Tx, actor: Actor, id: string) {
  const user = await tx.user.findFirst({ where: { id, ...scope(actor) } });
  if (!user) throw notFound("User");
  return user;
}

export async function listUsers(actor: Actor): Promise<UserSummary[]> {
  return guarded(actor, "users:manage", { action: "USER_LIST" }, async (tx) => {
    const rows = await tx.user.findMany({
      where: scope(actor),
      include: { memberships: { include: { clinic: { select: { name: true } } } } },
      orderBy: [{ active: "desc" }, { name: "asc" }],
    });
    const now = new Date();
    return rows.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role as Role,
      active: u.active,
      locked: !!u.lockedUntil && u.lockedUntil > now,
      mustChangePassword: u.mustChangePassword,
      clinics: u.memberships.map((m) => m.clinic.name).sort(),
      lastSignInAt: u.lastSignInAt,
    }));
  });
}

export async function createUser(actor: Actor, input: unknown): Promise<{ id: string }> {
  const parsed = parseWith(userCreateSchema, input);
  return guarded(actor, "users:manage", { action: "USER_CREATE", targetType: "User" }, async (tx) => {
    if (!parsed.ok) throw invalid(parsed.fields);
    const u = parsed.data;
    const foreign = u.clinicIds.filter((c) => !actor.clinicIds.includes(c));
    if (foreign.length) throw invalid({ clinicIds: "You can only add users to your own clinics" });
    if (await tx.user.findUnique({ where: { email: u.email }, select: { id: true } }))
      throw conflict("A user with this email already exists.", { email: "This email is already in use" });
    try {
      const created = await tx.user.create({
        data: {
          email: u.email,
          name: u.name,
          role: u.role,
          passwordHash: await hashPassword(u.temporaryPassword),
          mustChangePassword: true,
          memberships: { create: u.clinicIds.map((clinicId) => ({ clinicId })) },
        },
      });
      await appendAudit(tx, actor, { action: "USER_CREATE", targetType: "User", targetId: created.id, details: { email: u.email, role: u.role } });
      return { id: created.id };
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict("A user with this email already exists.", { email: "This email is already in use" });
      throw error;
    }
  });
}

export async function changeUserRole(actor: Actor, id: string, input: unknown): Promise<void> {
  const parsed = parseWith(roleChangeSchema, input);
  return guarded(actor, "users:manage", { action: "USER_ROLE_CHANGE", targetType: "User", targetId: id }, async (tx) => {
    const user = await requireUserInScope(tx, actor, id);
    if (!parsed.ok) throw invalid(parsed.fields);
    if (user.id === actor.userId && parsed.data.role !== "ADMIN") throw invalid({ role: "You cannot remove your own admin role" });
    if (user.role === parsed.data.role) return;
    // A new session version signs the user out everywhere, so the new role applies at once.
    await tx.user.update({ where: { id }, data: { role: parsed.data.role, sessionVersion: { increment: 1 } } });
    await appendAudit(tx, actor, { action: "USER_ROLE_CHANGE", targetType: "User", targetId: id, details: { from: user.role, to: parsed.data.role } });
  });
}

export async function setUserActive(actor: Actor, id: string, active: boolean): Promise<void> {
  const action = active ? "USER_REACTIVATE" : "USER_DEACTIVATE";
  return guarded(actor, "users:manage", { action, targetType: "User", targetId: id }, async (tx) => {
    const user = await requireUserInScope(tx, actor, id);
    if (user.id === actor.userId && !active) throw invalid({ _form: "You cannot deactivate your own account" });
    if (user.active === active) return;
    await tx.user.update({ where: { id }, data: { active, sessionVersion: { increment: 1 } } });
    await appendAudit(tx, actor, { action, targetType: "User", targetId: id });
  });
}

export async function unlockUser(actor: Actor, id: string): Promise<void> {
  return guarded(actor, "users:manage", { action: "USER_UNLOCK", targetType: "User", targetId: id }, async (tx) => {
    await requireUserInScope(tx, actor, id);
    await tx.user.update({ where: { id }, data: { lockedUntil: null, failedSignIns: 0, lastFailedSignInAt: null } });
    await appendAudit(tx, actor, { action: "USER_UNLOCK", targetType: "User", targetId: id });
  });
}

export async function listAllClinicsForAdmin(actor: Actor) {
  return guarded(actor, "users:manage", { action: "CLINIC_LIST" }, (tx) =>
    tx.clinic.findMany({ where: { id: { in: actor.clinicIds } }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
  );
}
