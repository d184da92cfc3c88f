/**
 * `npm run bench:export [-- --rows 1000000] [-- --db sqlite,postgresql] [-- --batch 2000] [-- --out /dev/null]`
 *
 * Streams the clinic-wide episodes CSV export (lib/data/exports.ts exportEpisodesCsv, through the
 * same ReadableStream the route returns) from a temporary database holding `--rows` episodes,
 * and prints rows per second and the peak resident memory of the exporting process.
 *
 * For each database: a fresh SQLite file in the temp folder, or a fresh PostgreSQL database on
 * 127.0.0.1:5432 (BENCH_PG_ADMIN_URL to change), migrated by the project's runner and filled with
 * multi-row INSERT batches. The export then runs in a child process of its own, so the peak memory
 * it reports is the export's and not the bulk insert's. Both are removed afterwards (unless
 * `--keep`, which prints the DATABASE_URL to look at it).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import Database from "better-sqlite3";
import { migrateDatabase } from "../lib/migrations/runner";

const TARGET_ROWS_PER_SECOND = 50_000;
const TARGET_PEAK_MB = 150;

interface Args {
  rows: number;
  dbs: ("sqlite" | "postgresql")[];
  batch: number;
  out: string;
  child: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { rows: 1_000_000, dbs: ["sqlite", "postgresql"], batch: 0, out: "/dev/null", child: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--rows") args.rows = Number(value());
    else if (flag === "--db") args.dbs = value().split(",") as Args["dbs"];
    else if (flag === "--batch") args.batch = Number(value());
    else if (flag === "--out") args.out = value();
    else if (flag === "--child") args.child = true;
    else if (flag === "--keep") args.keep = true;
    else throw new Error(`Unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(args.rows) || args.rows < 1) throw new Error("--rows must be a positive whole number");
  if (args.dbs.some((d) => d !== "sqlite" && d !== "postgresql")) throw new Error("--db takes sqlite, postgresql or both");
  return args;
}

// ---------------------------------------------------------------------------------------------
// Filling the database

const PATIENTS = 2000;
const COLUMNS = [
  "id", "patientId", "clinicId", "occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "rhythm",
  "voluntaryControl", "urgeToMove", "worseAtRestOrEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep",
  "painScore", "triggers", "relief", "classification", "suggestedClassification", "suggestionRationale", "warnings",
  "needsReview", "notes", "createdAt", "updatedAt",
] as const;

const SIDES = ["LEFT", "RIGHT", "BOTH"];
const MOVES = ["SUSTAINED_CONTRACTION", "TWITCHES", "RHYTHMIC_JERKS", "URGE_TO_MOVE", "SUSTAINED_THEN_TREMBLING"];
const TYPES = ["TONIC", "MYOCLONIC", "CLONIC", "RLS", "TONIC_CLONIC"];
const TRIGGER_SETS = ["EXERTION", "COLD", "EXERTION,HEAT_SWEATING", "UNKNOWN", "STRESS,PROLONGED_REST", ""];
// Some notes that need quoting, so the benchmark pays for escaping like a real export.
const NOTES = ["", "", "woke at night, stretched", 'said "like a knot"', "left calf\nthen right", "=not a formula"];

/** A deterministic episode row; `kind` decides how booleans and dates are written. */
function episodeRow(i: number, clinicId: string, kind: "sqlite" | "postgresql", now: number): unknown[] {
  const at = new Date(now - (i % 1_000_000) * 31_000 - Math.floor(i / 1_000_000) * 7_000);
  const date = kind === "sqlite" ? at.toISOString().replace("Z", "+00:00") : at.toISOString();
  const b = (v: boolean) => (kind === "sqlite" ? (v ? 1 : 0) : v);
  const m = i % MOVES.length;
  return [
    `bench${i.toString(36).padStart(10, "0")}`,
    `benchpatient${(i % PATIENTS).toString().padStart(5, "0")}`,
    clinicId,
    date,
    10 + (i % 600),
    SIDES[i % 3],
    i % 11 === 0 ? "FOOT" : "CALF",
    MOVES[m],
    m === 1 ? "IRREGULAR" : null,
    b(m === 3),
    b(m === 3),
    b(m === 3),
    b(m === 3),
    b(i % 997 === 0),
    b(i % 4 === 0),
    i % 13 === 0 ? null : i % 11,
    TRIGGER_SETS[i % TRIGGER_SETS.length],
    i % 2 ? "STRETCHING" : "MASSAGE,WARMTH",
    i % 7 === 0 ? null : TYPES[(m + (i % 17 === 0 ? 1 : 0)) % TYPES.length],
    TYPES[m],
    "[]",
    "[]",
    b(i % 17 === 0),
    NOTES[i % NOTES.length],
    date,
    date,
  ];
}

async function fillSqlite(file: string, rows: number, log: (s: string) => void): Promise<string> {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const clinicId = "benchclinic";
  const now = Date.now();
  db.prepare(`INSERT INTO "Clinic" ("id","name","timeZone") VALUES (?,?,?)`).run(clinicId, "Bench Clinic", "Europe/Berlin");
  const stamp = new Date().toISOString().replace("Z", "+00:00");
  const insertPatient = db.prepare(
    `INSERT INTO "Patient" ("id","clinicId","mrn","givenName","familyName","searchText","birthDate","sex","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?)`,
  );
  db.transaction(() => {
    for (let p = 0; p < PATIENTS; p++) {
      const id = `benchpatient${p.toString().padStart(5, "0")}`;
      insertPatient.run(id, clinicId, `B-${p}`, "Bench", `Patient ${p}`, `patient ${p} bench b-${p}`, "1970-01-01", "FEMALE", stamp, stamp);
    }
  })();
  const perInsert = 500; // 500 rows x 26 columns stays under SQLite's 32,766 parameters
  const values = `(${COLUMNS.map(() => "?").join(",")})`;
  const full = db.prepare(`INSERT INTO "Episode" (${COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${Array(perInsert).fill(values).join(",")}`);
  const t0 = performance.now();
  const insertAll = db.transaction(() => {
    for (let start = 0; start < rows; start += perInsert) {
      const n = Math.min(perInsert, rows - start);
      const params: unknown[] = [];
      for (let i = start; i < start + n; i++) params.push(...episodeRow(i, clinicId, "sqlite", now));
      if (n === perInsert) full.run(params);
      else db.prepare(`INSERT INTO "Episode" (${COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${Array(n).fill(values).join(",")}`).run(params);
    }
  });
  insertAll();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  log(`  inserted ${rows.toLocaleString("en")} episodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return clinicId;
}

async function fillPostgres(url: string, rows: number, log: (s: string) => void): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const clinicId = "benchclinic";
  const now = Date.now();
  try {
    await client.query(`INSERT INTO "Clinic" ("id","name","timeZone") VALUES ($1,$2,$3)`, [clinicId, "Bench Clinic", "Europe/Berlin"]);
    const pRows: unknown[] = [];
    const pValues: string[] = [];
    for (let p = 0; p < PATIENTS; p++) {
      const id = `benchpatient${p.toString().padStart(5, "0")}`;
      const o = pRows.length;
      pValues.push(`($${o + 1},$${o + 2},$${o + 3},$${o + 4},$${o + 5},$${o + 6},$${o + 7},$${o + 8},now(),now())`);
      pRows.push(id, clinicId, `B-${p}`, "Bench", `Patient ${p}`, `patient ${p} bench b-${p}`, "1970-01-01", "FEMALE");
    }
    await client.query(
      `INSERT INTO "Patient" ("id","clinicId","mrn","givenName","familyName","searchText","birthDate","sex","createdAt","updatedAt") VALUES ${pValues.join(",")}`,
      pRows,
    );
    const perInsert = 2000; // 2,000 rows x 26 columns stays under PostgreSQL's 65,535 parameters
    const t0 = performance.now();
    await client.query("BEGIN");
    for (let start = 0; start < rows; start += perInsert) {
      const n = Math.min(perInsert, rows - start);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < start + n; i++) {
        const o = params.length;
        tuples.push(`(${COLUMNS.map((_, c) => `$${o + c + 1}`).join(",")})`);
        params.push(...episodeRow(i, clinicId, "postgresql", now));
      }
      await client.query(`INSERT INTO "Episode" (${COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${tuples.join(",")}`, params);
    }
    await client.query("COMMIT");
    await client.query(`ANALYZE "Episode"`);
    await client.query(`ANALYZE "Patient"`);
    log(`  inserted ${rows.toLocaleString("en")} episodes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
  return clinicId;
}

// ---------------------------------------------------------------------------------------------
// The export (child process)

interface ChildResult {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  baselineRssMb: number;
  /** Rows per second of the exporting process's own CPU time (user + system): the rate without other load on the machine. */
  rowsPerCpuSecond: number;
}

async function runChild(args: Args): Promise<void> {
  const { exportEpisodesCsv, CSV_BATCH_SIZE } = await import("../lib/data/exports");
  const { textStream } = await import("../lib/export/stream");
  const clinicId = process.env.BENCH_CLINIC_ID!;
  const actor = { userId: "bench", email: "bench@example.invalid", name: "Benchmark", role: "CLINICIAN" as const, clinicIds: [clinicId], via: "system" as const, ip: null };
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const exp = await exportEpisodesCsv(actor, {}, { batchSize: args.batch || CSV_BATCH_SIZE });
  const reader = textStream(exp.chunks).getReader();
  const out = fs.openSync(args.out, "w");
  let bytes = 0;
  let newlines = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    // Records end in CRLF; a line break inside a quoted note is a lone LF, so CR counts records.
    for (let i = 0; i < value.length; i++) if (value[i] === 13) newlines++;
    fs.writeSync(out, value);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  fs.closeSync(out);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const rows = newlines - 1; // less the header
  if (rows !== exp.rows) throw new Error(`exported ${rows} rows, the audit row says ${exp.rows}`);
  const result: ChildResult = {
    rows,
    bytes,
    seconds,
    rowsPerSecond: Math.round(rows / seconds),
    peakRssMb: Math.round((peak / 1024 / 1024) * 10) / 10,
    baselineRssMb: Math.round((baseline / 1024 / 1024) * 10) / 10,
    rowsPerCpuSecond: Math.round(rows / ((cpu.user + cpu.system) / 1e6)),
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The driver

async function runOne(kind: "sqlite" | "postgresql", args: Args, log: (s: string) => void): Promise<ChildResult> {
  const name = `bench_export_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-export-"));
    url = `file:${path.join(dir, "bench.db")}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await d.end();
    };
  }
  try {
    log(`${kind}: migrating ${kind === "sqlite" ? url : name}`);
    await migrateDatabase(url);
    const clinicId = kind === "sqlite" ? await fillSqlite(url.slice("file:".length), args.rows, log) : await fillPostgres(url, args.rows, log);
    log(`  exporting…`);
    const childArgs = [await childEntry(), "--child", "--out", args.out, ...(args.batch ? ["--batch", String(args.batch)] : [])];
    const child = spawnSync(process.execPath, childArgs, {
      env: { ...process.env, DATABASE_URL: url, BENCH_CLINIC_ID: clinicId, NODE_ENV: "production" },
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = child.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (child.status !== 0 || !line) throw new Error(`export child failed (${child.status}):\n${child.stderr}\n${child.stdout}`);
    return JSON.parse(line.slice("BENCH_RESULT ".length)) as ChildResult;
  } finally {
    if (args.keep) log(`  kept the database: DATABASE_URL=${url}`);
    else await cleanup();
  }
}

/**
 * The export runs as compiled JavaScript, as it does in the built server: this script bundled by
 * esbuild (tsx's own compiler) into tmp/, packages left external. Under tsx the process would
 * carry the TypeScript loader's memory as well (about 30 MB more).
 */
let bundled: string | null = null;
async function childEntry(): Promise<string> {
  if (bundled) return bundled;
  const { build } = await import("esbuild");
  const out = path.resolve("tmp", "bench-export", "child.mjs");
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return (bundled = out);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) return runChild(args);
  const log = (s: string) => console.log(s);
  log(`Export benchmark: ${args.rows.toLocaleString("en")} episodes, Node ${process.version}, ${os.cpus().length} cores`);
  const results: [string, ChildResult][] = [];
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
