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
    "episodesInWindow" INTEGER NOT NULL DEFAULT 0,
    "latestEpisodeAt" DATETIME,
    "lastVisitAt" DATETIME,
    CONSTRAINT "PatientAttention_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_PatientAttention" ("clinicId", "computedAt", "flagCodes", "flagCount", "lastEpisodeAt", "patientId", "reviewCount", "topFlagRank", "urgencyRank", "validUntil") SELECT "clinicId", "computedAt", "flagCodes", "flagCount", "lastEpisodeAt", "patientId", "reviewCount", "topFlagRank", "urgencyRank", "validUntil" FROM "PatientAttention";
DROP TABLE "PatientAttention";
ALTER TABLE "new_PatientAttention" RENAME TO "PatientAttention";
CREATE INDEX "PatientAttention_clinicId_validUntil_idx" ON "PatientAttention"("clinicId", "validUntil");
CREATE INDEX "PatientAttention_clinicId_computedAt_idx" ON "PatientAttention"("clinicId", "computedAt");
CREATE INDEX "PatientAttention_urgencyRank_reviewCount_patientId_idx" ON "PatientAttention"("urgencyRank", "reviewCount" DESC, "patientId" DESC);
CREATE INDEX "PatientAttention_reviewCount_patientId_idx" ON "PatientAttention"("reviewCount", "patientId");
CREATE INDEX "PatientAttention_episodesInWindow_patientId_idx" ON "PatientAttention"("episodesInWindow", "patientId");
CREATE INDEX "PatientAttention_latestEpisodeAt_patientId_idx" ON "PatientAttention"("latestEpisodeAt", "patientId");
CREATE INDEX "PatientAttention_lastVisitAt_patientId_idx" ON "PatientAttention"("lastVisitAt", "patientId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Patient_deletedAt_mrn_id_idx" ON "Patient"("deletedAt", "mrn", "id");

-- The latest episode and visit of each stored row, from the records themselves.
UPDATE "PatientAttention" SET
  "latestEpisodeAt" = (SELECT MAX(e."occurredAt") FROM "Episode" e WHERE e."patientId" = "PatientAttention"."patientId" AND e."deletedAt" IS NULL),
  "lastVisitAt" = (SELECT MAX(v."occurredAt") FROM "Visit" v WHERE v."patientId" = "PatientAttention"."patientId" AND v."deletedAt" IS NULL);

-- The episodes inside the window are counted with the rules' window: a row with an episode in its
-- window is out of date (the next read recomputes it); the others have none there.
UPDATE "PatientAttention" SET "validUntil" = "computedAt" WHERE "lastEpisodeAt" IS NOT NULL;

-- Every patient has a row from now on (the list sorts by its columns): one for each patient
-- without, out of date from the start if the patient has episodes or visits, else holding for good.
INSERT INTO "PatientAttention" ("patientId", "clinicId", "computedAt", "validUntil")
SELECT p."id", p."clinicId", '1970-01-01T00:00:00.000+00:00',
  CASE WHEN EXISTS (SELECT 1 FROM "Episode" e WHERE e."patientId" = p."id") OR EXISTS (SELECT 1 FROM "Visit" v WHERE v."patientId" = p."id")
    THEN '1970-01-01T00:00:00.000+00:00' END
FROM "Patient" p
WHERE NOT EXISTS (SELECT 1 FROM "PatientAttention" a WHERE a."patientId" = p."id");
