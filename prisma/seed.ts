/**
 * Demo data: two clinics (Northside Clinic in US units), demo accounts and 48 patients with
 * varied profiles, among them one for each rule of clinical spec version 2 (tests/factories/demo.ts).
 * Deterministic (fixed pseudo-random seed) so screenshots and tests see the same data.
 * Run by `npm run db:seed`, and by `npm run dev` when the database is empty.
 */
import { createPrismaClient } from "../lib/server/db";
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
