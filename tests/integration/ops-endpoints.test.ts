/**
 * The operations endpoints, called as Next calls them, on this run's real database (SQLite, or
 * PostgreSQL with TEST_DB=postgresql):
 * - GET /api/health: liveness, 200 whatever the database does;
 * - GET /api/ready: 200 when the database answers and every migration is applied, else 503
 *   with the reason "database" or "migrations";
 * - GET /api/metrics: Prometheus text behind METRICS_TOKEN (404 without one, 401 for a wrong one).
 * Unmigrated and unreachable databases are other databases: the route modules are loaded again
 * with DATABASE_URL pointing there.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import * as health from "@/app/api/health/route";
import * as ready from "@/app/api/ready/route";
import * as metrics from "@/app/api/metrics/route";
import * as patients from "@/app/api/v1/patients/route";
import * as patient from "@/app/api/v1/patients/[id]/route";
import { proxy } from "@/proxy";
import { createScratchDatabase } from "../../scripts/scratch-database";
import { createWorld } from "../factories/world";
import { call, tokenFor } from "../helpers/api";

const kind = process.env.TEST_DB_KIND === "postgresql" ? "postgresql" : "sqlite";
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const METRICS_TOKEN = "metrics-test-token-4f9a0c";

let world: Awaited<ReturnType<typeof createWorld>>;
let token = "";

beforeAll(async () => {
  // Read when the API's limiters are made, on this file's first API request.
  process.env.API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE = "3";
  world = await createWorld(db);
  token = await tokenFor(world.actors.clinician);
});
afterAll(() => {
  delete process.env.API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE;
  delete process.env.METRICS_TOKEN;
});

async function answer(response: Response | Promise<Response>) {
  const r = await response;
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text
  }
  return { status: r.status, headers: r.headers, body, text };
}

const getReady = () => answer(ready.GET());
const getHealth = () => answer(health.GET());

type Modules = {
  ready: typeof import("@/app/api/ready/route");
  health: typeof import("@/app/api/health/route");
  ops: typeof import("@/lib/ops/health");
};
const cache = globalThis as unknown as { prisma?: { $disconnect(): Promise<void> } };

/** The ops modules loaded afresh against another database (the app's client is one per process). */
async function against<T>(url: string, fn: (m: Modules) => Promise<T>): Promise<T> {
  const saved = { url: process.env.DATABASE_URL, prisma: cache.prisma };
  delete cache.prisma;
  process.env.DATABASE_URL = url;
  vi.resetModules();
  try {
    const m: Modules = {
      ready: await import("@/app/api/ready/route"),
      health: await import("@/app/api/health/route"),
      ops: await import("@/lib/ops/health"),
    };
    return await fn(m);
  } finally {
    // (read again: the fresh modules cached their client there)
    const other = Reflect.get(globalThis, "prisma") as { $disconnect(): Promise<void> } | undefined;
    cache.prisma = saved.prisma;
    process.env.DATABASE_URL = saved.url;
    vi.resetModules();
    await other?.$disconnect().catch(() => undefined);
  }
}

/** A database that exists and answers, with no table in it. */
function emptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createScratchDatabase(kind, { name: `test_empty_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`, tempPrefix: "cramp-empty-", adminUrl: PG_ADMIN_URL });
}

/** A database URL nothing answers at: a closed port, or for SQLite a path that is a folder. */
function unreachableUrl(): { url: string; cleanup: () => void } {
  if (kind === "postgresql") return { url: "postgresql://postgres@127.0.0.1:1/nothing", cleanup: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-unreachable-"));
  fs.mkdirSync(path.join(dir, "not-a-file.db"));
  return { url: `file:${path.join(dir, "not-a-file.db")}`, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe("GET /api/health (liveness)", () => {
  it("200 with a status word only: no version, no data", async () => {
    const r = await getHealth();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: "ok" });
    expect(r.headers.get("cache-control")).toBe("no-store");
  });

  it("still 200 when the database is unreachable: it does not ask the database", async () => {
    const { url, cleanup } = unreachableUrl();
    try {
      await against(url, async (m) => {
        expect(await answer(m.health.GET())).toMatchObject({ status: 200, body: { status: "ok" } });
        expect(await answer(m.ready.GET())).toMatchObject({ status: 503, body: { status: "not ready", reason: "database" } });
      });
    } finally {
      cleanup();
    }
  });
});

describe("GET /api/ready (readiness)", () => {
  // Each test leaves the migration history as it found it.
  const undo: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (undo.length) await undo.pop()!();
    expect((await getReady()).status).toBe(200);
  });

  const lastMigration = async () =>
    (await db.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`)[0]
      .migration_name;

  it("200 {status: ready} on the migrated database, with nothing else in the body", async () => {
    const r = await getReady();
    expect(r).toMatchObject({ status: 200, body: { status: "ready" } });
    expect(Object.keys(r.body as object)).toEqual(["status"]);
  });

  it("503 migrations: a migration recorded as started and never finished (a failed run)", async () => {
    const id = randomUUID();
    await db.$executeRaw`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (${id}, ${"0".repeat(64)}, ${"9999_failed_run"}, ${new Date()}, 0)`;
    undo.push(() => db.$executeRaw`DELETE FROM _prisma_migrations WHERE id = ${id}`);
    expect(await getReady()).toMatchObject({ status: 503, body: { status: "not ready", reason: "migrations" } });
  });

  it("503 migrations: the folder's newest migration is not applied (or was rolled back)", async () => {
    const name = await lastMigration();
    await db.$executeRaw`UPDATE _prisma_migrations SET migration_name = ${`${name}_elsewhere`} WHERE migration_name = ${name}`;
    undo.push(() => db.$executeRaw`UPDATE _prisma_migrations SET migration_name = ${name} WHERE migration_name = ${`${name}_elsewhere`}`);
    const missing = await getReady();
    expect(missing).toMatchObject({ status: 503, body: { status: "not ready", reason: "migrations" } });
    // No migration's name or any version in the answer.
    expect(missing.text).not.toContain(name.slice(0, 4));
    await undo.pop()!();
    expect((await getReady()).status).toBe(200);

    await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = ${new Date()} WHERE migration_name = ${name}`;
    undo.push(() => db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = ${name}`);
    expect(await getReady()).toMatchObject({ status: 503, body: { reason: "migrations" } });
  });

  it("503 migrations: an applied migration's file was changed afterwards (checksum differs)", async () => {
    const name = await lastMigration();
    const [{ checksum }] = await db.$queryRaw<{ checksum: string }[]>`SELECT checksum FROM _prisma_migrations WHERE migration_name = ${name}`;
    await db.$executeRaw`UPDATE _prisma_migrations SET checksum = ${"f".repeat(64)} WHERE migration_name = ${name}`;
    undo.push(() => db.$executeRaw`UPDATE _prisma_migrations SET checksum = ${checksum} WHERE migration_name = ${name}`);
    expect(await getReady()).toMatchObject({ status: 503, body: { reason: "migrations" } });
  });

  it("200 when the database also knows a migration this release does not (a newer release migrated it)", async () => {
    const id = randomUUID();
    await db.$executeRaw`INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (${id}, ${"0".repeat(64)}, ${"9999_from_a_newer_release"}, ${new Date()}, ${new Date()}, 1)`;
    undo.push(() => db.$executeRaw`DELETE FROM _prisma_migrations WHERE id = ${id}`);
    expect(await getReady()).toMatchObject({ status: 200, body: { status: "ready" } });
  });

  it("503 migrations on a database that was never migrated", async () => {
    const empty = await emptyDatabase();
    try {
      await against(empty.url, async (m) => {
        expect(await answer(m.ready.GET())).toMatchObject({ status: 503, body: { status: "not ready", reason: "migrations" } });
      });
    } finally {
      await empty.drop();
    }
  });

  it("503 database when it does not answer in time: a server that accepts and never replies", async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await against(`postgresql://postgres@127.0.0.1:${port}/silent`, async (m) => {
        const t0 = performance.now();
        expect(await m.ops.readiness({ timeoutMs: 300 })).toEqual({ ready: false, reason: "database" });
        expect(performance.now() - t0).toBeLessThan(2000);
        for (const s of sockets) s.destroy();
      });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** The value of one sample of the exposition text, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v) && Object.keys(have).length === Object.keys(labels).length) return Number(m[3]);
  }
  return undefined;
}

describe("GET /api/metrics", () => {
  const scrape = (authorization?: string) =>
    answer(metrics.GET(new Request("http://localhost:3000/api/metrics", { headers: authorization ? { authorization } : {} })));

  it("404 while METRICS_TOKEN is not set, whatever is sent", async () => {
    delete process.env.METRICS_TOKEN;
    expect((await scrape()).status).toBe(404);
    expect((await scrape(`Bearer ${METRICS_TOKEN}`)).status).toBe(404);
    process.env.METRICS_TOKEN = "   ";
    expect((await scrape("Bearer    ")).status).toBe(404);
  });

  it("401 without the token, with a wrong one, a longer or shorter one, or an API token; 200 with it", async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    for (const auth of [undefined, "Bearer wrong", `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, `Basic ${METRICS_TOKEN}`, `Bearer ${token}`]) {
      const r = await scrape(auth);
      expect({ auth, status: r.status }).toEqual({ auth, status: 401 });
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(r.text).not.toContain("http_requests_total");
    }
    const ok = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.text).toContain("# TYPE http_requests_total counter");
    expect(ok.text).toContain("# TYPE http_request_duration_seconds histogram");
    expect(ok.text).toContain("# TYPE db_query_duration_seconds histogram");
    expect(sample(ok.text, "diary_submissions_total")).toBe(0);
    expect(sample(ok.text, "rate_limit_refusals_total", { limiter: "sign_in" })).toBe(0);
  });

  it("counters move: requests by route pattern and status class, their duration, database time, rate-limit refusals", async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    const before = (await scrape(`Bearer ${METRICS_TOKEN}`)).text;
    const list = { method: "GET", route: "/api/v1/patients", status_class: "2xx" };
    const one = { method: "GET", route: "/api/v1/patients/[id]", status_class: "4xx" };

    expect((await call(patients.GET, "GET", "/api/v1/patients", { token })).status).toBe(200);
    expect((await call(patients.GET, "GET", "/api/v1/patients", { token })).status).toBe(200);
    expect((await call(patient.GET, "GET", "/api/v1/patients/no-such-id-7734", { token, params: { id: "no-such-id-7734" } })).status).toBe(404);
    // Bad tokens from one address: the 4th within a minute is refused by the per-IP limit (3 here).
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call(patients.GET, "GET", "/api/v1/patients", { token: "bad", headers: { "x-forwarded-for": "203.0.113.9" } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);

    const after = (await scrape(`Bearer ${METRICS_TOKEN}`)).text;
    const moved = (name: string, labels: Record<string, string> = {}) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(moved("http_requests_total", list)).toBe(2);
    expect(moved("http_request_duration_seconds_count", list)).toBe(2);
    expect(sample(after, "http_request_duration_seconds_sum", list)).toBeGreaterThan(0);
    expect(moved("http_requests_total", one)).toBe(1);
    expect(moved("http_requests_total", { method: "GET", route: "/api/v1/patients", status_class: "4xx" })).toBe(5);
    expect(moved("rate_limit_refusals_total", { limiter: "api_ip" })).toBe(2);
    expect(moved("db_query_duration_seconds_count", { statement: "select" })).toBeGreaterThan(2);
    expect(sample(after, "db_query_duration_seconds_sum", { statement: "select" })).toBeGreaterThan(0);
    // Route patterns only: no record id and nothing of the query string in any label.
    expect(after).not.toContain("no-such-id-7734");
    expect(after).not.toContain("203.0.113.9");
  });
});

describe("proxy.ts lets the probes and the scrape through without sign-in, with the security headers", () => {
  it.each(["/api/health", "/api/ready", "/api/metrics"])("%s", (pathname) => {
    const r = proxy(new NextRequest(`http://localhost:3000${pathname}`));
    expect(r.status).toBe(200);
    expect(r.headers.get("x-middleware-next")).toBe("1");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("while an API route without credentials is still refused there", () => {
    const r = proxy(new NextRequest("http://localhost:3000/api/v1/patients"));
    expect(r.status).toBe(401);
    expect(r.headers.get("x-frame-options")).toBe("DENY");
  });
});
