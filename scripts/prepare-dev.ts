/**
 * Runs before `next dev`: creates .env.local with a random NEXTAUTH_SECRET on first run,
 * applies migrations, and seeds the demo data when the database has no users yet.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { DEFAULT_DATABASE_URL } from "../lib/server/db-adapter";
import { createPrismaClient } from "../lib/server/db";
import { migrateDatabase } from "../lib/ops/migrations/runner";
import { seedDemo } from "../tests/factories/demo";

if (!fs.existsSync(".env.local") && !process.env.NEXTAUTH_SECRET) {
  fs.writeFileSync(".env.local", `NEXTAUTH_SECRET=${randomBytes(32).toString("base64url")}\nNEXTAUTH_URL=http://localhost:3000\n`, { mode: 0o600 });
  console.log("Wrote .env.local with a new random NEXTAUTH_SECRET.");
}

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const { applied } = await migrateDatabase(url);
if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);

const db = createPrismaClient(url);
try {
  if ((await db.user.count()) === 0) {
    const summary = await seedDemo(db);
    console.log(`Seeded ${summary.patients} demo patients. Sign in as ${summary.logins.join(" or ")} with password ${summary.password}`);
  }
} finally {
  await db.$disconnect();
}
