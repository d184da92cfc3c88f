/**
 * `npx tsx --conditions=react-server scripts/bench-triage.ts [--patients 100000] [--episodes 1000000]
 *   [--runs 30] [--dialects sqlite,postgresql] [--url <DATABASE_URL>] [--keep]`
 *
 * Times the patient list's triage read (lib/features/patients/list.ts: listPatientTriage, the whole
 * data-layer call: transaction, out-of-date check, page, count, sparklines, audit row) at 100,000
 * patients, against the list it replaces (listPatients of lib/features/patients/data.ts) measured
 * in the same run on the same data.
 *
 * For each dialect a child process fills a scratch database (a SQLite file in /tmp, or a fresh
 * PostgreSQL database `bench_triage_<random>`, dropped afterwards unless --keep) with the benchmark
 * network of scripts/bench/synthetic.ts (4 clinics, visits and labs, episodes over 3 years), computes
 * every patient's stored attention row, runs ANALYZE, and reports the median and 95th percentile of
 * RUNS reads after 5 warm-up reads (the process itself warmed up by 80 reads of both lists first).
 * --url times an already seeded database instead (npm run bench:seed, or a database kept with
 * --keep), for one dialect. Deep pages are reached by walking the list (200 rows a read) to 80 % of
 * its length; the cursor there is the one the page's "Next" link would carry.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createScratchDatabase } from "./scratch-database";
import { BENCH_USERS, defaultOptions, fillNetwork, openBulkDriver } from "./bench/synthetic";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const PATIENTS = Number(opt("patients", "100000"));
const EPISODES = Number(opt("episodes", "1000000"));
const RUNS = Number(opt("runs", "30"));
const WARMUP = 5;
const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

type Dialect = "sqlite" | "postgresql";
interface Timing {
  name: string;
  rows: number;
  total: string;
  median: number;
  p95: number;
  baseline?: boolean;
}
interface ChildResult {
  dialect: Dialect;
  loadSeconds: number | null;
  counts: Record<string, number>;
  timings: Timing[];
  load: number[];
}

// ---------------------------------------------------------------------------------------------
// Child: one dialect

function scratchDatabase(dialect: Dialect): Promise<{ url: string; drop: () => Promise<void> }> {
  return createScratchDatabase(dialect, { name: `bench_triage_${randomBytes(4).toString("hex")}`, tempPrefix: "bench-triage-", adminUrl: PG_ADMIN_URL });
}

/**
 * Every patient's stored attention row, 1,000 patients a transaction: in one transaction the
 * patients' write locks (one advisory lock each on PostgreSQL) outgrow PostgreSQL's lock table at
 * 100,000 patients ("out of shared memory"). Returns the seconds it took.
 */
async function computeAttentionInBatches(url: string, asOf: Date): Promise<number> {
  const { createPrismaClient } = await import("../lib/server/db");
  const { refreshAttention } = await import("../lib/features/attention/data");
  const client = createPrismaClient(url);
  try {
    const started = performance.now();
    const ids = (await client.patient.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((p) => p.id);
    for (let i = 0; i < ids.length; i += 1000) {
      await client.$transaction((tx) => refreshAttention(tx, ids.slice(i, i + 1000), asOf), { timeout: 600_000 });
    }
    return (performance.now() - started) / 1000;
  } finally {
    await client.$disconnect();
  }
}

async function time(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)] };
}

async function runChild(dialect: Dialect, outFile: string, givenUrl: string | null, keep: boolean) {
  const log = (m: string) => console.log(`[bench-triage ${dialect}] ${m}`);
  const scratch = givenUrl ? { url: givenUrl, drop: async () => {} } : await scratchDatabase(dialect);
  const url = scratch.url;
  process.env.DATABASE_URL = url; // before lib/server/db is imported
  let loadSeconds: number | null = null;
  try {
    const driver = await openBulkDriver(url);
    if (!givenUrl) {
      const started = performance.now();
      const { migrateDatabase } = await import("../lib/ops/migrations/runner");
      await migrateDatabase(url);
      const now = new Date();
      await fillNetwork(driver, defaultOptions({ now, patients: PATIENTS, episodes: EPISODES, users: BENCH_USERS.slice(0, 2) }), log);
      log(`stored attention rows in ${(await computeAttentionInBatches(url, now)).toFixed(1)} s`);
      await driver.exec(dialect === "sqlite" ? "ANALYZE" : "VACUUM ANALYZE");
      loadSeconds = (performance.now() - started) / 1000;
      log(`loaded in ${loadSeconds.toFixed(0)} s`);
    }
    const count = async (sql: string) => Number((await driver.all(sql))[0].n);
    const counts = {
      patients: await count(`SELECT COUNT(*) AS "n" FROM "Patient" WHERE "deletedAt" IS NULL`),
      episodes: await count(`SELECT COUNT(*) AS "n" FROM "Episode"`),
      visits: await count(`SELECT COUNT(*) AS "n" FROM "Visit"`),
      "patients with red flags": await count(`SELECT COUNT(*) AS "n" FROM "PatientAttention" WHERE "flagCodes" <> ''`),
      "patients awaiting review": await count(`SELECT COUNT(*) AS "n" FROM "PatientAttention" WHERE "reviewCount" > 0`),
    };
    const clinicIds = (await driver.all(`SELECT "id" FROM "Clinic" ORDER BY "id"`)).map((r) => String(r.id));
    const user = (await driver.all(`SELECT "id", "email", "name" FROM "User" WHERE "role" = 'CLINICIAN' ORDER BY "id" LIMIT 1`))[0];
    const edge = (
      await driver.all(
        `SELECT "searchText", "id" FROM "Patient" WHERE "deletedAt" IS NULL ORDER BY "searchText", "id" LIMIT 1 OFFSET ${Math.floor(counts.patients * 0.8)}`,
      )
    )[0];
    // A search for one patient's name (family and given): few match, so the search passes every patient.
    const named = String(
      (
        await driver.all(
          `SELECT "searchText" FROM "Patient" WHERE "deletedAt" IS NULL ORDER BY "id" LIMIT 1 OFFSET ${Math.floor(counts.patients / 2)}`,
        )
      )[0].searchText,
    )
      .split(" ")
      .slice(0, 2)
      .join(" ");
    await driver.close();

    const { listPatients } = await import("../lib/features/patients/data");
    const { listPatientTriage, loadPatientsToSeeFirst } = await import("../lib/features/patients/list");
    const { encodeCursor } = await import("../lib/server/pagination");
    const actor = {
      userId: String(user.id),
      email: String(user.email),
      name: String(user.name),
      role: "CLINICIAN" as const,
      clinicIds,
      via: "system" as const,
      ip: null,
    };

    /** The cursor of the page at 80 % of the listing, found by walking it. */
    async function deepCursor(query: Record<string, unknown>): Promise<{ cursor: string; page: number }> {
      const first = await listPatientTriage(actor, { ...query, limit: 200 });
      const target = Math.floor(counts.patients * 0.8);
      let cursor = first.nextCursor;
      let seen = first.items.length;
      while (cursor && seen + 200 <= target) {
        const page = await listPatientTriage(actor, { ...query, limit: 200, cursor });
        seen += page.items.length;
        cursor = page.nextCursor;
      }
      if (!cursor) throw new Error(`the listing ${JSON.stringify(query)} ended before 80 %`);
      return { cursor, page: seen / 25 + 1 };
    }

    const timings: Timing[] = [];
    const measure = async (
      name: string,
      read: () => Promise<{ items: unknown[]; total: number; totalCapped: boolean }>,
      baseline = false,
    ) => {
      const sample = await read();
      const t = await time(read);
      const total = `${sample.totalCapped ? "> " : ""}${sample.total.toLocaleString("en")}`;
      timings.push({ name, rows: sample.items.length, total, ...t, baseline });
      log(`${name}: median ${t.median.toFixed(2)} ms, p95 ${t.p95.toFixed(2)} ms (${sample.items.length} rows of ${total})`);
    };

    // The process warms up first (code compiled, statements and pages cached), so that the first
    // figure measured is not its cold start.
    for (let i = 0; i < 40; i++) {
      await listPatientTriage(actor, { sort: (["name", "urgency", "lastEpisode", "lastVisit"] as const)[i % 4] });
      await listPatients(actor, {});
    }
    // What any audited read costs: its transaction and its audit row (the commit writes to disk).
    const { guarded } = await import("../lib/server/transaction");
    const { appendAudit } = await import("../lib/server/audit");
    const nothing = { items: [], total: 0, totalCapped: false };
    await measure(
      "floor: an audited read of nothing (transaction, audit row)",
      () =>
        guarded(actor, "clinical:read", { action: "PATIENT_LIST" }, (tx) =>
          appendAudit(tx, actor, { action: "PATIENT_LIST", details: {} }),
        ).then(() => nothing),
      true,
    );
    // The list before: name order, first page and a page at 80 %.
    await measure("before: listPatients, first page (name)", () => listPatients(actor, {}), true);
    const oldDeep = encodeCursor({ value: String(edge.searchText), id: String(edge.id), back: false });
    await measure("before: listPatients, page at 80 % (name)", () => listPatients(actor, { cursor: oldDeep }), true);

    await measure("triage: first page (name)", () => listPatientTriage(actor, {}));
    const byName = await deepCursor({ sort: "name" });
    await measure(`triage: page ${byName.page} (name)`, () => listPatientTriage(actor, { sort: "name", cursor: byName.cursor }));
    await measure("triage: first page (urgency)", () => listPatientTriage(actor, { sort: "urgency" }));
    const byUrgency = await deepCursor({ sort: "urgency" });
    await measure(`triage: page ${byUrgency.page} (urgency)`, () =>
      listPatientTriage(actor, { sort: "urgency", cursor: byUrgency.cursor }),
    );
    await measure("triage: first page (last episode)", () => listPatientTriage(actor, { sort: "lastEpisode" }));
    await measure("triage: first page (episodes, 30 days)", () => listPatientTriage(actor, { sort: "episodes30d" }));
    await measure("triage: first page (awaiting review)", () => listPatientTriage(actor, { sort: "awaitingReview" }));
    await measure("triage: first page (last visit)", () => listPatientTriage(actor, { sort: "lastVisit" }));
    await measure("triage: first page (MRN)", () => listPatientTriage(actor, { sort: "mrn" }));
    const byVisit = await deepCursor({ sort: "lastVisit", dir: "asc" });
    await measure(`triage: page ${byVisit.page} (last visit, longest ago first)`, () =>
      listPatientTriage(actor, { sort: "lastVisit", dir: "asc", cursor: byVisit.cursor }),
    );
    await measure("triage: urgency high or higher (urgency)", () => listPatientTriage(actor, { sort: "urgency", urgency: "HIGH" }));
    await measure("triage: awaiting review (last episode)", () => listPatientTriage(actor, { sort: "lastEpisode", review: "yes" }));
    await measure("triage: last episode within 7 days (episodes, 30 days)", () =>
      listPatientTriage(actor, { sort: "episodes30d", within: 7 }),
    );
    await measure('triage: search "er" (name)', () => listPatientTriage(actor, { q: "er" }));
    await measure(`triage: search "${named}", a name few patients have (name)`, () => listPatientTriage(actor, { q: named }));
    await measure("triage: urgent only, one clinic (name)", () => listPatientTriage(actor, { urgency: "URGENT", clinic: clinicIds[0] }));
    await measure("dashboard: patients to see first (10)", () => loadPatientsToSeeFirst(actor));

    const result: ChildResult = { dialect, loadSeconds, counts, timings, load: os.loadavg() };
    fs.writeFileSync(outFile, JSON.stringify(result));
    const { db } = await import("../lib/server/db");
    await db.$disconnect();
  } finally {
    if (!keep && !givenUrl) await scratch.drop();
    else log(`kept: ${url}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: one child per dialect, then the report

function printReport(results: ChildResult[]) {
  const cpu = os.cpus();
  console.log("\n## Patient list triage at 100,000 patients\n");
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, Node ${process.version}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  );
  console.log(
    `Command: npx tsx --conditions=react-server scripts/bench-triage.ts${argv.length ? ` ${argv.join(" ")}` : ""}; ${RUNS} reads after ${WARMUP} warm-up reads each`,
  );
  for (const r of results) {
    console.log(
      `\n### ${r.dialect === "sqlite" ? "SQLite" : "PostgreSQL"} (${r.loadSeconds === null ? "seeded beforehand" : `load ${r.loadSeconds.toFixed(0)} s`}; ${Object.entries(
        r.counts,
      )
        .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
        .join(", ")}; load average at the end ${r.load.map((l) => l.toFixed(1)).join(", ")})\n`,
    );
    const floor = r.timings.find((t) => t.name.startsWith("floor"))?.median ?? 0;
    console.log("| read | rows | of | median (ms) | p95 (ms) | median above the floor (ms) | at most 10 ms |");
    console.log("|---|---:|---:|---:|---:|---:|:---:|");
    for (const t of r.timings)
      console.log(
        `| ${t.name} | ${t.rows} | ${t.total} | ${t.median.toFixed(2)} | ${t.p95.toFixed(2)} | ${t.name.startsWith("floor") ? "—" : (t.median - floor).toFixed(2)} | ${t.baseline ? "—" : t.median <= 10 ? "yes" : "**no**"} |`,
      );
  }
}

async function main() {
  const childAt = argv.indexOf("--child");
  if (childAt >= 0) {
    await runChild(
      argv[childAt + 1] as Dialect,
      argv[childAt + 2],
      argv.includes("--url") ? opt("url", "") : null,
      argv.includes("--keep"),
    );
    return;
  }
  const given = argv.includes("--url") ? opt("url", "") : null;
  const dialects = (
    given ? [given.startsWith("file:") ? "sqlite" : "postgresql"] : opt("dialects", "sqlite,postgresql").split(",")
  ) as Dialect[];
  const results: ChildResult[] = [];
  for (const dialect of dialects) {
    const out = path.join(os.tmpdir(), `bench-triage-${randomBytes(4).toString("hex")}.json`);
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv, "--child", dialect, out], {
      stdio: "inherit",
    });
    if (child.status !== 0 || !fs.existsSync(out)) throw new Error(`the ${dialect} run failed`);
    results.push(JSON.parse(fs.readFileSync(out, "utf8")));
    fs.rmSync(out, { force: true });
  }
  printReport(results);
}

await main();
