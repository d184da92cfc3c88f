/**
 * `npm run bench:seed -- [--url <DATABASE_URL>] [--reset] [--episodes 1000000] [--patients 10000]
 *   [--seed 20261125] [--now <ISO instant>] [--force]`
 *
 * Fills a database with the benchmark network (scripts/bench/synthetic.ts: 4 clinics, 10,000
 * patients, 1,000,000 episodes over 3 years, visits, labs, checklist entries), migrated by the
 * project's runner (indexes included), then ANALYZE.
 *
 * The database is DATABASE_URL unless --url is given. It must be empty (a fresh file, or a
 * PostgreSQL database with no tables; it is created if missing); --reset empties it first (deletes
 * the SQLite file, or drops and creates the PostgreSQL database). The app's own database
 * (file:./data/clinic.db) is refused unless --force.
 *
 * Sign-in for the HTTP benchmark: bench-clinician-01@bench.invalid … -20@ (CLINICIAN) and
 * bench-admin@bench.invalid (ADMIN), every one a member of every clinic, password
 * BENCH_PASSWORD in scripts/bench/synthetic.ts.
 *
 * Deterministic: the same --seed, --now and sizes give the same rows. --now defaults to the
 * start of the current hour, so the last 30 days of the data are the last 30 days of the clock.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { databaseKind, DEFAULT_DATABASE_URL, sqlitePath } from "../lib/server/db-adapter";
import { hashPassword } from "../lib/server/auth/password";
import { migrateDatabase } from "../lib/ops/migrations/runner";
import {
  BENCH_PASSWORD,
  BENCH_USERS,
  computeAttention,
  computeDayCounts,
  defaultOptions,
  fillNetwork,
  openBulkDriver,
} from "./bench/synthetic";

const USAGE = `npm run bench:seed -- [--url <DATABASE_URL>] [--reset] [--episodes 1000000] [--patients 10000] [--seed 20261125] [--now <ISO instant>] [--force]
Fills an empty database (DATABASE_URL unless --url) with the benchmark network; --reset empties it first. See the comment at the top of scripts/bench-seed.ts.`;

function parseArgs(argv: string[]) {
  const args = { url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, reset: false, force: false, episodes: 1_000_000, patients: 10_000, seed: 20261125, now: null as Date | null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--url") args.url = value();
    else if (flag === "--reset") args.reset = true;
    else if (flag === "--force") args.force = true;
    else if (flag === "--episodes") args.episodes = Number(value());
    else if (flag === "--patients") args.patients = Number(value());
    else if (flag === "--seed") args.seed = Number(value());
    else if (flag === "--now") args.now = new Date(value());
    else if (flag === "--help") {
      console.log(USAGE);
      process.exit(0);
    }
    else throw new Error(`Unknown argument ${argv[i]}`);
  }
  for (const k of ["episodes", "patients", "seed"] as const) if (!Number.isInteger(args[k]) || args[k] < 1) throw new Error(`--${k} must be a positive whole number`);
  if (args.now && Number.isNaN(args.now.getTime())) throw new Error("--now must be an ISO instant");
  return args;
}

/** Empties (with --reset) or checks the target, creating a missing PostgreSQL database. */
async function prepareTarget(url: string, reset: boolean): Promise<void> {
  if (databaseKind(url) === "sqlite") {
    const file = sqlitePath(url);
    if (fs.existsSync(file) && fs.statSync(file).size > 0) {
      if (!reset) throw new Error(`${file} exists: pass --reset to replace it`);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Database name ${name} must be letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const exists = (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount! > 0;
    if (exists && reset) await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    if (!exists || reset) {
      await c.query(`CREATE DATABASE "${name}"`);
      return;
    }
  } finally {
    await c.end();
  }
  const d = new pg.Client({ connectionString: url });
  await d.connect();
  try {
    const tables = (await d.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).rows[0].n as number;
    if (tables > 0) throw new Error(`PostgreSQL database ${name} has tables: pass --reset to drop and create it again`);
  } finally {
    await d.end();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const kind = databaseKind(args.url);
  if (kind === "sqlite" && sqlitePath(args.url) === sqlitePath(DEFAULT_DATABASE_URL) && !args.force) {
    throw new Error(`Refusing to fill the app's own database (${DEFAULT_DATABASE_URL}): give another DATABASE_URL or --url, or --force`);
  }
  const started = performance.now();
  const now = args.now ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const log = (m: string) => console.log(m);
  log(`bench:seed ${kind} ${kind === "sqlite" ? sqlitePath(args.url) : new URL(args.url).pathname.slice(1)}: ${args.patients.toLocaleString("en")} patients, ${args.episodes.toLocaleString("en")} episodes, seed ${args.seed}, now ${now.toISOString()}`);
  await prepareTarget(args.url, args.reset);
  await migrateDatabase(args.url);
  const driver = await openBulkDriver(args.url);
  try {
    const world = await fillNetwork(
      driver,
      defaultOptions({ seed: args.seed, now, patients: args.patients, episodes: args.episodes, users: BENCH_USERS, passwordHash: await hashPassword(BENCH_PASSWORD) }),
      log,
    );
    process.env.DATABASE_URL = args.url;
    log(`  red flags and review marks per patient (PatientAttention) in ${(await computeAttention(args.url, now)).toFixed(1)} s`);
    log(`  episodes per clinic, local day and type (EpisodeDayCount) in ${(await computeDayCounts(args.url)).toFixed(1)} s`);
    log("  ANALYZE");
    await driver.exec(kind === "sqlite" ? "ANALYZE" : "VACUUM ANALYZE");
    if (kind === "sqlite") await driver.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    log(
      `Done in ${((performance.now() - started) / 1000).toFixed(0)} s (load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(", ")}): ${Object.entries(world.counts)
        .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
        .join(", ")}`,
    );
    log(`Busy patient ${world.busyPatientId}; typical frequent patient ${world.typicalPatientId}. Sign in as bench-clinician-01@bench.invalid / ${BENCH_PASSWORD}.`);
  } finally {
    await driver.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
