-- Clinical rules version 2 (clinical spec sections 4, 7 and 8). Written by `npm run db:diff --
-- clinical_rules_v2`, then edited by hand so that data recorded under version 1 upgrades in place.
-- After this script the runner (lib/migrations/runner.ts) recomputes every episode's stored
-- suggestion with the version 2 rules (lib/migrations/rules-refresh.ts).

-- AlterTable
-- Written by hand (as in 0003): prisma migrate diff rebuilds "Clinic" and "Visit" here, but SQLite
-- adds a nullable column, or a NOT NULL one with a constant default, in place, without copying
-- the parents of memberships, patients, labs and episodes. The entered value and unit stay NULL on
-- version 1 rows: entered in the canonical unit.
ALTER TABLE "Clinic" ADD COLUMN "unitSystem" TEXT NOT NULL DEFAULT 'SI';
ALTER TABLE "Patient" ADD COLUMN "heightEnteredUnit" TEXT;
ALTER TABLE "Patient" ADD COLUMN "heightEnteredValue" REAL;
ALTER TABLE "Visit" ADD COLUMN "weightEnteredValue" REAL;
ALTER TABLE "Visit" ADD COLUMN "weightEnteredUnit" TEXT;
ALTER TABLE "Visit" ADD COLUMN "temperatureEnteredValue" REAL;
ALTER TABLE "Visit" ADD COLUMN "temperatureEnteredUnit" TEXT;
ALTER TABLE "Visit" ADD COLUMN "examFindings" TEXT NOT NULL DEFAULT '';

-- RedefineTables
-- No table rebuilt here has triggers (the audit log's are on "AuditEvent", untouched), and only
-- "EpisodeRevision" references a rebuilt table ("Episode", by name, so it follows the rename).
-- The runner turns foreign keys off for its connection (these PRAGMAs are no-ops inside its
-- transaction) and runs foreign_key_check before COMMIT.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LabResult" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "visitId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "analyte" TEXT NOT NULL,
    "value" REAL NOT NULL,
    "unit" TEXT NOT NULL,
    "enteredValue" REAL NOT NULL,
    "enteredUnit" TEXT NOT NULL,
    "takenAt" DATETIME NOT NULL,
    CONSTRAINT "LabResult_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Spec section 8: labs keep their value; their entered unit is the canonical one.
INSERT INTO "new_LabResult" ("analyte", "id", "patientId", "takenAt", "unit", "value", "visitId", "enteredValue", "enteredUnit") SELECT "analyte", "id", "patientId", "takenAt", "unit", "value", "visitId", "value", "unit" FROM "LabResult";
DROP TABLE "LabResult";
ALTER TABLE "new_LabResult" RENAME TO "LabResult";
CREATE INDEX "LabResult_patientId_analyte_takenAt_idx" ON "LabResult"("patientId", "analyte", "takenAt");
CREATE INDEX "LabResult_visitId_idx" ON "LabResult"("visitId");
CREATE TABLE "new_Episode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "patientId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "visitId" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "durationSeconds" INTEGER NOT NULL,
    "side" TEXT NOT NULL,
    "muscleGroup" TEXT NOT NULL DEFAULT 'CALF',
    "movement" TEXT,
    "rhythm" TEXT,
    "voluntaryControl" BOOLEAN NOT NULL DEFAULT false,
    "urgeToMove" BOOLEAN NOT NULL DEFAULT false,
    "worseAtRest" BOOLEAN NOT NULL DEFAULT false,
    "worseInEvening" BOOLEAN NOT NULL DEFAULT false,
    "reliefByMovement" BOOLEAN NOT NULL DEFAULT false,
    "consciousnessImpaired" BOOLEAN NOT NULL DEFAULT false,
    "duringSleep" BOOLEAN NOT NULL DEFAULT false,
    "painScore" INTEGER,
    "triggers" TEXT NOT NULL DEFAULT '',
    "relief" TEXT NOT NULL DEFAULT '',
    "classification" TEXT,
    "suggestedClassification" TEXT,
    "suggestionRationale" TEXT NOT NULL DEFAULT '[]',
    "warnings" TEXT NOT NULL DEFAULT '[]',
    "needsReview" BOOLEAN NOT NULL DEFAULT false,
    "labelConfirmedAt" DATETIME,
    "labelConfirmedById" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "createdById" TEXT,
    "deletedAt" DATETIME,
    "deletedById" TEXT,
    CONSTRAINT "Episode_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Episode_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- Spec section 8: worseAtRestOrEvening true becomes worseAtRest and worseInEvening true. Such an
-- episode gets a new version (changed now, in the text format the app's adapter writes) and ...
INSERT INTO "new_Episode" ("classification", "clinicId", "consciousnessImpaired", "createdAt", "createdById", "deletedAt", "deletedById", "durationSeconds", "duringSleep", "id", "labelConfirmedAt", "labelConfirmedById", "movement", "muscleGroup", "needsReview", "notes", "occurredAt", "painScore", "patientId", "relief", "reliefByMovement", "rhythm", "side", "suggestedClassification", "suggestionRationale", "triggers", "updatedAt", "urgeToMove", "version", "visitId", "voluntaryControl", "warnings", "worseAtRest", "worseInEvening")
SELECT "classification", "clinicId", "consciousnessImpaired", "createdAt", "createdById", "deletedAt", "deletedById", "durationSeconds", "duringSleep", "id", "labelConfirmedAt", "labelConfirmedById", "movement", "muscleGroup", "needsReview", "notes", "occurredAt", "painScore", "patientId", "relief", "reliefByMovement", "rhythm", "side", "suggestedClassification", "suggestionRationale", "triggers",
       CASE WHEN "worseAtRestOrEvening" THEN strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') ELSE "updatedAt" END,
       "urgeToMove",
       CASE WHEN "worseAtRestOrEvening" THEN "version" + 1 ELSE "version" END,
       "visitId", "voluntaryControl", "warnings",
       CASE WHEN "worseAtRestOrEvening" THEN true ELSE false END,
       CASE WHEN "worseAtRestOrEvening" THEN true ELSE false END
FROM "Episode";
DROP TABLE "Episode";
ALTER TABLE "new_Episode" RENAME TO "Episode";
CREATE INDEX "Episode_patientId_deletedAt_occurredAt_idx" ON "Episode"("patientId", "deletedAt", "occurredAt");
CREATE INDEX "Episode_clinicId_deletedAt_occurredAt_patientId_classification_suggestedClassification_idx" ON "Episode"("clinicId", "deletedAt", "occurredAt", "patientId", "classification", "suggestedClassification");
CREATE INDEX "Episode_clinicId_needsReview_deletedAt_occurredAt_patientId_idx" ON "Episode"("clinicId", "needsReview", "deletedAt", "occurredAt", "patientId");
CREATE INDEX "Episode_visitId_idx" ON "Episode"("visitId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- ... its history says it was migrated: one MIGRATE entry for the new version, changed when the
-- episode was. (Only these rows have either new flag set at this point: both are new columns.)
INSERT INTO "EpisodeRevision" ("id", "episodeId", "patientId", "version", "action", "changes", "changedById", "changedAt")
SELECT 'mig10_' || "id", "id", "patientId", "version", 'MIGRATE',
       '{"worseAtRestOrEvening":[true,null],"worseAtRest":[false,true],"worseInEvening":[false,true]}',
       'system', "updatedAt"
FROM "Episode"
WHERE "worseAtRest";

-- Spec section 8: the attention flags stored were computed under version 1 rules (a stored
-- PROLONGED_EPISODE among them): every stored answer is out of date, so the first read recomputes it.
UPDATE "PatientAttention" SET "validUntil" = "computedAt";
