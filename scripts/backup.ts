/**
 * `npm run backup [-- --out <file>]`: a consistent snapshot of DATABASE_URL while the app runs.
 * SQLite: VACUUM INTO a new file (default backups/clinic-<time>.db); PostgreSQL: pg_dump
 * --format=custom (default backups/clinic-<time>.dump). The file is 0600: it holds PHI.
 */
import { parseArgs } from "node:util";
import { backupDatabase, formatBytes, redactUrl } from "../lib/ops/backup";
import { DEFAULT_DATABASE_URL } from "../lib/server/db-adapter";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

try {
  const result = await backupDatabase(url, { out: values.out });
  console.log(`Backed up ${redactUrl(url)}`);
  console.log(`  file      ${result.file}`);
  console.log(`  size      ${formatBytes(result.bytes)} (${result.bytes} bytes)`);
  console.log(`  duration  ${(result.ms / 1000).toFixed(2)} s`);
} catch (error) {
  console.error(`Backup of ${redactUrl(url)} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
