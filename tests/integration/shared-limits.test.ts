/**
 * Two real `npm start` processes (scripts/start.js, WEB_CONCURRENCY=1 each, two ports) on this
 * file's one database: the account lockout and the rate limits are shared, not counted per
 * process. Meant for PostgreSQL (`TEST_DB=postgresql`), where production runs several workers;
 * on SQLite it runs the same way (two processes on one file).
 *
 * Needs the production build (.next). When .next/BUILD_ID is missing, or older than the rate
 * limiter or its migration, the test runs `npm run build` first (a few minutes). Only one build
 * may run at a time in one checkout: where other builds or e2e runs may run, start this test under
 * the same lock, e.g. `bash -c 'exec 9>/tmp/e2e.lock; flock 9; npx vitest run --project integration
 * tests/integration/shared-limits.test.ts'`.
 */
const API_LIMIT = 6;
process.env.API_RATE_LIMIT_PER_MINUTE = String(API_LIMIT);

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { LOCKOUT_THRESHOLD, SIGN_IN_ATTEMPTS_PER_IP_PER_MINUTE } from "@/lib/core/password-policy";
import { createWorld, TEST_PASSWORD } from "../factories/world";
import { tokenFor } from "../helpers/api";

const root = path.resolve(import.meta.dirname, "..", "..");
const BUILD_ID = path.join(root, ".next", "BUILD_ID");
/** The build must contain the shared limiter: rebuilt when one of these is newer than it. */
const BUILD_INPUTS = ["lib/server/auth/rate-limit.ts", "lib/http/auth-options.ts", "lib/http/api/handler.ts"];

interface Server {
  name: string;
  base: string;
  child: ChildProcess;
  log: string[];
  exited: boolean;
}
const servers: Server[] = [];
let world: Awaited<ReturnType<typeof createWorld>>;

function ensureBuild() {
  const built = fs.existsSync(BUILD_ID) ? fs.statSync(BUILD_ID).mtimeMs : 0;
  const stale = BUILD_INPUTS.find((f) => fs.statSync(path.join(root, f)).mtimeMs > built);
  if (built && !stale) return;
  console.log(built ? `[shared-limits] ${stale} is newer than the build: building …` : "[shared-limits] No production build: building …");
  const r = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error("`npm run build` failed; the two-process test needs the production build.");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(name: string, secret: string): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.js"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      WEB_CONCURRENCY: "1",
      DATABASE_URL: process.env.DATABASE_URL,
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: base,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group, so stopServer() reaches every child
  });
  const server: Server = { name, base, child, log: [], exited: false };
  child.stdout!.on("data", (c: Buffer) => server.log.push(c.toString()));
  child.stderr!.on("data", (c: Buffer) => server.log.push(c.toString()));
  child.on("exit", (code, signal) => {
    server.exited = true;
    server.log.push(`[exited: ${signal ?? code}]\n`);
  });
  servers.push(server);
  return server;
}

async function waitForServer(server: Server, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (server.exited) break;
    try {
      const res = await fetch(`${server.base}/signin`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${server.name} did not answer at ${server.base} (last: ${last}). Log:\n${server.log.join("")}`);
}

async function stopServer(server: Server) {
  const pid = server.child.pid;
  if (server.exited || pid === undefined) return;
  const exited = new Promise<void>((resolve) => server.child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  ensureBuild();
  world = await createWorld(db);
  // Both processes sign the same session cookies, as replicas behind one proxy do.
  const secret = randomBytes(32).toString("base64url");
  const a = await startServer("server A", secret);
  const b = await startServer("server B", secret);
  await Promise.all([waitForServer(a), waitForServer(b)]);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(servers.map(stopServer));
});

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");

/**
 * One credentials sign-in through next-auth's HTTP endpoints, as the sign-in form posts it.
 * Returns the error next-auth redirects with ("CredentialsSignin", "RATE_LIMITED"), or null when
 * it signed in.
 */
async function signIn(server: Server, email: string, password: string, ip: string): Promise<string | null> {
  const headers = { "x-forwarded-for": ip };
  const csrf = await fetch(`${server.base}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${server.base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf) },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${server.base}/` }),
  });
  expect(res.status, `${server.name} answered the sign-in with ${res.status}`).toBe(302);
  const location = new URL(res.headers.get("location") ?? "", server.base);
  return location.searchParams.get("error");
}

describe("two npm start processes on one database", () => {
  it("lock an account after LOCKOUT_THRESHOLD wrong passwords in total, spread over both", async () => {
    const user = world.users.clinician;
    const ip = "203.0.113.10";
    for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i++) {
      expect(await signIn(servers[i % 2], user.email, "wrong password", ip)).toBe("CredentialsSignin");
    }
    // Each process has seen fewer than the threshold; together they reach one less.
    const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect({ failed: before.failedSignIns, locked: before.lockedUntil }).toEqual({ failed: LOCKOUT_THRESHOLD - 1, locked: null });

    expect(await signIn(servers[(LOCKOUT_THRESHOLD - 1) % 2], user.email, "wrong password", ip)).toBe("CredentialsSignin");
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await db.auditEvent.count({ where: { userId: user.id, action: "ACCOUNT_LOCKED" } })).toBe(1);
    // Locked on both: the right password is refused by either process.
    for (const server of servers) expect(await signIn(server, user.email, TEST_PASSWORD, ip)).toBe("CredentialsSignin");
    // Another account signs in through either process.
    for (const server of servers) expect(await signIn(server, world.users.reader.email, TEST_PASSWORD, "203.0.113.11")).toBeNull();
  });

  it("refuse sign-ins from one address past the per-minute limit in total, spread over both", async () => {
    const ip = "203.0.113.20";
    // Unknown accounts: each attempt counts towards the address's limit, and locks nobody.
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_IP_PER_MINUTE; i++) {
      expect(await signIn(servers[i % 2], `nobody${i}@test.clinic`, "wrong password", ip)).toBe("CredentialsSignin");
    }
    for (const server of servers) expect(await signIn(server, world.users.admin.email, TEST_PASSWORD, ip)).toBe("RATE_LIMITED");
    // Another address is not affected.
    expect(await signIn(servers[1], world.users.admin.email, TEST_PASSWORD, "203.0.113.21")).toBeNull();
  });

  it("answer 429 once a token passed the API limit in total, spread over both", async () => {
    const token = await tokenFor(world.actors.admin, "shared-limits");
    const get = (server: Server) =>
      fetch(`${server.base}/api/v1/patients`, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.30" } });
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT; i++) statuses.push((await get(servers[i % 2])).status);
    expect(statuses).toEqual(Array(API_LIMIT).fill(200));
    for (const server of servers) {
      const res = await get(server);
      expect(res.status, `${server.name} after ${API_LIMIT} requests in total`).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    }
    // Another token is counted on its own.
    const other = await tokenFor(world.actors.clinician, "shared-limits-2");
    const res = await fetch(`${servers[1].base}/api/v1/patients`, { headers: { authorization: `Bearer ${other}` } });
    expect(res.status).toBe(200);
  });
});
