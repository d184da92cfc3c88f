-- DropIndex
DROP INDEX "Episode_clinicId_deletedAt_occurredAt_idx";

-- DropIndex
DROP INDEX "Episode_clinicId_needsReview_deletedAt_idx";

-- CreateIndex
CREATE INDEX "Patient_deletedAt_searchText_id_idx" ON "Patient"("deletedAt", "searchText", "id");

-- CreateIndex
CREATE INDEX "Episode_clinicId_deletedAt_occurredAt_patientId_classificat_idx" ON "Episode"("clinicId", "deletedAt", "occurredAt", "patientId", "classification", "suggestedClassification");

-- CreateIndex
CREATE INDEX "Episode_clinicId_needsReview_deletedAt_occurredAt_patientId_idx" ON "Episode"("clinicId", "needsReview", "deletedAt", "occurredAt", "patientId");
