/**
 * `npm run bench:export [-- --rows 1000000] [-- --db sqlite,postgresql] [-- --batch 500] [-- --out /dev/null] [-- --keep]`
 *
 * Streams the network-wide episodes CSV export (lib/features/exports/data.ts exportEpisodesCsv, through
 * the same ReadableStream the route returns) from a temporary database holding `--rows` episodes,
 * and prints rows per second and the peak resident memory of the exporting process.
 *
 * For each database: a fresh SQLite file in the temp folder, or a fresh PostgreSQL database on
 * 127.0.0.1:5432 (BENCH_PG_ADMIN_URL to change), migrated by the project's runner and filled with
 * the benchmarks' one synthetic network (scripts/bench/synthetic.ts; patients and episodes only).
 * The export then runs in a child process of its own (scripts/bench/export-run.ts), so the peak
 * memory it reports is the export's and not the bulk insert's. Both are removed afterwards
 * (unless `--keep`, which prints the DATABASE_URL to look at it).
 *
 * `npm run bench` measures the same export on a database filled by `npm run bench:seed`, next to
 * its floor (the same rows through the bare driver).
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { migrateDatabase } from "../lib/ops/migrations/runner";
import { runExport, type ExportResult } from "./bench/export-run";
import { defaultOptions, fillNetwork, openBulkDriver } from "./bench/synthetic";
import { createScratchDatabase } from "./scratch-database";

const TARGET_ROWS_PER_SECOND = 50_000;
const TARGET_PEAK_MB = 150;

interface Args {
  rows: number;
  dbs: ("sqlite" | "postgresql")[];
  batch: number;
  out: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rows: 1_000_000, dbs: ["sqlite", "postgresql"], batch: 0, out: "/dev/null", keep: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--rows") args.rows = Number(value());
    else if (flag === "--db") args.dbs = value().split(",") as Args["dbs"];
    else if (flag === "--batch") args.batch = Number(value());
    else if (flag === "--out") args.out = value();
    else if (flag === "--keep") args.keep = true;
    else throw new Error(`Unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(args.rows) || args.rows < 1) throw new Error("--rows must be a positive whole number");
  if (args.dbs.some((d) => d !== "sqlite" && d !== "postgresql")) throw new Error("--db takes sqlite, postgresql or both");
  return args;
}

async function runOne(kind: "sqlite" | "postgresql", args: Args, log: (s: string) => void): Promise<ExportResult> {
  const scratch = await createScratchDatabase(kind, {
    name: `bench_export_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`,
    tempPrefix: "bench-export-",
  });
  const { url } = scratch;
  try {
    log(`${kind}: migrating ${scratch.label}`);
    await migrateDatabase(url);
    const driver = await openBulkDriver(url);
    const t0 = performance.now();
    const world = await fillNetwork(driver, defaultOptions({ episodes: args.rows, clinicalDetail: false }), log);
    await driver.exec("ANALYZE");
    await driver.close();
    log(`  filled in ${((performance.now() - t0) / 1000).toFixed(1)} s; exporting…`);
    return await runExport({ url, clinicIds: world.clinics.map((c) => c.id), mode: "app", batch: args.batch || undefined, out: args.out });
  } finally {
    if (args.keep) log(`  kept the database: DATABASE_URL=${url}`);
    else await scratch.drop();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => console.log(s);
  log(`Export benchmark: ${args.rows.toLocaleString("en")} episodes, Node ${process.version}, ${os.cpus().length} cores`);
  const results: [string, ExportResult][] = [];
  for (const kind of args.dbs) results.push([kind, await runOne(kind, args, log)]);
  log("");
  log(`Load average when done: ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} (${os.cpus().length} cores)`);
  log("");
  log("| database | rows | CSV size | time | rows/s | rows per CPU-second | peak RSS | RSS before export |");
  log("|---|---|---|---|---|---|---|---|");
  for (const [kind, r] of results)
    log(
      `| ${kind} | ${r.rows.toLocaleString("en")} | ${(r.bytes / 1024 / 1024).toFixed(0)} MiB | ${r.seconds.toFixed(1)} s | ${r.rowsPerSecond.toLocaleString("en")} | ${r.rowsPerCpuSecond.toLocaleString("en")} | ${r.peakRssMb} MB | ${r.baselineRssMb} MB |`,
    );
  const ok = results.every(([, r]) => r.rowsPerSecond >= TARGET_ROWS_PER_SECOND && r.peakRssMb < TARGET_PEAK_MB);
  log("");
  log(`Targets: >= ${TARGET_ROWS_PER_SECOND.toLocaleString("en")} rows/s and peak RSS < ${TARGET_PEAK_MB} MB: ${ok ? "met" : "NOT met"}`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
