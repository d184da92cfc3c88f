import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseKind } from "../../lib/server/db-adapter";
import { diffScript, runPrisma } from "../../lib/ops/migrations/prisma-cli";
import { listMigrations, migrateDatabase, sha256Hex } from "../../lib/ops/migrations/runner";

// A server where this test may create and drop `mig_*` databases.
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-test-"));
const pgDatabases: string[] = [];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new empty database of the given kind; all are removed after the file. */
async function freshDatabase(kind: DatabaseKind): Promise<string> {
  const name = `mig_${randomBytes(6).toString("hex")}`;
  if (kind === "sqlite") return `file:${path.join(tmp, name, "test.db")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  pgDatabases.push(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one query on the database and closes the connection. */
async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length));
    try {
      return /^\s*select/i.test(sql) ? (db.prepare(sql).all() as Record<string, unknown>[]) : (db.exec(sql), []);
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** A migrations root with the given scripts for `kind`, for tests of the runner's mechanics. */
function migrationsRoot(kind: DatabaseKind, scripts: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(tmp, "root-"));
  for (const [name, sql] of Object.entries(scripts)) {
    fs.mkdirSync(path.join(root, kind, name), { recursive: true });
    fs.writeFileSync(path.join(root, kind, name, "migration.sql"), sql);
  }
  return root;
}

afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (pgDatabases.length > 0) {
    await admin(async (c) => {
      for (const name of pgDatabases) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  }
});

const TABLES_QUERY: Record<DatabaseKind, string> = {
  sqlite: "SELECT name FROM sqlite_master WHERE type = 'table'",
  postgresql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
};

describe.each<DatabaseKind>(["sqlite", "postgresql"])("migrateDatabase on %s", (kind) => {
  const migrations = listMigrations(kind);
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase(kind);
  });

  it("applies every migration once and records it as Prisma does", async () => {
    const lines: string[] = [];
    const first = await migrateDatabase(url, { log: (l) => lines.push(l) });
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    expect(lines).toEqual(migrations.map((m) => `applied ${m.name}`));
    expect((await migrateDatabase(url)).applied).toEqual([]);

    const rows = await query(url, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const bytes = fs.readFileSync(path.join("prisma", "migrations", kind, migrations[i].name, "migration.sql"));
      expect(row.checksum).toBe(sha256Hex(bytes));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).not.toBeNull();
      expect(row.started_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
    const tables = (await query(url, TABLES_QUERY[kind])).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(["Patient", "AuditEvent", "Episode", "_prisma_migrations"]));
  });

  it("refuses to run when an applied migration's checksum differs", async () => {
    const name = migrations[0].name;
    await query(url, `UPDATE _prisma_migrations SET checksum = 'tampered' WHERE migration_name = '${name}'`);
    await expect(migrateDatabase(url)).rejects.toThrow(new RegExp(`Migration ${name} was modified after it was applied`));
    await query(url, `UPDATE _prisma_migrations SET checksum = '${migrations[0].checksum}' WHERE migration_name = '${name}'`);
    expect((await migrateDatabase(url)).applied).toEqual([]);
  });

  it("rolls a failing migration back entirely and records nothing", async () => {
    const fresh = await freshDatabase(kind);
    const root = migrationsRoot(kind, {
      "0001_ok": 'CREATE TABLE "A" ("id" INTEGER NOT NULL PRIMARY KEY);',
      "0002_bad": 'CREATE TABLE "B" ("id" INTEGER NOT NULL PRIMARY KEY);\nINSERT INTO "Missing" VALUES (1);',
    });
    await expect(migrateDatabase(fresh, { migrationsRoot: root })).rejects.toThrow(/Migration 0002_bad failed/);
    const recorded = await query(fresh, "SELECT migration_name FROM _prisma_migrations");
    expect(recorded.map((r) => r.migration_name)).toEqual(["0001_ok"]);
    const tables = (await query(fresh, TABLES_QUERY[kind])).map((r) => r.name);
    expect(tables).toContain("A");
    expect(tables).not.toContain("B");
  });
});

describe("SQLite specifics", () => {
  it("agrees with Prisma's own `migrate status` and `migrate deploy`", async () => {
    const url = await freshDatabase("sqlite");
    await migrateDatabase(url);
    const status = runPrisma(["migrate", "status"], { DATABASE_URL: url });
    expect(status.status, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain("Database schema is up to date");
    const deploy = runPrisma(["migrate", "deploy"], { DATABASE_URL: url });
    expect(deploy.stdout).toContain("No pending migrations to apply");
  }, 30_000);

  it("rebuilds a parent table without cascading deletes into its children", async () => {
    const url = await freshDatabase("sqlite");
    const create = migrationsRoot("sqlite", {
      "0001_init": `CREATE TABLE "P" ("id" INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE "C" ("id" INTEGER NOT NULL PRIMARY KEY, "pId" INTEGER NOT NULL REFERENCES "P" ("id") ON DELETE CASCADE);`,
    });
    await migrateDatabase(url, { migrationsRoot: create });
    await query(url, 'INSERT INTO "P" VALUES (1); INSERT INTO "C" VALUES (10, 1);');
    // The shape of the table rebuild `prisma migrate diff` writes for SQLite.
    const rebuild = path.join(create, "sqlite", "0002_rebuild");
    fs.mkdirSync(rebuild);
    fs.writeFileSync(
      path.join(rebuild, "migration.sql"),
      `PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_P" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT NOT NULL DEFAULT '');
INSERT INTO "new_P" ("id") SELECT "id" FROM "P";
DROP TABLE "P";
ALTER TABLE "new_P" RENAME TO "P";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;`,
    );
    expect((await migrateDatabase(url, { migrationsRoot: create })).applied).toEqual(["0002_rebuild"]);
    expect(await query(url, 'SELECT "id", "pId" FROM "C"')).toEqual([{ id: 10, pId: 1 }]);
  });
});

describe("PostgreSQL specifics", () => {
  it("applies each migration once when two runners race", async () => {
    const url = await freshDatabase("postgresql");
    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(listMigrations("postgresql").map((m) => m.name));
    const rows = await query(url, "SELECT count(*)::int AS n FROM _prisma_migrations");
    expect(rows[0].n).toBe(listMigrations("postgresql").length);
  });

  // Prisma cannot introspect PostgreSQL through the driver adapter here, so compare catalogs: the
  // database built by the migrations against one built straight from the derived schema.
  it("migrations produce exactly prisma/postgresql/schema.prisma", async () => {
    const migrated = await freshDatabase("postgresql");
    await migrateDatabase(migrated);
    const direct = await freshDatabase("postgresql");
    await query(direct, diffScript(null, "prisma/postgresql/schema.prisma").sql);
    expect(await catalog(migrated)).toEqual(await catalog(direct));
  }, 30_000);
});

/** Columns, indexes and constraints of the public schema, minus the migrations table. */
async function catalog(url: string) {
  return {
    columns: await query(
      url,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
              character_maximum_length, numeric_precision, datetime_precision
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        ORDER BY table_name, column_name`,
    ),
    indexes: await query(
      url,
      `SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    ),
    constraints: await query(
      url,
      `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS def
         FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'
        ORDER BY conname`,
    ),
  };
}
