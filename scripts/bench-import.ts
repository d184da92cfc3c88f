/**
 * `npm run bench:import [-- --rows 100000] [-- --db sqlite,postgresql]`
 *
 * Imports `--rows` generated patients (CSV, every optional column filled) into a fresh database
 * through the app's own code (lib/features/import/data.ts runPatientImport: parsing, the patient
 * schema on every row, batches of 1,000 in one transaction each, attention rows, audit rows), and
 * prints rows per second and total seconds for the dry run, the import, and the same file again
 * (every row unchanged). Target: the import of 100,000 rows under 60 s.
 *
 * Each database (a temp SQLite file, or a new PostgreSQL database on 127.0.0.1:5432,
 * BENCH_PG_ADMIN_URL to change) is migrated by the project's runner, imported into by a child
 * process of its own (the app's database client reads DATABASE_URL once), then removed.
 * BENCH_CPU_PROF=<folder> writes the child's CPU profile there (node --cpu-prof).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { migrateDatabase } from "../lib/ops/migrations/runner";
import { createScratchDatabase } from "./scratch-database";

const TARGET_SECONDS = 60;

interface Timing {
  seconds: number;
  rowsPerSecond: number;
}
interface ChildResult {
  rows: number;
  bytes: number;
  preview: Timing;
  run: Timing & { created: number; refused: number };
  again: Timing & { unchanged: number; created: number; updated: number };
}

function parseArgs(argv: string[]) {
  const args = { rows: 100_000, dbs: ["sqlite", "postgresql"] as ("sqlite" | "postgresql")[], child: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--rows") args.rows = Number(value());
    else if (flag === "--db") args.dbs = value().split(",") as typeof args.dbs;
    else if (flag === "--child") args.child = true;
    else throw new Error(`Unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(args.rows) || args.rows < 1) throw new Error("--rows must be a positive whole number");
  if (args.dbs.some((d) => d !== "sqlite" && d !== "postgresql")) throw new Error("--db takes sqlite, postgresql or both");
  return args;
}

const GIVEN = ["Anna", "Jonas", "Ines", "Eva", "Omar", "Mei", "Lukas", "Sara", "Tomasz", "Aiko"];
const FAMILY = ["Novak", "Berg", "Okafor", "Lind", "Haddad", "Chen", "Weber", "Rossi", "Kowalski", "Sato"];
const SEX = ["female", "male", "other", "unknown"];
const ALLERGY = ["not recorded", "no known allergies", "allergies recorded"];

export function generateCsv(rows: number): string {
  const lines = ["mrn,given_name,family_name,birth_date,sex,height_cm,allergy_status,allergies"];
  for (let i = 0; i < rows; i++) {
    const year = 1930 + (i % 90);
    const month = String(1 + (i % 12)).padStart(2, "0");
    const day = String(1 + (i % 28)).padStart(2, "0");
    const allergy = ALLERGY[i % 3];
    lines.push(
      [
        `BENCH-${String(i + 1).padStart(7, "0")}`,
        GIVEN[i % 10],
        `${FAMILY[(i * 7) % 10]}-${i % 997}`,
        `${year}-${month}-${day}`,
        SEX[i % 4],
        String(150 + (i % 45)),
        allergy,
        allergy === "allergies recorded" ? "Penicillin: rash" : "",
      ].join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}

/** In the child: one database (DATABASE_URL), the three timed passes. */
async function child(rows: number): Promise<ChildResult> {
  const { db } = await import("../lib/server/db");
  const { actorFor } = await import("../lib/server/permissions");
  const { previewPatientImport, runPatientImport } = await import("../lib/features/import/data");
  const clinic = await db.clinic.create({ data: { name: "Bench Clinic" } });
  const user = await db.user.create({
    data: { email: "bench-admin@bench.clinic", name: "Bench Admin", role: "ADMIN", passwordHash: "not-a-hash", memberships: { create: [{ clinicId: clinic.id }] } },
  });
  const actor = actorFor(user, [clinic.id], "system");
  const content = generateCsv(rows);
  const input = { clinicId: clinic.id, content };
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, Timing]> => {
    const t0 = performance.now();
    const out = await fn();
    const seconds = (performance.now() - t0) / 1000;
    return [out, { seconds, rowsPerSecond: rows / seconds }];
  };
  const [, preview] = await timed(() => previewPatientImport(actor, input));
  const [run, runTime] = await timed(() => runPatientImport(actor, input));
  const [again, againTime] = await timed(() => runPatientImport(actor, input));
  const stored = await db.patient.count();
  const attention = await db.patientAttention.count();
  if (run.failure || stored !== rows || attention !== rows) throw new Error(`Import incomplete: ${JSON.stringify({ failure: run.failure, stored, attention })}`);
  await db.$disconnect();
  return {
    rows,
    bytes: Buffer.byteLength(content),
    preview,
    run: { ...runTime, created: run.created, refused: run.refused },
    again: { ...againTime, unchanged: again.unchanged, created: again.created, updated: again.updated },
  };
}

function runChild(url: string, rows: number): ChildResult {
  const script = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, [...process.execArgv, ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), script, "--child", "--rows", String(rows)], {
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = out.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (out.status !== 0 || !line) throw new Error(`import child failed (${out.status}):\n${out.stderr}\n${out.stdout}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as ChildResult;
}

const fmt = (t: Timing) => `${t.seconds.toFixed(1)} s, ${Math.round(t.rowsPerSecond).toLocaleString("en")} rows/s`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    console.log(`BENCH_RESULT ${JSON.stringify(await child(args.rows))}`);
    return;
  }
  console.log(`Patient import benchmark: ${args.rows.toLocaleString("en")} CSV rows, Node ${process.version}, ${os.cpus().length} cores`);
  let failed = false;
  for (const kind of args.dbs) {
    const scratch = await createScratchDatabase(kind, { name: `bench_import_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`, tempPrefix: "bench-import-" });
    try {
      await migrateDatabase(scratch.url);
      const r = runChild(scratch.url, args.rows);
      console.log(`${kind}: file ${(r.bytes / 1048576).toFixed(1)} MB`);
      console.log(`  dry run:          ${fmt(r.preview)}`);
      console.log(`  import:           ${fmt(r.run)} (${r.run.created.toLocaleString("en")} created, ${r.run.refused} refused)`);
      console.log(`  same file again:  ${fmt(r.again)} (${r.again.unchanged.toLocaleString("en")} unchanged, ${r.again.created} created, ${r.again.updated} updated)`);
      const ok = r.run.seconds < TARGET_SECONDS;
      if (!ok) failed = true;
      console.log(`  target: import under ${TARGET_SECONDS} s: ${ok ? "met" : "MISSED"}`);
    } finally {
      await scratch.drop();
    }
  }
  if (failed) process.exitCode = 1;
}

// Run as a script (not when a probe imports generateCsv).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
