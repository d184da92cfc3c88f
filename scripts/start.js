/**
 * `npm start`: the production server, `next start` with its arguments (`npm start -- -p 8080`).
 *
 * On PostgreSQL it runs one `next start` worker per CPU core (or WEB_CONCURRENCY), sharing the
 * port through Node's cluster module: one Node process renders on one core, and a patient page is
 * mostly rendering, so a second worker nearly doubles the pages a 2-core server can answer. Every
 * piece of shared state (sessions, audit chain, locks, idempotency keys) lives in the database,
 * the sign-in and API rate limits and the account lockout included: however many workers (or
 * `npm start` processes on one database) serve, a client is refused after the same number of
 * requests, and an account locks after the same number of failures.
 *
 * On SQLite it runs a single process: SQLite has one writer, and every page appends audit rows,
 * so a second process would only wait for the first (or fail its read transaction when the other
 * wrote first).
 */
import cluster from "node:cluster";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { workerCount } from "./workers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const workers = workerCount(process.env.DATABASE_URL, process.env.WEB_CONCURRENCY, os.availableParallelism());

async function runNextStart() {
  process.argv = [process.argv[0], nextBin, "start", ...process.argv.slice(2)];
  await import(nextBin);
}

if (workers === 1 || !cluster.isPrimary) {
  await runNextStart();
} else {
  console.log(`Starting ${workers} workers (PostgreSQL; WEB_CONCURRENCY sets the number)`);
  let stopping = false;
  const recentExits = [];
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A worker that died is replaced, unless workers keep dying: then the server stops, so that
    // the operator's supervisor sees the failure instead of a restart loop.
    const now = Date.now();
    recentExits.push(now);
    while (recentExits.length && now - recentExits[0] > 60_000) recentExits.shift();
    console.error(`Worker ${worker.process.pid} exited (${signal ?? `code ${code}`}).`);
    if (recentExits.length > workers * 3) {
      console.error("Workers keep exiting; stopping the server.");
      process.exit(1);
    }
    cluster.fork();
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
}
