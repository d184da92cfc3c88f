-- CreateTable
CREATE TABLE "PatientAttention" (
    "patientId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "flagCodes" TEXT NOT NULL DEFAULT '',
    "reviewCount" INTEGER NOT NULL DEFAULT 0,
    "lastEpisodeAt" TIMESTAMPTZ(3),
    "computedAt" TIMESTAMPTZ(3) NOT NULL,
    "validUntil" TIMESTAMPTZ(3),

    CONSTRAINT "PatientAttention_pkey" PRIMARY KEY ("patientId")
);

-- CreateIndex
CREATE INDEX "PatientAttention_clinicId_validUntil_idx" ON "PatientAttention"("clinicId", "validUntil");

-- AddForeignKey
ALTER TABLE "PatientAttention" ADD CONSTRAINT "PatientAttention_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Patients who already have episodes get a row that is out of date from the start (valid until
-- 1970), so the first read computes it with the rules.
INSERT INTO "PatientAttention" ("patientId", "clinicId", "computedAt", "validUntil")
SELECT p."id", p."clinicId", TIMESTAMPTZ '1970-01-01 00:00:00+00', TIMESTAMPTZ '1970-01-01 00:00:00+00'
FROM "Patient" p
WHERE EXISTS (SELECT 1 FROM "Episode" e WHERE e."patientId" = p."id");
