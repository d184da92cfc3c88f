/** A Prisma client on the e2e server's database, to check what the UI really stored. */
import { afterAll } from "vitest";
import { createPrismaClient, type Db } from "@/lib/server/db";

/** Opens a client for this test file and closes it after the file's tests. */
export function useDb(): Db {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set: run the e2e tests with `npm run test:e2e`");
  const client = createPrismaClient(url);
  afterAll(() => client.$disconnect());
  return client;
}

/** A value unique to this run, for MRNs and emails the tests create. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
}
