/**
 * Backups, restores and the checks a restored database must pass, for SQLite and PostgreSQL.
 * Command-line entry points: scripts/backup.ts (`npm run backup`), scripts/restore.ts
 * (`npm run restore`), scripts/check-database.ts. Backups hold PHI: files are written 0600 in a
 * 0700 folder, and never under a final name until complete.
 *
 * - SQLite: `VACUUM INTO` on a connection to the live file: one read transaction, so a consistent
 *   snapshot while the app keeps writing (WAL readers do not block writers). It also leaves out
 *   free pages, which may still hold the content of deleted or purged rows. The live file is never
 *   copied (a copy of a WAL database taken mid-write is not a database).
 * - PostgreSQL: `pg_dump --format=custom`, which reads in one repeatable-read snapshot.
 *
 * Not imported by the web app: a server-only module for scripts and tests.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Prisma } from "@/generated/prisma/browser";
import { databaseKind, DEFAULT_DATABASE_URL, sqlitePath, type DatabaseKind } from "@/lib/server/db-adapter";
import { listMigrations } from "@/lib/ops/migrations/runner";
import type { ChainReport } from "@/lib/features/audit-log/data";

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

// The SQLite library the app's Prisma adapter loads (its own nested better-sqlite3 while the
// versions differ), not the top-level one. Two SQLite libraries in one process do not see each
// other's POSIX locks: a check or backup in a process that also has the Prisma client open would
// not notice the app's connection ("in use" undetected), and closing its connection would drop
// the locks of the app's (https://sqlite.org/howtocorrupt.html, section 2.2.1).
const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"));
const Database = requireFromAdapter("better-sqlite3") as typeof BetterSqlite3;

export const BACKUP_DIR = "backups";

/** A URL safe to print: the password of a PostgreSQL URL is masked. */
export function redactUrl(url: string): string {
  if (databaseKind(url) === "sqlite") return url;
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, "-");
}

/** backups/clinic-2026-11-25T02-30-00-000Z.db (SQLite) or .dump (PostgreSQL custom format). */
export function defaultBackupPath(kind: DatabaseKind, at = new Date()): string {
  return path.resolve(BACKUP_DIR, `clinic-${timestamp(at)}.${kind === "sqlite" ? "db" : "dump"}`);
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs fn with a umask that makes every file it creates private (0600) and folders 0700. */
async function privately<T>(fn: () => Promise<T> | T): Promise<T> {
  const previous = process.umask(0o077);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

/** Moves a finished file to its final name: fsync, chmod 0600, rename, fsync the folder. */
function publish(partial: string, final: string): void {
  fs.chmodSync(partial, 0o600);
  fsyncPath(partial);
  fs.renameSync(partial, final);
  fsyncPath(path.dirname(final));
}

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");
const PGDMP_MAGIC = Buffer.from("PGDMP", "latin1");

/** What a backup file is, from its first bytes. */
export function backupFileKind(file: string): DatabaseKind | null {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    if (n >= 16 && head.equals(SQLITE_MAGIC)) return "sqlite";
    if (n >= 5 && head.subarray(0, 5).equals(PGDMP_MAGIC)) return "postgresql";
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

// --- PostgreSQL client tools --------------------------------------------------------------------

/** Connection arguments for pg_dump/pg_restore: the URL without its password, the password in the environment (not in `ps`). */
function pgToolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = "";
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: u.toString(), env };
}

function pgDatabaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** The same server's maintenance database, for CREATE DATABASE and pg_stat_activity. */
function pgMaintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; a missing program is reported with what to install. */
function run(command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(new Error(`${command} was not found. Install the PostgreSQL client tools (Debian: apt-get install postgresql-client) matching the server's major version, or set PG_BIN_DIR.`));
      } else reject(error);
    });
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const pgTool = (name: "pg_dump" | "pg_restore") => (process.env.PG_BIN_DIR ? path.join(process.env.PG_BIN_DIR, name) : name);

// ---------------------------------------------------------------------------------------------
// Backup
// ---------------------------------------------------------------------------------------------

export interface BackupResult {
  kind: DatabaseKind;
  file: string;
  bytes: number;
  ms: number;
}

/**
 * A consistent snapshot of the database at `url` while the app may be writing to it. Writes to
 * `<out>.partial` and renames it to `out` only once complete and checked; refuses to overwrite.
 */
export async function backupDatabase(url: string, opts: { out?: string } = {}): Promise<BackupResult> {
  const kind = databaseKind(url);
  const started = performance.now();
  const out = path.resolve(opts.out ?? defaultBackupPath(kind));
  if (fs.existsSync(out)) throw new Error(`${out} already exists; choose another --out.`);
  const partial = `${out}.partial`;
  await privately(async () => {
    fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
    fs.rmSync(partial, { force: true });
    try {
      if (kind === "sqlite") backupSqlite(url, partial);
      else await backupPostgres(url, partial);
      publish(partial, out);
    } catch (error) {
      fs.rmSync(partial, { force: true });
      throw error;
    }
  });
  return { kind, file: out, bytes: fs.statSync(out).size, ms: performance.now() - started };
}

function backupSqlite(url: string, partial: string): void {
  const source = sqlitePath(url);
  if (!fs.existsSync(source)) throw new Error(`No database at ${source}.`);
  const db = new Database(source, { fileMustExist: true });
  try {
    // Waits for a writer's lock instead of failing; in WAL mode a reader never blocks the app.
    db.pragma("busy_timeout = 10000");
    db.prepare("VACUUM INTO ?").run(partial);
  } finally {
    db.close();
  }
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  try {
    const result = copy.pragma("quick_check", { simple: true });
    if (result !== "ok") throw new Error(`The new backup failed quick_check: ${String(result)}`);
  } finally {
    copy.close();
  }
}

async function backupPostgres(url: string, partial: string): Promise<void> {
  const conn = pgToolConnection(url);
  const dump = await run(pgTool("pg_dump"), ["--format=custom", "--no-password", `--file=${partial}`, `--dbname=${conn.dbname}`], conn.env);
  if (dump.code !== 0) throw new Error(`pg_dump failed (exit ${dump.code ?? dump.signal}): ${dump.stderr.trim()}`);
  // The archive's table of contents must read back: catches a truncated or foreign file.
  const list = await run(pgTool("pg_restore"), ["--list", partial]);
  if (list.code !== 0) throw new Error(`The new dump does not read back (pg_restore --list): ${list.stderr.trim()}`);
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

export interface CheckItem {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DatabaseCheck {
  ok: boolean;
  kind: DatabaseKind;
  checks: CheckItem[];
  /** Rows per table, every table of the database (Prisma's included). */
  counts: Record<string, number>;
  chain: ChainReport | null;
}

/** A read connection to either kind of database, for the checks. */
interface RawDb {
  kind: DatabaseKind;
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

async function openRaw(url: string): Promise<RawDb> {
  const kind = databaseKind(url);
  if (kind === "sqlite") {
    const file = sqlitePath(url);
    if (!fs.existsSync(file)) throw new Error(`No database at ${file}.`);
    // Read-write (not readonly): after a crash, opening a WAL database needs write access to
    // recover it. The checks only read.
    const db = new Database(file, { fileMustExist: true });
    db.pragma("busy_timeout = 10000");
    return {
      kind,
      async all<T>(sql: string) {
        return db.prepare(sql).all() as T[];
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind,
    async all<T>(sql: string) {
      return (await client.query(sql)).rows as T[];
    },
    async close() {
      await client.end();
    },
  };
}

/** Rows the schema's relations do not enforce with a foreign key, but the data layer keeps true. */
const CONSISTENCY_QUERIES: { name: string; sql: string }[] = [
  {
    name: "episodes filed under their patient's clinic",
    sql: `SELECT count(*) AS n FROM "Episode" e JOIN "Patient" p ON p."id" = e."patientId" WHERE e."clinicId" <> p."clinicId"`,
  },
  {
    name: "episodes linked to a visit of the same patient",
    sql: `SELECT count(*) AS n FROM "Episode" e JOIN "Visit" v ON v."id" = e."visitId" WHERE e."patientId" <> v."patientId"`,
  },
  {
    name: "lab results carry their visit's patient",
    sql: `SELECT count(*) AS n FROM "LabResult" l LEFT JOIN "Visit" v ON v."id" = l."visitId" WHERE v."id" IS NULL OR l."patientId" <> v."patientId"`,
  },
  {
    name: "checklist history carries its item's patient",
    sql: `SELECT count(*) AS n FROM "ChecklistHistory" h LEFT JOIN "ChecklistItem" i ON i."id" = h."itemId" WHERE i."id" IS NULL OR h."patientId" <> i."patientId"`,
  },
  {
    name: "episode history carries its episode's patient",
    sql: `SELECT count(*) AS n FROM "EpisodeRevision" r JOIN "Episode" e ON e."id" = r."episodeId" WHERE r."patientId" <> e."patientId"`,
  },
];

type MigrationRow = { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown };

const TRIGGER_CREATED = /CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z0-9_]+)"?/gi;
const TRIGGER_DROPPED = /DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?"?([A-Za-z0-9_]+)"?/gi;

/**
 * Checks a database as a restore must leave it: SQLite integrity_check and foreign_key_check (on
 * PostgreSQL every foreign key validated and without orphans), every model's table present,
 * cross-table invariants the foreign keys do not cover, `_prisma_migrations` complete and matching
 * the local migration files, the triggers those migrations create present, the rows per table,
 * and the audit chain verified by verifyAuditChain. `ok` is false if any of them fails.
 */
export async function checkDatabase(url: string, opts: { chain?: boolean } = {}): Promise<DatabaseCheck> {
  const kind = databaseKind(url);
  const checks: CheckItem[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const counts: Record<string, number> = {};
  const db = await openRaw(url);
  try {
    // --- physical integrity and foreign keys
    if (kind === "sqlite") {
      const integrity = (await db.all<{ integrity_check: string }>("PRAGMA integrity_check")).map((r) => r.integrity_check);
      add("integrity_check", integrity.length === 1 && integrity[0] === "ok", integrity.slice(0, 5).join("; "));
      const fk = await db.all<{ table: string; rowid: number; parent: string }>("PRAGMA foreign_key_check");
      add(
        "foreign_key_check",
        fk.length === 0,
        fk.length === 0 ? "no violations" : `${fk.length} violation(s), e.g. ${fk.slice(0, 3).map((v) => `${v.table} rowid ${v.rowid} -> ${v.parent}`).join(", ")}`,
      );
    } else {
      const fks = await postgresForeignKeys(db);
      const problems: string[] = [];
      for (const fk of fks) {
        if (!fk.validated) problems.push(`${fk.name} not validated`);
        const cols = fk.cols.map((c, i) => `p.${quoteIdent(fk.parentCols[i])} = c.${quoteIdent(c)}`).join(" AND ");
        const notNull = fk.cols.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(" AND ");
        const [{ n }] = await db.all<{ n: string }>(
          `SELECT count(*) AS n FROM ${quoteIdent(fk.table)} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(fk.parent)} p WHERE ${cols})`,
        );
        if (Number(n) > 0) problems.push(`${fk.name}: ${n} orphan row(s) in ${fk.table}`);
      }
      add("foreign keys", fks.length > 0 && problems.length === 0, problems.length ? problems.slice(0, 5).join("; ") : fks.length ? `${fks.length} constraints validated, no orphans` : "no foreign key constraints found");
    }

    // --- tables and row counts
    const tables =
      kind === "sqlite"
        ? (await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)).map((r) => r.name)
        : (await db.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)).map((r) => r.name);
    for (const table of tables) {
      const [{ n }] = await db.all<{ n: number | string }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
      counts[table] = Number(n);
    }
    const missing = Object.values(Prisma.ModelName).filter((m) => !tables.includes(m));
    add("tables", missing.length === 0, missing.length ? `missing: ${missing.join(", ")}` : `${Object.keys(Prisma.ModelName).length} model tables present`);

    // --- invariants the foreign keys do not cover
    if (missing.length === 0) {
      const broken: string[] = [];
      for (const q of CONSISTENCY_QUERIES) {
        const [{ n }] = await db.all<{ n: number | string }>(q.sql);
        if (Number(n) > 0) broken.push(`${q.name}: ${n} row(s) break it`);
      }
      add("consistency", broken.length === 0, broken.length ? broken.join("; ") : `${CONSISTENCY_QUERIES.length} invariants hold`);
    }

    // --- migrations
    const applied = new Set<string>();
    if (!tables.includes("_prisma_migrations")) {
      add("_prisma_migrations", false, "table missing: not a database of this app, or an incomplete restore");
    } else {
      const rows = await db.all<MigrationRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations`);
      const local = listMigrations(kind);
      const byName = new Map(local.map((m) => [m.name, m]));
      const live = rows.filter((r) => r.rolled_back_at == null);
      const unfinished = live.filter((r) => r.finished_at == null).map((r) => r.migration_name);
      const modified = live.filter((r) => byName.has(r.migration_name) && byName.get(r.migration_name)!.checksum !== r.checksum).map((r) => r.migration_name);
      for (const r of live) if (r.finished_at != null) applied.add(r.migration_name);
      const pending = local.filter((m) => !applied.has(m.name)).map((m) => m.name);
      const unknown = [...applied].filter((n) => !byName.has(n));
      const notes = [`${applied.size} applied`];
      if (pending.length) notes.push(`pending here: ${pending.join(", ")} (run npm run db:migrate)`);
      if (unknown.length) notes.push(`applied but unknown to this code: ${unknown.join(", ")} (backup from newer code?)`);
      if (unfinished.length) notes.push(`started but never finished: ${unfinished.join(", ")}`);
      if (modified.length) notes.push(`checksum differs from the local file: ${modified.join(", ")}`);
      add("_prisma_migrations", applied.size > 0 && unfinished.length === 0 && modified.length === 0, notes.join("; "));
    }

    // --- triggers the applied migrations created (the audit log's append-only guard)
    const expected = new Set<string>();
    for (const m of listMigrations(kind).filter((m) => applied.has(m.name))) {
      for (const match of m.sql.matchAll(TRIGGER_CREATED)) expected.add(match[1]);
      for (const match of m.sql.matchAll(TRIGGER_DROPPED)) expected.delete(match[1]);
    }
    if (expected.size > 0) {
      const present =
        kind === "sqlite"
          ? (await db.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)).map((r) => r.name)
          : (await db.all<{ name: string }>(`SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND n.nspname = current_schema()`)).map((r) => r.name);
      const absent = [...expected].filter((t) => !present.includes(t));
      add("triggers", absent.length === 0, absent.length ? `missing or disabled: ${absent.join(", ")}` : `${expected.size} present and enabled`);
    }
  } finally {
    await db.close();
  }

  // --- audit chain
  let chain: ChainReport | null = null;
  if (opts.chain !== false && counts.AuditEvent !== undefined) {
    try {
      chain = await verifyChainAt(url);
      add(
        "audit chain",
        chain.ok,
        chain.ok
          ? `${chain.rows} rows verified${chain.gaps ? ` (${chain.gaps} sequence gaps from rolled-back transactions)` : ""}; head ${chain.lastSeq ?? "-"}:${chain.lastHash?.slice(0, 16) ?? "-"}`
          : `${chain.broken?.reason} at seq ${chain.broken?.seq}: ${chain.broken?.message}`,
      );
    } catch (error) {
      add("audit chain", false, `could not verify: ${(error as Error).message}`);
    }
  }
  return { ok: checks.every((c) => c.ok), kind, checks, counts, chain };
}

async function postgresForeignKeys(db: RawDb) {
  const rows = await db.all<{ name: string; tbl: string; parent: string; cols: string[]; parent_cols: string[]; validated: boolean }>(`
    SELECT c.conname AS name, cl.relname AS tbl, pcl.relname AS parent, c.convalidated AS validated,
           array_agg(a.attname::text ORDER BY k.ord) AS cols, array_agg(pa.attname::text ORDER BY k.ord) AS parent_cols
    FROM pg_constraint c
    JOIN pg_class cl ON cl.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = cl.relnamespace
    JOIN pg_class pcl ON pcl.oid = c.confrelid
    CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, pcol, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
    JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pcol
    WHERE c.contype = 'f' AND n.nspname = current_schema()
    GROUP BY c.conname, cl.relname, pcl.relname, c.convalidated
    ORDER BY c.conname`);
  return rows.map((r) => ({ name: r.name, table: r.tbl, parent: r.parent, cols: r.cols, parentCols: r.parent_cols, validated: r.validated }));
}

/** True when two URLs name the same database. */
export function sameDatabase(a: string, b: string): boolean {
  const kind = databaseKind(a);
  if (kind !== databaseKind(b)) return false;
  if (kind === "sqlite") return sqlitePath(a) === sqlitePath(b);
  const ua = new URL(a);
  const ub = new URL(b);
  return ua.hostname === ub.hostname && (ua.port || "5432") === (ub.port || "5432") && pgDatabaseName(a) === pgDatabaseName(b);
}

/**
 * verifyAuditChain reads through the process's one Prisma client (lib/server/db, bound to DATABASE_URL).
 * For that database it runs here; for any other (a restore target, a scratch copy) it runs in a
 * child process started with DATABASE_URL set to it (scripts/check-database.ts --chain-only).
 */
export async function verifyChainAt(url: string): Promise<ChainReport> {
  if (sameDatabase(url, process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)) {
    const { verifyAuditChain } = await import("@/lib/features/audit-log/data");
    return verifyAuditChain();
  }
  // From the project root (where tsx and the scripts are), with an absolute SQLite path.
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const childUrl = databaseKind(url) === "sqlite" ? `file:${sqlitePath(url)}` : url;
  const result = await run(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "check-database.ts"), "--chain-only", "--json"],
    { ...process.env, DATABASE_URL: childUrl },
    root,
  );
  const last = result.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as ChainReport;
  } catch {
    throw new Error(`the chain check exited ${result.code ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
  }
}

/**
 * Records and their *_CREATE audit rows, matched both ways: a record without its audit row, or a
 * SUCCESS audit row naming a record that does not exist, means a write was torn apart. Only
 * meaningful where nothing was purged (a purge removes records and keeps their audit rows): the
 * crash test and the backup test use it.
 */
export async function unpairedCreateAudits(url: string): Promise<Record<"Patient" | "Visit" | "Episode", { withoutAudit: number; auditWithoutRecord: number }>> {
  const db = await openRaw(url);
  try {
    const out = {} as Record<"Patient" | "Visit" | "Episode", { withoutAudit: number; auditWithoutRecord: number }>;
    for (const [table, action] of [["Patient", "PATIENT_CREATE"], ["Visit", "VISIT_CREATE"], ["Episode", "EPISODE_CREATE"]] as const) {
      const audits = `SELECT "targetId" FROM "AuditEvent" WHERE "action" = '${action}' AND "outcome" = 'SUCCESS'`;
      const [{ n: withoutAudit }] = await db.all<{ n: number | string }>(`SELECT count(*) AS n FROM ${quoteIdent(table)} WHERE "id" NOT IN (${audits})`);
      const [{ n: orphaned }] = await db.all<{ n: number | string }>(
        `SELECT count(*) AS n FROM "AuditEvent" a WHERE a."action" = '${action}' AND a."outcome" = 'SUCCESS' AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(table)} r WHERE r."id" = a."targetId")`,
      );
      out[table] = { withoutAudit: Number(withoutAudit), auditWithoutRecord: Number(orphaned) };
    }
    return out;
  } finally {
    await db.close();
  }
}

/** Lines for a terminal: each check, then the rows per table. */
export function formatCheck(result: DatabaseCheck): string[] {
  const lines = result.checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"}  ${c.name}: ${c.detail}`);
  lines.push("  rows per table:");
  const width = Math.max(0, ...Object.keys(result.counts).map((t) => t.length));
  for (const [table, n] of Object.entries(result.counts)) lines.push(`    ${table.padEnd(width)}  ${n}`);
  lines.push(result.ok ? "  => all checks passed" : "  => CHECKS FAILED");
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Restore
// ---------------------------------------------------------------------------------------------

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

export interface RestoreResult {
  kind: DatabaseKind;
  target: string;
  /** False when the backup failed its checks and the target was left as it was (SQLite). */
  replaced: boolean;
  /** Where the database that was replaced was kept, if there was one. */
  previous: string | null;
  check: DatabaseCheck;
  ms: number;
}

export interface RestoreOptions {
  log?: (line: string) => void;
  /** PostgreSQL: restore even though other sessions are connected to the target. */
  force?: boolean;
  /** PostgreSQL: skip the safety dump of a non-empty target taken before it is overwritten. */
  skipPreBackup?: boolean;
}

/**
 * Restores `file` into `targetUrl` and checks the result.
 * - SQLite: the backup is copied to a new file next to the target and checked there; only if it
 *   passes, and only if no other process has the target open, is it renamed over the target
 *   (atomic). The replaced database is kept as `<target>.pre-restore-<time>`. A failed check or a
 *   target in use leaves the target untouched.
 * - PostgreSQL: `pg_restore --clean --if-exists --single-transaction` into the target database
 *   (created if missing); all or nothing. A non-empty target is first dumped to backups/.
 */
export async function restoreDatabase(file: string, targetUrl: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const log = opts.log ?? (() => {});
  const started = performance.now();
  if (!fs.existsSync(file)) throw new RestoreRefused(`No backup file at ${file}.`);
  const kind = databaseKind(targetUrl);
  const fileKind = backupFileKind(file);
  if (fileKind === null) throw new RestoreRefused(`${file} is neither a SQLite database nor a pg_dump custom-format archive.`);
  if (fileKind !== kind) throw new RestoreRefused(`${file} is a ${fileKind} backup but the target ${redactUrl(targetUrl)} is ${kind}.`);
  const result = kind === "sqlite" ? await restoreSqlite(file, targetUrl, log) : await restorePostgres(file, targetUrl, opts, log);
  return { ...result, kind, target: redactUrl(targetUrl), ms: performance.now() - started };
}

async function restoreSqlite(file: string, targetUrl: string, log: (line: string) => void) {
  const target = sqlitePath(targetUrl);
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.restore-${randomBytes(4).toString("hex")}`);
  const removeTmp = () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(tmp + suffix, { force: true });
  };
  // Fail fast when the app has the target open; checked again, for good, at the swap.
  if (fs.existsSync(target)) refuseIfSqliteInUse(target);
  await privately(() => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.copyFileSync(file, tmp, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(tmp, 0o600);
  });
  try {
    log(`checking the backup in ${tmp} before it replaces anything`);
    const check = await checkDatabase(`file:${tmp}`);
    if (!check.ok) {
      removeTmp();
      return { replaced: false, previous: null, check };
    }
    // The checks opened it in WAL mode: fold everything back into the one file, so that the
    // rename moves the whole database and leaves no -wal behind.
    const copy = new Database(tmp, { fileMustExist: true });
    copy.pragma("journal_mode = DELETE");
    copy.close();
    if (fs.existsSync(`${tmp}-wal`)) throw new Error(`${tmp}-wal is still there after switching to DELETE journal mode`);
    fsyncPath(tmp);

    let previous: string | null = null;
    if (!fs.existsSync(target)) {
      fs.renameSync(tmp, target);
      fsyncPath(dir);
    } else {
      const lock = lockSqliteExclusively(target);
      try {
        previous = `${target}.pre-restore-${timestamp()}`;
        try {
          fs.linkSync(target, previous);
        } catch {
          fs.copyFileSync(target, previous); // no hard links here; safe, we hold the exclusive lock
        }
        fs.chmodSync(previous, 0o600);
        fs.renameSync(tmp, target);
        fsyncPath(dir);
      } finally {
        lock.close();
      }
      log(`the database it replaced is kept as ${previous} (it holds PHI: delete it once the restore is confirmed)`);
    }
    log(`restored into ${target}; checking it in place`);
    return { replaced: true, previous, check: await checkDatabase(`file:${target}`) };
  } catch (error) {
    removeTmp();
    throw error;
  }
}

const inUse = (file: string) =>
  new RestoreRefused(
    `${file} is in use: another process (the app, \`next dev\`, a seed or a backup) has it open. ` +
      "Stop the app, then run the restore again. Nothing was changed.",
  );
const isBusy = (error: unknown) => String((error as { code?: string }).code ?? "").startsWith("SQLITE_BUSY");

/** Throws RestoreRefused if another connection has the database open; changes nothing in it. */
function refuseIfSqliteInUse(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("locking_mode = EXCLUSIVE");
    // In WAL mode each open connection holds a shared lock: an exclusive transaction fails at once.
    db.exec("BEGIN EXCLUSIVE; ROLLBACK");
  } catch (error) {
    if (isBusy(error)) throw inUse(file);
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Proves no other connection has the SQLite database open and keeps it that way until closed.
 * In WAL mode every open connection holds a shared lock on the file, so switching it out of WAL
 * (which needs the exclusive lock) fails at once while the app or any other process has it open;
 * the switch also checkpoints the WAL into the file and removes the -wal and -shm files, so the
 * file kept as the previous database is complete.
 */
function lockSqliteExclusively(file: string): BetterSqlite3.Database {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = DELETE");
    db.exec("BEGIN EXCLUSIVE; COMMIT"); // in exclusive locking mode the lock stays after COMMIT
    return db;
  } catch (error) {
    db.close();
    if (isBusy(error)) throw inUse(file);
    throw error;
  }
}

async function restorePostgres(file: string, targetUrl: string, opts: RestoreOptions, log: (line: string) => void) {
  const name = pgDatabaseName(targetUrl);
  if (!name) throw new RestoreRefused("The target URL names no database.");
  const admin = new pg.Client({ connectionString: pgMaintenanceUrl(targetUrl) });
  await admin.connect();
  let empty = true;
  try {
    const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount! > 0;
    if (!exists) {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
      log(`created database ${name}`);
    } else {
      const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
      const sessions = Number(rows[0].n);
      if (sessions > 0 && !opts.force) {
        throw new RestoreRefused(
          `${sessions} other session(s) are connected to ${name} (the app?). Stop the app, then run the restore again, ` +
            "or pass --force to restore under them (their transactions wait, then see the restored data). Nothing was changed.",
        );
      }
      const target = new pg.Client({ connectionString: targetUrl });
      await target.connect();
      try {
        const { rows: t } = await target.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()");
        empty = Number(t[0].n) === 0;
      } finally {
        await target.end();
      }
    }
  } finally {
    await admin.end();
  }

  let previous: string | null = null;
  if (!empty && !opts.skipPreBackup) {
    const safety = await backupDatabase(targetUrl, { out: path.resolve(BACKUP_DIR, `pre-restore-${name}-${timestamp()}.dump`) });
    previous = safety.file;
    log(`dumped the current contents of ${name} to ${previous} before overwriting it (${formatBytes(safety.bytes)})`);
  }
  const conn = pgToolConnection(targetUrl);
  const restored = await run(
    pgTool("pg_restore"),
    ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password", `--dbname=${conn.dbname}`, file],
    conn.env,
  );
  if (restored.code !== 0) {
    throw new Error(`pg_restore failed (exit ${restored.code ?? restored.signal}); the single transaction was rolled back, ${name} is unchanged: ${restored.stderr.trim().slice(0, 2000)}`);
  }
  log(`restored into ${name}; checking it`);
  return { replaced: true, previous, check: await checkDatabase(targetUrl) };
}
