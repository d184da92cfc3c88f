/**
 * Fixed-window counter kept in the database (table RateLimitWindow), so every server process
 * (scripts/start.js workers, or several `npm start` behind one proxy) counts towards one limit.
 *
 * One hit is one statement: an upsert that starts a new window when the old one ran out and
 * otherwise adds one, returning the count and the window's start. Concurrent hits, from one
 * process or several, are each counted exactly once (SQLite has one writer; PostgreSQL locks the
 * row for the conflict update). Keys are stored as sha256(limiter name, key): no address, email
 * or token id is kept in clear. Rows of windows that ran out are deleted now and then.
 */
import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/server/db";

/** One hit in this many also deletes the rows of windows that ran out. */
const PRUNE_ONE_IN = 500;
/** The longest window of the limiters this process made: older rows are expired for every limiter. */
let longestWindowMs = 0;

interface WindowRow {
  count: number | bigint;
  windowStart: number | bigint;
}

export class RateLimiter {
  /**
   * @param limit hits allowed per window; the one after the limit is refused
   * @param windowMs the window's length
   * @param name the limiter's name (e.g. "sign_in"): limiters of different names never share a
   *   count. Every limiter has its own.
   */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly name: string,
  ) {
    longestWindowMs = Math.max(longestWindowMs, windowMs);
  }

  private rowKey(key: string): string {
    return createHash("sha256").update(`${this.name}\u0000${key}`).digest("hex");
  }

  private secondsLeft(windowStart: number, now: number): number {
    return Math.max(1, Math.ceil((windowStart + this.windowMs - now) / 1000));
  }

  /** Counts one hit; resolves to 0 when allowed, otherwise the seconds until the window resets. */
  async hit(key: string, now = Date.now()): Promise<number> {
    const rowKey = this.rowKey(key);
    const t = Math.floor(now);
    // Every SET expression reads the row as it was before this update, so both CASEs agree.
    const rows = await db.$queryRaw<WindowRow[]>`
      INSERT INTO "RateLimitWindow" ("key", "windowStart", "count")
      VALUES (${rowKey}, CAST(${t} AS BIGINT), 1)
      ON CONFLICT ("key") DO UPDATE SET
        "windowStart" = CASE WHEN "RateLimitWindow"."windowStart" <= CAST(${t - this.windowMs} AS BIGINT)
          THEN CAST(${t} AS BIGINT) ELSE "RateLimitWindow"."windowStart" END,
        "count" = CASE WHEN "RateLimitWindow"."windowStart" <= CAST(${t - this.windowMs} AS BIGINT)
          THEN 1 ELSE "RateLimitWindow"."count" + 1 END
      RETURNING "count", "windowStart"`;
    if (Math.random() * PRUNE_ONE_IN < 1) await prune(t);
    const count = Number(rows[0].count);
    return count > this.limit ? this.secondsLeft(Number(rows[0].windowStart), t) : 0;
  }

  /** Seconds until the key may be counted again if it is over the limit now, else 0; counts nothing. */
  async blockedFor(key: string, now = Date.now()): Promise<number> {
    const rows = await db.$queryRaw<WindowRow[]>`
      SELECT "count", "windowStart" FROM "RateLimitWindow" WHERE "key" = ${this.rowKey(key)}`;
    const w = rows[0];
    if (!w) return 0;
    const start = Number(w.windowStart);
    if (now - start >= this.windowMs || Number(w.count) < this.limit) return 0;
    return this.secondsLeft(start, now);
  }
}

/** Deletes the rows whose window ran out for every limiter. A failure only delays the cleanup. */
async function prune(now: number): Promise<void> {
  try {
    await pruneRateLimitWindows(now);
  } catch {
    /* the next prune will do it */
  }
}

/** Deletes rate-limit rows older than the longest window; returns how many. */
export async function pruneRateLimitWindows(now = Date.now()): Promise<number> {
  const before = Math.floor(now) - longestWindowMs;
  return db.$executeRaw`DELETE FROM "RateLimitWindow" WHERE "windowStart" < CAST(${before} AS BIGINT)`;
}
