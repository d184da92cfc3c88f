-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PatientAttention" (
    "patientId" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "flagCodes" TEXT NOT NULL DEFAULT '',
    "reviewCount" INTEGER NOT NULL DEFAULT 0,
    "lastEpisodeAt" DATETIME,
    "topFlagRank" INTEGER NOT NULL DEFAULT 2,
    "urgencyRank" INTEGER NOT NULL DEFAULT 3,
    "flagCount" INTEGER NOT NULL DEFAULT 0,
    "computedAt" DATETIME NOT NULL,
    "validUntil" DATETIME,
    CONSTRAINT "PatientAttention_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PatientAttention" ("clinicId", "computedAt", "flagCodes", "lastEpisodeAt", "patientId", "reviewCount", "validUntil") SELECT "clinicId", "computedAt", "flagCodes", "lastEpisodeAt", "patientId", "reviewCount", "validUntil" FROM "PatientAttention";
DROP TABLE "PatientAttention";
ALTER TABLE "new_PatientAttention" RENAME TO "PatientAttention";
CREATE INDEX "PatientAttention_clinicId_validUntil_idx" ON "PatientAttention"("clinicId", "validUntil");
CREATE INDEX "PatientAttention_clinicId_computedAt_idx" ON "PatientAttention"("clinicId", "computedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- The new order columns are computed with the rules: every stored answer is out of date.
UPDATE "PatientAttention" SET "validUntil" = "computedAt";
