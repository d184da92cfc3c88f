/**
 * Checks a database the way a restore does (lib/ops/backup.ts checkDatabase): integrity, foreign
 * keys, invariants, migrations, triggers, rows per table, audit chain. Read-only.
 *
 *   tsx scripts/check-database.ts [--url <DATABASE_URL>] [--json] [--chain-only]
 *
 * --chain-only --json is what checkDatabase runs in a child process to verify the chain of a
 * database other than its own (verifyAuditChain reads through the process's one Prisma client).
 */
import { parseArgs } from "node:util";
import { DEFAULT_DATABASE_URL } from "../lib/server/db-adapter";

const { values } = parseArgs({
  options: { url: { type: "string" }, json: { type: "boolean", default: false }, "chain-only": { type: "boolean", default: false } },
});
// Before lib/server/db is imported: its client binds to DATABASE_URL.
if (values.url) process.env.DATABASE_URL = values.url;
const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

const { checkDatabase, formatCheck, redactUrl } = await import("../lib/ops/backup");
const { db } = await import("../lib/server/db");
let code = 0;
try {
  if (values["chain-only"]) {
    const { verifyAuditChain } = await import("../lib/features/audit-log/data");
    const report = await verifyAuditChain();
    console.log(values.json ? JSON.stringify(report) : `${report.ok ? "ok" : "BROKEN"}: ${report.rows} rows${report.broken ? `; ${report.broken.message}` : ""}`);
    if (!report.ok) code = 1;
  } else {
    const result = await checkDatabase(url);
    if (values.json) console.log(JSON.stringify(result));
    else console.log([`Checking ${redactUrl(url)}`, ...formatCheck(result)].join("\n"));
    if (!result.ok) code = 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  code = 2;
} finally {
  await db.$disconnect();
}
process.exit(code);
