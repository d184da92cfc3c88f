/**
 * Backups taken while the app writes, restored into a fresh database (SQLite file, or a fresh
 * PostgreSQL database test_restore_<random>), must pass every check. The backup and restore run
 * as the command-line scripts do, in child processes, while this process keeps writing.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { sqlitePath } from "@/lib/server/db-adapter";
import { backupDatabase, checkDatabase, restoreDatabase, RestoreRefused, unpairedCreateAudits } from "@/lib/ops/backup";
import { createEpisode } from "@/lib/features/episodes/data";
import { createPatient } from "@/lib/features/patients/data";
import { createVisit } from "@/lib/features/visits/data";
import { createWorld, validPatient } from "../factories/world";

// The SQLite library the app's Prisma adapter loads (see tests/helpers/raw-db.ts for why).
const Database = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"))("better-sqlite3") as typeof BetterSqlite3;

const kind = process.env.TEST_DB_KIND === "postgresql" ? "postgresql" : "sqlite";
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-backup-test-"));
const scratchDatabases: string[] = [];

let world: Awaited<ReturnType<typeof createWorld>>;
let patientIds: string[];
beforeAll(async () => {
  world = await createWorld(db);
  patientIds = [];
  for (let i = 0; i < 3; i++) {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: `BK-${i}` }));
    patientIds.push(p.id);
    await createVisit(world.actors.clinician, p.id, { occurredAt: new Date(Date.now() - 86400_000).toISOString(), labs: [{ analyte: "MAGNESIUM", value: 0.7, unit: "mmol/L" }] });
  }
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (scratchDatabases.length) {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    for (const name of scratchDatabases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
});

/** A fresh restore target: a file path in the temp folder, or a new PostgreSQL database. */
async function freshTarget(label: string): Promise<string> {
  if (kind === "sqlite") return `file:${path.join(dir, `${label}.db`)}`;
  const name = `test_restore_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  scratchDatabases.push(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join("scripts", script), ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Creates episodes through lib/features, one after another, until stopped. */
function startWriter() {
  const state = { stop: false, written: 0, done: Promise.resolve() };
  state.done = (async () => {
    for (let i = 0; !state.stop; i++) {
      await createEpisode(world.actors.clinician, patientIds[i % patientIds.length], {
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        durationSeconds: 30 + (i % 200),
        side: "LEFT",
        movement: "SUSTAINED_CONTRACTION",
        notes: `writer ${i}`,
      });
      state.written++;
      // Let timers and child-process events run between writes, as a server does between requests.
      await new Promise((r) => setImmediate(r));
    }
  })();
  return state;
}

async function until(condition: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sourceUrl = () => process.env.DATABASE_URL!;

/** Every row of every table, for comparing a SQLite database's content (not its header bytes). */
function contentOf(url: string): string {
  const raw = new Database(sqlitePath(url), { fileMustExist: true });
  try {
    const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
    return JSON.stringify(tables.map((t) => [t.name, raw.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all()]));
  } finally {
    raw.close();
  }
}
const ext = kind === "sqlite" ? "db" : "dump";

/**
 * A PostgreSQL backup runs the operating system's pg_dump (Debian: postgresql-client), which must
 * be at least as new as the server. Without one (a bare machine on the embedded server), the
 * PostgreSQL backup tests are skipped and say why; SQLite backups need nothing outside npm.
 */
async function pgDumpProblem(): Promise<string | null> {
  const tool = process.env.PG_BIN_DIR ? path.join(process.env.PG_BIN_DIR, "pg_dump") : "pg_dump";
  const version = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) return "no pg_dump on PATH";
  const dumpMajor = Number(/(\d+)(?:\.\d+)?/.exec(version.stdout)?.[1]);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const { rows } = await admin.query<{ server_version_num: string }>("SHOW server_version_num");
  await admin.end();
  const serverMajor = Math.floor(Number(rows[0].server_version_num) / 10000);
  return dumpMajor >= serverMajor ? null : `pg_dump ${dumpMajor} is older than the PostgreSQL ${serverMajor} server`;
}
const pgToolsMissing = kind === "postgresql" ? await pgDumpProblem() : null;
if (pgToolsMissing) console.warn(`backup tests skipped on PostgreSQL: ${pgToolsMissing}`);

describe.skipIf(pgToolsMissing !== null)(`backup and restore (${kind})`, () => {
  it("a backup taken while episodes are being written restores to a database that passes every check", { timeout: 120_000 }, async () => {
    const writer = startWriter();
    await until(() => writer.written >= 3);
    const episodesAtStart = await db.episode.count();
    const writtenAtStart = writer.written;
    const out = path.join(dir, `while-writing.${ext}`);
    const backup = await runScript("backup.ts", ["--out", out], { DATABASE_URL: sourceUrl() });
    const writtenDuringBackup = writer.written - writtenAtStart;
    writer.stop = true;
    await writer.done;
    const episodesAtEnd = await db.episode.count();

    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(out);
    expect(backup.stdout).toMatch(/size .*bytes/);
    expect(backup.stdout).toMatch(/duration +\d+\.\d+ s/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
    expect(writtenDuringBackup).toBeGreaterThan(0); // the app really was writing meanwhile

    const target = await freshTarget("restored");
    const restore = await runScript("restore.ts", [out, "--to", target]);
    expect(restore.stderr).toBe("");
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain("all checks passed");
    expect(restore.stdout).toMatch(/Episode +\d+/); // rows per table are printed

    const check = await checkDatabase(target);
    expect(check.checks.filter((c) => !c.ok)).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.checks.map((c) => c.name)).toEqual(
      kind === "sqlite"
        ? ["integrity_check", "foreign_key_check", "tables", "consistency", "_prisma_migrations", "triggers", "audit chain"]
        : ["foreign keys", "tables", "consistency", "_prisma_migrations", "triggers", "audit chain"],
    );
    // A snapshot of one instant: between the counts before and after, every episode with its
    // patient and its audit row, the chain whole up to the snapshot's last row.
    expect(check.counts.Episode).toBeGreaterThanOrEqual(episodesAtStart);
    expect(check.counts.Episode).toBeLessThanOrEqual(episodesAtEnd);
    expect(check.counts.Patient).toBe(3 + 0);
    expect(check.counts._prisma_migrations).toBeGreaterThan(0);
    expect(check.chain).toMatchObject({ ok: true, rows: check.counts.AuditEvent });
    const unpaired = await unpairedCreateAudits(target);
    expect(unpaired).toEqual({
      Patient: { withoutAudit: 0, auditWithoutRecord: 0 },
      Visit: { withoutAudit: 0, auditWithoutRecord: 0 },
      Episode: { withoutAudit: 0, auditWithoutRecord: 0 },
    });
  });

  it("the checks catch a tampered audit log in a restored database", { timeout: 120_000 }, async () => {
    const out = path.join(dir, `for-tamper.${ext}`);
    await backupDatabase(sourceUrl(), { out });
    const target = await freshTarget("tampered");
    const restored = await restoreDatabase(out, target);
    expect(restored.check.ok).toBe(true);
    const tamper = `UPDATE "AuditEvent" SET "details" = '{"edited":true}' WHERE "seq" = 3`;
    if (kind === "sqlite") {
      const raw = new Database(sqlitePath(target));
      raw.exec(`DROP TRIGGER "AuditEvent_no_update"; ${tamper};`);
      raw.close();
    } else {
      const raw = new pg.Client({ connectionString: target });
      await raw.connect();
      await raw.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER; ${tamper}; ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
      await raw.end();
    }
    const check = await checkDatabase(target);
    expect(check.ok).toBe(false);
    const failed = check.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toContain("audit chain");
    expect(check.chain?.broken).toMatchObject({ seq: 3, reason: "HASH_MISMATCH" });
    if (kind === "sqlite") expect(failed).toContain("triggers"); // the dropped guard is noticed too
  });

  it("refuses to restore over a database in use, and leaves it unchanged", { timeout: 120_000 }, async () => {
    const out = path.join(dir, `in-use.${ext}`);
    await backupDatabase(sourceUrl(), { out });
    await createEpisode(world.actors.clinician, patientIds[0], { occurredAt: new Date().toISOString(), durationSeconds: 60, side: "RIGHT" });
    const before = await db.episode.count();
    // This process has the test database open (its Prisma client): it is "the app".
    await expect(restoreDatabase(out, sourceUrl())).rejects.toThrow(RestoreRefused);
    const cli = await runScript("restore.ts", [out, "--to", sourceUrl()]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(kind === "sqlite" ? /in use.*Stop the app/ : /other session\(s\) are connected.*Stop the app/);
    expect(await db.episode.count()).toBe(before);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.includes(".restore-"))).toEqual([]);
  });

  it.runIf(kind === "sqlite")("a backup that fails its checks never replaces the target", { timeout: 120_000 }, async () => {
    const good = path.join(dir, "good.db");
    await backupDatabase(sourceUrl(), { out: good });
    const target = await freshTarget("kept");
    expect((await restoreDatabase(good, target)).check.ok).toBe(true);
    const targetContent = contentOf(target);

    // A backup whose audit log was edited after the fact.
    const bad = path.join(dir, "bad.db");
    fs.copyFileSync(good, bad);
    const raw = new Database(bad);
    raw.exec(`DROP TRIGGER "AuditEvent_no_update"; UPDATE "AuditEvent" SET "userEmail" = 'someone@else' WHERE "seq" = 2;`);
    raw.close();
    const cli = await runScript("restore.ts", [bad, "--to", target]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/FAIL +audit chain/);
    expect(cli.stderr).toMatch(/was NOT replaced/);
    expect(contentOf(target)).toBe(targetContent);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".restore-"))).toEqual([]);

    // Restoring the good one over it keeps the replaced database next to it.
    const again = await restoreDatabase(good, target);
    expect(again.replaced).toBe(true);
    expect(again.previous).toMatch(/kept\.db\.pre-restore-/);
    expect(fs.statSync(again.previous!).mode & 0o777).toBe(0o600);
  });
});
