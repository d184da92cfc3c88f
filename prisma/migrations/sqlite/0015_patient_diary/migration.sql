-- The patient diary: links a clinician gives a patient (only the token's hash is kept), and on each
-- episode who reported it (the clinic or the patient's diary link) and the diary's seizure signs.

-- CreateTable
CREATE TABLE "DiaryLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "patientId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "revokedById" TEXT,
    "lastUsedAt" DATETIME,
    "entries" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "DiaryLink_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Clinic" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requireTwoFactor" BOOLEAN NOT NULL DEFAULT false,
    "unitSystem" TEXT NOT NULL DEFAULT 'SI',
    "episodeDayCountsAt" DATETIME,
    "diaryLinkDays" INTEGER NOT NULL DEFAULT 90
);
INSERT INTO "new_Clinic" ("createdAt", "episodeDayCountsAt", "id", "name", "requireTwoFactor", "timeZone", "unitSystem") SELECT "createdAt", "episodeDayCountsAt", "id", "name", "requireTwoFactor", "timeZone", "unitSystem" FROM "Clinic";
DROP TABLE "Clinic";
ALTER TABLE "new_Clinic" RENAME TO "Clinic";
CREATE UNIQUE INDEX "Clinic_name_key" ON "Clinic"("name");
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
    "source" TEXT NOT NULL DEFAULT 'CLINICIAN',
    "diaryLinkId" TEXT,
    "witnessed" BOOLEAN NOT NULL DEFAULT false,
    "tongueBitten" BOOLEAN NOT NULL DEFAULT false,
    "wetThemselves" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "createdById" TEXT,
    "deletedAt" DATETIME,
    "deletedById" TEXT,
    CONSTRAINT "Episode_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Episode_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Episode_diaryLinkId_fkey" FOREIGN KEY ("diaryLinkId") REFERENCES "DiaryLink" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Episode" ("classification", "clinicId", "consciousnessImpaired", "createdAt", "createdById", "deletedAt", "deletedById", "durationSeconds", "duringSleep", "id", "labelConfirmedAt", "labelConfirmedById", "movement", "muscleGroup", "needsReview", "notes", "occurredAt", "painScore", "patientId", "relief", "reliefByMovement", "rhythm", "side", "suggestedClassification", "suggestionRationale", "triggers", "updatedAt", "urgeToMove", "version", "visitId", "voluntaryControl", "warnings", "worseAtRest", "worseInEvening") SELECT "classification", "clinicId", "consciousnessImpaired", "createdAt", "createdById", "deletedAt", "deletedById", "durationSeconds", "duringSleep", "id", "labelConfirmedAt", "labelConfirmedById", "movement", "muscleGroup", "needsReview", "notes", "occurredAt", "painScore", "patientId", "relief", "reliefByMovement", "rhythm", "side", "suggestedClassification", "suggestionRationale", "triggers", "updatedAt", "urgeToMove", "version", "visitId", "voluntaryControl", "warnings", "worseAtRest", "worseInEvening" FROM "Episode";
DROP TABLE "Episode";
ALTER TABLE "new_Episode" RENAME TO "Episode";
CREATE INDEX "Episode_patientId_deletedAt_occurredAt_idx" ON "Episode"("patientId", "deletedAt", "occurredAt");
CREATE INDEX "Episode_clinicId_deletedAt_occurredAt_patientId_classification_suggestedClassification_idx" ON "Episode"("clinicId", "deletedAt", "occurredAt", "patientId", "classification", "suggestedClassification");
CREATE INDEX "Episode_clinicId_needsReview_deletedAt_occurredAt_patientId_idx" ON "Episode"("clinicId", "needsReview", "deletedAt", "occurredAt", "patientId");
CREATE INDEX "Episode_visitId_idx" ON "Episode"("visitId");
CREATE INDEX "Episode_diaryLinkId_idx" ON "Episode"("diaryLinkId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "DiaryLink_tokenHash_key" ON "DiaryLink"("tokenHash");

-- CreateIndex
CREATE INDEX "DiaryLink_patientId_createdAt_idx" ON "DiaryLink"("patientId", "createdAt");
