/** A throwaway database for a benchmark run: created empty, and how to remove it afterwards. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/** The PostgreSQL server's maintenance database the benchmarks create theirs beside (BENCH_PG_ADMIN_URL to change). */
export const BENCH_PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface ScratchDatabase {
  url: string;
  /** What a log names it by: the SQLite file's URL, or the PostgreSQL database's name. */
  label: string;
  drop: () => Promise<void>;
}

async function onServer(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * An empty database: an SQLite file `bench.db` in a new temp folder named `${tempPrefix}…`, or the
 * PostgreSQL database `name` (letters, digits and _) on the server of `adminUrl`.
 */
export async function createScratchDatabase(
  kind: "sqlite" | "postgresql",
  { name, tempPrefix, adminUrl = BENCH_PG_ADMIN_URL }: { name: string; tempPrefix: string; adminUrl?: string },
): Promise<ScratchDatabase> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
    const url = `file:${path.join(dir, "bench.db")}`;
    return { url, label: url, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  await onServer(adminUrl, `CREATE DATABASE "${name}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), label: name, drop: () => onServer(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
