-- AlterTable
ALTER TABLE "Episode" ADD COLUMN "labelConfirmedAt" DATETIME;
ALTER TABLE "Episode" ADD COLUMN "labelConfirmedById" TEXT;
