/**
 * Patient import (app/admin/import): an admin loads a CSV or a FHIR R4 Bundle of Patient resources
 * into a clinic of theirs. Rows are matched on the MRN within the clinic: a new MRN creates the
 * patient (with its stored attention row, as createPatient does), a known one updates the fields
 * the row gives, and a row that gives what is stored changes nothing, so running a file twice
 * writes nothing the second time.
 *
 * The dry run reads only. The real run writes one transaction per batch (IMPORT_LIMITS.batchSize
 * patients): each batch is planned again inside its transaction, so what it writes matches the
 * database it commits to; a batch that fails is rolled back whole, the run stops there, and the
 * batches before it stay (running the file again finishes the job). Each batch writes one audit
 * row with its counts, and the run one more with the totals: ids and counts only, never a name.
 */
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import type { Actor } from "@/lib/server/permissions";
import { can } from "@/lib/server/permissions";
import { appendAudit } from "@/lib/server/audit";
import { forbidden, invalid, isDataError, notFound, conflict } from "@/lib/server/errors";
import { auditRefusal, guarded, inTransaction } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";
import { log } from "@/lib/server/log";
import { parseWith } from "@/lib/core/validation/common";
import { formatCount } from "@/lib/core/validation/text-limits";
import { searchText } from "@/lib/features/patients/data";
import { asBool, asDateOrNull, asNumberOrNull } from "@/lib/server/sql-values";
import {
  IMPORT_LIMITS,
  cut,
  fieldLabel,
  readImportFile,
  reasonsInWords,
  refusedRowsCsv,
  type ImportFile,
  type RefusedRow,
} from "@/lib/core/import/patients";
import { checkRowsInSlices, importRequestSchema, planRow, rowName, type CheckedFile, type ExistingPatient, type PlannedRow } from "./schema";

/** One row as the dry run lists it. */
export interface ImportPreviewRow {
  row: number;
  action: "create" | "update" | "unchanged" | "refuse";
  mrn: string;
  name: string;
  /** What an update changes, in words. */
  changes?: string[];
  /** Why the row is refused, field by field, in words. */
  reasons?: string;
}

export interface ImportCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

export interface ImportPreview extends ImportCounts {
  format: ImportFile["format"];
  clinicId: string;
  /** Blank CSV rows and Bundle entries that are not Patient resources. */
  skipped: number;
  /** The first rows of the file (PREVIEW_ROWS at most), in file order. */
  listed: ImportPreviewRow[];
}

export interface ImportResult extends ImportCounts {
  format: ImportFile["format"];
  batches: number;
  committedBatches: number;
  /** The batch that failed and was rolled back whole; the run stopped there. */
  failure: { batch: number; firstRow: number; lastRow: number; message: string } | null;
}

export interface ImportProgress {
  /** Rows decided so far (refused by the rules, or in a committed batch). */
  done: number;
  total: number;
  batch: number;
  batches: number;
}

/** Rows the dry run lists; the counts cover every row, and the refused rows download has them all. */
export const PREVIEW_ROWS = 2_000;

const REFUSAL = { targetType: "Clinic" } as const;

/** Permission first, then the request's shape, the clinic and the file: nothing is read before the actor may import. */
async function prepare(actor: Actor, input: unknown, action: string): Promise<{ clinicId: string; checked: CheckedFile }> {
  if (!can(actor, "patients:import")) {
    await auditRefusal(actor, { action, ...REFUSAL }, "FORBIDDEN");
    throw forbidden();
  }
  const parsed = parseWith(importRequestSchema, input);
  if (!parsed.ok) throw invalid(parsed.fields);
  const { clinicId, content } = parsed.data;
  if (!actor.clinicIds.includes(clinicId)) {
    await auditRefusal(actor, { action, ...REFUSAL, targetId: clinicId }, "NOT_FOUND");
    throw notFound("Clinic");
  }
  const read = readImportFile(content);
  if (!read.ok) throw invalid({ file: read.message }, read.message);
  return { clinicId, checked: await checkRowsInSlices(read.file) };
}

// The SQLite adapter binds at most 999 parameters to an ORM statement; plain SQL is used here (a tenth of the ORM's time).
const LOOKUP_CHUNK = 500;

/** The clinic's patients with these MRNs, deleted ones included (the unique index still holds their MRN). */
async function loadExisting(tx: Tx, clinicId: string, mrns: string[]): Promise<Map<string, ExistingPatient>> {
  const out = new Map<string, ExistingPatient>();
  for (let i = 0; i < mrns.length; i += LOOKUP_CHUNK) {
    const rows = await tx.$queryRaw<Record<string, unknown>[]>`
      SELECT "id", "mrn", "givenName", "familyName", "birthDate", "sex", "pregnant", "heightCm", "allergyStatus", "allergies", "version", "deletedAt"
      FROM "Patient" WHERE "clinicId" = ${clinicId} AND "mrn" IN (${Prisma.join(mrns.slice(i, i + LOOKUP_CHUNK))})`;
    for (const r of rows)
      out.set(String(r.mrn), {
        id: String(r.id),
        mrn: String(r.mrn),
        givenName: String(r.givenName),
        familyName: String(r.familyName),
        birthDate: String(r.birthDate),
        sex: String(r.sex),
        pregnant: asBool(r.pregnant),
        heightCm: asNumberOrNull(r.heightCm),
        allergyStatus: String(r.allergyStatus),
        allergies: String(r.allergies),
        version: Number(r.version),
        deletedAt: asDateOrNull(r.deletedAt),
      });
  }
  return out;
}

function previewRow(p: PlannedRow): ImportPreviewRow {
  if (p.kind === "refuse") {
    return { row: p.refused.row, action: "refuse", mrn: cut(p.refused.cells.mrn, 40), name: rowName(p.refused.cells), reasons: reasonsInWords(p.refused.reasons) };
  }
  const c = p.candidate;
  return {
    row: c.row,
    action: p.kind,
    mrn: c.data.mrn,
    name: `${c.data.familyName}, ${c.data.givenName}`,
    ...(p.kind === "update" ? { changes: p.changed.map(fieldLabel) } : {}),
  };
}

function countPlans(plans: readonly PlannedRow[]): Omit<ImportCounts, "rows"> {
  const n = (k: PlannedRow["kind"]) => plans.filter((p) => p.kind === k).length;
  return { created: n("create"), updated: n("update"), unchanged: n("unchanged"), refused: n("refuse") };
}

/**
 * Every row of the file as the real run would decide it now, in file order. The lookups run one
 * transaction per batch, as the real run's do: on SQLite a transaction holds the one connection,
 * and a 100,000-row file must not keep other users waiting for seconds.
 */
async function planFile(actor: Actor, clinicId: string, checked: CheckedFile, action: string): Promise<PlannedRow[]> {
  const existing = new Map<string, ExistingPatient>();
  const mrns = checked.candidates.map((c) => c.data.mrn);
  for (let i = 0; i < mrns.length; i += IMPORT_LIMITS.batchSize) {
    const part = await guarded(actor, "patients:import", { action, ...REFUSAL, targetId: clinicId }, (tx) =>
      loadExisting(tx, clinicId, mrns.slice(i, i + IMPORT_LIMITS.batchSize)),
    );
    for (const [mrn, p] of part) existing.set(mrn, p);
  }
  const plans: PlannedRow[] = [
    ...checked.refused.map((refused): PlannedRow => ({ kind: "refuse", refused })),
    ...checked.candidates.map((c) => planRow(c, existing.get(c.data.mrn))),
  ];
  const rowOf = (p: PlannedRow) => (p.kind === "refuse" ? p.refused.row : p.candidate.row);
  return plans.sort((a, b) => rowOf(a) - rowOf(b));
}

/** The dry run: what the import would do with each row, written nowhere but the audit log (counts only). */
export async function previewPatientImport(actor: Actor, input: unknown): Promise<ImportPreview> {
  const { clinicId, checked } = await prepare(actor, input, "PATIENT_IMPORT_PREVIEW");
  const plans = await planFile(actor, clinicId, checked, "PATIENT_IMPORT_PREVIEW");
  return guarded(actor, "patients:import", { action: "PATIENT_IMPORT_PREVIEW", ...REFUSAL, targetId: clinicId }, async (tx) => {
    const counts = { rows: checked.file.rows.length, ...countPlans(plans) };
    await appendAudit(tx, actor, {
      action: "PATIENT_IMPORT_PREVIEW",
      targetType: "Clinic",
      targetId: clinicId,
      details: { format: checked.file.format, ...counts },
    });
    return { format: checked.file.format, clinicId, skipped: checked.file.skipped, ...counts, listed: plans.slice(0, PREVIEW_ROWS).map(previewRow) };
  });
}

/** Every row the import would refuse, with the reasons, as CSV (the cells cut to 200 characters). */
export async function refusedImportRows(actor: Actor, input: unknown): Promise<{ csv: string; refused: number }> {
  const { clinicId, checked } = await prepare(actor, input, "PATIENT_IMPORT_PREVIEW");
  const refused = (await planFile(actor, clinicId, checked, "PATIENT_IMPORT_PREVIEW")).flatMap((p) => (p.kind === "refuse" ? [p.refused] : []));
  return guarded(actor, "patients:import", { action: "PATIENT_IMPORT_PREVIEW", ...REFUSAL, targetId: clinicId }, async (tx) => {
    await appendAudit(tx, actor, {
      action: "PATIENT_IMPORT_PREVIEW",
      targetType: "Clinic",
      targetId: clinicId,
      details: { format: checked.file.format, rows: checked.file.rows.length, refused: refused.length, download: "refused rows" },
    });
    return { csv: refusedRowsCsv(checked.file.format, refused), refused: refused.length };
  });
}

// Rows per INSERT: under 999 parameters a statement (SQLite's historic limit); larger ones measured no faster.
const INSERT_ROWS = 64;

let idCounter = 0;
/** An id shaped like the ORM's cuid ("c", time, counter, randomness; 25 lower-case characters). */
function newRecordId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  const random = Array.from(randomBytes(12), (b) => (b % 36).toString(36)).join("");
  return `c${Date.now().toString(36).padStart(8, "0").slice(-8)}${idCounter.toString(36).padStart(4, "0")}${random}`;
}

/**
 * Writes one batch in the caller's transaction: creates (with their attention rows), then updates.
 * Plain multi-row SQL: the ORM's bulk create compiles its query at about 1.5 ms per patient here,
 * which would make 100,000 rows take minutes.
 */
async function writeBatch(tx: Tx, actor: Actor, clinicId: string, plans: PlannedRow[]): Promise<void> {
  const now = new Date();
  const creates = plans.flatMap((p) => (p.kind === "create" ? [{ id: newRecordId(), d: p.candidate.data }] : []));
  for (let i = 0; i < creates.length; i += INSERT_ROWS) {
    const part = creates.slice(i, i + INSERT_ROWS);
    // pregnant, lifestyle, version and the entered height take the column defaults: false, "", 1, null.
    await tx.$executeRaw`
      INSERT INTO "Patient" ("id", "clinicId", "mrn", "givenName", "familyName", "searchText", "birthDate", "sex", "heightCm", "allergyStatus", "allergies", "createdById", "createdAt", "updatedAt")
      VALUES ${Prisma.join(
        part.map(
          ({ id, d }) =>
            Prisma.sql`(${id}, ${clinicId}, ${d.mrn}, ${d.givenName}, ${d.familyName}, ${searchText(d)}, ${d.birthDate}, ${d.sex}, ${d.heightCm ?? null}, ${d.allergyStatus}, ${d.allergies}, ${actor.userId}, ${now}, ${now})`,
        ),
      )}`;
    // Every patient has its stored attention row from creation on (createPatient): nothing to flag yet.
    await tx.$executeRaw`
      INSERT INTO "PatientAttention" ("patientId", "clinicId", "computedAt")
      VALUES ${Prisma.join(part.map(({ id }) => Prisma.sql`(${id}, ${clinicId}, ${now})`))}`;
  }
  for (const p of plans) {
    if (p.kind !== "update") continue;
    const c = p.changes;
    const height = c.heightCm === undefined ? Prisma.empty : Prisma.sql`, "heightCm" = ${c.heightCm}, "heightEnteredValue" = NULL, "heightEnteredUnit" = NULL`;
    const allergy = c.allergyStatus === undefined ? Prisma.empty : Prisma.sql`, "allergyStatus" = ${c.allergyStatus}, "allergies" = ${c.allergies ?? ""}`;
    const count = await tx.$executeRaw`
      UPDATE "Patient" SET "givenName" = ${c.givenName}, "familyName" = ${c.familyName}, "searchText" = ${searchText({ ...c, mrn: p.existing.mrn })},
        "birthDate" = ${c.birthDate}, "sex" = ${c.sex}${height}${allergy}, "version" = "version" + 1, "updatedAt" = ${now}
      WHERE "id" = ${p.existing.id} AND "version" = ${p.existing.version} AND "deletedAt" IS NULL`;
    if (count === 0) throw conflict(`Someone changed the patient of row ${formatCount(p.candidate.row)} during the import. Run the import again.`);
  }
}

/**
 * The real run. `onProgress` hears after each committed batch. Refusals of the rules are known
 * before anything is written; those that depend on the database (a deleted patient holding the
 * MRN) are found by each batch.
 */
export async function runPatientImport(actor: Actor, input: unknown, options: RunOptions = {}): Promise<ImportResult> {
  return (await startPatientImport(actor, input)).run(options);
}

export interface RunOptions {
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void | Promise<void>;
}

/**
 * The checks of the real run (permission, clinic, file), then the run itself: a route can answer
 * a refusal with its status before it starts streaming the progress.
 */
export async function startPatientImport(actor: Actor, input: unknown): Promise<{ rows: number; run: (options?: RunOptions) => Promise<ImportResult> }> {
  const { clinicId, checked } = await prepare(actor, input, "PATIENT_IMPORT");
  return { rows: checked.file.rows.length, run: (options = {}) => importRows(actor, clinicId, checked, options) };
}

async function importRows(actor: Actor, clinicId: string, checked: CheckedFile, options: RunOptions): Promise<ImportResult> {
  const size = Math.max(1, Math.min(options.batchSize ?? IMPORT_LIMITS.batchSize, IMPORT_LIMITS.batchSize));
  const run = randomUUID();
  const format = checked.file.format;
  const total = checked.file.rows.length;
  const counts: ImportCounts = { rows: total, created: 0, updated: 0, unchanged: 0, refused: checked.refused.length };
  const batches = Math.ceil(checked.candidates.length / size);
  let committed = 0;
  let failure: ImportResult["failure"] = null;
  await options.onProgress?.({ done: checked.refused.length, total, batch: 0, batches });

  for (let b = 0; b < batches; b++) {
    const batch = checked.candidates.slice(b * size, (b + 1) * size);
    const where = { batch: b + 1, firstRow: batch[0].row, lastRow: batch[batch.length - 1].row };
    try {
      const done = await guarded(actor, "patients:import", { action: "PATIENT_IMPORT_BATCH", ...REFUSAL, targetId: clinicId }, async (tx) => {
        const existing = await loadExisting(tx, clinicId, batch.map((c) => c.data.mrn));
        const plans = batch.map((c) => planRow(c, existing.get(c.data.mrn)));
        await writeBatch(tx, actor, clinicId, plans);
        const n = countPlans(plans);
        await appendAudit(tx, actor, {
          action: "PATIENT_IMPORT_BATCH",
          targetType: "Clinic",
          targetId: clinicId,
          details: { run, ...where, batches, rows: batch.length, ...n },
        });
        return n;
      });
      counts.created += done.created;
      counts.updated += done.updated;
      counts.unchanged += done.unchanged;
      counts.refused += done.refused;
      committed++;
    } catch (error) {
      const message = isDataError(error) ? error.message : "The database refused this batch; nothing of it was saved.";
      if (!isDataError(error)) log.error({ err: error, batch: b + 1 }, "Patient import batch failed");
      failure = { ...where, message };
      break;
    }
    await options.onProgress?.({ done: checked.refused.length + Math.min((b + 1) * size, checked.candidates.length), total, batch: b + 1, batches });
  }

  // The run's own row, after its batches: the totals, or where it stopped.
  await inTransaction((tx) =>
    appendAudit(tx, actor, {
      action: "PATIENT_IMPORT",
      outcome: failure ? "FAILURE" : "SUCCESS",
      targetType: "Clinic",
      targetId: clinicId,
      details: { run, format, batches, committedBatches: committed, ...counts, ...(failure ? { failedBatch: failure.batch } : {}) },
    }),
  );
  return { format, ...counts, batches, committedBatches: committed, failure };
}

export type { RefusedRow };
