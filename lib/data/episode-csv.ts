/**
 * The episodes CSV exports' reading and writing, run in the export's worker thread
 * (./export-worker.ts): the SQL of one batch, the keyset from batch to batch, and the CSV text.
 * The scope (who may see what, which period) is decided before, in lib/data/exports.ts.
 */
import { episodeCsvHeader, episodeCsvWriter, type EpisodeCsvRow } from "@/lib/export/columns";
import { openBatchReader, type BatchSource, type SqlParams } from "./export-reader";

/** The byte-order mark makes spreadsheets read the file as UTF-8. */
export const BOM = "\uFEFF";

/** Which episodes a CSV export holds: one patient's, or those of the actor's clinics. */
export interface EpisodeScope {
  patientId?: string;
  /** Each clinic with the instants its period covers on its own clock. */
  clinics: { id: string; bounds: { gte?: Date; lt?: Date } }[];
  /** Rows created after the export was recorded are left out, so the audited count holds. */
  createdUpTo: Date;
}

/** Everything the worker needs to write one export (structured-cloned to it). */
export interface EpisodeCsvJob {
  source: BatchSource;
  scope: EpisodeScope;
  /** Clinic id -> IANA time zone, for the local date and time column. */
  zones: Map<string, string>;
  /** The clinic-wide export names each episode's patient. */
  withPatient: boolean;
  batchSize: number;
}

/** One clinic's part of the scope as SQL (the batches read one clinic after another). */
function clinicScopeSql(p: SqlParams, scope: EpisodeScope, clinic: EpisodeScope["clinics"][number]): string {
  const b = clinic.bounds;
  return `e."clinicId" = ${p.v(clinic.id)} AND e."deletedAt" IS NULL AND p."deletedAt" IS NULL AND e."createdAt" <= ${p.v(scope.createdUpTo)}
    ${scope.patientId ? `AND e."patientId" = ${p.v(scope.patientId)}` : ""}
    ${b.gte ? `AND e."occurredAt" >= ${p.v(b.gte)}` : ""}
    ${b.lt ? `AND e."occurredAt" < ${p.v(b.lt)}` : ""}`;
}

type EpisodeCsvDbRow = EpisodeCsvRow & { clinicId: string; mrn: string; givenName: string; familyName: string };

/**
 * The file's text: the header, then episodes clinic by clinic, each clinic's in (occurredAt, id)
 * order, one batch per yield. Each batch starts after the last row of the one before, so rows are
 * neither repeated nor skipped however many there are, and each batch is an index range read
 * (constant cost per batch).
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
export async function* episodeCsvText(job: EpisodeCsvJob): AsyncGenerator<string, void, undefined> {
  const { scope, zones, withPatient, batchSize } = job;
  yield BOM + episodeCsvHeader(withPatient);
  if (scope.clinics.length === 0) return;
  const write = episodeCsvWriter(withPatient);
  const reader = await openBatchReader(job.source);
  try {
    for (const clinic of scope.clinics) {
      const timeZone = zones.get(clinic.id) ?? "UTC";
      let edge: { occurredAt: Date; id: string } | null = null;
      for (;;) {
        const after: { occurredAt: Date; id: string } | null = edge;
        const rows: EpisodeCsvDbRow[] = await reader.all<EpisodeCsvDbRow>(
          (p): string => `
          SELECT e."id", e."patientId", e."clinicId", e."visitId", e."occurredAt", e."durationSeconds", e."side", e."muscleGroup",
                 e."movement", e."rhythm", e."voluntaryControl", e."urgeToMove", e."worseAtRestOrEvening", e."reliefByMovement",
                 e."consciousnessImpaired", e."duringSleep", e."painScore", e."triggers", e."relief", e."classification",
                 e."suggestedClassification", e."needsReview", e."notes", p."mrn", p."givenName", p."familyName"
          FROM "Episode" e CROSS JOIN "Patient" p
          WHERE p."id" = e."patientId" AND ${clinicScopeSql(p, scope, clinic)}
            ${after ? `AND e."occurredAt" >= ${p.v(after.occurredAt)} AND NOT (e."occurredAt" = ${p.v(after.occurredAt)} AND e."id" <= ${p.v(after.id)})` : ""}
          ORDER BY e."deletedAt", e."occurredAt", e."id"
          LIMIT ${p.v(batchSize)}`,
        );
        if (rows.length) {
          let text = "";
          for (const r of rows) {
            // SQLite gives instants as text (and flags as 0/1, which the writer reads as well).
            if (!(r.occurredAt instanceof Date)) r.occurredAt = new Date(r.occurredAt);
            if (withPatient) r.patient = r;
            text += write(r, timeZone);
          }
          yield text;
        }
        if (rows.length < batchSize) break;
        const last: EpisodeCsvDbRow = rows[rows.length - 1];
        edge = { occurredAt: last.occurredAt, id: last.id };
      }
    }
  } finally {
    await reader.close();
  }
}
