/**
 * `npm run restore -- <backup file> [--to <DATABASE_URL>] [--force] [--no-pre-backup]`
 *
 * Restores a backup made by `npm run backup` into the target (default: DATABASE_URL), then checks
 * it: integrity, foreign keys, rows per table, _prisma_migrations, the audit chain. Exits 0 only
 * if every check passes.
 * - SQLite: the backup is checked in a new file first and renamed over the target only if it
 *   passes and no process has the target open (stop the app first); the replaced database is kept
 *   next to it as <target>.pre-restore-<time>.
 * - PostgreSQL: pg_restore --clean --if-exists in one transaction; refuses while other sessions
 *   are connected unless --force; a non-empty target is dumped to backups/ first unless
 *   --no-pre-backup.
 * Exit codes: 0 restored and checked, 1 a check failed, 2 refused or failed (target unchanged).
 */
import { parseArgs } from "node:util";
import { formatCheck, redactUrl, restoreDatabase, RestoreRefused } from "../lib/ops/backup";
import { DEFAULT_DATABASE_URL } from "../lib/server/db-adapter";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    to: { type: "string" },
    force: { type: "boolean", default: false },
    "no-pre-backup": { type: "boolean", default: false },
  },
});
if (positionals.length !== 1) {
  console.error("Usage: npm run restore -- <backup file> [--to <DATABASE_URL>] [--force] [--no-pre-backup]");
  process.exit(2);
}
const file = positionals[0];
const target = values.to ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

try {
  console.log(`Restoring ${file} into ${redactUrl(target)}`);
  const result = await restoreDatabase(file, target, {
    force: values.force,
    skipPreBackup: values["no-pre-backup"],
    log: (line) => console.log(`  ${line}`),
  });
  console.log(formatCheck(result.check).join("\n"));
  if (!result.replaced) {
    console.error(`The backup failed its checks: ${redactUrl(target)} was NOT replaced.`);
    process.exit(1);
  }
  console.log(`  duration  ${(result.ms / 1000).toFixed(2)} s`);
  if (!result.check.ok) {
    console.error(`Restored, but the restored database failed its checks. Keep the app stopped and investigate.`);
    process.exit(1);
  }
  console.log(`Restored and checked. Start the app (it applies any newer migrations on start with npm run db:migrate).`);
} catch (error) {
  const refused = error instanceof RestoreRefused;
  console.error(`${refused ? "Refused" : "Restore failed"}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
