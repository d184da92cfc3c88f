import "server-only";
import { PrismaClient as SqliteClient, type Prisma } from "@/generated/prisma/client";
import { PrismaClient as PostgresClient } from "@/generated/postgresql/client";
import { createAdapterFactory, databaseKind, DEFAULT_DATABASE_URL } from "./db-adapter";

// Both clients are generated from one model (prisma/schema.prisma and the PostgreSQL schema
// derived from it), so they expose the same API; the app is typed against the SQLite one.
export type Db = InstanceType<typeof SqliteClient>;
/** The client inside a transaction: what every data-layer function passes down. */
export type Tx = Prisma.TransactionClient;

export function createPrismaClient(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Db {
  const options = {
    adapter: createAdapterFactory(url),
    // Query errors reach the caller as exceptions (an expected unique-key race included), so they
    // are not logged a second time here.
    log: process.env.PRISMA_LOG_QUERIES === "1" ? (["query", "warn", "error"] as const) : (["warn"] as const),
  };
  if (databaseKind(url) === "postgresql") return new PostgresClient({ ...options, log: [...options.log] }) as unknown as Db;
  return new SqliteClient({ ...options, log: [...options.log] });
}

// One client per process; cached on globalThis so dev hot reloads don't open new connections.
const globalForDb = globalThis as unknown as { prisma?: Db };

export const db: Db = globalForDb.prisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalForDb.prisma = db;
