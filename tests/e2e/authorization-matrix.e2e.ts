/**
 * Authorization matrix: every server action and route handler, called over HTTP against the real
 * server as a signed-out visitor, as each role, and as a user of another clinic
 * (north@demo.clinic against Demo Clinic records).
 *
 * The list of endpoints is not trusted: the first test walks app/ for "use server" exports and
 * route.ts handlers and compares them with the build's manifests, and fails for any endpoint the
 * tables below do not classify. So a new action or route cannot ship without its row here.
 *
 * Each call must be refused the expected way (signed out: 307 to /signin or 401; missing
 * permission: FORBIDDEN / 403; another clinic's record: NOT_FOUND / 404) and write nothing: every
 * table but AuditEvent (which records the refusal) is fingerprinted before and after the call. A
 * refused call sends a request that would change data if it were let through. Cells marked "ok"
 * send a harmless request instead (refused by validation, or a read) and check that it got past
 * authorization to the expected answer.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAUSE_IDS } from "@/lib/core/clinical/checklist";
import { BASE_URL } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { callServerAction, listServerActions, sessionCookie, type ActionResponse } from "./support/server-action";
import { createUser } from "../factories/users";

const PRINCIPALS = ["anon", "ADMIN", "CLINICIAN", "READ_ONLY", "north"] as const;
type Principal = (typeof PRINCIPALS)[number];
const EMAILS: Record<Exclude<Principal, "anon">, string> = {
  ADMIN: "admin@demo.clinic",
  CLINICIAN: "clinician@demo.clinic",
  READ_ONLY: "readonly@demo.clinic",
  north: "north@demo.clinic",
};

/** out: signed out; deny: forbidden; gone: not found (another clinic's or user's record); ok: allowed. */
type Cell = "out" | "deny" | "gone" | "ok";
/** The columns, in PRINCIPALS order: anon, ADMIN, CLINICIAN, READ_ONLY, north. */
const cells = (...c: [Cell, Cell, Cell, Cell, Cell]): Record<Principal, Cell> =>
  Object.fromEntries(PRINCIPALS.map((p, i) => [p, c[i]])) as Record<Principal, Cell>;

const SELF = cells("out", "ok", "ok", "ok", "ok");
const ADMIN_ONLY = cells("out", "ok", "deny", "deny", "deny");
const READ_PATIENT = cells("out", "ok", "ok", "ok", "gone");
const WRITE_PATIENT = cells("out", "ok", "ok", "deny", "gone");
const READ_ANY = cells("out", "ok", "ok", "ok", "ok");
const PUBLIC = cells("ok", "ok", "ok", "ok", "ok");

interface Fixtures {
  demoClinicId: string;
  patient: { id: string; mrn: string; version: number };
  visit: { id: string; version: number };
  episode: { id: string; version: number };
  /** A seeded episode whose label differs from the suggestion, awaiting review. */
  reviewEpisode: { id: string; patientId: string; version: number };
  causeId: string;
  deletedEpisodeId: string;
  deletedPatient: { id: string; mrn: string };
  victimUserId: string;
  liveTokenId: string;
  revokedTokenId: string;
  /** A diary link of the deleted patient, made for this file: nobody may stop it, so no call changes it. */
  diaryLinkId: string;
}

type Fields = Record<string, string | string[]>;
const IDLE = { status: "idle" };

function formData(fields: Fields): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of ([] as string[]).concat(v)) form.append(k, x);
  return form;
}

// --------------------------------------------------------------------------------------------
// Server actions. `probe` would change data if it were let through; `harmless` is what the
// principals allowed to call the action send, and `allowed` the answer they must get.

interface ActionRow {
  file: string;
  name: string;
  expect: Record<Principal, Cell>;
  path: (fx: Fixtures) => string;
  probe: (fx: Fixtures) => unknown[];
  harmless?: (fx: Fixtures) => unknown[];
  allowed: RegExp;
  /** For "gone": the answer when the wrong record is refused another way (default NOT_FOUND). */
  goneAs?: RegExp;
  /** Tables an allowed call may change (the call's own effect, e.g. sign out everywhere). */
  okWrites?: string[];
}

const validPatientFields = (mrn: string): Fields => ({
  mrn,
  familyName: "Matrix",
  givenName: "Probe",
  birthDate: "1970-01-01",
  sex: "FEMALE",
  height: "170",
  heightUnit: "cm",
  medRows: "0",
});
const validEpisodeFields: Fields = { occurredAt: "2026-11-20T08:30", duration: "40", durationUnit: "s", side: "LEFT", timeZone: "Europe/Berlin" };
const validVisitFields: Fields = { occurredAt: "2026-11-20T08:00", labRows: "0", systolic: "120", diastolic: "80", timeZone: "Europe/Berlin" };
const INVALID = /^invalid:/;
const STALE = /^error:Someone else saved this record/;

/**
 * A chart action on one record, called as (id, patientId, state, form): the probe sends the
 * record's version and would change it; the allowed call names a version no record has, so it is
 * refused as stale without changing anything.
 */
function versionedRecordAction(
  name: string,
  records: "episodes" | "visits",
  record: (fx: Fixtures) => { id: string; patientId: string; version: number },
): ActionRow {
  const call = (fx: Fixtures, version: string) => {
    const r = record(fx);
    return [r.id, r.patientId, IDLE, formData({ version })];
  };
  return {
    file: "app/patients/[id]/actions.ts",
    name,
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${record(fx).patientId}/${records}/${record(fx).id}`,
    probe: (fx) => call(fx, String(record(fx).version)),
    harmless: (fx) => call(fx, "999999"),
    allowed: STALE,
  };
}

const ACTIONS: ActionRow[] = [
  // Own account: every signed-in user, for themself only.
  {
    file: "app/account/password/actions.ts",
    name: "changePasswordAction",
    expect: SELF,
    path: () => "/account/password",
    probe: () => [IDLE, formData({ currentPassword: "not the current password", newPassword: "matrix probe passphrase 2026", confirmPassword: "matrix probe passphrase 2026" })],
    allowed: /^invalid:currentPassword$/,
  },
  {
    file: "app/account/tokens/actions.ts",
    name: "createTokenAction",
    expect: SELF,
    path: () => "/account/tokens",
    probe: () => [IDLE, formData({ name: "matrix probe" })],
    harmless: () => [IDLE, formData({ name: "" })],
    allowed: /^invalid:name$/,
  },
  {
    // An admin may revoke tokens of users in their clinics; others only their own.
    file: "app/account/tokens/actions.ts",
    name: "revokeTokenAction",
    expect: cells("out", "ok", "ok", "gone", "gone"),
    path: () => "/account/tokens",
    probe: (fx) => [fx.liveTokenId, IDLE, formData({})],
    harmless: (fx) => [fx.revokedTokenId, IDLE, formData({})],
    allowed: /^ok:Revoked\.$/,
  },
  {
    file: "app/account/two-factor/actions.ts",
    name: "startEnrolmentAction",
    expect: SELF,
    path: () => "/account/two-factor",
    probe: () => [IDLE, formData({ currentPassword: "not the current password" })],
    allowed: /^invalid:currentPassword$/,
  },
  {
    file: "app/account/two-factor/actions.ts",
    name: "confirmEnrolmentAction",
    expect: SELF,
    path: () => "/account/two-factor",
    probe: () => [IDLE, formData({ code: "12" })],
    allowed: /^invalid:code$/,
  },
  {
    file: "app/account/two-factor/actions.ts",
    name: "regenerateRecoveryCodesAction",
    expect: SELF,
    path: () => "/account/two-factor",
    probe: () => [IDLE, formData({ code: "" })],
    allowed: /^invalid:code$/,
  },
  {
    file: "app/account/two-factor/actions.ts",
    name: "disableTwoFactorAction",
    expect: SELF,
    path: () => "/account/two-factor",
    probe: () => [IDLE, formData({ currentPassword: "", code: "" })],
    allowed: /^invalid:code,currentPassword$/,
  },
  // Administration.
  {
    file: "app/admin/clinics/actions.ts",
    name: "setTimeZoneAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/clinics",
    probe: (fx) => [fx.demoClinicId, IDLE, formData({ timeZone: "Asia/Tokyo" })],
    harmless: (fx) => [fx.demoClinicId, IDLE, formData({ timeZone: "Not/AZone" })],
    allowed: /^invalid:timeZone$/,
  },
  {
    file: "app/admin/clinics/actions.ts",
    name: "setUnitSystemAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/clinics",
    probe: (fx) => [fx.demoClinicId, IDLE, formData({ unitSystem: "SI" })],
    harmless: (fx) => [fx.demoClinicId, IDLE, formData({ unitSystem: "IMPERIAL" })],
    allowed: /^invalid:unitSystem$/,
  },
  {
    file: "app/admin/clinics/actions.ts",
    name: "setDiaryLinkDaysAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/clinics",
    probe: (fx) => [fx.demoClinicId, IDLE, formData({ diaryLinkDays: "45" })],
    harmless: (fx) => [fx.demoClinicId, IDLE, formData({ diaryLinkDays: "0" })],
    allowed: /^invalid:diaryLinkDays$/,
  },
  {
    file: "app/admin/clinics/actions.ts",
    name: "setSsoSettingsAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/clinics",
    // The defaults (no accounts created, SSO not required): let through by mistake, it changes nothing.
    probe: (fx) => [fx.demoClinicId, IDLE, formData({ ssoCreateRole: "READ_ONLY" })],
    harmless: (fx) => [fx.demoClinicId, IDLE, formData({ ssoCreateRole: "ADMIN" })],
    allowed: /^invalid:ssoCreateRole$/,
  },
  {
    file: "app/admin/deleted/actions.ts",
    name: "purgeAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/deleted",
    probe: (fx) => [IDLE, formData({ patientId: fx.deletedPatient.id, reason: "matrix probe", confirmMrn: fx.deletedPatient.mrn })],
    // A live patient cannot be purged: the admin gets past authorization to that refusal.
    harmless: (fx) => [IDLE, formData({ patientId: fx.patient.id, reason: "matrix probe", confirmMrn: fx.patient.mrn })],
    allowed: /^error:Only a deleted patient can be purged/,
  },
  {
    file: "app/admin/deleted/actions.ts",
    name: "restoreAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/deleted",
    probe: (fx) => [IDLE, formData({ kind: "episode", id: fx.deletedEpisodeId })],
    harmless: (fx) => [IDLE, formData({ kind: "patient", id: fx.patient.id })],
    allowed: /^error:This patient is not deleted/,
  },
  {
    file: "app/admin/users/actions.ts",
    name: "createUserAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/users",
    probe: (fx) => [
      IDLE,
      formData({ email: `matrix-${uniqueSuffix().toLowerCase()}@demo.clinic`, name: "Matrix Probe", role: "CLINICIAN", clinicIds: [fx.demoClinicId], temporaryPassword: "temporary passphrase 2026" }),
    ],
    harmless: (fx) => [IDLE, formData({ email: "not-an-email", name: "Matrix Probe", role: "CLINICIAN", clinicIds: [fx.demoClinicId], temporaryPassword: "temporary passphrase 2026" })],
    allowed: /^invalid:email$/,
  },
  {
    file: "app/admin/users/actions.ts",
    name: "manageUserAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/users",
    probe: (fx) => [IDLE, formData({ userId: fx.victimUserId, op: "deactivate" })],
    harmless: (fx) => [IDLE, formData({ userId: fx.victimUserId, op: "role", role: "NOT_A_ROLE" })],
    allowed: /^invalid:role$/,
  },
  {
    file: "app/admin/users/actions.ts",
    name: "setTwoFactorRequirementAction",
    expect: ADMIN_ONLY,
    path: () => "/admin/users",
    probe: (fx) => [IDLE, formData({ clinicId: fx.demoClinicId, required: "true" })],
    harmless: (fx) => [IDLE, formData({ clinicId: fx.demoClinicId, required: "maybe" })],
    allowed: /^invalid:required$/,
  },
  // Patients.
  {
    file: "app/patients/actions.ts",
    name: "createPatientAction",
    // Not tied to a record; a user of another clinic naming Demo Clinic is refused it as unknown.
    expect: cells("out", "ok", "ok", "deny", "gone"),
    path: () => "/patients/new",
    probe: (fx) => [IDLE, formData({ ...validPatientFields(`MX-${uniqueSuffix()}`), clinicId: fx.demoClinicId })],
    harmless: () => [IDLE, formData({ medRows: "0" })],
    allowed: INVALID,
    goneAs: /^invalid:clinicId$/,
  },
  {
    file: "app/patients/actions.ts",
    name: "updatePatientAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/edit`,
    probe: (fx) => [fx.patient.id, IDLE, formData({ ...validPatientFields(fx.patient.mrn), version: String(fx.patient.version) })],
    // Every patient field is optional in an update: one bad field, so nothing else is sent as cleared.
    harmless: (fx) => [fx.patient.id, IDLE, formData({ ...validPatientFields(fx.patient.mrn), birthDate: "not a date", version: String(fx.patient.version) })],
    allowed: /^invalid:birthDate$/,
  },
  {
    file: "app/patients/[id]/actions.ts",
    name: "createEpisodeAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/episodes`,
    probe: (fx) => [fx.patient.id, IDLE, formData(validEpisodeFields)],
    harmless: (fx) => [fx.patient.id, IDLE, formData({ timeZone: "Europe/Berlin" })],
    allowed: INVALID,
  },
  {
    file: "app/patients/[id]/actions.ts",
    name: "updateEpisodeAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/episodes/${fx.episode.id}`,
    probe: (fx) => [fx.episode.id, fx.patient.id, IDLE, formData({ ...validEpisodeFields, version: String(fx.episode.version) })],
    harmless: (fx) => [fx.episode.id, fx.patient.id, IDLE, formData({ timeZone: "Europe/Berlin", version: String(fx.episode.version) })],
    allowed: INVALID,
  },
  versionedRecordAction("deleteEpisodeAction", "episodes", (fx) => ({ ...fx.episode, patientId: fx.patient.id })),
  versionedRecordAction("confirmEpisodeLabelAction", "episodes", (fx) => fx.reviewEpisode),
  {
    // Giving a diary link: the probe would make one; the allowed call asks for 0 days and is refused.
    file: "app/patients/[id]/reports/diary-actions.ts",
    name: "createDiaryLinkAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/reports`,
    probe: (fx) => [fx.patient.id, IDLE, formData({ language: "en" })],
    harmless: (fx) => [fx.patient.id, IDLE, formData({ language: "en", expiresInDays: "0" })],
    allowed: /^invalid:expiresInDays$/,
  },
  {
    // The deleted patient's link: nobody may stop it, so allowed callers are told it is not found.
    file: "app/patients/[id]/reports/diary-actions.ts",
    name: "revokeDiaryLinkAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/reports`,
    probe: (fx) => [fx.diaryLinkId, IDLE],
    allowed: /^gone$/,
  },
  {
    // One-step review from the queue: the probe would set the episode's type.
    file: "app/review/actions.ts",
    name: "reviewEpisodeAction",
    expect: WRITE_PATIENT,
    path: () => "/review",
    probe: (fx) => [fx.reviewEpisode.id, fx.reviewEpisode.patientId, IDLE, formData({ version: String(fx.reviewEpisode.version), classification: "TONIC" })],
    harmless: (fx) => [fx.reviewEpisode.id, fx.reviewEpisode.patientId, IDLE, formData({ version: "999999", classification: "TONIC" })],
    allowed: STALE,
  },
  {
    file: "app/patients/[id]/actions.ts",
    name: "createVisitAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/visits`,
    probe: (fx) => [fx.patient.id, IDLE, formData(validVisitFields)],
    harmless: (fx) => [fx.patient.id, IDLE, formData({ occurredAt: "not a time", labRows: "0", timeZone: "Europe/Berlin" })],
    allowed: INVALID,
  },
  {
    file: "app/patients/[id]/actions.ts",
    name: "updateVisitAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/visits/${fx.visit.id}`,
    probe: (fx) => [fx.visit.id, fx.patient.id, IDLE, formData({ ...validVisitFields, version: String(fx.visit.version) })],
    harmless: (fx) => [fx.visit.id, fx.patient.id, IDLE, formData({ occurredAt: "not a time", labRows: "0", timeZone: "Europe/Berlin", version: String(fx.visit.version) })],
    allowed: INVALID,
  },
  versionedRecordAction("deleteVisitAction", "visits", (fx) => ({ ...fx.visit, patientId: fx.patient.id })),
  {
    file: "app/patients/[id]/actions.ts",
    name: "setChecklistAction",
    expect: WRITE_PATIENT,
    path: (fx) => `/patients/${fx.patient.id}/checklist`,
    probe: (fx) => [fx.patient.id, fx.causeId, IDLE, formData({ status: "SUSPECTED", note: "matrix probe", version: "0" })],
    harmless: (fx) => [fx.patient.id, fx.causeId, IDLE, formData({ status: "NOT_A_STATUS", note: "", version: "0" })],
    allowed: /^invalid:status$/,
  },
  // Last: when let through it ends every session of the caller (the cookies are renewed after).
  {
    file: "app/account/actions.ts",
    name: "signOutEverywhereAction",
    expect: SELF,
    path: () => "/account",
    probe: () => [formData({})],
    allowed: /^redirect:\/signin\?ended=REVOKED$/,
    okWrites: ["Session", "User"],
  },
];

// --------------------------------------------------------------------------------------------
// Route handlers. A row is one exported method of one route.ts.

interface RouteRow {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The route as in app/, e.g. "/api/v1/patients/[id]". */
  route: string;
  expect: Record<Principal, Cell>;
  url: (fx: Fixtures) => string;
  /** JSON body (or a form, for next-auth) that would change data if let through. */
  probe?: (fx: Fixtures) => unknown;
  harmless?: (fx: Fixtures) => unknown;
  form?: boolean;
  allowed: number;
  /** For "gone": the status when the wrong record is refused another way (default 404). */
  goneAs?: number;
  /** For "deny": the status (default 403; 404 where the route does not admit it exists). */
  denyAs?: number;
}

const p = (fx: Fixtures) => `/api/v1/patients/${fx.patient.id}`;

const ROUTES: RouteRow[] = [
  // Public by design: sign-in itself and the monitoring probe. They must still write nothing.
  { method: "GET", route: "/api/auth/[...nextauth]", expect: PUBLIC, url: () => "/api/auth/providers", allowed: 200 },
  {
    // Without next-auth's CSRF token a credentials post goes back to sign-in, before any check.
    method: "POST",
    route: "/api/auth/[...nextauth]",
    expect: PUBLIC,
    url: () => "/api/auth/callback/credentials",
    form: true,
    probe: () => ({ email: "clinician@demo.clinic", password: "cramp-demo-2026" }),
    allowed: 302,
  },
  { method: "GET", route: "/api/health", expect: PUBLIC, url: () => "/api/health", allowed: 200 },
  { method: "GET", route: "/api/ready", expect: PUBLIC, url: () => "/api/ready", allowed: 200 },
  // Metrics answer only the scraper's bearer token; the e2e server has none configured, so 404 for everyone.
  { method: "GET", route: "/api/metrics", expect: PUBLIC, url: () => "/api/metrics", allowed: 404 },
  // The idle-timeout warning's session probe (POST counts as activity).
  { method: "GET", route: "/api/session", expect: READ_ANY, url: () => "/api/session", allowed: 200 },
  { method: "POST", route: "/api/session", expect: READ_ANY, url: () => "/api/session", allowed: 200 },
  // Audit log export: admins only; others get the page's 404, not a 403.
  { method: "GET", route: "/admin/audit/export", expect: cells("out", "ok", "deny", "deny", "deny"), url: () => "/admin/audit/export", allowed: 200, denyAs: 404 },
  // Patient import: admins of the clinic only. The probe would import one patient; the harmless body is refused as incomplete.
  ...(["preview", "run", "refused"] as const).map(
    (step): RouteRow => ({
      method: "POST",
      route: `/admin/import/${step}`,
      expect: ADMIN_ONLY,
      url: () => `/admin/import/${step}`,
      probe: (fx) => ({ clinicId: fx.demoClinicId, content: `mrn,given_name,family_name,birth_date,sex\nMXI-${uniqueSuffix()},Matrix,Import,1970-01-01,male\n` }),
      harmless: () => ({}),
      allowed: 400,
    }),
  ),
  // JSON API v1.
  { method: "GET", route: "/api/v1/patients", expect: READ_ANY, url: () => "/api/v1/patients", allowed: 200 },
  {
    method: "POST",
    route: "/api/v1/patients",
    expect: cells("out", "ok", "ok", "deny", "gone"),
    url: () => "/api/v1/patients",
    probe: (fx) => ({ clinicId: fx.demoClinicId, mrn: `MXA-${uniqueSuffix()}`, givenName: "Matrix", familyName: "Probe", birthDate: "1970-01-01", sex: "MALE" }),
    harmless: () => ({}),
    allowed: 400,
    goneAs: 400,
  },
  { method: "GET", route: "/api/v1/patients/[id]", expect: READ_PATIENT, url: p, allowed: 200 },
  {
    method: "PATCH",
    route: "/api/v1/patients/[id]",
    expect: WRITE_PATIENT,
    url: p,
    probe: (fx) => ({ givenName: "Changed", version: fx.patient.version }),
    harmless: () => ({ givenName: "Changed", version: "not a number" }),
    allowed: 400,
  },
  { method: "GET", route: "/api/v1/patients/[id]/assessment", expect: READ_PATIENT, url: (fx) => `${p(fx)}/assessment`, allowed: 200 },
  {
    method: "PUT",
    route: "/api/v1/patients/[id]/checklist/[causeId]",
    expect: WRITE_PATIENT,
    url: (fx) => `${p(fx)}/checklist/${fx.causeId}`,
    probe: () => ({ status: "SUSPECTED", note: "matrix probe", version: 0 }),
    harmless: () => ({ status: "NOT_A_STATUS", note: "", version: 0 }),
    allowed: 400,
  },
  { method: "GET", route: "/api/v1/patients/[id]/episodes", expect: READ_PATIENT, url: (fx) => `${p(fx)}/episodes`, allowed: 200 },
  {
    method: "POST",
    route: "/api/v1/patients/[id]/episodes",
    expect: WRITE_PATIENT,
    url: (fx) => `${p(fx)}/episodes`,
    probe: () => ({ occurredAt: "2026-11-20T07:30:00Z", durationSeconds: 40, side: "LEFT" }),
    harmless: () => ({}),
    allowed: 400,
  },
  { method: "GET", route: "/api/v1/patients/[id]/episodes.csv", expect: READ_PATIENT, url: (fx) => `${p(fx)}/episodes.csv`, allowed: 200 },
  { method: "GET", route: "/api/v1/patients/[id]/fhir", expect: READ_PATIENT, url: (fx) => `${p(fx)}/fhir`, allowed: 200 },
  { method: "GET", route: "/api/v1/patients/[id]/handout.pdf", expect: READ_PATIENT, url: (fx) => `${p(fx)}/handout.pdf`, allowed: 200 },
  {
    // The handout with a diary link's QR code: a token that opens no working link of the patient is 404.
    method: "POST",
    route: "/api/v1/patients/[id]/handout.pdf",
    expect: READ_PATIENT,
    url: (fx) => `${p(fx)}/handout.pdf`,
    probe: () => ({ token: `cd_${"y".repeat(43)}` }),
    allowed: 404,
  },
  { method: "GET", route: "/api/v1/patients/[id]/report.pdf", expect: READ_PATIENT, url: (fx) => `${p(fx)}/report.pdf`, allowed: 200 },
  {
    method: "POST",
    route: "/api/v1/patients/[id]/visits",
    expect: WRITE_PATIENT,
    url: (fx) => `${p(fx)}/visits`,
    probe: () => ({ occurredAt: "2026-11-20T07:00:00Z", systolic: 120, diastolic: 80 }),
    harmless: () => ({ occurredAt: "not a time" }),
    allowed: 400,
  },
  // Patient diary links (clinicians) and the diary itself (patients: the token is the credential).
  { method: "GET", route: "/api/v1/patients/[id]/diary-links", expect: READ_PATIENT, url: (fx) => `${p(fx)}/diary-links`, allowed: 200 },
  {
    method: "POST",
    route: "/api/v1/patients/[id]/diary-links",
    expect: WRITE_PATIENT,
    url: (fx) => `${p(fx)}/diary-links`,
    probe: () => ({ language: "en" }),
    harmless: () => ({ expiresInDays: 0 }),
    allowed: 400,
  },
  {
    // The deleted patient's link: not found for everyone allowed to stop links, forbidden for readers.
    method: "DELETE",
    route: "/api/v1/diary-links/[id]",
    expect: WRITE_PATIENT,
    url: (fx) => `/api/v1/diary-links/${fx.diaryLinkId}`,
    harmless: () => undefined,
    allowed: 404,
  },
  // The diary's service worker script: public, the same for everyone, and it reads no data.
  { method: "GET", route: "/diary/sw.js", expect: PUBLIC, url: () => "/diary/sw.js", allowed: 200 },
  // Without a working token the diary answers 404 to everyone, signed in or not, and stores nothing.
  {
    method: "GET",
    route: "/api/diary/[token]/episodes",
    expect: PUBLIC,
    url: () => `/api/diary/cd_${"x".repeat(43)}/episodes`,
    allowed: 404,
  },
  {
    method: "POST",
    route: "/api/diary/[token]/episodes",
    expect: PUBLIC,
    url: () => `/api/diary/cd_${"x".repeat(43)}/episodes`,
    probe: () => ({ occurredAt: "2026-11-20T07:30:00Z", durationSeconds: 40, side: "LEFT" }),
    allowed: 404,
  },
  // Not tied to one record: each user exports what their clinics hold.
  { method: "GET", route: "/api/v1/export/episodes.csv", expect: READ_ANY, url: () => "/api/v1/export/episodes.csv", allowed: 200 },
  { method: "GET", route: "/api/v1/export/patients.csv", expect: READ_ANY, url: () => "/api/v1/export/patients.csv", allowed: 200 },
];

// --------------------------------------------------------------------------------------------
// What the code and the build contain

const ROOT = process.cwd();
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : walk(full);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(e.name) ? [full] : [];
  });
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join("/");
/** "app/api/v1/patients/[id]/route.ts" → "/api/v1/patients/[id]" (route groups dropped). */
const routeOf = (file: string) =>
  "/" + rel(path.dirname(file)).replace(/^app\/?/, "").split("/").filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith("@")).join("/");

/** Exported server actions ("file#name"), and files with an inline "use server" (each must be listed). */
function serverActionsInCode(): { actions: string[]; inline: string[] } {
  const actions: string[] = [];
  const inline: string[] = [];
  for (const file of walk(path.join(ROOT, "app"))) {
    const text = fs.readFileSync(file, "utf8");
    const body = text.replace(/^(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/, "");
    const moduleLevel = /^["']use server["']/.test(body);
    if (moduleLevel) {
      for (const m of text.matchAll(/export\s+(?:async\s+)?function\s+(\w+)|export\s+const\s+(\w+)/g)) actions.push(`${rel(file)}#${m[1] ?? m[2]}`);
      const rest = body.replace(/^["']use server["'];?/, "");
      if (/["']use server["']/.test(rest)) inline.push(rel(file));
    } else if (/["']use server["']/.test(text)) {
      inline.push(rel(file));
    }
  }
  return { actions: actions.sort(), inline };
}

/** Exported handlers of route.ts files, as "METHOD /route". */
function routeHandlersInCode(): string[] {
  const out: string[] = [];
  for (const file of walk(path.join(ROOT, "app")).filter((f) => /[\\/]route\.(ts|js|tsx|jsx|mjs)$/.test(f))) {
    const text = fs.readFileSync(file, "utf8");
    const methods = new Set<string>();
    for (const m of text.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b|export\s+const\s+([A-Z]+)\b/g)) methods.add(m[1] ?? m[2]);
    for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
      for (const part of m[1].split(",")) methods.add(part.trim().split(/\s+as\s+/).pop()!.trim());
    }
    for (const method of methods) if (METHODS.includes(method)) out.push(`${method} ${routeOf(file)}`);
  }
  return out.sort();
}

function buildManifest<T>(name: string): T {
  const file = path.join(ROOT, ".next", "server", name);
  return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

// --------------------------------------------------------------------------------------------
// Fingerprints of the database: every table except AuditEvent

function openReadOnly(): Database.Database {
  const url = process.env.E2E_DATABASE_URL ?? "";
  if (!url.startsWith("file:")) throw new Error(`The authorization matrix reads the e2e SQLite database directly; E2E_DATABASE_URL is ${url}`);
  return new Database(url.slice("file:".length), { readonly: true, fileMustExist: true });
}

/** Columns that change on reads (a session's last activity) are left out. */
// Written by every request, whoever sends it: the session's last use, and the rate-limit
// counters (RateLimitWindow, left out of the fingerprint with the audit log): neither is patient data.
const VOLATILE: Record<string, string[]> = { Session: ["lastSeenAt"] };

function fingerprint(sqlite: Database.Database): Record<string, string> {
  const tables = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_prisma_migrations', 'AuditEvent', 'RateLimitWindow') ORDER BY name`)
    .all() as { name: string }[];
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const columns = (sqlite.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[])
      .map((c) => c.name)
      .filter((c) => !(VOLATILE[name] ?? []).includes(c));
    const rows = sqlite.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "${name}" ORDER BY rowid`).raw().all();
    out[name] = `${rows.length} rows ${createHash("sha256").update(JSON.stringify(rows)).digest("hex").slice(0, 16)}`;
  }
  return out;
}

function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
}

const deniedAudits = (sqlite: Database.Database) => (sqlite.prepare(`SELECT count(*) AS n FROM "AuditEvent" WHERE "outcome" = 'DENIED'`).get() as { n: number }).n;

// --------------------------------------------------------------------------------------------
// Calls and how their answers read

function classifyAction(r: ActionResponse): string {
  const location = r.headers.get("location");
  if (r.status >= 300 && r.status < 400 && location && new URL(location, BASE_URL).pathname === "/signin") return "out";
  if (r.redirectTo) return r.redirectTo === "/signin" ? "out" : `redirect:${r.redirectTo}`;
  const state = r.result as { status?: string; message?: string; fields?: Record<string, string> } | undefined;
  if (!state || typeof state !== "object") return `http ${r.status}: ${r.body.slice(0, 200)}`;
  if (state.status === "error") {
    if (state.message === "You do not have permission to do this.") return "deny";
    if (state.message === "Please sign in.") return "out";
    if (/ not found\.$/.test(state.message ?? "")) return "gone";
    const fields = Object.keys(state.fields ?? {}).sort();
    if (state.message === "Please correct the highlighted fields." && fields.length) return `invalid:${fields.join(",")}`;
    return `error:${state.message}`;
  }
  return `${state.status}:${state.message ?? ""}`;
}

async function callRoute(row: RouteRow, fx: Fixtures, cookie: string | undefined, body: unknown): Promise<{ status: number; location: string | null; text: string }> {
  const headers: Record<string, string> = { Origin: new URL(BASE_URL).origin };
  if (cookie) headers.Cookie = cookie;
  let payload: string | undefined;
  if (body !== undefined) {
    if (row.form) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body as Record<string, string>).toString();
    } else {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
  }
  const res = await fetch(new URL(row.url(fx), BASE_URL), { method: row.method, headers, body: payload, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), text: await res.text() };
}

function classifyRoute(row: RouteRow, r: { status: number; location: string | null }): string {
  if (r.status === 401) return "out";
  if (r.status >= 300 && r.status < 400 && r.location && new URL(r.location, BASE_URL).pathname === "/signin" && row.route !== "/api/auth/[...nextauth]") return "out";
  return `${r.status}`;
}

// --------------------------------------------------------------------------------------------

describe("authorization matrix", () => {
  const db = useDb();
  let sqlite: Database.Database;
  let fx: Fixtures;
  const cookies: Partial<Record<Principal, string>> = {};

  beforeAll(async () => {
    sqlite = openReadOnly();
    const demo = await db.clinic.findFirstOrThrow({ where: { name: "Demo Clinic" } });
    const patient = await db.patient.findFirstOrThrow({
      where: { clinicId: demo.id, deletedAt: null, visits: { some: { deletedAt: null } }, episodes: { some: { deletedAt: null } } },
      orderBy: { mrn: "asc" },
    });
    const visit = await db.visit.findFirstOrThrow({ where: { patientId: patient.id, deletedAt: null } });
    const episode = await db.episode.findFirstOrThrow({ where: { patientId: patient.id, deletedAt: null } });
    const reviewEpisode = await db.episode.findFirstOrThrow({ where: { clinicId: demo.id, needsReview: true, deletedAt: null }, orderBy: { id: "asc" } });
    const used = new Set((await db.checklistItem.findMany({ where: { patientId: patient.id } })).map((i) => i.causeId));
    const causeId = CAUSE_IDS.find((c) => !used.has(c))!;

    // Records only this file uses, so a call let through by mistake harms nobody else's test.
    const suffix = uniqueSuffix();
    const deletedPatient = await db.patient.create({
      data: { clinicId: demo.id, mrn: `MXD-${suffix}`, givenName: "Deleted", familyName: "Matrix", searchText: `matrix deleted mxd-${suffix}`.toLowerCase(), birthDate: "1960-05-05", sex: "MALE", deletedAt: new Date() },
    });
    const deletedEpisode = await db.episode.create({
      data: { patientId: patient.id, clinicId: demo.id, occurredAt: new Date("2026-10-01T06:00:00Z"), durationSeconds: 30, side: "LEFT", deletedAt: new Date() },
    });
    const victim = await createUser(db, { email: `matrix-victim-${suffix.toLowerCase()}@demo.clinic`, name: "Matrix Victim", role: "CLINICIAN", clinicIds: [demo.id], password: "matrix victim passphrase" });
    const clinician = await db.user.findUniqueOrThrow({ where: { email: EMAILS.CLINICIAN } });
    const token = (revokedAt: Date | null) =>
      db.apiToken.create({ data: { userId: clinician.id, name: `matrix ${revokedAt ? "revoked" : "live"}`, tokenHash: `matrix-${uniqueSuffix()}-${Math.random()}`, prefix: "mx", revokedAt } });

    fx = {
      demoClinicId: demo.id,
      patient: { id: patient.id, mrn: patient.mrn, version: patient.version },
      visit: { id: visit.id, version: visit.version },
      episode: { id: episode.id, version: episode.version },
      reviewEpisode: { id: reviewEpisode.id, patientId: reviewEpisode.patientId, version: reviewEpisode.version },
      causeId,
      deletedEpisodeId: deletedEpisode.id,
      deletedPatient: { id: deletedPatient.id, mrn: deletedPatient.mrn },
      victimUserId: victim.id,
      liveTokenId: (await token(null)).id,
      revokedTokenId: (await token(new Date())).id,
      diaryLinkId: (
        await db.diaryLink.create({
          data: { patientId: deletedPatient.id, clinicId: demo.id, tokenHash: `matrix-${uniqueSuffix()}`, createdById: clinician.id, expiresAt: new Date(Date.now() + 86_400_000) },
        })
      ).id,
    };
    // Sign in once per user (sign-in is limited to 60 a minute per address).
    for (const [principal, email] of Object.entries(EMAILS)) cookies[principal as Principal] = await sessionCookie(email);
  });

  // The records made for this file go again, so other files see the demo data as seeded.
  afterAll(async () => {
    sqlite?.close();
    if (!fx) return;
    await db.apiToken.deleteMany({ where: { id: { in: [fx.liveTokenId, fx.revokedTokenId] } } });
    await db.diaryLink.deleteMany({ where: { id: fx.diaryLinkId } });
    await db.episode.deleteMany({ where: { id: fx.deletedEpisodeId } });
    await db.patient.deleteMany({ where: { id: fx.deletedPatient.id } });
    await db.user.deleteMany({ where: { id: fx.victimUserId } });
  });

  it("classifies every server action and route handler in the code and in the build", () => {
    const listedActions = ACTIONS.map((a) => `${a.file}#${a.name}`).sort();
    const { actions, inline } = serverActionsInCode();
    expect(inline, "inline \"use server\" functions: move them to an actions.ts and add a row here").toEqual([]);
    expect(actions.filter((a) => !listedActions.includes(a)), "server actions in app/ missing from the matrix").toEqual([]);
    const built = listServerActions().map((a) => `${a.file}#${a.exportedName}`).sort();
    expect(built.filter((a) => !listedActions.includes(a)), "server actions in the build missing from the matrix").toEqual([]);
    expect(listedActions.filter((a) => !built.includes(a)), "matrix rows with no action in the build (stale build? run with --build)").toEqual([]);
    expect(new Set(listedActions).size).toBe(listedActions.length);

    const listedRoutes = ROUTES.map((r) => `${r.method} ${r.route}`).sort();
    const handlers = routeHandlersInCode();
    expect(handlers.filter((h) => !listedRoutes.includes(h)), "route handlers in app/ missing from the matrix").toEqual([]);
    expect(listedRoutes.filter((h) => !handlers.includes(h)), "matrix rows with no route handler in app/").toEqual([]);
    const builtRoutes = Object.keys(buildManifest<Record<string, string>>("app-paths-manifest.json"))
      .filter((k) => k.endsWith("/route"))
      .map((k) => k.slice(0, -"/route".length));
    const codeRoutes = new Set(handlers.map((h) => h.split(" ")[1]));
    // Metadata routes (app/icon.svg and the like) are files Next serves, not handlers.
    const unknown = builtRoutes.filter((r) => !codeRoutes.has(r) && !fs.existsSync(path.join(ROOT, "app", r)));
    expect(unknown, "routes in the build that are neither a route.ts here nor a metadata file").toEqual([]);
    console.log(`authorization matrix: ${listedActions.length} server actions, ${listedRoutes.length} route handlers, ${PRINCIPALS.length} callers each`);
  });

  for (const row of ACTIONS) {
    it(`action ${row.file}#${row.name}`, async () => {
      const action = listServerActions().find((a) => a.file === row.file && a.exportedName === row.name);
      expect(action, "in the build").toBeDefined();
      for (const principal of PRINCIPALS) {
        const cell = row.expect[principal];
        const args = cell === "ok" && row.harmless ? row.harmless(fx) : row.probe(fx);
        const before = fingerprint(sqlite);
        const denied = deniedAudits(sqlite);
        const response = await callServerAction({ action: action!, args, cookie: cookies[principal], path: row.path(fx) });
        const outcome = classifyAction(response);
        const label = `${row.name} as ${principal} (expected ${cell})`;
        const changed = changedTables(before, fingerprint(sqlite)).filter((c) => !(cell === "ok" && row.okWrites?.includes(c.split(":")[0])));
        expect(changed, `${label}: rows written`).toEqual([]);
        if (cell === "out") expect(outcome, label).toBe("out");
        else if (cell === "deny") expect(outcome, label).toBe("deny");
        else if (cell === "gone") expect(outcome, label).toMatch(row.goneAs ?? /^gone$/);
        else expect(outcome, label).toMatch(row.allowed);
        // A refusal by the data layer is recorded.
        if (cell === "deny" || (cell === "gone" && !row.goneAs)) expect(deniedAudits(sqlite), `${label}: refusal audited`).toBeGreaterThan(denied);
      }
      if (row.okWrites) {
        // The call ended the users' sessions: sign in again for the rows after this one.
        for (const [principal, email] of Object.entries(EMAILS)) cookies[principal as Principal] = await sessionCookie(email, undefined, { fresh: true });
      }
    });
  }

  for (const row of ROUTES) {
    it(`${row.method} ${row.route}`, async () => {
      for (const principal of PRINCIPALS) {
        const cell = row.expect[principal];
        const body = cell === "ok" && row.harmless ? row.harmless(fx) : row.probe?.(fx);
        const before = fingerprint(sqlite);
        const denied = deniedAudits(sqlite);
        const response = await callRoute(row, fx, cookies[principal], body);
        const outcome = classifyRoute(row, response);
        const label = `${row.method} ${row.url(fx)} as ${principal} (expected ${cell}): ${response.text.slice(0, 200)}`;
        expect(changedTables(before, fingerprint(sqlite)), `${label}: rows written`).toEqual([]);
        if (cell === "out") expect(outcome, label).toBe("out");
        else if (cell === "deny") expect(outcome, label).toBe(String(row.denyAs ?? 403));
        else if (cell === "gone") expect(outcome, label).toBe(String(row.goneAs ?? 404));
        else expect(outcome, label).toBe(String(row.allowed));
        if (cell === "deny" || (cell === "gone" && !row.goneAs)) expect(deniedAudits(sqlite), `${label}: refusal audited`).toBeGreaterThan(denied);
      }
    });
  }
});
