import path from "node:path";
import { defineConfig } from "prisma/config";
import { createAdapterFactory } from "./lib/server/db-adapter";

// Prisma 6.19 runs without native engines here: the CLI talks to the database through the same
// driver adapter the app uses (see ../shared/stack.md).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations", "sqlite") },
  adapter: async () => createAdapterFactory(process.env.DATABASE_URL ?? "file:./data/clinic.db"),
});
