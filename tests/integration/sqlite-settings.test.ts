import { describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";

const sqlite = process.env.TEST_DB_KIND === "sqlite";

describe.skipIf(!sqlite)("SQLite connection settings", () => {
  it("uses WAL, enforces foreign keys, waits for locks and syncs every commit", async () => {
    const pragma = async (name: string) => {
      const rows = (await db.$queryRawUnsafe(`PRAGMA ${name}`)) as Record<string, unknown>[];
      return String(Object.values(rows[0])[0]);
    };
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("foreign_keys")).toBe("1");
    expect(Number(await pragma("busy_timeout"))).toBeGreaterThanOrEqual(5000);
    expect(await pragma("synchronous")).toBe("2"); // FULL
  });

  it("refuses a row that points at nothing", async () => {
    await expect(db.episode.create({ data: { patientId: "nope", clinicId: "nope", occurredAt: new Date(), durationSeconds: 1, side: "LEFT" } })).rejects.toThrow();
  });
});
