/**
 * The database-backed rate limiter (lib/server/auth/rate-limit.ts) on this file's fresh database
 * (SQLite, or PostgreSQL with TEST_DB=postgresql): the limit, the window, independent keys and
 * limiters, exact counting of concurrent hits, hashed keys and pruning.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { pruneRateLimitWindows, RateLimiter } from "@/lib/server/auth/rate-limit";

const MIN = 60_000;
let n = 0;
/** A key no other test uses. */
const freshKey = () => `198.51.100.${++n}`;

async function rows() {
  return db.$queryRaw<{ key: string; windowStart: bigint | number; count: number | bigint }[]>`
    SELECT "key", "windowStart", "count" FROM "RateLimitWindow"`;
}

describe("RateLimiter", () => {
  it("allows exactly the limit in one window and refuses the hit after it, with the seconds left", async () => {
    const limiter = new RateLimiter(5, MIN, "test_limit");
    const key = freshKey();
    const t0 = 1_000_000_000;
    for (let i = 0; i < 5; i++) expect(await limiter.hit(key, t0 + i * 1000)).toBe(0);
    expect(await limiter.blockedFor(key, t0 + 5000)).toBe(55);
    expect(await limiter.hit(key, t0 + 5000)).toBe(55); // the 6th: refused, 55 s left
    expect(await limiter.hit(key, t0 + 59_500)).toBe(1);
  });

  it("blockedFor counts nothing and is 0 below the limit", async () => {
    const limiter = new RateLimiter(3, MIN, "test_blocked");
    const key = freshKey();
    const t0 = 2_000_000_000;
    expect(await limiter.blockedFor(key, t0)).toBe(0);
    for (let i = 0; i < 10; i++) expect(await limiter.blockedFor(key, t0)).toBe(0);
    expect(await limiter.hit(key, t0)).toBe(0);
    expect(await limiter.hit(key, t0)).toBe(0);
    expect(await limiter.blockedFor(key, t0)).toBe(0);
    expect(await limiter.hit(key, t0)).toBe(0);
    expect(await limiter.blockedFor(key, t0 + 30_000)).toBe(30);
    expect(await limiter.blockedFor(key, t0 + MIN)).toBe(0);
  });

  it("opens again when the window has passed, with a new full window", async () => {
    const limiter = new RateLimiter(2, MIN, "test_reset");
    const key = freshKey();
    const t0 = 3_000_000_000;
    expect(await limiter.hit(key, t0)).toBe(0);
    expect(await limiter.hit(key, t0 + 1)).toBe(0);
    expect(await limiter.hit(key, t0 + 59_999)).toBe(1);
    // The window started at t0 ran out: the next hit starts a new one, counted from 1.
    expect(await limiter.hit(key, t0 + MIN)).toBe(0);
    expect(await limiter.hit(key, t0 + MIN + 10)).toBe(0);
    expect(await limiter.hit(key, t0 + MIN + 20)).toBe(60);
  });

  it("keeps two keys, and two limiters with one key, apart", async () => {
    const a = new RateLimiter(1, MIN, "test_a");
    const b = new RateLimiter(1, MIN, "test_b");
    const [k1, k2] = [freshKey(), freshKey()];
    const t0 = 4_000_000_000;
    expect(await a.hit(k1, t0)).toBe(0);
    expect(await a.hit(k1, t0)).toBeGreaterThan(0);
    expect(await a.hit(k2, t0)).toBe(0);
    expect(await b.hit(k1, t0)).toBe(0);
    expect(await b.blockedFor(k2, t0)).toBe(0);
  });

  it("counts concurrent hits exactly once each", async () => {
    const limit = 20;
    const limiter = new RateLimiter(limit, MIN, "test_concurrent");
    const key = freshKey();
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key, t0)));
    expect(results.filter((r) => r === 0)).toHaveLength(limit);
    expect(results.filter((r) => r > 0)).toHaveLength(50 - limit);
    const hashed = createHash("sha256").update(`test_concurrent\u0000${key}`).digest("hex");
    const row = (await rows()).find((r) => r.key === hashed);
    expect(Number(row?.count)).toBe(50);
  });

  it("stores no key in clear", async () => {
    const limiter = new RateLimiter(5, MIN, "test_clear");
    const email = "someone@clinic.example";
    await limiter.hit(email);
    const all = await rows();
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) {
      expect(r.key).toMatch(/^[0-9a-f]{64}$/);
      expect(r.key).not.toContain("198.51.100");
    }
    expect(JSON.stringify(all, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(email);
  });

  it("prunes the rows of windows that ran out, and keeps the current ones", async () => {
    const limiter = new RateLimiter(5, MIN, "test_prune");
    const [old, current] = [freshKey(), freshKey()];
    const now = 9_000_000_000_000;
    await limiter.hit(old, now - 2 * MIN);
    await limiter.hit(current, now - 1000);
    const before = (await rows()).length;
    const deleted = await pruneRateLimitWindows(now);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect((await rows()).length).toBe(before - deleted);
    // The current window still counts; the pruned one starts again at 1.
    expect(await limiter.blockedFor(current, now)).toBe(0);
    for (let i = 0; i < 4; i++) await limiter.hit(current, now);
    expect(await limiter.hit(current, now)).toBeGreaterThan(0);
    expect(await limiter.hit(old, now)).toBe(0);
  });
});
