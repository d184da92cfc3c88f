import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { recomputeClinicAttention } from "@/lib/features/attention/data";
import { appendAudit } from "@/lib/server/audit";
import { rebuildDayCounts } from "@/lib/features/episodes/day-counts";
import { invalid, notFound } from "@/lib/server/errors";
import { guarded } from "@/lib/server/transaction";
import { UNIT_SYSTEMS, UNIT_SYSTEM_LABELS } from "@/lib/core/clinical/units";
import { isOneOf, ROLE_LABELS } from "@/lib/core/clinical/vocabulary";
import { SSO_CREATE_ROLES } from "@/lib/core/sign-in-errors";

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz.length > 0 && tz.length < 64;
  } catch {
    return false;
  }
}

export async function listClinicSettings(actor: Actor) {
  return guarded(actor, "users:manage", { action: "CLINIC_LIST" }, (tx) =>
    tx.clinic.findMany({ where: { id: { in: actor.clinicIds } }, select: { id: true, name: true, timeZone: true, unitSystem: true, diaryLinkDays: true, ssoCreateAccounts: true, ssoCreateRole: true, requireSso: true }, orderBy: { name: "asc" } }),
  );
}

/** Day-based rules (red flags, weekly charts) count calendar days in this zone. */
export async function setClinicTimeZone(actor: Actor, clinicId: string, timeZone: string): Promise<void> {
  return guarded(actor, "users:manage", { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId }, async (tx) => {
    if (!actor.clinicIds.includes(clinicId)) throw notFound("Clinic");
    if (!isTimeZone(timeZone)) throw invalid({ timeZone: "Not a known time zone (use a name such as Europe/Berlin)" });
    const before = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId } });
    await tx.clinic.update({ where: { id: clinicId }, data: { timeZone } });
    // Red flags and the day counts use local days: both are recomputed with the new zone.
    await recomputeClinicAttention(tx, clinicId);
    await rebuildDayCounts(tx, clinicId);
    await appendAudit(tx, actor, { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId, details: { timeZone: { from: before.timeZone, to: timeZone } } });
  });
}

/** The units the clinic's forms default to and its pages show; stored values stay canonical, so nothing is recomputed. */
export async function setClinicUnitSystem(actor: Actor, clinicId: string, unitSystem: string): Promise<void> {
  return guarded(actor, "users:manage", { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId }, async (tx) => {
    if (!actor.clinicIds.includes(clinicId)) throw notFound("Clinic");
    if (!isOneOf(UNIT_SYSTEMS, unitSystem)) throw invalid({ unitSystem: `Choose ${UNIT_SYSTEMS.map((u) => UNIT_SYSTEM_LABELS[u]).join(" or ")}` });
    const before = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId } });
    await tx.clinic.update({ where: { id: clinicId }, data: { unitSystem } });
    await appendAudit(tx, actor, { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId, details: { unitSystem: { from: before.unitSystem, to: unitSystem } } });
  });
}

/** How many days a new patient diary link works unless the clinician chooses otherwise (1 to 365). */
export async function setClinicDiaryLinkDays(actor: Actor, clinicId: string, days: string): Promise<void> {
  return guarded(actor, "users:manage", { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId }, async (tx) => {
    if (!actor.clinicIds.includes(clinicId)) throw notFound("Clinic");
    const n = Number(days.trim());
    if (!/^\d+$/.test(days.trim()) || n < 1 || n > 365) throw invalid({ diaryLinkDays: "Enter whole days from 1 to 365" });
    const before = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId } });
    await tx.clinic.update({ where: { id: clinicId }, data: { diaryLinkDays: n } });
    await appendAudit(tx, actor, { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId, details: { diaryLinkDays: { from: before.diaryLinkDays, to: n } } });
  });
}

export interface ClinicSsoInput {
  /** "Create accounts from the identity provider": an unknown, verified email gets an account here. */
  createAccounts: boolean;
  /** The role such an account gets: READ_ONLY or CLINICIAN, never ADMIN. */
  createRole: string;
  /** Members other than ADMIN (the break-glass account) may sign in only by single sign-on. */
  requireSso: boolean;
}

/**
 * The clinic's single sign-on settings; the role is checked even when account creation is off.
 * `providerConfigured`: whether this server has an identity provider; without one, requiring
 * single sign-on would leave only administrators able to sign in, so it is refused.
 */
export async function setClinicSso(actor: Actor, clinicId: string, input: ClinicSsoInput, providerConfigured: boolean): Promise<void> {
  return guarded(actor, "users:manage", { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId }, async (tx) => {
    if (!actor.clinicIds.includes(clinicId)) throw notFound("Clinic");
    if (!isOneOf(SSO_CREATE_ROLES, input.createRole)) {
      throw invalid({ ssoCreateRole: `Choose ${SSO_CREATE_ROLES.map((r) => ROLE_LABELS[r]).join(" or ")} (administrators are never created this way)` });
    }
    const before = await tx.clinic.findUniqueOrThrow({ where: { id: clinicId } });
    if (input.requireSso && !before.requireSso && !providerConfigured) {
      throw invalid({ requireSso: "No identity provider is configured on this server: members could not sign in at all" });
    }
    const after = { ssoCreateAccounts: input.createAccounts, ssoCreateRole: input.createRole, requireSso: input.requireSso };
    await tx.clinic.update({ where: { id: clinicId }, data: after });
    const changes = Object.fromEntries(
      (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]).map((k) => [k, { from: before[k], to: after[k] }]),
    );
    await appendAudit(tx, actor, { action: "CLINIC_SETTINGS_UPDATE", targetType: "Clinic", targetId: clinicId, details: changes });
  });
}
