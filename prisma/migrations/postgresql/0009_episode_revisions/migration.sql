-- CreateTable
CREATE TABLE "EpisodeRevision" (
    "id" TEXT NOT NULL,
    "episodeId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "changes" TEXT NOT NULL DEFAULT '{}',
    "changedById" TEXT NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EpisodeRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EpisodeRevision_episodeId_changedAt_idx" ON "EpisodeRevision"("episodeId", "changedAt");

-- CreateIndex
CREATE INDEX "EpisodeRevision_patientId_idx" ON "EpisodeRevision"("patientId");

-- AddForeignKey
ALTER TABLE "EpisodeRevision" ADD CONSTRAINT "EpisodeRevision_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
