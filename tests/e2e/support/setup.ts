/**
 * Runs before each e2e file. The e2e tests need the server that `npm run test:e2e` starts
 * (scripts/e2e.ts); without it they would only fail with connection errors.
 */
if (!process.env.E2E_BASE_URL || !process.env.E2E_DATABASE_URL) {
  throw new Error("E2E tests need a running server and its database: run them with `npm run test:e2e` (scripts/e2e.ts).");
}
// Anything that imports lib/server/db in a test reaches the server's database.
process.env.DATABASE_URL = process.env.E2E_DATABASE_URL;
