/**
 * `npm run test:e2e`: end-to-end tests in Debian's Chromium against the production build.
 *
 *   1. checks that Chromium is installed (E2E_CHROMIUM, default /usr/bin/chromium);
 *   2. runs `npm run build` when .next/BUILD_ID is missing, or always with `--build`;
 *   3. creates a fresh SQLite database in a temporary folder, migrates and seeds it (demo data);
 *   4. starts an OpenID Connect provider (oidc-provider, tests/helpers/oidc-server.ts) on a free port for
 *      single sign-on, then the production server (`npm start`) on a free port (or E2E_PORT) with OIDC_* set
 *      to that provider, and waits until /signin answers;
 *   5. runs the vitest project `e2e` (tests/e2e/**\/*.e2e.ts) with E2E_BASE_URL and E2E_DATABASE_URL;
 *   6. always stops the server; prints its log when something failed; exits with the tests' status.
 *
 * Other arguments go to vitest, e.g. `npm run test:e2e -- tests/e2e/admin-users.e2e.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const started = Date.now();
const argv = process.argv.slice(2);
const forceBuild = argv.includes("--build");
const vitestArgs = argv.filter((a) => a !== "--build");
const chromium = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";

function step(message: string) {
  console.log(`\n[e2e] ${message}`);
}

function fail(message: string): never {
  console.error(`\n[e2e] ${message}`);
  process.exit(1);
}

// 1. Browser
if (!fs.existsSync(chromium)) {
  fail(
    `Chromium was not found at ${chromium}. Install Debian's package with:\n\n    apt-get install -y chromium\n\n` +
      "(Playwright's own browser downloads cannot work on this network; set E2E_CHROMIUM to use another binary.)",
  );
}

// 2. Build
const buildId = path.join(root, ".next", "BUILD_ID");
if (forceBuild || !fs.existsSync(buildId)) {
  step(forceBuild ? "Building (--build) …" : "No production build (.next/BUILD_ID) yet: building …");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status !== 0) fail("`npm run build` failed.");
} else {
  const newer = newestSource(fs.statSync(buildId).mtimeMs);
  if (newer) console.log(`[e2e] Note: ${newer} changed after the last build; run \`npm run test:e2e -- --build\` to test the current code.`);
}

/** A source file newer than the build, if any (only a hint; the build is what gets tested). */
function newestSource(buildTime: number): string | null {
  const roots = ["app", "lib", "proxy.ts", "next.config.js", "prisma/schema.prisma"];
  const walk = (p: string): string | null => {
    if (!fs.existsSync(p)) return null;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) {
        const hit = walk(path.join(p, e));
        if (hit) return hit;
      }
      return null;
    }
    return st.mtimeMs > buildTime ? p : null;
  };
  for (const r of roots) {
    const hit = walk(r);
    if (hit) return hit;
  }
  return null;
}

// 3. Database
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-e2e-"));
const databaseUrl = `file:${path.join(tmp, "e2e.db")}`;
const serverLogFile = path.join(tmp, "server.log");
step(`Creating the database ${databaseUrl} …`);
// lib/server/db creates the app's client from DATABASE_URL when first imported (the seed goes through it).
process.env.DATABASE_URL = databaseUrl;
const { migrateDatabase } = await import("../lib/ops/migrations/runner");
const { createPrismaClient } = await import("../lib/server/db");
const { seedDemo } = await import("../tests/factories/demo");
await migrateDatabase(databaseUrl);
const seedClient = createPrismaClient(databaseUrl);
try {
  const summary = await seedDemo(seedClient);
  console.log(`[e2e] Seeded ${summary.patients} patients, ${summary.clinics} clinics.`);
} finally {
  await seedClient.$disconnect();
}
const { db: appDb } = await import("../lib/server/db");
await appDb.$disconnect();

// 4. Server
const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
// Single sign-on: a real identity provider, started before the app that discovers it.
const { startOidcServer } = await import("../tests/helpers/oidc-server");
const oidc = await startOidcServer({ redirectUris: [`${baseUrl}/api/auth/callback/oidc`] });
console.log(`[e2e] OpenID Connect provider on ${oidc.issuer}.`);
const serverLog: string[] = [];
const logStream = fs.createWriteStream(serverLogFile);
let server: ChildProcess | null = null;
let serverExited = false;

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

async function stopServer(): Promise<void> {
  const child = server;
  if (!child || serverExited || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // the server's whole process group (next start forks workers)
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function printServerLog() {
  console.log(`\n[e2e] ---- server log (${serverLogFile}) ----`);
  console.log(serverLog.join("").trimEnd() || "(empty)");
  console.log("[e2e] ---- end of server log ----");
}

let interrupted = false;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n[e2e] ${sig}: stopping the server …`);
    void stopServer().finally(() => process.exit(130));
  });
}

let status = 1;
try {
  step(`Starting npm start on ${baseUrl} …`);
  const serverStarted = Date.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    NEXTAUTH_URL: baseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: oidc.clientSecret,
    OIDC_NAME: "Hospital login",
  };
  server = spawn(process.execPath, [path.join(root, "scripts", "start.js"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // own process group, so stopServer() reaches every child
  });
  const collect = (chunk: Buffer) => {
    serverLog.push(chunk.toString());
    logStream.write(chunk);
  };
  server.stdout!.on("data", collect);
  server.stderr!.on("data", collect);
  server.on("exit", (code, signal) => {
    serverExited = true;
    serverLog.push(`[server exited: ${signal ?? code}]\n`);
  });

  await waitForServer(`${baseUrl}/signin`, 90_000);
  console.log(`[e2e] Server ready after ${((Date.now() - serverStarted) / 1000).toFixed(1)} s.`);

  // 5. Tests
  step("Running vitest --project e2e …");
  status = await new Promise<number>((resolve) => {
    const tests = spawn(process.execPath, [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--project", "e2e", ...vitestArgs], {
      cwd: root,
      stdio: "inherit",
      env: {
        ...process.env,
        E2E_BASE_URL: baseUrl,
        E2E_DATABASE_URL: databaseUrl,
        E2E_CHROMIUM: chromium,
        E2E_OIDC_ISSUER: oidc.issuer,
        // Tests that import lib/server/db (directly or through factories) reach the server's database.
        DATABASE_URL: databaseUrl,
      },
    });
    tests.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
} catch (error) {
  console.error(`\n[e2e] ${(error as Error).message}`);
  status = 1;
} finally {
  await stopServer();
  await oidc.close();
  await new Promise<void>((resolve) => logStream.end(resolve));
}

// 6. Report
if (status !== 0) {
  printServerLog();
  console.log(`\n[e2e] FAILED (exit ${status}) after ${((Date.now() - started) / 1000).toFixed(1)} s. Database and log kept in ${tmp}`);
  console.log("[e2e] Screenshots, if any: test-results/screenshots/");
} else {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`\n[e2e] Passed in ${((Date.now() - started) / 1000).toFixed(1)} s. Screenshots: test-results/screenshots/`);
}
process.exit(status);

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (serverExited) throw new Error("The server exited before it answered.");
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not answer ${url} with 200 within ${timeoutMs / 1000} s (last: ${last}).`);
}
