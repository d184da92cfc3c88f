-- AlterTable
ALTER TABLE "PatientAttention" ADD COLUMN     "flagCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "topFlagRank" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "urgencyRank" INTEGER NOT NULL DEFAULT 3;

-- CreateIndex
CREATE INDEX "PatientAttention_clinicId_computedAt_idx" ON "PatientAttention"("clinicId", "computedAt");

-- The new order columns are computed with the rules: every stored answer is out of date.
UPDATE "PatientAttention" SET "validUntil" = "computedAt";
