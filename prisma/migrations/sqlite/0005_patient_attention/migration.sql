-- CreateTable
CREATE TABLE "PatientAttention" (
    "patientId" TEXT NOT NULL PRIMARY KEY,
    "clinicId" TEXT NOT NULL,
    "flagCodes" TEXT NOT NULL DEFAULT '',
    "reviewCount" INTEGER NOT NULL DEFAULT 0,
    "lastEpisodeAt" DATETIME,
    "computedAt" DATETIME NOT NULL,
    "validUntil" DATETIME,
    CONSTRAINT "PatientAttention_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "PatientAttention_clinicId_validUntil_idx" ON "PatientAttention"("clinicId", "validUntil");


-- Patients who already have episodes get a row that is out of date from the start (valid until
-- 1970), so the first read computes it with the rules.
INSERT INTO "PatientAttention" ("patientId", "clinicId", "computedAt", "validUntil")
SELECT p."id", p."clinicId", '1970-01-01T00:00:00.000+00:00', '1970-01-01T00:00:00.000+00:00'
FROM "Patient" p
WHERE EXISTS (SELECT 1 FROM "Episode" e WHERE e."patientId" = p."id");
