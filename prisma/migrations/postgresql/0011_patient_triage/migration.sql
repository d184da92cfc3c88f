-- AlterTable
ALTER TABLE "PatientAttention" ADD COLUMN     "episodesInWindow" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastVisitAt" TIMESTAMPTZ(3),
ADD COLUMN     "latestEpisodeAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "Patient_deletedAt_mrn_id_idx" ON "Patient"("deletedAt", "mrn", "id");

-- CreateIndex
CREATE INDEX "PatientAttention_urgencyRank_reviewCount_patientId_idx" ON "PatientAttention"("urgencyRank", "reviewCount" DESC, "patientId" DESC);

-- CreateIndex
CREATE INDEX "PatientAttention_reviewCount_patientId_idx" ON "PatientAttention"("reviewCount", "patientId");

-- CreateIndex
CREATE INDEX "PatientAttention_episodesInWindow_patientId_idx" ON "PatientAttention"("episodesInWindow", "patientId");

-- CreateIndex
CREATE INDEX "PatientAttention_latestEpisodeAt_patientId_idx" ON "PatientAttention"("latestEpisodeAt", "patientId");

-- CreateIndex
CREATE INDEX "PatientAttention_lastVisitAt_patientId_idx" ON "PatientAttention"("lastVisitAt", "patientId");

-- The latest episode and visit of each stored row, from the records themselves.
UPDATE "PatientAttention" a SET
  "latestEpisodeAt" = (SELECT MAX(e."occurredAt") FROM "Episode" e WHERE e."patientId" = a."patientId" AND e."deletedAt" IS NULL),
  "lastVisitAt" = (SELECT MAX(v."occurredAt") FROM "Visit" v WHERE v."patientId" = a."patientId" AND v."deletedAt" IS NULL);

-- The episodes inside the window are counted with the rules' window: a row with an episode in its
-- window is out of date (the next read recomputes it); the others have none there.
UPDATE "PatientAttention" SET "validUntil" = "computedAt" WHERE "lastEpisodeAt" IS NOT NULL;

-- Every patient has a row from now on (the list sorts by its columns): one for each patient
-- without, out of date from the start if the patient has episodes or visits, else holding for good.
INSERT INTO "PatientAttention" ("patientId", "clinicId", "computedAt", "validUntil")
SELECT p."id", p."clinicId", TIMESTAMPTZ '1970-01-01 00:00:00+00',
  CASE WHEN EXISTS (SELECT 1 FROM "Episode" e WHERE e."patientId" = p."id") OR EXISTS (SELECT 1 FROM "Visit" v WHERE v."patientId" = p."id")
    THEN TIMESTAMPTZ '1970-01-01 00:00:00+00' END
FROM "Patient" p
WHERE NOT EXISTS (SELECT 1 FROM "PatientAttention" a WHERE a."patientId" = p."id");
