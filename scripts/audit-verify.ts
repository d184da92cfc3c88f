/**
 * `npm run audit:verify [-- --anchor <seq>:<hash>] [-- --batch <rows>]`: walks the whole audit
 * log of DATABASE_URL and recomputes its hash chain (lib/features/audit-log/data.ts verifyAuditChain).
 * Prints "Audit chain intact: N rows" and exits 0, or names the first broken row and exits 1.
 * Exits 2 when the check itself could not run (bad arguments, no database).
 *
 * The database refuses UPDATE and DELETE on the audit table, but whoever controls the database
 * (a superuser, the table owner, anyone who can write the SQLite file) can lift that; this check
 * is what finds their changes. Deleting only the newest rows leaves the rest of the chain intact,
 * so keep the printed head somewhere else and pass it back with --anchor next time.
 */
import { runDatabaseCommand } from "./cli";

function parseArgs(argv: string[]) {
  let anchor: { seq: number; hash: string } | null = null;
  let batchSize = 2000;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--anchor") {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(value() ?? "");
      if (!m) throw new Error("--anchor takes <seq>:<64 hex digits>, as printed by an earlier run");
      anchor = { seq: Number(m[1]), hash: m[2] };
    } else if (flag === "--batch") {
      batchSize = Number(value());
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("--batch takes a positive whole number");
    } else {
      throw new Error(`Unknown argument ${argv[i]}. Usage: audit-verify [--anchor <seq>:<hash>] [--batch <rows>]`);
    }
  }
  return { anchor, batchSize };
}

process.exitCode = await runDatabaseCommand(parseArgs, "verify the audit chain", async (args, where) => {
  const { verifyAuditChain } = await import("../lib/features/audit-log/data");
  const started = Date.now();
  let reported = 0;
  const report = await verifyAuditChain(undefined, {
    batchSize: args.batchSize,
    anchor: args.anchor,
    onProgress: (rows) => {
      if (process.stderr.isTTY && rows - reported >= 100_000) {
        reported = rows;
        process.stderr.write(`  ${rows} rows checked…\r`);
      }
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (report.ok) {
    console.log(`Audit chain intact: ${report.rows} rows (${where}, ${seconds} s).`);
    if (report.gaps) console.log(`${report.gaps} gap(s) in seq where a transaction rolled back; the chain links across them.`);
    if (report.lastSeq !== null) console.log(`Head: ${report.lastSeq}:${report.lastHash} (keep it elsewhere; check with --anchor next time)`);
    return 0;
  }
  const b = report.broken!;
  console.error(`Audit chain BROKEN at seq ${b.seq} (${b.reason}): ${b.message}`);
  console.error(`${report.rows} rows before it verified (${where}, ${seconds} s).`);
  return 1;
});
