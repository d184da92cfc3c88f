/**
 * Gives every integration test file its own fresh database: a new SQLite file, or a new
 * PostgreSQL database on 127.0.0.1:5432 when TEST_DB=postgresql. Runs before the file's imports
 * touch lib/server/db, so the app's client connects to that database.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll } from "vitest";
import { migrateDatabase } from "../../lib/ops/migrations/runner";

const kind = process.env.TEST_DB === "postgresql" ? "postgresql" : "sqlite";
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
let cleanup: () => Promise<void>;

if (kind === "postgresql") {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  cleanup = async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-test-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
  cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
}
process.env.TEST_DB_KIND = kind;
await migrateDatabase(process.env.DATABASE_URL);

afterAll(async () => {
  const cached = (globalThis as { prisma?: { $disconnect(): Promise<void> } }).prisma;
  await cached?.$disconnect();
  await cleanup();
});
