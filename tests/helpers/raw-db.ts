/**
 * A raw connection to the test file's database (DATABASE_URL, set by tests/setup/integration.ts),
 * outside the app's Prisma client: for checking what the database itself refuses, and for
 * tampering with the audit log the way an operator with full database rights could.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { databaseKind, sqlitePath } from "../../lib/server/db-adapter";

// The SQLite library the app's Prisma adapter loads (its own nested better-sqlite3), not the
// top-level one: two SQLite libraries in one process do not see each other's POSIX locks, and
// closing a connection of one makes the other's connection lose sight of later changes (see
// https://sqlite.org/howtocorrupt.html, "multiple copies of SQLite linked into the same application").
const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"));
const Database = requireFromAdapter("better-sqlite3") as typeof BetterSqlite3;

export const dbKind = () => databaseKind(process.env.DATABASE_URL!);

/** Runs SQL statements (no parameters) on a new connection, then closes it. */
export async function rawExec(sql: string): Promise<void> {
  const url = process.env.DATABASE_URL!;
  if (dbKind() === "sqlite") {
    const db = new Database(sqlitePath(url));
    try {
      db.pragma("busy_timeout = 10000");
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs `sql` with the append-only triggers out of the way, then puts them back: on PostgreSQL
 * they are disabled (which the table owner or a superuser may do), on SQLite dropped and created
 * again from the migration (which anyone who can write the file may do).
 */
export async function tamperWithAuditLog(sql: string): Promise<void> {
  if (dbKind() === "postgresql") {
    await rawExec(`BEGIN;
ALTER TABLE "AuditEvent" DISABLE TRIGGER USER;
${sql};
ALTER TABLE "AuditEvent" ENABLE TRIGGER USER;
COMMIT;`);
    return;
  }
  const migration = fs.readFileSync(path.join("prisma", "migrations", "sqlite", "0002_audit_append_only", "migration.sql"), "utf8");
  await rawExec(`BEGIN;
DROP TRIGGER "AuditEvent_no_update";
DROP TRIGGER "AuditEvent_no_delete";
${sql};
${migration}
COMMIT;`);
}
