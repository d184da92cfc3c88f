import "server-only";
import { PrismaClient as SqliteClient, type Prisma } from "@/generated/prisma/client";
import { PrismaClient as PostgresClient } from "@/generated/postgresql/client";
import { createAdapterFactory, databaseKind, DEFAULT_DATABASE_URL } from "./db-adapter";
import { observeDbQuery } from "./metrics";

// Both clients are generated from one model (prisma/schema.prisma and the PostgreSQL schema
// derived from it), so they expose the same API; the app is typed against the SQLite one.
export type Db = InstanceType<typeof SqliteClient>;
/** The client inside a transaction: what every data-layer function passes down. */
export type Tx = Prisma.TransactionClient;

export function createPrismaClient(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Db {
  const options = {
    adapter: createAdapterFactory(url),
    // Query errors reach the caller as exceptions (an expected unique-key race included), so they
    // are not logged a second time here. Query events feed the database-time metric (their SQL
    // and parameters are not kept).
    log: [
      { emit: "event", level: "query" },
      ...(process.env.PRISMA_LOG_QUERIES === "1"
        ? ([{ emit: "stdout", level: "query" }, { emit: "stdout", level: "error" }] as const)
        : []),
      { emit: "stdout", level: "warn" },
    ] as const,
  };
  const client =
    databaseKind(url) === "postgresql"
      ? (new PostgresClient({ ...options, log: [...options.log] }) as unknown as SqliteClient<"query">)
      : new SqliteClient({ ...options, log: [...options.log] });
  client.$on("query", (e) => observeDbQuery(e.query, e.duration));
  return client as unknown as Db;
}

// One client per process; cached on globalThis so dev hot reloads don't open new connections.
const globalForDb = globalThis as unknown as { prisma?: Db };

export const db: Db = globalForDb.prisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalForDb.prisma = db;
