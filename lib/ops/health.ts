import { db } from "@/lib/server/db";

/** For load balancers and monitoring: answers whether the database takes a query. No patient data. */
export async function databaseReachable(): Promise<boolean> {
  try {
    await db.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
