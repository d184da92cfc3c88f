-- The triage list's sort indexes end with the clinic: a page's clinic scope and a filter's count
-- (up to the list's count cap) are read from the index alone, without a row lookup per patient.
-- Same order as before, so each still gives its sort's order (lib/features/patients/list.ts).

-- DropIndex
DROP INDEX "PatientAttention_urgencyRank_reviewCount_patientId_idx";

-- DropIndex
DROP INDEX "PatientAttention_reviewCount_patientId_idx";

-- DropIndex
DROP INDEX "PatientAttention_episodesInWindow_patientId_idx";

-- DropIndex
DROP INDEX "PatientAttention_latestEpisodeAt_patientId_idx";

-- DropIndex
DROP INDEX "PatientAttention_lastVisitAt_patientId_idx";

-- CreateIndex
CREATE INDEX "PatientAttention_urgencyRank_reviewCount_patientId_clinicId_idx" ON "PatientAttention"("urgencyRank", "reviewCount" DESC, "patientId" DESC, "clinicId");

-- CreateIndex
CREATE INDEX "PatientAttention_reviewCount_patientId_clinicId_idx" ON "PatientAttention"("reviewCount", "patientId", "clinicId");

-- CreateIndex
CREATE INDEX "PatientAttention_episodesInWindow_patientId_clinicId_idx" ON "PatientAttention"("episodesInWindow", "patientId", "clinicId");

-- CreateIndex
CREATE INDEX "PatientAttention_latestEpisodeAt_patientId_clinicId_idx" ON "PatientAttention"("latestEpisodeAt", "patientId", "clinicId");

-- CreateIndex
CREATE INDEX "PatientAttention_lastVisitAt_patientId_clinicId_idx" ON "PatientAttention"("lastVisitAt", "patientId", "clinicId");

