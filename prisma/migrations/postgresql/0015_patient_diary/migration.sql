-- The patient diary: links a clinician gives a patient (only the token's hash is kept), and on each
-- episode who reported it (the clinic or the patient's diary link) and the diary's seizure signs.

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "diaryLinkDays" INTEGER NOT NULL DEFAULT 90;

-- AlterTable
ALTER TABLE "Episode" ADD COLUMN     "diaryLinkId" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'CLINICIAN',
ADD COLUMN     "tongueBitten" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "wetThemselves" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "witnessed" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "DiaryLink" (
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "clinicId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'en',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedById" TEXT,
    "lastUsedAt" TIMESTAMPTZ(3),
    "entries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DiaryLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DiaryLink_tokenHash_key" ON "DiaryLink"("tokenHash");

-- CreateIndex
CREATE INDEX "DiaryLink_patientId_createdAt_idx" ON "DiaryLink"("patientId", "createdAt");

-- CreateIndex
CREATE INDEX "Episode_diaryLinkId_idx" ON "Episode"("diaryLinkId");

-- AddForeignKey
ALTER TABLE "Episode" ADD CONSTRAINT "Episode_diaryLinkId_fkey" FOREIGN KEY ("diaryLinkId") REFERENCES "DiaryLink"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiaryLink" ADD CONSTRAINT "DiaryLink_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
