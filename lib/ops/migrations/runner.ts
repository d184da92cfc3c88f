// One migration runner for SQLite and PostgreSQL. `prisma migrate deploy` cannot run on PostgreSQL
// without the native engine (see ../../../shared/stack.md), so we apply migrations ourselves and
// record them in `_prisma_migrations` exactly as Prisma does, so that Prisma's own
// `migrate deploy`/`migrate status` agree with this runner wherever the native engine exists.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { SQLITE_PRAGMAS, databaseKind, sqlitePath, type DatabaseKind } from "@/lib/server/db-adapter";
import { RULES_V2_MIGRATION, refreshEpisodeSuggestions, type DataConnection } from "./rules-refresh";

export type Migration = { name: string; file: string; sql: string; checksum: string };

export type MigrateOptions = {
  log?: (line: string) => void;
  /** Folder holding `sqlite/` and `postgresql/`; defaults to prisma/migrations under the cwd. */
  migrationsRoot?: string;
};

export const DEFAULT_MIGRATIONS_ROOT = path.join("prisma", "migrations");

// Prisma's own DDL for the table, copied from its schema engine, per provider.
const MIGRATIONS_TABLE: Record<DatabaseKind, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  postgresql: `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`,
};

// The key Prisma's schema engine uses, so this runner and `prisma migrate deploy` exclude each other.
const PG_MIGRATION_LOCK = 72707369;

export function sha256Hex(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The provider's migrations in name order (the order Prisma applies them in). */
export function listMigrations(kind: DatabaseKind, migrationsRoot = DEFAULT_MIGRATIONS_ROOT): Migration[] {
  const dir = path.resolve(migrationsRoot, kind);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      const bytes = fs.readFileSync(file);
      return { name, file, sql: bytes.toString("utf8"), checksum: sha256Hex(bytes) };
    });
}

type Row = { migration_name: string; checksum: string; finished_at: unknown };

/**
 * Data steps that follow a migration, run when that migration is applied in this run, right after
 * it committed (before any later migration), on the runner's connection: data the SQL alone
 * cannot compute. A step must be idempotent and commit in batches of its own.
 */
const DATA_STEPS: Record<string, (db: DataConnection, log: (line: string) => void) => Promise<void>> = {
  // Stored episode suggestions were computed by the version 1 rules (clinical spec section 8).
  [RULES_V2_MIGRATION]: async (db, log) => {
    const r = await refreshEpisodeSuggestions(db);
    if (r.checked > 0) {
      log(
        `${RULES_V2_MIGRATION}: recomputed the suggestions of ${r.checked} episode(s) with the current rules: ` +
          `${r.updated} changed, ${r.confirmationsCleared} label confirmation(s) no longer hold`,
      );
    }
  },
};

/** What the runner needs from a connection; each provider implements it below. */
interface Connection extends DataConnection {
  /**
   * Runs fn in a transaction that holds the migration lock. On SQLite, foreign_key_check runs
   * before COMMIT unless `foreignKeyCheck` is false (data steps that change no key).
   */
  transaction<T>(fn: () => Promise<T>, opts?: { foreignKeyCheck?: boolean }): Promise<T>;
  exec(sql: string): Promise<void>;
  recorded(): Promise<Row[]>;
  record(m: Migration, startedAt: Date): Promise<void>;
  close(): Promise<void>;
}

export async function migrateDatabase(
  databaseUrl: string,
  opts: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => {});
  const kind = databaseKind(databaseUrl);
  const migrations = listMigrations(kind, opts.migrationsRoot);
  const db = kind === "sqlite" ? openSqlite(databaseUrl) : await openPostgres(databaseUrl);
  const applied: string[] = [];
  try {
    await db.transaction(() => db.exec(MIGRATIONS_TABLE[kind]));
    // Check the whole recorded history before applying anything.
    checkHistory(await db.recorded(), migrations, log);
    for (const m of migrations) {
      // Re-read inside the locked transaction: a concurrent runner may have applied it meanwhile.
      const didApply = await db.transaction(async () => {
        const rows = await db.recorded();
        checkHistory(rows, migrations, () => {});
        if (rows.some((r) => r.migration_name === m.name)) return false;
        const startedAt = new Date();
        try {
          await db.exec(m.sql);
        } catch (err) {
          throw new Error(`Migration ${m.name} failed and was rolled back: ${(err as Error).message}`, { cause: err });
        }
        await db.record(m, startedAt);
        return true;
      });
      if (didApply) {
        applied.push(m.name);
        log(`applied ${m.name}`);
        const step = DATA_STEPS[m.name];
        if (step) {
          try {
            // Batches commit on their own; they change no key, so no foreign_key_check each time.
            await step({ kind, query: db.query, transaction: (fn) => db.transaction(fn, { foreignKeyCheck: false }) }, log);
          } catch (err) {
            throw new Error(
              `Migration ${m.name} was applied, but its data step failed (the batches done so far are kept): ${(err as Error).message}`,
              { cause: err },
            );
          }
        }
      }
    }
    return { applied };
  } finally {
    await db.close();
  }
}

function checkHistory(rows: Row[], migrations: Migration[], log: (line: string) => void): void {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  for (const row of rows) {
    const m = byName.get(row.migration_name);
    if (row.finished_at == null) {
      throw new Error(
        `Migration ${row.migration_name} is recorded as started but not finished (a failed run of prisma migrate?). ` +
          "Repair the database, then mark it with `prisma migrate resolve` or delete its _prisma_migrations row.",
      );
    }
    if (!m) log(`warning: ${row.migration_name} is applied in the database but not found locally`);
    else if (m.checksum !== row.checksum) {
      throw new Error(
        `Migration ${m.name} was modified after it was applied (checksum in database ${row.checksum}, ` +
          `file ${m.checksum}). Restore ${m.file} and put the change in a new migration.`,
      );
    }
  }
}

// Rolled-back rows (`prisma migrate resolve --rolled-back`) do not count as applied, as in Prisma.
const SELECT_RECORDED =
  "SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL";

function openSqlite(url: string): Connection {
  const file = sqlitePath(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
  // Prisma's SQLite migrations rebuild tables (create new, copy, DROP old, rename). With
  // foreign keys on, that DROP deletes the old rows with ON DELETE CASCADE into child tables, and
  // `PRAGMA foreign_keys` is a no-op inside a transaction, so the script's own PRAGMA cannot help.
  // Off for this connection only; each migration is checked with foreign_key_check before COMMIT.
  db.pragma("foreign_keys = OFF");
  // better-sqlite3 binds no booleans or dates: 0/1, and the text Prisma's adapter writes.
  const bind = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : v instanceof Date ? sqliteTime(v) : v);
  return {
    kind: "sqlite",
    async transaction(fn, opts = {}) {
      db.exec("BEGIN IMMEDIATE"); // takes the write lock now: concurrent runners queue here
      try {
        const result = await fn();
        const violations = opts.foreignKeyCheck === false ? [] : (db.pragma("foreign_key_check") as unknown[]);
        if (violations.length > 0) {
          throw new Error(`foreign key violations after migration: ${JSON.stringify(violations.slice(0, 5))}`);
        }
        db.exec("COMMIT");
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw err;
      }
    },
    async exec(sql) {
      db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const stmt = db.prepare(sql);
      const values = params.map(bind);
      if (stmt.reader) return stmt.all(...values) as T[];
      stmt.run(...values);
      return [];
    },
    async recorded() {
      return db.prepare(SELECT_RECORDED).all() as Row[];
    },
    async record(m, startedAt) {
      db.prepare(
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
         VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
      ).run(randomUUID(), m.checksum, sqliteTime(new Date()), m.name, sqliteTime(startedAt));
    },
    async close() {
      db.close();
    },
  };
}

// The text format Prisma's schema engine itself writes into this table (RFC 3339, ms, +00:00).
function sqliteTime(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

async function openPostgres(url: string): Promise<Connection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind: "postgresql",
    async transaction(fn) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [PG_MIGRATION_LOCK]);
        const result = await fn();
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK");
        throw err;
      }
    },
    async exec(sql) {
      await client.query(sql); // no parameters: simple protocol, so multi-statement scripts run
    },
    async query<T>(sql: string, params: unknown[] = []) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`); // the steps' SQL has no other "?"
      return (await client.query(text, params)).rows as T[];
    },
    async recorded() {
      return (await client.query<Row>(SELECT_RECORDED)).rows;
    },
    async record(m, startedAt) {
      // clock_timestamp(), not now(): now() is the time the transaction began.
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
         VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
        [randomUUID(), m.checksum, m.name, startedAt],
      );
    },
    async close() {
      await client.end();
    },
  };
}
