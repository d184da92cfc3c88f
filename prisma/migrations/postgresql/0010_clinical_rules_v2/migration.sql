-- Clinical rules version 2 (clinical spec sections 4, 7 and 8). Written by `npm run db:diff --
-- clinical_rules_v2`, then edited by hand so that data recorded under version 1 upgrades in place.
-- After this script the runner (lib/migrations/runner.ts) recomputes every episode's stored
-- suggestion with the version 2 rules (lib/migrations/rules-refresh.ts).

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "unitSystem" TEXT NOT NULL DEFAULT 'SI';

-- AlterTable
-- The entered value and unit stay NULL on version 1 rows: entered in the canonical unit.
ALTER TABLE "Patient" ADD COLUMN     "heightEnteredUnit" TEXT,
ADD COLUMN     "heightEnteredValue" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "examFindings" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "temperatureEnteredUnit" TEXT,
ADD COLUMN     "temperatureEnteredValue" DOUBLE PRECISION,
ADD COLUMN     "weightEnteredUnit" TEXT,
ADD COLUMN     "weightEnteredValue" DOUBLE PRECISION;

-- AlterTable
-- Edited by hand: a NOT NULL column without a default cannot be added to a table with rows. Spec
-- section 8: labs keep their value; their entered unit is the canonical one.
ALTER TABLE "LabResult" ADD COLUMN     "enteredUnit" TEXT,
ADD COLUMN     "enteredValue" DOUBLE PRECISION;
UPDATE "LabResult" SET "enteredValue" = "value", "enteredUnit" = "unit";
ALTER TABLE "LabResult" ALTER COLUMN "enteredUnit" SET NOT NULL,
ALTER COLUMN "enteredValue" SET NOT NULL;

-- AlterTable
-- Edited by hand: the old column is dropped only after its value has moved. Spec section 8:
-- worseAtRestOrEvening true becomes worseAtRest and worseInEvening true; such an episode gets a
-- new version, changed now, ...
ALTER TABLE "Episode" ADD COLUMN     "worseAtRest" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "worseInEvening" BOOLEAN NOT NULL DEFAULT false;
UPDATE "Episode"
SET "worseAtRest" = true, "worseInEvening" = true, "version" = "version" + 1, "updatedAt" = CURRENT_TIMESTAMP
WHERE "worseAtRestOrEvening";

-- ... and its history says it was migrated: one MIGRATE entry for the new version.
INSERT INTO "EpisodeRevision" ("id", "episodeId", "patientId", "version", "action", "changes", "changedById", "changedAt")
SELECT 'mig10_' || "id", "id", "patientId", "version", 'MIGRATE',
       '{"worseAtRestOrEvening":[true,null],"worseAtRest":[false,true],"worseInEvening":[false,true]}',
       'system', "updatedAt"
FROM "Episode"
WHERE "worseAtRestOrEvening";

ALTER TABLE "Episode" DROP COLUMN "worseAtRestOrEvening";

-- Spec section 8: the attention flags stored were computed under version 1 rules (a stored
-- PROLONGED_EPISODE among them): every stored answer is out of date, so the first read recomputes it.
UPDATE "PatientAttention" SET "validUntil" = "computedAt";
