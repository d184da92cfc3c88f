/**
 * The audit log in words: every action code the app records, its outcome, the record it names and
 * the details it carries, as an admin reads them on /admin/audit and in its CSV export.
 * (tests/unit/audit-actions.test.ts checks that every action code written in lib/ is here.)
 */
import { CAUSES_BY_ID, type CauseId } from "./clinical/checklist";
import { RED_FLAG_LABELS } from "./clinical/red-flags";
import { CHECKLIST_STATUS_LABELS, CLASSIFICATION_LABELS, ROLE_LABELS } from "./clinical/vocabulary";

/** Groups of the action filter, in the order the filter lists them. */
export const AUDIT_ACTION_GROUPS = [
  "Patients",
  "Episodes",
  "Visits",
  "Checklist and assessment",
  "Lists and dashboards",
  "Exports",
  "Sign-in and sessions",
  "Two-factor sign-in",
  "Users and clinics",
  "API tokens",
  "Patient diary",
  "Audit log",
] as const;
export type AuditActionGroup = (typeof AUDIT_ACTION_GROUPS)[number];

const action = (label: string, group: AuditActionGroup) => ({ label, group });

export const AUDIT_ACTIONS = {
  PATIENT_CREATE: action("Created patient", "Patients"),
  PATIENT_VIEW: action("Viewed patient", "Patients"),
  PATIENT_UPDATE: action("Edited patient", "Patients"),
  PATIENT_DELETE: action("Deleted patient", "Patients"),
  PATIENT_RESTORE: action("Restored patient", "Patients"),
  PATIENT_PURGE: action("Purged patient", "Patients"),
  PATIENT_LIST: action("Listed or searched patients", "Patients"),
  PATIENT_IMPORT_PREVIEW: action("Checked a patient import file", "Patients"),
  PATIENT_IMPORT_BATCH: action("Imported a batch of patients", "Patients"),
  PATIENT_IMPORT: action("Imported patients", "Patients"),

  EPISODE_CREATE: action("Recorded episode", "Episodes"),
  EPISODE_VIEW: action("Viewed episode", "Episodes"),
  EPISODE_UPDATE: action("Edited episode", "Episodes"),
  EPISODE_LABEL_CONFIRM: action("Confirmed episode type", "Episodes"),
  EPISODE_DELETE: action("Deleted episode", "Episodes"),
  EPISODE_RESTORE: action("Restored episode", "Episodes"),
  EPISODE_LIST: action("Listed episodes", "Episodes"),

  VISIT_CREATE: action("Recorded visit", "Visits"),
  VISIT_VIEW: action("Viewed visit", "Visits"),
  VISIT_UPDATE: action("Edited visit", "Visits"),
  VISIT_DELETE: action("Deleted visit", "Visits"),
  VISIT_RESTORE: action("Restored visit", "Visits"),
  VISIT_LIST: action("Listed visits", "Visits"),

  ASSESSMENT_VIEW: action("Viewed assessment", "Checklist and assessment"),
  CHECKLIST_UPDATE: action("Updated checklist item", "Checklist and assessment"),
  CHECKLIST_HISTORY_VIEW: action("Viewed checklist history", "Checklist and assessment"),

  DASHBOARD_VIEW: action("Viewed dashboard", "Lists and dashboards"),
  NEEDS_ATTENTION_VIEW: action("Viewed needs-attention list", "Lists and dashboards"),
  REVIEW_QUEUE_VIEW: action("Viewed review queue", "Lists and dashboards"),
  TRENDS_VIEW: action("Viewed trends", "Lists and dashboards"),
  LAB_TRENDS_VIEW: action("Viewed lab trends", "Lists and dashboards"),
  DELETED_LIST: action("Listed deleted records", "Lists and dashboards"),

  EXPORT_CSV: action("Exported CSV", "Exports"),
  EXPORT_PDF: action("Exported PDF report", "Exports"),
  EXPORT_HANDOUT: action("Exported patient handout", "Exports"),
  EXPORT_FHIR: action("Exported FHIR bundle", "Exports"),

  SIGN_IN: action("Sign-in", "Sign-in and sessions"),
  SIGN_OUT: action("Signed out", "Sign-in and sessions"),
  SIGN_OUT_EVERYWHERE: action("Signed out everywhere", "Sign-in and sessions"),
  SESSION_END: action("Session ended", "Sign-in and sessions"),
  ACCOUNT_LOCKED: action("Account locked", "Sign-in and sessions"),
  PASSWORD_CHANGE: action("Changed password", "Sign-in and sessions"),

  TWO_FACTOR_STATUS: action("Viewed two-factor status", "Two-factor sign-in"),
  TWO_FACTOR_ENROLMENT_START: action("Started two-factor set-up", "Two-factor sign-in"),
  TWO_FACTOR_ENABLE: action("Turned on two-factor sign-in", "Two-factor sign-in"),
  TWO_FACTOR_DISABLE: action("Turned off two-factor sign-in", "Two-factor sign-in"),
  TWO_FACTOR_RECOVERY_CODE_USED: action("Used a recovery code", "Two-factor sign-in"),
  TWO_FACTOR_RECOVERY_CODES_REPLACE: action("Replaced recovery codes", "Two-factor sign-in"),
  TWO_FACTOR_RESET: action("Reset a user's two-factor sign-in", "Two-factor sign-in"),
  TWO_FACTOR_REQUIREMENT_CHANGE: action("Changed the clinic's two-factor requirement", "Two-factor sign-in"),

  USER_LIST: action("Listed users", "Users and clinics"),
  USER_CREATE: action("Created user", "Users and clinics"),
  USER_ROLE_CHANGE: action("Changed user's role", "Users and clinics"),
  USER_DEACTIVATE: action("Deactivated user", "Users and clinics"),
  USER_REACTIVATE: action("Reactivated user", "Users and clinics"),
  USER_UNLOCK: action("Unlocked user", "Users and clinics"),
  CLINIC_LIST: action("Listed clinics", "Users and clinics"),
  CLINIC_SETTINGS_UPDATE: action("Changed clinic settings", "Users and clinics"),

  API_TOKEN_CREATE: action("Created API token", "API tokens"),
  API_TOKEN_LIST: action("Listed own API tokens", "API tokens"),
  API_TOKEN_LIST_CLINIC: action("Listed the clinics' API tokens", "API tokens"),
  API_TOKEN_REVOKE: action("Revoked API token", "API tokens"),
  API_TOKEN_USE: action("Used API token", "API tokens"),

  DIARY_LINK_CREATE: action("Gave a diary link", "Patient diary"),
  DIARY_LINK_LIST: action("Listed diary links", "Patient diary"),
  DIARY_LINK_REVOKE: action("Stopped a diary link", "Patient diary"),
  DIARY_OPEN: action("Patient opened the diary", "Patient diary"),
  DIARY_ENTRY_CREATE: action("Patient sent a diary entry", "Patient diary"),
  DIARY_ENTRIES_READ: action("Patient read their diary entries", "Patient diary"),
  EPISODE_REVIEW: action("Reviewed a patient-reported episode", "Episodes"),

  AUDIT_VIEW: action("Viewed audit log", "Audit log"),
  AUDIT_EXPORT: action("Exported audit log", "Audit log"),
  AUDIT_VERIFY: action("Verified audit chain", "Audit log"),
} as const satisfies Record<string, { label: string; group: AuditActionGroup }>;

export type AuditActionCode = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_CODES = Object.keys(AUDIT_ACTIONS) as AuditActionCode[];

export const AUDIT_OUTCOME_LABELS = { SUCCESS: "Succeeded", DENIED: "Refused", FAILURE: "Failed" } as const;

const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** An upper-case code in words, for codes no table names ("TEST_BULK" → "Test bulk"). */
export function codeInWords(code: string): string {
  const words = code.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function auditActionLabel(code: string): string {
  return (AUDIT_ACTIONS as Record<string, { label: string }>)[code]?.label ?? codeInWords(code);
}

export function auditOutcomeLabel(code: string): string {
  return (AUDIT_OUTCOME_LABELS as Record<string, string>)[code] ?? codeInWords(code);
}

/** The kinds of record an audit row names as its target. */
export const AUDIT_TARGET_LABELS: Record<string, string> = {
  Patient: "Patient",
  Episode: "Episode",
  Visit: "Visit",
  ChecklistItem: "Checklist item",
  DiaryLink: "Diary link",
  User: "User",
  Clinic: "Clinic",
  ApiToken: "API token",
};

export const auditTargetLabel = (type: string) => AUDIT_TARGET_LABELS[type] ?? type;

/** Why a request was refused or a session ended (the `reason` of a row's details). */
export const AUDIT_REASON_LABELS: Record<string, string> = {
  FORBIDDEN: "Not permitted for this role",
  NOT_FOUND: "Not found, or outside the user's clinics",
  UNKNOWN_ACCOUNT: "No account with this email",
  WRONG_PASSWORD: "Wrong password",
  WRONG_CODE: "Wrong two-factor code",
  CODE_REQUIRED: "Two-factor code needed",
  LOCKED: "Account locked",
  INACTIVE: "Account deactivated",
  REVOKED: "Revoked",
  MALFORMED: "Malformed token",
  UNKNOWN: "Unknown token",
  NO_SESSION: "No session",
  IDLE_TIMEOUT: "Idle for too long",
  ABSOLUTE_TIMEOUT: "Session too old",
  SIGNED_OUT_EVERYWHERE: "Signed out everywhere",
  TOTP: "Authenticator app",
  RECOVERY_CODE: "Recovery code",
  SSO: "Single sign-on",
  SSO_REQUIRED: "Password refused: the clinic requires single sign-on",
  SSO_EMAIL_MISSING: "Single sign-on gave no email",
  SSO_EMAIL_NOT_VERIFIED: "Single sign-on email not verified",
  SSO_UNKNOWN_ACCOUNT: "No account with this email, and no clinic creates accounts from single sign-on",
  SSO_CLINIC_AMBIGUOUS: "More than one clinic creates accounts from single sign-on: none chosen",
  SSO_SUBJECT_MISMATCH: "Another identity-provider account already holds this email",
  SSO_LOCKED: "Account locked",
  SSO_INACTIVE: "Account deactivated",
  SSO_TOKEN_EXPIRED: "Identity provider's token expired",
  SSO_WRONG_AUDIENCE: "Identity provider's token was for another application",
  SSO_TOKEN_INVALID: "Identity provider's token refused",
  SSO_PROVIDER_ERROR: "Identity provider did not answer as expected",
};

/** Detail keys whose words are not just the key split up. */
const DETAIL_KEY_LABELS: Record<string, string> = {
  q: "Search",
  dir: "Order",
  returned: "Rows shown",
  rows: "Rows",
  what: "What",
  patientId: "Patient",
  userId: "User",
  ownerId: "Owner",
  clinicId: "Clinic",
  clinics: "Clinics",
  upToSeq: "Up to row",
  lastSeq: "Last row",
  seq: "Row",
  asOf: "As of",
  timeZone: "Time zone",
  unitSystem: "Units",
  secondFactor: "Second factor",
  redFlags: "Red flags",
  suggestedClassification: "Suggested type",
  classification: "Type",
  wasEnabled: "Two-factor sign-in was on",
  requireTwoFactor: "Two-factor sign-in required",
  sessionId: "Session",
  prefix: "Token prefix",
  via: "Via",
  from: "From",
  to: "To",
};

/** "upToSeq" → "Up to seq". */
export function detailKeyLabel(key: string): string {
  if (DETAIL_KEY_LABELS[key]) return DETAIL_KEY_LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Names of the records a row's details refer to by id, as the reader may see them. */
export interface DetailReferences {
  patients?: ReadonlyMap<string, string>;
  users?: ReadonlyMap<string, string>;
  clinics?: ReadonlyMap<string, string>;
}

/** Which detail keys hold ids of which records (collected by the reader, then named). */
export const DETAIL_REFERENCE_KEYS = {
  patientId: "patients",
  userId: "users",
  ownerId: "users",
  clinicId: "clinics",
  clinics: "clinics",
} as const satisfies Record<string, keyof DetailReferences>;

const CODE_WORDS: Record<string, string>[] = [AUDIT_REASON_LABELS, ROLE_LABELS, CHECKLIST_STATUS_LABELS, CLASSIFICATION_LABELS, RED_FLAG_LABELS];

/** A code-like value in words, or the value as it is (short all-caps words such as "SI" or "UTC" stay). */
const ORDER_WORDS: Record<string, string> = { asc: "Ascending", desc: "Descending" };

function valueInWords(key: string, value: string): string {
  if (key === "action") return auditActionLabel(value);
  if (key === "dir") return ORDER_WORDS[value] ?? value;
  if (key === "outcome") return auditOutcomeLabel(value);
  if (!CODE.test(value)) return value;
  for (const table of CODE_WORDS) if (table[value]) return table[value];
  return value.includes("_") ? codeInWords(value) : value;
}

export interface DetailEntry {
  label: string;
  /** Words, or the entries of a nested object. */
  value: string | DetailEntry[];
}

function describeValue(key: string, value: unknown, refs: DetailReferences): string | DetailEntry[] {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return String(value);
  const refKind = (DETAIL_REFERENCE_KEYS as Record<string, keyof DetailReferences>)[key];
  if (typeof value === "string") {
    if (refKind) return refs[refKind]?.get(value) ?? value;
    if (key === "causeId" && value in CAUSES_BY_ID) return CAUSES_BY_ID[value as CauseId].label;
    return valueInWords(key, value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "none";
    if (value.every((v) => typeof v !== "object" || v === null)) {
      return value.map((v) => (typeof v === "string" ? (refKind ? (refs[refKind]?.get(v) ?? v) : valueInWords(key, v)) : String(v))).join(", ");
    }
    return value.map((v, i) => ({ label: String(i + 1), value: describeValue(key, v, refs) }));
  }
  if (typeof value === "object") return describeEntries(value as Record<string, unknown>, refs);
  return String(value);
}

function describeEntries(object: Record<string, unknown>, refs: DetailReferences): DetailEntry[] {
  return Object.entries(object)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ label: detailKeyLabel(k), value: describeValue(k, v, refs) }));
}

/** A row's details (its stored JSON) as a definition list: keys and codes in words, ids named. */
export function describeAuditDetails(json: string, refs: DetailReferences = {}): DetailEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [{ label: "Details", value: json }];
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return [{ label: "Details", value: describeValue("", parsed, refs) }];
  return describeEntries(parsed as Record<string, unknown>, refs);
}

/** The ids a row's details name, by the kind of record (for the reader to look up). */
export function detailReferenceIds(json: string): { [K in keyof DetailReferences]-?: string[] } {
  const found = { patients: [] as string[], users: [] as string[], clinics: [] as string[] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return found;
  }
  const visit = (value: unknown, depth: number) => {
    if (depth > 3 || value === null || typeof value !== "object") return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const kind = (DETAIL_REFERENCE_KEYS as Record<string, keyof DetailReferences>)[k];
      if (kind && typeof v === "string") found[kind].push(v);
      else if (kind && Array.isArray(v)) found[kind].push(...v.filter((x): x is string => typeof x === "string"));
      else visit(v, depth + 1);
    }
  };
  visit(parsed, 0);
  return found;
}
