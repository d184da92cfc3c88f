-- AlterTable
ALTER TABLE "Episode" ADD COLUMN     "labelConfirmedAt" TIMESTAMPTZ(3),
ADD COLUMN     "labelConfirmedById" TEXT;
