-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "episodeDayCountsAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "EpisodeDayCount" (
    "clinicId" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "EpisodeDayCount_pkey" PRIMARY KEY ("clinicId","day","type")
);

-- AddForeignKey
ALTER TABLE "EpisodeDayCount" ADD CONSTRAINT "EpisodeDayCount_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every clinic's counts are built from its episodes on the first dashboard read after this
-- migration (episodeDayCountsAt is null), as on any database that has not built them.
