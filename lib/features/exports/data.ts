/**
 * Exports: the patient report, the handout, the FHIR bundle and the CSV exports.
 *
 * Every export is an audited event (EXPORT_PDF, EXPORT_HANDOUT, EXPORT_FHIR, EXPORT_CSV) naming
 * who, what, which patient or period, and the row count where it is known. A refused export (no
 * permission, or a patient the actor may not see) writes only the refusal's audit row: the scope
 * check comes first, before anything else is read or recorded.
 *
 * CSV exports are recorded before their first byte and then read batch by batch by keyset, each
 * batch in its own short transaction (for the episode exports: its own statement, written row by
 * row as it is read, at most one statement ahead of the stream's reader), so memory stays at a
 * batch or two whatever the length.
 */
import "server-only";
import type { Actor } from "@/lib/server/permissions";
import type { Prisma } from "@/generated/prisma/client";
import type { AllergyStatus, Analyte, ChecklistStatus, Condition, ExamFinding, LifestyleFlag, Sex } from "@/lib/core/clinical/vocabulary";
import { referenceFlag } from "@/lib/core/clinical/units";
import type { CauseId } from "@/lib/core/clinical/checklist";
import {
  EPISODE_CSV_EPISODE_FIELDS,
  EPISODE_CSV_FIELD,
  EPISODE_CSV_PATIENT_FIELDS,
  episodeCsvHeader,
  episodeCsvRecords,
  patientCsvHeader,
  patientCsvLine,
} from "@/lib/features/exports/columns";
import type { FhirExportData } from "@/lib/features/exports/fhir";
import { describePeriod, periodBounds, resolvePeriod, todayIn } from "@/lib/features/exports/period";
import type { EnteredValue } from "@/lib/features/exports/measures";
import type { HandoutData, ReportData, ReportEpisode, ReportVisit } from "@/lib/features/exports/report-data";
import { parseWith } from "@/lib/core/validation/common";
import { clinicExportFileName, patientExportFileName } from "@/lib/core/file-names";
import {
  DEFAULT_REPORT_DAYS,
  episodeExportQuerySchema,
  noQuerySchema,
  patientExportQuerySchema,
  reportQuerySchema,
} from "@/lib/features/exports/schema";
import { getAssessment } from "@/lib/features/assessment/data";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { invalid } from "@/lib/server/errors";
import { openBatchReader, type SqlParams } from "./reader";
import { guarded, inTransaction } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { splitList } from "@/lib/server/sql-values";
import type { Tx } from "@/lib/server/db";

/**
 * Rows read per query by the patient list's CSV export. 500 rather than 2,000: the same speed, and
 * each batch is let go before the garbage collector moves it to the old generation.
 */
export const CSV_BATCH_SIZE = 500;

/**
 * The episode exports: rows per statement, and rows per chunk of bytes handed to the stream. The
 * rows are written as they are read (no batch of rows is held), so a statement can be long:
 * 1,000 rather than 250 rows per statement took PostgreSQL's export of a million episodes from
 * about 42,000 to 55,000 rows/s (each statement's planning and first index descent cost about a
 * millisecond). A chunk is handed on as soon as it is written: 64 rows, about 16 KB.
 */
export const EPISODE_CSV_STATEMENT_ROWS = 1000;
export const EPISODE_CSV_CHUNK_ROWS = 64;

/** The byte-order mark makes spreadsheets read the file as UTF-8. */
const BOM = "\uFEFF";

/** Text as the UTF-8 bytes a CSV export streams. */
const bytesOf = (text: string): Uint8Array => Buffer.from(text, "utf8");

export interface CsvExport {
  /** Named by the patient's MRN or the clinic, and the day (lib/core/file-names.ts). */
  filename: string;
  /** Rows the export holds, counted when it was recorded. */
  rows: number;
  /** The file's UTF-8 bytes, a batch at a time. */
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
}

/** A period's bounds as a filter on episodes or visits (none when the period is open). */
function occurredWhere(bounds: { gte?: Date; lt?: Date }): { occurredAt?: { gte?: Date; lt?: Date } } {
  return bounds.gte || bounds.lt ? { occurredAt: bounds } : {};
}

/** Which episodes a CSV export holds: one patient's, or those of the actor's clinics. */
interface EpisodeScope {
  patientId?: string;
  /** Each clinic with the instants its period covers on its own clock. */
  clinics: { id: string; bounds: { gte?: Date; lt?: Date } }[];
  /** Rows created after the export was recorded are left out, so the audited count holds. */
  createdUpTo: Date;
}

/** One clinic's part of the scope as SQL (the batches read one clinic after another). */
function clinicScopeSql(p: SqlParams, scope: EpisodeScope, clinic: EpisodeScope["clinics"][number]): string {
  const b = clinic.bounds;
  return `e."clinicId" = ${p.v(clinic.id)} AND e."deletedAt" IS NULL AND p."deletedAt" IS NULL AND e."createdAt" <= ${p.v(scope.createdUpTo)}
    ${scope.patientId ? `AND e."patientId" = ${p.v(scope.patientId)}` : ""}
    ${b.gte ? `AND e."occurredAt" >= ${p.v(b.gte)}` : ""}
    ${b.lt ? `AND e."occurredAt" < ${p.v(b.lt)}` : ""}`;
}

/**
 * How many episodes the scope holds: the batches' own statement, counted, on a reader of its own
 * that closes at once. Not through the Prisma client: on SQLite that count filled the app
 * connection's 16 MB page cache (about 20 MB more resident memory after a first export, measured).
 */
async function countEpisodes(scope: EpisodeScope): Promise<number> {
  const reader = await openBatchReader();
  try {
    let total = 0;
    for (const clinic of scope.clinics)
      await reader.each(
        (p) => `SELECT COUNT(*) FROM "Episode" e CROSS JOIN "Patient" p WHERE p."id" = e."patientId" AND ${clinicScopeSql(p, scope, clinic)}`,
        ([n]) => (total += Number(n)), // PostgreSQL's bigint comes as text
      );
    return total;
  } finally {
    await reader.close();
  }
}

/** The episode columns' fields, as the batches select them (a row holds them in this order). */
const EPISODE_CSV_SELECT = [...EPISODE_CSV_EPISODE_FIELDS.map((f) => `e."${f}"`), ...EPISODE_CSV_PATIENT_FIELDS.map((f) => `p."${f}"`)].join(", ");

/**
 * Episodes clinic by clinic, each clinic's in (occurredAt, id) order, in chunks of UTF-8 of
 * `EPISODE_CSV_CHUNK_ROWS` records (at most `batchSize`; a batch's last chunk may be shorter).
 * Each batch starts after the last row of the one before, so rows are neither repeated nor skipped
 * however many there are, and each batch is an index range read (constant cost per batch). Each
 * row is written as the driver reads it; the next batch's statement is sent when one ends.
 *
 * Read with one SQL statement per batch through the bare driver on a connection of the export's
 * own (./export-reader.ts): a million-row export spends most of its time here, and the Prisma
 * client's per-row work cost a third of the speed and half the memory. The query is shaped for
 * both planners:
 * - CROSS JOIN makes SQLite walk the episodes in index order (a plain JOIN may start from the
 *   patients and sort every episode before returning the first batch); PostgreSQL plans it as the
 *   same inner join.
 * - ORDER BY starts with "deletedAt" (always NULL here): PostgreSQL does not treat `IS NULL` as an
 *   equality, so only this lets it read the (clinicId, deletedAt, occurredAt) index in order
 *   instead of sorting the rest of the table for every batch.
 * - The batch edge is `occurredAt >= edge AND NOT (occurredAt = edge AND id <= last id)`: a range
 *   start for the index (an OR there makes SQLite read its branches apart and sort).
 */
async function* episodeCsvBatches(scope: EpisodeScope, zones: Map<string, string>, withPatient: boolean, batchSize: number): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytesOf(BOM + episodeCsvHeader(withPatient));
  const records = episodeCsvRecords(withPatient);
  const chunkRows = Math.min(batchSize, EPISODE_CSV_CHUNK_ROWS);
  // Chunks written and not yet handed on (a chunk or two while the stream's reader keeps up, at
  // most about two statements' worth when it does not), and the loop's wake-up when a chunk is
  // added or a statement ends.
  const ready: Uint8Array[] = [];
  let inChunk = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  // One statement: the clinic (by index) and the last row before it, its instant as the database
  // gave it (bound again as it is) and its id. Its rows are written as they are read.
  type Batch = { clinic: number; after: { occurredAt: unknown; id: unknown } | null };
  // How the statement being read ended, once it has.
  type Ended = { rows: number; last: unknown[] | null } | { error: unknown };
  let ended = null as Ended | null;
  const reader = await openBatchReader();
  const read = (batch: Batch) => {
    const clinic = scope.clinics[batch.clinic];
    const timeZone = zones.get(clinic.id) ?? "UTC";
    const after = batch.after;
    let rows = 0;
    let last: unknown[] | null = null;
    ended = null;
    void reader
      .each(
        (p): string => `
          SELECT ${EPISODE_CSV_SELECT}
          FROM "Episode" e CROSS JOIN "Patient" p
          WHERE p."id" = e."patientId" AND ${clinicScopeSql(p, scope, clinic)}
            ${after ? `AND e."occurredAt" >= ${p.v(after.occurredAt)} AND NOT (e."occurredAt" = ${p.v(after.occurredAt)} AND e."id" <= ${p.v(after.id)})` : ""}
          ORDER BY e."deletedAt", e."occurredAt", e."id"
          LIMIT ${p.v(batchSize)}`,
        (row) => {
          records.add(row, timeZone);
          last = row;
          rows++;
          if (++inChunk === chunkRows) {
            ready.push(records.take());
            inChunk = 0;
            notify();
          }
        },
      )
      .then(
        () => {
          if (inChunk) ready.push(records.take());
          inChunk = 0;
          ended = { rows, last };
          notify();
        },
        // Also a read left behind when the stream is cancelled (its connection closes): nobody
        // waits for it then.
        (error: unknown) => {
          ended = { error };
          notify();
        },
      );
  };
  try {
    let batch: Batch | null = scope.clinics.length ? { clinic: 0, after: null } : null;
    if (batch) read(batch);
    while (batch || ready.length) {
      const done = ended as Ended | null;
      if (batch && done) {
        if ("error" in done) throw done.error;
        // The next statement is sent as soon as one ends, so that PostgreSQL reads it while the
        // stream's reader takes the chunks before it (SQLite reads it here and now).
        const { rows, last } = done;
        if (rows === batchSize && last) batch = { clinic: batch.clinic, after: { occurredAt: last[EPISODE_CSV_FIELD.occurredAt], id: last[EPISODE_CSV_FIELD.id] } };
        else batch = batch.clinic + 1 < scope.clinics.length ? { clinic: batch.clinic + 1, after: null } : null;
        if (batch) read(batch);
      }
      while (ready.length) yield ready.shift()!;
      if (batch && !ended) await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await reader.close();
  }
}

/** One patient's episodes (optionally in a period) as CSV. */
export async function exportPatientEpisodesCsv(
  actor: Actor,
  patientId: string,
  input: unknown,
  opts: { batchSize?: number } = {},
): Promise<CsvExport> {
  const parsed = parseWith(episodeExportQuerySchema, input ?? {});
  const refusal: AuditInput = { action: "EXPORT_CSV", patientId, targetType: "Patient", targetId: patientId, details: { what: "patient-episodes" } };
  const startedAt = new Date();
  const { scope, zones, rows, mrn, timeZone } = await guarded(actor, "clinical:read", refusal, async (tx) => {
    const patient = await requirePatientInScope(tx, actor, patientId);
    if (!parsed.ok) throw invalid(parsed.fields);
    const period = parsed.data;
    const timeZone = patient.clinic.timeZone;
    const { mrn } = await tx.patient.findUniqueOrThrow({ where: { id: patientId }, select: { mrn: true } });
    const scope: EpisodeScope = { patientId, clinics: [{ id: patient.clinicId, bounds: periodBounds(period, timeZone) }], createdUpTo: startedAt };
    const rows = await countEpisodes(scope);
    await appendAudit(tx, actor, {
      ...refusal,
      details: { what: "patient-episodes", format: "csv", from: period.from ?? null, to: period.to ?? null, timeZone, rows },
    });
    return { scope, zones: new Map([[patient.clinicId, timeZone]]), rows, mrn, timeZone };
  });
  return {
    filename: patientExportFileName(mrn, "episodes", startedAt, timeZone),
    rows,
    chunks: episodeCsvBatches(scope, zones, false, opts.batchSize ?? EPISODE_CSV_STATEMENT_ROWS),
  };
}

/**
 * Every episode the actor may see (all their clinics, one after another, each oldest first),
 * optionally in a period: calendar days on each clinic's own clock.
 */
export async function exportEpisodesCsv(actor: Actor, input: unknown, opts: { batchSize?: number } = {}): Promise<CsvExport> {
  const parsed = parseWith(episodeExportQuerySchema, input ?? {});
  const refusal: AuditInput = { action: "EXPORT_CSV", details: { what: "episodes" } };
  const startedAt = new Date();
  const { scope, zones, rows, clinics } = await guarded(actor, "clinical:read", refusal, async (tx) => {
    if (!parsed.ok) throw invalid(parsed.fields);
    const period = parsed.data;
    const clinics = await tx.clinic.findMany({ where: { id: { in: actor.clinicIds } }, select: { id: true, name: true, timeZone: true }, orderBy: { id: "asc" } });
    const scope: EpisodeScope = { clinics: clinics.map((c) => ({ id: c.id, bounds: periodBounds(period, c.timeZone) })), createdUpTo: startedAt };
    const rows = clinics.length ? await countEpisodes(scope) : 0;
    await appendAudit(tx, actor, {
      ...refusal,
      details: { what: "episodes", format: "csv", from: period.from ?? null, to: period.to ?? null, clinics: clinics.map((c) => c.id), rows },
    });
    return { scope, zones: new Map(clinics.map((c) => [c.id, c.timeZone])), rows, clinics };
  });
  const chunks =
    scope.clinics.length === 0
      ? (async function* () {
          yield bytesOf(BOM + episodeCsvHeader(true));
        })()
      : episodeCsvBatches(scope, zones, true, opts.batchSize ?? EPISODE_CSV_STATEMENT_ROWS);
  return { filename: clinicExportFileName(clinics, "episodes", startedAt), rows, chunks };
}

/** The patient list (optionally its search) as CSV, in the list's default order (by name). */
export async function exportPatientsCsv(actor: Actor, input: unknown, opts: { batchSize?: number } = {}): Promise<CsvExport> {
  const parsed = parseWith(patientExportQuerySchema, input ?? {});
  const refusal: AuditInput = { action: "EXPORT_CSV", details: { what: "patients" } };
  const startedAt = new Date();
  const batchSize = opts.batchSize ?? CSV_BATCH_SIZE;
  const { where, rows, clinics } = await guarded(actor, "clinical:read", refusal, async (tx) => {
    if (!parsed.ok) throw invalid(parsed.fields);
    const q = parsed.data.q;
    const clinics = await tx.clinic.findMany({ where: { id: { in: actor.clinicIds } }, select: { name: true, timeZone: true }, orderBy: { id: "asc" } });
    const where: Prisma.PatientWhereInput = {
      clinicId: { in: actor.clinicIds },
      deletedAt: null,
      createdAt: { lte: startedAt },
      ...(q ? { searchText: { contains: q.toLowerCase() } } : {}),
    };
    const rows = await tx.patient.count({ where });
    await appendAudit(tx, actor, { ...refusal, details: { what: "patients", format: "csv", q: q ?? null, rows } });
    return { where, rows, clinics };
  });
  async function* generate(): AsyncGenerator<Uint8Array, void, undefined> {
    yield bytesOf(BOM + patientCsvHeader());
    let after: { searchText: string; id: string } | null = null;
    for (;;) {
      const edge: { searchText: string; id: string } | null = after;
      const page: Prisma.PatientWhereInput = edge
        ? { searchText: { gte: edge.searchText }, OR: [{ searchText: { gt: edge.searchText } }, { id: { gt: edge.id } }] }
        : {};
      const batch = await inTransaction((tx) =>
        tx.patient.findMany({
          where: { AND: [where, page] },
          orderBy: [{ searchText: "asc" }, { id: "asc" }],
          take: batchSize,
          include: {
            clinic: { select: { name: true } },
            conditions: { select: { code: true }, orderBy: { code: "asc" } },
            medications: { select: { name: true, active: true }, orderBy: { name: "asc" } },
          },
        }),
      );
      const today = new Date();
      if (batch.length) yield bytesOf(batch.map((p) => patientCsvLine(p, today)).join(""));
      if (batch.length < batchSize) return;
      const last = batch[batch.length - 1];
      after = { searchText: last.searchText, id: last.id };
    }
  }
  return { filename: clinicExportFileName(clinics, "patients", startedAt), rows, chunks: generate() };
}

// ---------------------------------------------------------------------------------------------
// Patient report, handout, FHIR bundle
// ---------------------------------------------------------------------------------------------

const reportPatientInclude = {
  clinic: { select: { name: true, timeZone: true } },
  conditions: { orderBy: { code: "asc" as const } },
  medications: { orderBy: [{ active: "desc" as const }, { name: "asc" as const }] },
};

async function loadReportPatient(tx: Tx, patientId: string) {
  const row = await tx.patient.findUniqueOrThrow({ where: { id: patientId }, include: reportPatientInclude });
  return {
    row,
    patient: {
      id: row.id,
      mrn: row.mrn,
      givenName: row.givenName,
      familyName: row.familyName,
      birthDate: row.birthDate,
      sex: row.sex as Sex,
      pregnant: row.pregnant,
      heightCm: row.heightCm,
      heightEntered: entered(row.heightEnteredValue, row.heightEnteredUnit),
      clinicName: row.clinic.name,
      conditions: row.conditions.map((c) => c.code as Condition),
      lifestyle: splitList(row.lifestyle) as LifestyleFlag[],
      medications: row.medications.map((m) => ({ name: m.name, active: m.active, startedOn: m.startedOn, stoppedOn: m.stoppedOn })),
      allergyStatus: row.allergyStatus as AllergyStatus,
      allergies: row.allergies,
    },
  };
}

/** A value as entered: stored only when it was not the canonical unit. */
function entered(value: number | null, unit: string | null): EnteredValue | null {
  return value === null || unit === null ? null : { value, unit };
}

/** The visits of a patient (optionally in a period), oldest first, with their labs (flagged against the reference ranges). */
async function loadVisits(tx: Tx, patientId: string, bounds: { gte?: Date; lt?: Date } = {}): Promise<ReportVisit[]> {
  const visits = await tx.visit.findMany({
    where: { patientId, deletedAt: null, ...occurredWhere(bounds) },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    include: { labs: { orderBy: [{ analyte: "asc" }, { id: "asc" }] } },
  });
  return visits.map((v) => ({
    id: v.id,
    occurredAt: v.occurredAt,
    systolic: v.systolic,
    diastolic: v.diastolic,
    weightKg: v.weightKg,
    weightEntered: entered(v.weightEnteredValue, v.weightEnteredUnit),
    temperatureC: v.temperatureC,
    temperatureEntered: entered(v.temperatureEnteredValue, v.temperatureEnteredUnit),
    examFindings: splitList(v.examFindings) as ExamFinding[],
    labs: v.labs.map((l) => ({
      id: l.id,
      analyte: l.analyte as Analyte,
      value: l.value,
      unit: l.unit,
      entered: { value: l.enteredValue, unit: l.enteredUnit },
      flag: referenceFlag(l.analyte as Analyte, l.value),
      takenAt: l.takenAt,
    })),
  }));
}

function toReportEpisode(e: {
  id: string;
  occurredAt: Date;
  durationSeconds: number;
  side: string;
  muscleGroup: string;
  movement: string | null;
  painScore: number | null;
  triggers: string;
  classification: string | null;
  suggestedClassification: string | null;
  duringSleep: boolean;
  consciousnessImpaired: boolean;
  needsReview: boolean;
  labelConfirmedAt: Date | null;
  notes: string;
  source: string;
  witnessed: boolean;
  tongueBitten: boolean;
  wetThemselves: boolean;
}): ReportEpisode {
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    durationSeconds: e.durationSeconds,
    side: e.side as ReportEpisode["side"],
    muscleGroup: e.muscleGroup as ReportEpisode["muscleGroup"],
    movement: e.movement as ReportEpisode["movement"],
    painScore: e.painScore,
    triggers: splitList(e.triggers) as ReportEpisode["triggers"],
    classification: e.classification as ReportEpisode["classification"],
    suggestedClassification: e.suggestedClassification as ReportEpisode["suggestedClassification"],
    duringSleep: e.duringSleep,
    consciousnessImpaired: e.consciousnessImpaired,
    needsReview: e.needsReview,
    labelConfirmed: e.labelConfirmedAt !== null,
    notes: e.notes,
    source: e.source as ReportEpisode["source"],
    witnessed: e.witnessed,
    tongueBitten: e.tongueBitten,
    wetThemselves: e.wetThemselves,
  };
}

/** The checklist as the report and the FHIR bundle show it (statuses are the clinician's). */
function reportChecklist(items: Awaited<ReturnType<typeof getAssessment>>["checklist"]) {
  return items.map((c) => ({
    causeId: c.causeId as CauseId,
    label: c.label,
    source: c.source,
    citation: c.citation,
    weakEvidence: c.weakEvidence,
    suggested: c.suggested,
    reasons: c.reasons,
    status: c.status as ChecklistStatus,
    note: c.note,
    updatedBy: c.updatedBy,
    updatedAt: c.updatedAt,
  }));
}

/**
 * Red flags and the checklist through the assessment the patient page shows (one definition of
 * both). It is read after the export's own scope check, so a refused export never gets here;
 * it records its own ASSESSMENT_VIEW row.
 */
async function assessmentFor(actor: Actor, patientId: string, asOf: Date) {
  const a = await getAssessment(actor, patientId, asOf);
  return { asOf: a.asOf, windowDays: a.windowDays, redFlags: a.redFlags, checklist: reportChecklist(a.checklist) };
}

/** The end of a period as the assessment's moment: the end of its last day, or now if sooner. */
function periodEnd(period: { to: string }, timeZone: string, now: Date): Date {
  const end = periodBounds(period, timeZone).lt;
  return end && end.getTime() - 1 < now.getTime() ? new Date(end.getTime() - 1) : now;
}

/**
 * Everything the patient report needs, for the period and sections asked for
 * (GET /api/v1/patients/{id}/report.pdf?from=&to=&sections=). Audited as EXPORT_PDF.
 */
export async function getPatientReport(actor: Actor, patientId: string, input: unknown): Promise<ReportData> {
  const parsed = parseWith(reportQuerySchema, input ?? {});
  const refusal: AuditInput = { action: "EXPORT_PDF", patientId, targetType: "Patient", targetId: patientId, details: { what: "patient-report" } };
  const producedAt = new Date();
  const loaded = await guarded(actor, "clinical:read", refusal, async (tx) => {
    const scoped = await requirePatientInScope(tx, actor, patientId);
    if (!parsed.ok) throw invalid(parsed.fields);
    const timeZone = scoped.clinic.timeZone;
    const period = resolvePeriod(parsed.data, todayIn(timeZone, producedAt), DEFAULT_REPORT_DAYS);
    const { patient } = await loadReportPatient(tx, patientId);
    const bounds = periodBounds(period, timeZone);
    const episodes = await tx.episode.findMany({
      where: { patientId, deletedAt: null, ...occurredWhere(bounds) },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    const visits = await loadVisits(tx, patientId, bounds);
    return { timeZone, unitSystem: scoped.clinic.unitSystem, period, patient, episodes: episodes.map(toReportEpisode), visits, sections: parsed.data.sections };
  });
  const needsAssessment = loaded.sections.some((s) => s === "summary" || s === "redFlags" || s === "checklist");
  const assessment = needsAssessment ? await assessmentFor(actor, patientId, periodEnd(loaded.period, loaded.timeZone, producedAt)) : null;
  await inTransaction((tx) =>
    appendAudit(tx, actor, {
      ...refusal,
      details: {
        what: "patient-report",
        format: "pdf",
        from: loaded.period.from,
        to: loaded.period.to,
        period: describePeriod(loaded.period),
        sections: loaded.sections,
        episodes: loaded.episodes.length,
        visits: loaded.visits.length,
      },
    }),
  );
  return { ...loaded, assessment, producedBy: { name: actor.name, email: actor.email }, producedAt };
}

/** The patient handout (PDF or printable page), with the patient's current red flags. Audited as EXPORT_HANDOUT. */
export async function getHandout(actor: Actor, patientId: string, format: "pdf" | "html", input: unknown = {}): Promise<HandoutData> {
  const parsed = parseWith(noQuerySchema, input ?? {});
  const refusal: AuditInput = { action: "EXPORT_HANDOUT", patientId, targetType: "Patient", targetId: patientId, details: { what: "patient-handout", format } };
  const producedAt = new Date();
  const loaded = await guarded(actor, "clinical:read", refusal, async (tx) => {
    const scoped = await requirePatientInScope(tx, actor, patientId);
    if (!parsed.ok) throw invalid(parsed.fields);
    const { patient } = await loadReportPatient(tx, patientId);
    return { patient, timeZone: scoped.clinic.timeZone };
  });
  const assessment = await assessmentFor(actor, patientId, producedAt);
  await inTransaction((tx) =>
    appendAudit(tx, actor, { ...refusal, details: { what: "patient-handout", format, redFlags: assessment.redFlags.map((f) => f.code) } }),
  );
  return {
    patient: { givenName: loaded.patient.givenName, familyName: loaded.patient.familyName, mrn: loaded.patient.mrn, clinicName: loaded.patient.clinicName },
    timeZone: loaded.timeZone,
    redFlags: assessment.redFlags,
    producedBy: { name: actor.name },
    producedAt,
  };
}

/**
 * Everything the FHIR bundle holds about one patient (all dates), and the clinic's time zone (the
 * day the file is named by). Audited as EXPORT_FHIR.
 */
export async function getFhirExportData(actor: Actor, patientId: string, input: unknown = {}): Promise<FhirExportData & { timeZone: string }> {
  const parsed = parseWith(noQuerySchema, input ?? {});
  const refusal: AuditInput = { action: "EXPORT_FHIR", patientId, targetType: "Patient", targetId: patientId, details: { what: "patient-bundle" } };
  const generatedAt = new Date();
  const loaded = await guarded(actor, "clinical:read", refusal, async (tx) => {
    await requirePatientInScope(tx, actor, patientId);
    if (!parsed.ok) throw invalid(parsed.fields);
    const { row } = await loadReportPatient(tx, patientId);
    const [visits, episodes] = await Promise.all([
      loadVisits(tx, patientId),
      tx.episode.findMany({ where: { patientId, deletedAt: null }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] }),
    ]);
    return { row, visits, episodes };
  });
  const assessment = await assessmentFor(actor, patientId, generatedAt);
  const { row, visits, episodes } = loaded;
  const data: FhirExportData = {
    patient: {
      id: row.id,
      clinicId: row.clinicId,
      clinicName: row.clinic.name,
      mrn: row.mrn,
      givenName: row.givenName,
      familyName: row.familyName,
      birthDate: row.birthDate,
      sex: row.sex as Sex,
      conditions: row.conditions.map((c) => ({ code: c.code as Condition, onsetDate: c.onsetDate, note: c.note })),
      medications: row.medications.map((m) => ({ id: m.id, name: m.name, active: m.active, startedOn: m.startedOn, stoppedOn: m.stoppedOn })),
    },
    visits,
    episodes: episodes.map((e) => ({
      ...toReportEpisode(e),
      visitId: e.visitId,
      voluntaryControl: e.voluntaryControl,
      urgeToMove: e.urgeToMove,
      worseAtRest: e.worseAtRest,
      worseInEvening: e.worseInEvening,
      reliefByMovement: e.reliefByMovement,
      rhythm: e.rhythm as FhirExportData["episodes"][number]["rhythm"],
      relief: splitList(e.relief) as FhirExportData["episodes"][number]["relief"],
    })),
    checklist: assessment.checklist,
    generatedAt,
  };
  await inTransaction((tx) =>
    appendAudit(tx, actor, {
      ...refusal,
      details: { what: "patient-bundle", format: "fhir-r4", visits: visits.length, episodes: episodes.length, labs: visits.reduce((n, v) => n + v.labs.length, 0) },
    }),
  );
  return { ...data, timeZone: row.clinic.timeZone };
}
