import { PrismaClient } from "@/generated/prisma/client";
import { createAdapterFactory, DEFAULT_DATABASE_URL } from "./db-adapter";

export type Db = PrismaClient;

export function createPrismaClient(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Db {
  return new PrismaClient({
    adapter: createAdapterFactory(url),
    log: process.env.PRISMA_LOG_QUERIES === "1" ? ["query", "warn", "error"] : ["warn", "error"],
  });
}

// One client per process; cached on globalThis so dev hot reloads don't open new connections.
const globalForDb = globalThis as unknown as { prisma?: Db };

export const db: Db = globalForDb.prisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalForDb.prisma = db;
