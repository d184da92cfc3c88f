-- Rate-limit windows shared by every server process (lib/server/auth/rate-limit.ts): one row per
-- limiter and client, keyed by a sha256 (no address or email in clear), windowStart in ms since 1970.

-- CreateTable
CREATE TABLE "RateLimitWindow" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "windowStart" BIGINT NOT NULL,
    "count" INTEGER NOT NULL
);
