-- Single sign-on (OpenID Connect). Added columns only: SQLite adds a NOT NULL column with a
-- constant default in place, so no table is rebuilt.
-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN "ssoCreateAccounts" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Clinic" ADD COLUMN "ssoCreateRole" TEXT NOT NULL DEFAULT 'READ_ONLY';
ALTER TABLE "Clinic" ADD COLUMN "requireSso" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "User" ADD COLUMN "oidcSubject" TEXT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN "method" TEXT NOT NULL DEFAULT 'PASSWORD';

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcSubject_key" ON "User"("oidcSubject");
