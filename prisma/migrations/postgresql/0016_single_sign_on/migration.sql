-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "requireSso" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ssoCreateAccounts" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "ssoCreateRole" TEXT NOT NULL DEFAULT 'READ_ONLY';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "oidcSubject" TEXT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "method" TEXT NOT NULL DEFAULT 'PASSWORD';

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcSubject_key" ON "User"("oidcSubject");
