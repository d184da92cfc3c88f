-- CreateTable
CREATE TABLE "EpisodeRevision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "episodeId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "changes" TEXT NOT NULL DEFAULT '{}',
    "changedById" TEXT NOT NULL,
    "changedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EpisodeRevision_episodeId_fkey" FOREIGN KEY ("episodeId") REFERENCES "Episode" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "EpisodeRevision_episodeId_changedAt_idx" ON "EpisodeRevision"("episodeId", "changedAt");

-- CreateIndex
CREATE INDEX "EpisodeRevision_patientId_idx" ON "EpisodeRevision"("patientId");
