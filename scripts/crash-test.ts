/**
 * `npm run crash-test -- [--rounds 50] [--db sqlite|postgresql|both] [--min-ms 50] [--max-ms 800]
 *                        [--concurrency 3] [--keep]`
 *
 * Kills a writing process with SIGKILL at random moments, over and over against one database, then
 * checks that nothing acknowledged was lost and nothing was half-written:
 * - every write the child acknowledged (printed after the lib/features call returned) is present;
 * - no partial record: every visit has exactly the lab results it was written with (the count is
 *   in its notes), every record has its *_CREATE audit row and every such audit row its record;
 * - integrity_check ok and foreign keys intact (SQLite), foreign keys and invariants (both),
 *   the audit chain verified.
 * This is a process crash (the app killed mid-transaction). A power cut is a different test: it
 * relies on synchronous=FULL fsyncing each commit (see BENCHMARKS.md, "Crash safety").
 * Exits non-zero if anything is missing, partial or failing.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { migrateDatabase } from "../lib/ops/migrations/runner";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "50" },
    db: { type: "string", default: "sqlite" },
    "min-ms": { type: "string", default: "50" },
    "max-ms": { type: "string", default: "800" },
    concurrency: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const minMs = Number(values["min-ms"]);
const maxMs = Number(values["max-ms"]);
const kinds = values.db === "both" ? (["sqlite", "postgresql"] as const) : ([values.db] as ("sqlite" | "postgresql")[]);
if (!Number.isInteger(rounds) || rounds < 1 || kinds.some((k) => k !== "sqlite" && k !== "postgresql") || !(minMs >= 0 && maxMs >= minMs)) {
  console.error("Usage: npm run crash-test -- [--rounds 50] [--db sqlite|postgresql|both] [--min-ms 50] [--max-ms 800] [--concurrency 3] [--keep]");
  process.exit(2);
}
const PG_ADMIN_URL = process.env.CRASH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

interface Figures {
  kind: string;
  rounds: number;
  killedMidRun: number;
  /** Writes started but not acknowledged when the kill came: each either committed whole or not at all. */
  inFlightAtKill: number;
  acknowledged: number;
  found: number;
  missing: number;
  partial: number;
  unacknowledgedButCommitted: number;
  checksFailed: string[];
  seconds: number;
}

/** A fresh database for the run, and how to get rid of it. */
async function freshDatabase(kind: "sqlite" | "postgresql"): Promise<{ url: string; where: string; drop: () => Promise<void> }> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-crash-"));
    const file = path.join(dir, "crash.db");
    return { url: `file:${file}`, where: file, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `crash_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    where: `database ${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

interface Round {
  starts: number;
  acks: { kind: "visit" | "episode"; id: string; labs?: number }[];
  killed: boolean;
  error: string | null;
}

/** One writer process, killed with SIGKILL a random time after it said READY. */
function runRound(url: string, env: Record<string, string>): Promise<Round> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join("scripts", "crash-writer.ts")], {
      env: { ...process.env, ...env, DATABASE_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const round: Round = { starts: 0, acks: [], killed: false, error: null };
    let buffer = "";
    let stderr = "";
    const guard = setTimeout(() => {
      round.error = "no READY within 60 s";
      child.kill("SIGKILL");
    }, 60_000);
    const onLine = (line: string) => {
      if (line === "READY") {
        clearTimeout(guard);
        const delay = minMs + Math.random() * (maxMs - minMs);
        setTimeout(() => {
          round.killed = child.kill("SIGKILL");
        }, delay);
        return;
      }
      if (line === "START") {
        round.starts++;
        return;
      }
      const [tag, kind, id, labs] = line.split(" ");
      if (tag === "ACK" && (kind === "visit" || kind === "episode") && id) round.acks.push({ kind, id, labs: labs === undefined ? undefined : Number(labs) });
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      // A partial last line was never fully printed: not an acknowledgement.
      if (signal !== "SIGKILL") round.error = `writer exited by itself (code ${code}): ${stderr.trim().slice(0, 500)}`;
      resolve(round);
    });
  });
}

async function crashTest(kind: "sqlite" | "postgresql"): Promise<Figures> {
  const started = performance.now();
  const database = await freshDatabase(kind);
  console.log(`\n${kind}: ${rounds} rounds against ${database.where}, SIGKILL ${minMs}-${maxMs} ms after the writer is ready`);
  try {
    await migrateDatabase(database.url);
    // lib/server/db binds its client to DATABASE_URL when first imported.
    process.env.DATABASE_URL = database.url;
    const { db } = await import("../lib/server/db");
    const { createPatient } = await import("../lib/features/patients/data");
    const { checkDatabase, unpairedCreateAudits } = await import("../lib/ops/backup");

    const clinic = await db.clinic.create({ data: { name: "Crash Test Clinic" } });
    const user = await db.user.create({
      data: { email: "crash@test.invalid", name: "Crash Writer", role: "CLINICIAN", passwordHash: "!", memberships: { create: [{ clinicId: clinic.id }] } },
    });
    const actor = { userId: user.id, email: user.email, name: user.name, role: "CLINICIAN" as const, clinicIds: [clinic.id], via: "system" as const };
    const patients: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await createPatient(actor, { mrn: `CRASH-${i}`, givenName: "Test", familyName: `Crash${i}`, birthDate: "1970-01-01", sex: "FEMALE", pregnant: false, conditions: [], lifestyle: [], medications: [] });
      patients.push(p.id);
    }
    await db.$disconnect(); // the writers are the only ones with the database open

    const env = { CRASH_ACTOR: JSON.stringify(actor), CRASH_PATIENTS: JSON.stringify(patients), CRASH_CONCURRENCY: values.concurrency! };
    const acked = new Map<string, { kind: "visit" | "episode"; labs?: number }>();
    let killedMidRun = 0;
    let inFlightAtKill = 0;
    const errors: string[] = [];
    for (let r = 1; r <= rounds; r++) {
      const round = await runRound(database.url, env);
      for (const a of round.acks) acked.set(a.id, a);
      if (round.killed) killedMidRun++;
      inFlightAtKill += round.starts - round.acks.length;
      if (round.error) errors.push(`round ${r}: ${round.error}`);
      process.stdout.write(`\r  round ${r}/${rounds}: ${acked.size} acknowledged writes so far`);
    }
    process.stdout.write("\n");

    // After the last kill: what a restarted app would find.
    const visits = await db.visit.findMany({ select: { id: true, notes: true, _count: { select: { labs: true } } } });
    const episodes = await db.episode.findMany({ select: { id: true } });
    await db.$disconnect();
    const present = new Set([...visits.map((v) => v.id), ...episodes.map((e) => e.id)]);
    const missing = [...acked.keys()].filter((id) => !present.has(id));
    const partialVisits = visits.filter((v) => {
      const m = /labs=(\d+)/.exec(v.notes);
      return !m || Number(m[1]) !== v._count.labs;
    });
    const ackedWrongLabs = visits.filter((v) => acked.get(v.id)?.labs !== undefined && acked.get(v.id)!.labs !== v._count.labs);
    const unpaired = await unpairedCreateAudits(database.url);
    const unpairedTotal = Object.values(unpaired).reduce((n, u) => n + u.withoutAudit + u.auditWithoutRecord, 0);
    const check = await checkDatabase(database.url);
    const checksFailed = check.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    if (errors.length) checksFailed.push(...errors.slice(0, 5));

    const figures: Figures = {
      kind,
      rounds,
      killedMidRun,
      inFlightAtKill,
      acknowledged: acked.size,
      found: acked.size - missing.length,
      missing: missing.length,
      partial: partialVisits.length + ackedWrongLabs.length + unpairedTotal,
      unacknowledgedButCommitted: present.size - (acked.size - missing.length),
      checksFailed,
      seconds: (performance.now() - started) / 1000,
    };
    for (const c of check.checks) console.log(`  ${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}`);
    console.log(`  audit pairing: ${unpairedTotal === 0 ? "every visit and episode has its *_CREATE row and vice versa" : JSON.stringify(unpaired)}`);
    console.log(`  rows: ${check.counts.Visit} visits, ${check.counts.LabResult} lab results, ${check.counts.Episode} episodes, ${check.counts.AuditEvent} audit rows`);
    if (missing.length) console.log(`  MISSING acknowledged ids (first 10): ${missing.slice(0, 10).join(", ")}`);
    if (partialVisits.length) console.log(`  PARTIAL visits (first 10): ${partialVisits.slice(0, 10).map((v) => `${v.id} ${v.notes} has ${v._count.labs}`).join("; ")}`);
    if (!values.keep) await database.drop();
    else console.log(`  kept ${database.where}`);
    return figures;
  } catch (error) {
    if (!values.keep) await database.drop().catch(() => undefined);
    throw error;
  }
}

// lib/server/db binds one client per process: with --db both, each provider runs in its own process.
if (kinds.length > 1) {
  const args = process.argv.slice(2).filter((a, i, argv) => !a.startsWith("--db") && argv[i - 1] !== "--db");
  for (const kind of kinds) {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join("scripts", "crash-test.ts"), ...args, "--db", kind], { stdio: "inherit" });
    const code: number = await new Promise((r) => child.on("close", (c) => r(c ?? 1)));
    if (code !== 0) process.exitCode = code;
  }
  process.exit();
}

const all: Figures[] = [await crashTest(kinds[0])];
console.log("\n| database | rounds | killed mid-run | writes in flight at the kill | acknowledged writes | found | missing | partial | committed, not acknowledged | checks | duration |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const f of all) {
  console.log(`| ${f.kind} | ${f.rounds} | ${f.killedMidRun} | ${f.inFlightAtKill} | ${f.acknowledged} | ${f.found} | ${f.missing} | ${f.partial} | ${f.unacknowledgedButCommitted} | ${f.checksFailed.length === 0 ? "all passed" : "FAILED"} | ${f.seconds.toFixed(1)} s |`);
  for (const c of f.checksFailed) console.log(`  FAIL ${c}`);
}
if (all.some((f) => f.missing > 0 || f.partial > 0 || f.checksFailed.length > 0)) process.exitCode = 1;
