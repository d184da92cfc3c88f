/**
 * Demo data: two clinics, demo accounts and about 40 patients with varied profiles.
 * Deterministic (fixed pseudo-random seed) so screenshots and tests see the same data.
 * Run by `npm run db:seed`, and by `npm run dev` when the database is empty.
 */
import { createPrismaClient } from "../lib/db";
import { seedDemo } from "../tests/factories/demo";

const db = createPrismaClient();
seedDemo(db)
  .then((summary) => {
    console.log(`Seeded ${summary.patients} patients in ${summary.clinics} clinics.`);
    console.log(`Demo sign-in: ${summary.logins.join(", ")} (password ${summary.password})`);
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => db.$disconnect());
