/**
 * Reading the audit log: the chain verifier, the admin's filtered list and the CSV export.
 * (Writing is lib/server/audit.ts appendAudit; the database refuses UPDATE and DELETE on the table,
 * see prisma/migrations/{sqlite,postgresql}/0002_audit_append_only.)
 */
import "server-only";
import type { Actor } from "@/lib/server/permissions";
import type { Prisma } from "@/generated/prisma/client";
import {
  auditActionLabel,
  auditOutcomeLabel,
  auditTargetLabel,
  detailReferenceIds,
  type DetailReferences,
} from "@/lib/core/audit-actions";
import { CAUSES_BY_ID, type CauseId } from "@/lib/core/clinical/checklist";
import { csvLine } from "@/lib/core/csv";
import { auditFilterSchema, type AuditFilters } from "@/lib/features/audit-log/schema";
import { parseWith } from "@/lib/core/validation/common";
import { appendAudit, auditHash, GENESIS_HASH, type AuditRowContent } from "@/lib/server/audit";
import { invalid } from "@/lib/server/errors";
import { guarded, inTransaction } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";

/** A stored audit row: the hashed content plus its place in the chain. */
export interface AuditEventRow extends AuditRowContent {
  seq: number;
  prevHash: string;
  hash: string;
}

// ---------------------------------------------------------------------------------------------
// Chain verification
// ---------------------------------------------------------------------------------------------

export type ChainBreakReason = "HASH_MISMATCH" | "PREV_HASH_MISMATCH" | "MISSING_ROWS";

export interface ChainBreak {
  /** The first row that does not verify (for rows missing at the end: the last row there is). */
  seq: number;
  reason: ChainBreakReason;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  /** Rows checked (all rows up to the last one present when verification started). */
  rows: number;
  lastSeq: number | null;
  /** Record `lastSeq:lastHash` somewhere else and pass it back as `anchor` to detect removal of the newest rows. */
  lastHash: string | null;
  /**
   * Jumps in seq whose rows link up anyway (prevHash equals the previous row's hash), so no
   * committed row is missing there. PostgreSQL sequences are not transactional: a transaction
   * that appended an audit row and then rolled back leaves such a gap. A deleted row cannot, as
   * the row after it still names the deleted row's hash.
   */
  gaps: number;
  broken: ChainBreak | null;
}

export interface VerifyOptions {
  /** Rows read per query; memory stays at one batch however long the log is. */
  batchSize?: number;
  /** The head of the chain seen by an earlier verification: detects removal of the newest rows. */
  anchor?: { seq: number; hash: string } | null;
  onProgress?: (rowsChecked: number) => void;
}

/**
 * Walks the whole log in seq order, batch by batch, and recomputes every link. Reports the first
 * row that does not verify:
 * - HASH_MISMATCH: the row's content or hash was edited (its hash no longer matches its content);
 * - PREV_HASH_MISMATCH: the row does not link to the row before it (that row was edited and its
 *   hash recomputed, or the row itself was rewritten);
 * - MISSING_ROWS: rows were deleted (a gap in seq where the link breaks, rows missing before the
 *   first row, or rows missing at the end compared with `anchor`).
 * Removing the newest rows leaves no trace in the chain itself: keep `lastSeq:lastHash` of an
 * earlier run and pass it as `anchor` (`npm run audit:verify -- --anchor seq:hash`).
 *
 * With an actor, needs "audit:read" and records an AUDIT_VERIFY row with the result. Without one
 * (the command-line check, run by an operator with database access) it only reads.
 */
export async function verifyAuditChain(actor?: Actor, opts: VerifyOptions = {}): Promise<ChainReport> {
  const batchSize = opts.batchSize ?? 2000;
  const head = (tx: Tx) => tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  // Rows appended while we verify are left for the next run, so a busy log cannot keep us going.
  const last = actor ? await guarded(actor, "audit:read", { action: "AUDIT_VERIFY" }, head) : await inTransaction(head);
  const upTo = last?.seq ?? 0;

  const report: ChainReport = { ok: true, rows: 0, lastSeq: null, lastHash: null, gaps: 0, broken: null };
  const fail = (seq: number, reason: ChainBreakReason, message: string) => {
    report.ok = false;
    report.broken = { seq, reason, message };
  };
  let prev: { seq: number; hash: string } | null = null;
  let anchorSeen = false;

  while (!report.broken) {
    const after: number = prev?.seq ?? 0;
    const rows = await inTransaction((tx) =>
      tx.auditEvent.findMany({ where: { seq: { gt: after, lte: upTo } }, orderBy: { seq: "asc" }, take: batchSize }),
    );
    for (const row of rows) {
      const expectedPrev = prev?.hash ?? GENESIS_HASH;
      const missingFrom = (prev?.seq ?? 0) + 1;
      if (opts.anchor && !anchorSeen && row.seq > opts.anchor.seq) {
        fail(row.seq, "MISSING_ROWS", `Row seq ${opts.anchor.seq}, seen by an earlier verification, is missing (deleted).`);
        break;
      }
      if (row.prevHash !== expectedPrev) {
        if (row.seq > missingFrom) {
          const range = row.seq - 1 === missingFrom ? `seq ${missingFrom}` : `seq ${missingFrom} to ${row.seq - 1}`;
          fail(row.seq, "MISSING_ROWS", `Rows before seq ${row.seq} are missing (${range} deleted): its prevHash does not match the hash of ${prev ? `seq ${prev.seq}` : "the chain's start"}.`);
        } else {
          fail(row.seq, "PREV_HASH_MISMATCH", `prevHash does not match the hash of ${prev ? `seq ${prev.seq}` : "the chain's start"}: one of the two rows was altered.`);
        }
        break;
      }
      if (auditHash(row.prevHash, row) !== row.hash) {
        fail(row.seq, "HASH_MISMATCH", "The stored hash does not match the row's content: the row was edited.");
        break;
      }
      if (opts.anchor && row.seq === opts.anchor.seq) {
        anchorSeen = true;
        if (row.hash !== opts.anchor.hash) {
          fail(row.seq, "PREV_HASH_MISMATCH", `The hash of seq ${row.seq} differs from the one an earlier verification saw: the chain was rewritten.`);
          break;
        }
      }
      if (row.seq > missingFrom) report.gaps += 1;
      report.rows += 1;
      prev = { seq: row.seq, hash: row.hash };
    }
    opts.onProgress?.(report.rows);
    if (rows.length < batchSize) break;
  }
  if (!report.broken && opts.anchor && !anchorSeen) {
    fail(prev?.seq ?? 0, "MISSING_ROWS", `The log ends at ${prev ? `seq ${prev.seq}` : "no row"}, but an earlier verification saw seq ${opts.anchor.seq}: the newest rows were deleted.`);
  }
  report.lastSeq = prev?.seq ?? null;
  report.lastHash = prev?.hash ?? null;

  if (actor) {
    await inTransaction((tx) =>
      appendAudit(tx, actor, {
        action: "AUDIT_VERIFY",
        outcome: report.ok ? "SUCCESS" : "FAILURE",
        details: { rows: report.rows, lastSeq: report.lastSeq, gaps: report.gaps, broken: report.broken },
      }),
    );
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Listing and export
// ---------------------------------------------------------------------------------------------

/**
 * Which rows an admin may see. AuditEvent has no clinic column, so the scope is decided per row:
 * rows about a patient (patientId, or a refused attempt naming one) need the patient to be in one
 * of the actor's clinics; other rows need their user to share a clinic with the actor, or no user
 * at all (failed sign-ins to unknown accounts). Details such as search terms stay inside a clinic.
 */
interface Scope {
  clinicIds: string[];
  userIds: Set<string>;
}

/** A user the log may be filtered by: the users of the actor's clinics. */
export interface AuditUserOption {
  id: string;
  name: string;
  email: string;
}

async function usersInScope(tx: Tx, actor: Actor): Promise<AuditUserOption[]> {
  return tx.user.findMany({
    where: { memberships: { some: { clinicId: { in: actor.clinicIds } } } },
    select: { id: true, name: true, email: true },
    orderBy: [{ name: "asc" }, { email: "asc" }],
  });
}

async function loadScope(tx: Tx, actor: Actor): Promise<Scope> {
  const users = await usersInScope(tx, actor);
  return { clinicIds: actor.clinicIds, userIds: new Set(users.map((u) => u.id)) };
}

const patientOf = (row: AuditEventRow) => row.patientId ?? (row.targetType === "Patient" ? row.targetId : null);

/**
 * The patient a row names, as far as the reader may know it: never the internal id.
 * - active / deleted: a patient of the reader's clinics (deleted: in the recycle bin);
 * - purged: no longer stored (erased on request), so nothing more is known;
 * - elsewhere: a patient of a clinic the reader does not belong to.
 */
export interface AuditPatientRef {
  id: string;
  state: "active" | "deleted" | "purged" | "elsewhere";
  /** "Family, Given" (active and deleted only). */
  name: string | null;
  mrn: string | null;
}

/** The patient in words, as the page and the CSV show it. */
export function patientInWords(p: AuditPatientRef): string {
  if (p.state === "purged") return "Purged patient";
  if (p.state === "elsewhere") return "Patient of another clinic";
  return p.state === "deleted" ? `${p.name} (deleted patient)` : p.name!;
}

/** A row with the names of who and what it is about. */
export interface AuditEventView extends AuditEventRow {
  /** The user's name now (null: no user, e.g. a sign-in to an unknown account). */
  userName: string | null;
  patient: AuditPatientRef | null;
  /** What the row's target is, in words ("User Dr. Clara Lind"); null when there is none. */
  target: string | null;
}

interface Lookups {
  patients: Map<string, AuditPatientRef>;
  users: Map<string, string>;
  clinics: Map<string, string>;
}

async function lookUpPatients(tx: Tx, scope: Scope, ids: Set<string>): Promise<Map<string, AuditPatientRef>> {
  const rows = ids.size
    ? await tx.patient.findMany({ where: { id: { in: [...ids] } }, select: { id: true, clinicId: true, familyName: true, givenName: true, mrn: true, deletedAt: true } })
    : [];
  const found = new Map(rows.map((p) => [p.id, p]));
  const refs = new Map<string, AuditPatientRef>();
  for (const id of ids) {
    const p = found.get(id);
    if (!p) refs.set(id, { id, state: "purged", name: null, mrn: null });
    else if (!scope.clinicIds.includes(p.clinicId)) refs.set(id, { id, state: "elsewhere", name: null, mrn: null });
    else refs.set(id, { id, state: p.deletedAt ? "deleted" : "active", name: `${p.familyName}, ${p.givenName}`, mrn: p.mrn });
  }
  return refs;
}

/** The names of the patients, users and clinics `rows` refer to, in one query per kind. */
async function lookUp(tx: Tx, scope: Scope, rows: AuditEventRow[]): Promise<Lookups> {
  const patientIds = new Set<string>();
  const userIds = new Set<string>();
  const clinicIds = new Set<string>();
  for (const row of rows) {
    const patientId = patientOf(row);
    if (patientId) patientIds.add(patientId);
    if (row.userId) userIds.add(row.userId);
    if (row.targetId && row.targetType === "User") userIds.add(row.targetId);
    if (row.targetId && row.targetType === "Clinic") clinicIds.add(row.targetId);
    if (row.details.length > 2) {
      const refs = detailReferenceIds(row.details);
      refs.patients.forEach((id) => patientIds.add(id));
      refs.users.forEach((id) => userIds.add(id));
      refs.clinics.forEach((id) => clinicIds.add(id));
    }
  }
  // One after another: the statements of one transaction run on one connection anyway.
  const patients = await lookUpPatients(tx, scope, patientIds);
  const users = userIds.size ? await tx.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, name: true } }) : [];
  const clinics = clinicIds.size ? await tx.clinic.findMany({ where: { id: { in: [...clinicIds] } }, select: { id: true, name: true } }) : [];
  return {
    patients,
    users: new Map(users.map((u) => [u.id, u.name])),
    clinics: new Map(clinics.map((c) => [c.id, c.name])),
  };
}

function visible(scope: Scope, lookups: Lookups, row: AuditEventRow): boolean {
  const patientId = patientOf(row);
  const state = patientId === null ? null : lookups.patients.get(patientId)?.state;
  if (state === "active" || state === "deleted") return true;
  if (row.patientId !== null) return false;
  return row.userId === null || scope.userIds.has(row.userId);
}

function targetInWords(row: AuditEventRow, lookups: Lookups): string | null {
  if (!row.targetType) return null;
  const kind = auditTargetLabel(row.targetType);
  const id = row.targetId ?? "";
  if (row.targetType === "User") return `${kind} ${lookups.users.get(id) ?? "(removed)"}`;
  if (row.targetType === "Clinic") return `${kind} ${lookups.clinics.get(id) ?? "(removed)"}`;
  if (row.targetType === "ChecklistItem" && id in CAUSES_BY_ID) return `${kind} ${CAUSES_BY_ID[id as CauseId].label}`;
  return kind;
}

/** The rows in the actor's scope, with their names. */
async function describeRows(tx: Tx, scope: Scope, rows: AuditEventRow[]): Promise<{ items: AuditEventView[]; lookups: Lookups }> {
  const lookups = await lookUp(tx, scope, rows);
  const items = rows
    .filter((row) => visible(scope, lookups, row))
    .map((row) => {
      const patientId = patientOf(row);
      return {
        ...row,
        userName: row.userId ? (lookups.users.get(row.userId) ?? null) : null,
        patient: patientId ? lookups.patients.get(patientId)! : null,
        target: targetInWords(row, lookups),
      };
    });
  return { items, lookups };
}

/** The names the page's details may show: patients only as the reader may know them. */
function detailReferences(lookups: Lookups): DetailReferences {
  return {
    patients: new Map([...lookups.patients].map(([id, p]) => [id, p.mrn ? `${patientInWords(p)}, MRN ${p.mrn}` : patientInWords(p)])),
    users: lookups.users,
    clinics: lookups.clinics,
  };
}

/** Patients one filter may name at most; beyond it the filter asks for more of the name. */
export const PATIENT_MATCH_LIMIT = 100;

/**
 * The patients of the actor's clinics (deleted ones too) that the patient filter names: the one
 * whose MRN it is, else those whose name and MRN contain every word of it.
 */
async function matchPatients(tx: Tx, clinicIds: string[], text: string): Promise<string[]> {
  const exact = await tx.patient.findMany({ where: { clinicId: { in: clinicIds }, mrn: text }, select: { id: true } });
  if (exact.length) return exact.map((p) => p.id);
  const words = text.toLowerCase().split(/[\s,]+/).filter(Boolean);
  const rows = await tx.patient.findMany({
    where: { clinicId: { in: clinicIds }, AND: words.map((w) => ({ searchText: { contains: w } })) },
    select: { id: true },
    orderBy: { id: "asc" },
    take: PATIENT_MATCH_LIMIT + 1,
  });
  if (rows.length > PATIENT_MATCH_LIMIT) {
    throw invalid({ patient: `More than ${PATIENT_MATCH_LIMIT} patients match: type more of the name, or the MRN` });
  }
  return rows.map((p) => p.id);
}

const aboutPatients = (ids: string[]): Prisma.AuditEventWhereInput => ({
  OR: [{ patientId: { in: ids } }, { patientId: null, targetType: "Patient", targetId: { in: ids } }],
});

function filterWhere(f: AuditFilters, matchedPatients: string[] | null): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (f.user) {
    if (f.user.includes("@")) {
      const email = f.user.toLowerCase();
      // Failed sign-ins to unknown accounts carry the typed email in their details only.
      and.push({ OR: [{ userEmail: email }, { userId: null, action: "SIGN_IN", details: { contains: `"email":${JSON.stringify(email)}` } }] });
    } else {
      and.push({ userId: f.user });
    }
  }
  if (f.patientId) and.push(aboutPatients([f.patientId]));
  if (matchedPatients) and.push(aboutPatients(matchedPatients));
  if (f.action) and.push({ action: f.action });
  if (f.outcome) and.push({ outcome: f.outcome });
  if (f.from) and.push({ at: { gte: new Date(`${f.from}T00:00:00.000Z`) } });
  if (f.to) and.push({ at: { lt: new Date(new Date(`${f.to}T00:00:00.000Z`).getTime() + 86_400_000) } });
  return { AND: and };
}

/** The filters as recorded in the AUDIT_VIEW / AUDIT_EXPORT row (positions and page size left out). */
function describeFilters(f: AuditFilters) {
  return { user: f.user, patientId: f.patientId, patient: f.patient, action: f.action, outcome: f.outcome, from: f.from, to: f.to };
}

export interface AuditPage {
  items: AuditEventView[];
  /** Position for the next page of older rows (`before=`), or null at the oldest. */
  olderCursor: number | null;
  /** Position for the page of newer rows (`after=`), or null at the newest. */
  newerCursor: number | null;
  /** Names for the ids in the rows' details (describeAuditDetails). */
  references: DetailReferences;
  /** The patients the patient filters select (null: no patient filter). */
  patients: AuditPatientRef[] | null;
}

const SCAN_BATCH = 500;
// Rows, and time, one request spends at most looking for rows in scope: a page may then come
// back short, with a cursor to continue from where the scan stopped. (Keeps the transaction far
// below its 30 s limit even when the database plans a filtered query badly, e.g. SQLite before
// ANALYZE has run.)
const MAX_SCAN = 20_000;
const MAX_SCAN_MS = 3_000;

const parseFilters = (input: unknown) => parseWith(auditFilterSchema, input ?? {});

/** The patients the filters name, as the actor may know them (null: no patient filter). */
async function filteredPatients(tx: Tx, scope: Scope, f: AuditFilters, matched: string[] | null): Promise<AuditPatientRef[] | null> {
  if (!f.patientId && !matched) return null;
  const ids = f.patientId ? (matched ? matched.filter((id) => id === f.patientId) : [f.patientId]) : matched!;
  const refs = await lookUpPatients(tx, scope, new Set(ids));
  return [...refs.values()].filter((p) => p.state === "active" || p.state === "deleted").sort((a, b) => a.name!.localeCompare(b.name!));
}

/**
 * One page of the audit log, newest first, filtered, in the actor's scope, with the names of its
 * users and patients. Needs "audit:read", and is itself recorded (AUDIT_VIEW) in the same
 * transaction. Keyset pagination by seq: `before` gives older rows, `after` newer ones.
 */
export async function listAuditEvents(actor: Actor, input: unknown): Promise<AuditPage> {
  const parsed = parseFilters(input);
  return guarded(actor, "audit:read", { action: "AUDIT_VIEW" }, async (tx) => {
    if (!parsed.ok) throw invalid(parsed.fields);
    const f = parsed.data;
    const scope = await loadScope(tx, actor);
    const matched = f.patient ? await matchPatients(tx, actor.clinicIds, f.patient) : null;
    const where = filterWhere(f, matched);
    // Reading upwards only when asked for newer rows (`after` alone); then the page is reversed.
    const upwards = f.after !== undefined && f.before === undefined;
    const found: AuditEventView[] = [];
    const lookups: Lookups[] = [];
    let position: number | undefined = upwards ? f.after : f.before;
    let scanned = 0;
    let exhausted = false;
    const started = Date.now();
    // Usually every row is in scope and the first read fills the page; read more only when not.
    let batch = f.limit + 1;
    while (found.length <= f.limit && scanned < MAX_SCAN && Date.now() - started < MAX_SCAN_MS) {
      const bound: Prisma.AuditEventWhereInput[] = [];
      if (position !== undefined) bound.push({ seq: upwards ? { gt: position } : { lt: position } });
      if (!upwards && f.after !== undefined) bound.push({ seq: { gt: f.after } });
      const rows = await tx.auditEvent.findMany({
        where: { AND: [where, ...bound] },
        orderBy: { seq: upwards ? "asc" : "desc" },
        take: batch,
      });
      scanned += rows.length;
      const described = await describeRows(tx, scope, rows);
      found.push(...described.items);
      lookups.push(described.lookups);
      if (rows.length < batch) {
        exhausted = true;
        break;
      }
      position = rows[rows.length - 1].seq;
      batch = Math.min(batch * 2, SCAN_BATCH);
    }
    const items = found.slice(0, f.limit);
    const more = found.length > f.limit || !exhausted;
    // Where reading would go on: after the last item, or where the scan stopped if the page is short.
    const continueAt = items.length === f.limit ? items[items.length - 1].seq : (position ?? null);
    const references = detailReferences({
      patients: new Map(lookups.flatMap((l) => [...l.patients])),
      users: new Map(lookups.flatMap((l) => [...l.users])),
      clinics: new Map(lookups.flatMap((l) => [...l.clinics])),
    });
    const patients = await filteredPatients(tx, scope, f, matched);
    let page: AuditPage;
    if (upwards) {
      items.reverse();
      page = {
        items,
        newerCursor: more ? continueAt : null,
        olderCursor: items.length ? items[items.length - 1].seq : f.after! + 1,
        references,
        patients,
      };
    } else {
      page = {
        items,
        olderCursor: more ? continueAt : null,
        newerCursor: f.before !== undefined ? (items[0]?.seq ?? f.before - 1) : null,
        references,
        patients,
      };
    }
    await appendAudit(tx, actor, { action: "AUDIT_VIEW", details: { filters: describeFilters(f), returned: items.length } });
    return page;
  });
}

/**
 * The users the log may be filtered by (the users of the actor's clinics), by name. Needs
 * "audit:read"; read for the filter of the page whose AUDIT_VIEW row records the view.
 */
export async function listAuditLogUsers(actor: Actor): Promise<AuditUserOption[]> {
  return guarded(actor, "audit:read", { action: "AUDIT_VIEW" }, (tx) => usersInScope(tx, actor));
}

/** A row of the CSV export: the stored row, then who and what in words. */
interface AuditCsvRow extends AuditEventRow {
  userName: string | null;
  actionLabel: string;
  outcomeLabel: string;
  patientName: string | null;
  patientMrn: string | null;
  targetLabel: string | null;
}

/**
 * The export's columns: the words first, each beside the stored value it reads (which, with
 * prevHash and hash, lets the chain be checked from the file).
 */
export const AUDIT_CSV_COLUMNS = [
  "seq",
  "at",
  "userName",
  "userEmail",
  "userId",
  "actionLabel",
  "action",
  "outcomeLabel",
  "outcome",
  "patientName",
  "patientMrn",
  "patientId",
  "targetLabel",
  "targetType",
  "targetId",
  "ip",
  "details",
  "prevHash",
  "hash",
] as const satisfies readonly (keyof AuditCsvRow)[];

const csvRow = (e: AuditEventView): AuditCsvRow => ({
  ...e,
  actionLabel: auditActionLabel(e.action),
  outcomeLabel: auditOutcomeLabel(e.outcome),
  patientName: e.patient ? patientInWords(e.patient) : null,
  patientMrn: e.patient?.mrn ?? null,
  targetLabel: e.target,
});

const EXPORT_BATCH = 1000;

/**
 * The filtered audit log as CSV, oldest first, produced batch by batch (one chunk per batch) so
 * a log of any length streams in constant memory. Needs "audit:read"; the export is recorded
 * (AUDIT_EXPORT, with its filters) before the first byte is produced, and covers the rows that
 * existed at that moment (and the patients the patient filter matched then). Paging positions in
 * the filters are ignored: the export is every row that matches.
 */
export async function exportAuditEventsCsv(actor: Actor, input: unknown): Promise<AsyncGenerator<string, void, undefined>> {
  const parsed = parseFilters(input);
  const { scope, upTo, where } = await guarded(actor, "audit:read", { action: "AUDIT_EXPORT" }, async (tx) => {
    if (!parsed.ok) throw invalid(parsed.fields);
    const f = parsed.data;
    const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    const scope = await loadScope(tx, actor);
    const matched = f.patient ? await matchPatients(tx, actor.clinicIds, f.patient) : null;
    await appendAudit(tx, actor, { action: "AUDIT_EXPORT", details: { filters: describeFilters(f), upToSeq: last?.seq ?? 0 } });
    return { scope, upTo: last?.seq ?? 0, where: filterWhere(f, matched) };
  });
  async function* generate(): AsyncGenerator<string, void, undefined> {
    yield "\uFEFF" + csvLine(AUDIT_CSV_COLUMNS); // the byte-order mark makes spreadsheets read UTF-8
    let after = 0;
    for (;;) {
      const from = after;
      const chunk = await inTransaction(async (tx) => {
        const rows = await tx.auditEvent.findMany({
          where: { AND: [where, { seq: { gt: from, lte: upTo } }] },
          orderBy: { seq: "asc" },
          take: EXPORT_BATCH,
        });
        return { rows, visible: (await describeRows(tx, scope, rows)).items };
      });
      if (chunk.visible.length) {
        yield chunk.visible
          .map((e) => {
            const row = csvRow(e);
            return csvLine(AUDIT_CSV_COLUMNS.map((c) => row[c]));
          })
          .join("");
      }
      if (chunk.rows.length < EXPORT_BATCH) return;
      after = chunk.rows[chunk.rows.length - 1].seq;
    }
  }
  return generate();
}
