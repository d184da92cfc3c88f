// The data step that follows migration 0010_clinical_rules_v2: every episode's stored suggestion
// (suggestedClassification, suggestionRationale, warnings, needsReview) was computed by the
// version 1 rules; recompute it with the one rule function, lib/clinical/classification.ts.
//
// Runs on the migration runner's own connection (better-sqlite3 or pg), not through Prisma: the
// generated client belongs to the newest schema, which a later migration may change again.
// Batches of rows by id, one transaction each, so a large database does not hold one huge
// transaction; only rows whose stored values change are written. Idempotent: running it again
// changes nothing.
import { suggestClassification, type LabelConfirmation } from "@/lib/core/clinical/classification";
import type { Classification, Movement, Rhythm } from "@/lib/core/clinical/vocabulary";
import type { DatabaseKind } from "@/lib/server/db-adapter";

export const RULES_V2_MIGRATION = "0010_clinical_rules_v2";

/** What the step needs from the runner's connection. */
export interface DataConnection {
  kind: DatabaseKind;
  /** One transaction (on PostgreSQL it also holds the migration lock). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** One statement with `?` placeholders on either database; the rows it returns, if any. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export type RefreshResult = {
  /** Episodes read (deleted ones included: a restore brings them back as stored). */
  checked: number;
  /** Episodes whose stored suggestion columns changed. */
  updated: number;
  /** Of those, episodes whose confirmation on review no longer holds (cleared). */
  confirmationsCleared: number;
};

type EpisodeRow = {
  id: string;
  patientId: string;
  clinicId: string;
  movement: string | null;
  rhythm: string | null;
  voluntaryControl: unknown;
  urgeToMove: unknown;
  worseAtRest: unknown;
  worseInEvening: unknown;
  reliefByMovement: unknown;
  consciousnessImpaired: unknown;
  classification: string | null;
  suggestedClassification: string | null;
  suggestionRationale: string;
  warnings: string;
  needsReview: unknown;
  labelConfirmedAt: unknown;
  labelConfirmedById: string | null;
  /** Not read by the refresh of migration 0010, which runs before episodes had a source (all were the clinic's). */
  source?: string;
};

// SQLite stores booleans as 0/1; pg returns true/false.
const bool = (v: unknown) => v === true || v === 1 || v === 1n || v === "1" || v === "t" || v === "true";

/** The stored columns the rules give for one episode; null when the stored ones already agree. */
export function recomputedColumns(row: EpisodeRow) {
  const confirmed = row.labelConfirmedAt != null;
  const labelConfirmedFor: LabelConfirmation | null =
    confirmed && row.classification && row.suggestedClassification
      ? { classification: row.classification as Classification, suggestion: row.suggestedClassification as Classification }
      : null;
  const result = suggestClassification({
    movement: (row.movement ?? null) as Movement | null,
    rhythm: (row.rhythm ?? null) as Rhythm | null,
    voluntaryControl: bool(row.voluntaryControl),
    urgeToMove: bool(row.urgeToMove),
    worseAtRest: bool(row.worseAtRest),
    worseInEvening: bool(row.worseInEvening),
    reliefByMovement: bool(row.reliefByMovement),
    consciousnessImpaired: bool(row.consciousnessImpaired),
    classification: (row.classification ?? null) as Classification | null,
    labelConfirmedFor,
    reportedByPatient: row.source === "PATIENT",
  });
  const next = {
    suggestedClassification: result.suggestion,
    suggestionRationale: JSON.stringify(result.rationale),
    warnings: JSON.stringify(result.warnings),
    needsReview: result.needsReview,
    // As the app does on every save: a confirmation holds only while label and suggestion stay.
    clearConfirmation: (confirmed || row.labelConfirmedById != null) && !result.labelConfirmed,
  };
  const same =
    next.suggestedClassification === (row.suggestedClassification ?? null) &&
    next.suggestionRationale === row.suggestionRationale &&
    next.warnings === row.warnings &&
    next.needsReview === bool(row.needsReview) &&
    !next.clearConfirmation;
  return same ? null : next;
}

export async function refreshEpisodeSuggestions(db: DataConnection, opts: { batchSize?: number } = {}): Promise<RefreshResult> {
  const batchSize = opts.batchSize ?? 1000;
  const total: RefreshResult = { checked: 0, updated: 0, confirmationsCleared: 0 };
  const sqlBool = (b: boolean) => (db.kind === "sqlite" ? (b ? 1 : 0) : b);
  // Rows are locked as they are read, so an app writing meanwhile cannot be overwritten.
  const lock = db.kind === "postgresql" ? " FOR UPDATE" : "";
  let after = "";
  for (;;) {
    const batch = await db.transaction(async () => {
      const rows = await db.query<EpisodeRow>(
        `SELECT "id", "patientId", "clinicId", "movement", "rhythm", "voluntaryControl", "urgeToMove",
                "worseAtRest", "worseInEvening", "reliefByMovement", "consciousnessImpaired", "classification",
                "suggestedClassification", "suggestionRationale", "warnings", "needsReview",
                "labelConfirmedAt", "labelConfirmedById"
           FROM "Episode" WHERE "id" > ? ORDER BY "id" LIMIT ?${lock}`,
        [after, batchSize],
      );
      const patients = new Set<string>();
      const clinics = new Set<string>();
      let updated = 0;
      let cleared = 0;
      for (const row of rows) {
        const next = recomputedColumns(row);
        if (!next) continue;
        await db.query(
          `UPDATE "Episode" SET "suggestedClassification" = ?, "suggestionRationale" = ?, "warnings" = ?, "needsReview" = ?` +
            (next.clearConfirmation ? `, "labelConfirmedAt" = NULL, "labelConfirmedById" = NULL` : "") +
            ` WHERE "id" = ?`,
          [next.suggestedClassification, next.suggestionRationale, next.warnings, sqlBool(next.needsReview), row.id],
        );
        updated += 1;
        if (next.clearConfirmation) cleared += 1;
        patients.add(row.patientId);
        // The dashboard counts episodes by their type: the label, else the suggestion.
        if (row.classification == null && next.suggestedClassification !== (row.suggestedClassification ?? null)) clinics.add(row.clinicId);
      }
      // The patients' attention answers (review counts, flags) and the clinics' day counts
      // depend on the suggestions: out of date, recomputed or rebuilt on the next read.
      if (patients.size) {
        const ids = [...patients];
        await db.query(`UPDATE "PatientAttention" SET "validUntil" = "computedAt" WHERE "patientId" IN (${ids.map(() => "?").join(", ")})`, ids);
      }
      if (clinics.size) {
        const ids = [...clinics];
        await db.query(`UPDATE "Clinic" SET "episodeDayCountsAt" = NULL WHERE "id" IN (${ids.map(() => "?").join(", ")})`, ids);
      }
      return { count: rows.length, last: rows.at(-1)?.id ?? after, updated, cleared };
    });
    total.checked += batch.count;
    total.updated += batch.updated;
    total.confirmationsCleared += batch.cleared;
    if (batch.count < batchSize) break;
    after = batch.last;
  }
  return total;
}
