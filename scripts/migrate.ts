// `npm run db:migrate`: applies pending migrations to DATABASE_URL (SQLite or PostgreSQL).
import { DEFAULT_DATABASE_URL, redactDatabaseUrl } from "../lib/server/db-adapter";
import { migrateDatabase } from "../lib/ops/migrations/runner";

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
// Only the scheme and host: the URL may carry a password.
const where = redactDatabaseUrl(url);

migrateDatabase(url, { log: (line) => console.log(line) })
  .then(({ applied }) => {
    console.log(applied.length === 0 ? `${where}: up to date` : `${where}: applied ${applied.length} migration(s)`);
  })
  .catch((err: unknown) => {
    console.error(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
