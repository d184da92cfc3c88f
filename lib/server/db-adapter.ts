// No "server-only" marker here alone in lib/server: prisma.config.ts imports this file, and the
// Prisma CLI loads that config outside Next, where the marker throws. Its node:fs import keeps it
// out of browser bundles all the same.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

export const DEFAULT_DATABASE_URL = "file:./data/clinic.db";

export type DatabaseKind = "sqlite" | "postgresql";

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new Error("DATABASE_URL must start with file:, postgres:// or postgresql://");
}

/** The database the app's client talks to (DATABASE_URL). */
export function currentDatabaseKind(): DatabaseKind {
  return databaseKind(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
}

/** Path of a SQLite database file from a `file:` URL, relative to the working directory. */
export function sqlitePath(url: string): string {
  const raw = url.slice("file:".length).split("?")[0];
  return path.resolve(raw);
}

// WAL lets readers work during a write; synchronous=FULL makes every acknowledged commit
// survive power loss (NORMAL would be faster but may lose the last commits on power failure);
// busy_timeout makes concurrent writers wait instead of failing at once.
export const SQLITE_PRAGMAS = [
  "journal_mode = WAL",
  "synchronous = FULL",
  "foreign_keys = ON",
  "busy_timeout = 10000",
] as const;

export function createAdapterFactory(url: string) {
  if (databaseKind(url) === "sqlite") {
    const file = sqlitePath(url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const factory = new PrismaBetterSQLite3({ url: file, timeout: 10_000 });
    // The adapter opens its own connection; per-connection pragmas are applied right after.
    const connect = factory.connect.bind(factory);
    factory.connect = async () => {
      const adapter = await connect();
      await adapter.executeScript(SQLITE_PRAGMAS.map((p) => `PRAGMA ${p};`).join("\n"));
      return adapter;
    };
    return factory;
  }
  return new PrismaPg({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
}

/** A database URL fit for logs: the user and password of a server URL are hidden. */
export function redactDatabaseUrl(url: string): string {
  return url.startsWith("file:") ? url : url.replace(/\/\/[^@/]*@/, "//***@");
}
