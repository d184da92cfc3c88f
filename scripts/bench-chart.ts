/**
 * `npm run bench:chart -- --url <DATABASE_URL> [--baseline-app-dir <built old checkout>] [--app-dir .]
 *   [--runs 40] [--warmup 10] [--connections 20] [--duration 20] [--port 3230] [--json <file>]`
 *
 * The patient chart as a clinician's browser asks for it, on a database filled by
 * `npm run bench:seed` and migrated by this checkout. A chart patient is added once (MRN
 * BENCH-CHART-500: 500 episodes over the last year, 40 visits with labs, through the data layer
 * as a clinician would record them). Then, with the built app of --app-dir (`npm start`):
 *
 *   statements  every database statement of one request per tab (Prisma's query log, a server of
 *               its own started with PRISMA_LOG_QUERIES=1), the session check included;
 *   cpu, html   per tab, --runs sequential requests after --warmup: the server's CPU time for each
 *               one (its process tree's threads, from /proc schedstat) and the HTML bytes; the
 *               same for two floors of the stack: /api/health and the signed-out sign-in page;
 *   throughput  --connections signed-in clinicians in a closed loop for --duration seconds on the
 *               Overview tab of the chart patient, and on 200 patients of the seeded network.
 *
 * With --baseline-app-dir (a build of the commit before the chart was split into tabs, on the same
 * database: its one long patient page is at the same URL), the same figures for that page, measured
 * in the same run, and the ratios. Targets of the Overview: median CPU <= 15 ms, HTML <= 40 KB,
 * <= 8 statements, throughput >= 3x the old page. The exit code is 0 even when a target is missed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { closedLoop, signIn, startApp, stats, treeCpuMs, type ClosedLoopResult, type RunningApp } from "./bench/http";
import { BENCH_USERS, openBulkDriver } from "./bench/synthetic";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const URL_ARG = opt("url", process.env.BENCH_SQLITE_URL ?? "");
const APP_DIR = path.resolve(opt("app-dir", root));
const BASELINE_DIR = opt("baseline-app-dir", "");
const RUNS = Number(opt("runs", "40"));
const WARMUP = Number(opt("warmup", "10"));
const CONNECTIONS = Number(opt("connections", "20"));
const DURATION = Number(opt("duration", "20"));
const PORT = Number(opt("port", "3230"));
const CHART_MRN = "BENCH-CHART-500";
const DAY = 86_400_000;

const TABS = ["", "/episodes", "/visits", "/checklist", "/trends", "/reports", "/history"] as const;
const tabName = (t: string) => (t === "" ? "overview" : t.slice(1));

const log = (m: string) => console.log(`[bench chart] ${m}`);
const load1 = () => Math.round(os.loadavg()[0] * 10) / 10;

/** The chart patient's id, created through the data layer the first time. */
async function chartPatient(url: string): Promise<string> {
  const driver = await openBulkDriver(url);
  const found = await driver.all(`SELECT "id" FROM "Patient" WHERE "mrn" = '${CHART_MRN}'`);
  const clinicIds = (await driver.all(`SELECT "id" FROM "Clinic" ORDER BY "id"`)).map((r) => String(r.id));
  await driver.close();
  if (found.length) return String(found[0].id);
  process.env.DATABASE_URL = url; // before lib/server/db is imported
  const { createPatient } = await import("../lib/features/patients/data");
  const { createVisit } = await import("../lib/features/visits/data");
  const { createEpisode } = await import("../lib/features/episodes/data");
  const { episodesFor } = await import("../tests/factories/episodes");
  const { createRandom } = await import("../tests/factories/random");
  const { barePatient } = await import("../tests/factories/world");
  const user = BENCH_USERS[1];
  const actor = { userId: user.id, email: user.email, name: user.name, role: user.role, clinicIds, via: "system" as const, ip: null };
  const rnd = createRandom(500);
  const now = new Date();
  const t0 = performance.now();
  const patient = await createPatient(actor, {
    ...barePatient(CHART_MRN, "Chartwell"),
    givenName: "Beatrice",
    clinicId: clinicIds[0],
    conditions: ["DIABETES", "VARICOSE_VEINS"],
    medications: [{ name: "Hydrochlorothiazide 25 mg", active: true, startedOn: "2026-03-01" }, { name: "Atorvastatin 20 mg", active: true, startedOn: "2025-06-01" }],
  });
  const visitIds: string[] = [];
  for (let i = 0; i < 40; i++) {
    const visit = await createVisit(actor, patient.id, {
      occurredAt: new Date(now.getTime() - (i * 9 + 1) * DAY).toISOString(),
      weightKg: rnd.int(70, 76),
      systolic: rnd.int(118, 142),
      diastolic: rnd.int(70, 90),
      temperatureC: 36.8,
      labs: [
        { analyte: "MAGNESIUM", value: rnd.int(62, 90) / 100, unit: "mmol/L" },
        { analyte: "POTASSIUM", value: rnd.int(34, 48) / 10, unit: "mmol/L" },
        { analyte: "GLUCOSE", value: rnd.int(50, 80) / 10, unit: "mmol/L" },
      ],
      notes: "Follow-up of night cramps.",
    });
    visitIds.push(visit.id);
  }
  // Cramps of several kinds, spread over the last year until there are 500.
  const patterns = ["nightCramps", "afterSport", "mixed", "frequentNoExertion", "rlsEvening", "coldNights"] as const;
  let made = 0;
  for (let shift = 0; made < 500; shift += 37) {
    for (const pattern of patterns) {
      for (const episode of episodesFor(pattern, rnd, new Date(now.getTime() - (shift % 330) * DAY))) {
        if (made >= 500) break;
        await createEpisode(actor, patient.id, episode);
        made += 1;
      }
    }
  }
  log(`chart patient ${CHART_MRN} created: 500 episodes, 40 visits in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return patient.id;
}

/** A tab's statements: one request, counted in the query log of a server started for it. */
async function statementsPerTab(appDir: string, url: string, patientId: string, tabs: readonly string[]): Promise<Record<string, number>> {
  const app = await startApp(appDir, url, PORT + 1, { PRISMA_LOG_QUERIES: "1" });
  try {
    const cookie = await signIn(app.base, BENCH_USERS[1].email);
    const out: Record<string, number> = {};
    for (const tab of tabs) {
      const path = `/patients/${patientId}${tab}`;
      await fetch(new URL(path, app.base), { headers: { Cookie: cookie } }).then((r) => r.text());
      await new Promise((r) => setTimeout(r, 300));
      const before = app.output.join("").split("prisma:query").length;
      const res = await fetch(new URL(path, app.base), { headers: { Cookie: cookie } });
      await res.text();
      await new Promise((r) => setTimeout(r, 300));
      out[tabName(tab)] = app.output.join("").split("prisma:query").length - before;
    }
    return out;
  } finally {
    await app.stop();
  }
}

interface TabFigures {
  tab: string;
  cpuMs: { median: number; p95: number };
  htmlBytes: number;
  status: number;
}

async function cpuAndHtml(app: RunningApp, cookie: string, patientId: string, tabs: readonly string[]): Promise<TabFigures[]> {
  return cpuAndHtmlOf(app, cookie, tabs.map((tab) => ({ name: tabName(tab), path: `/patients/${patientId}${tab}` })));
}

/**
 * The floor of this stack on this machine, measured the same way: the liveness probe (no page,
 * no database) and the sign-in page (a small page, no session, no database).
 */
const FLOORS = [
  { name: "floor: GET /api/health", path: "/api/health" },
  { name: "floor: the sign-in page, signed out", path: "/signin" },
];

async function cpuAndHtmlOf(app: RunningApp, cookie: string, pages: { name: string; path: string }[]): Promise<TabFigures[]> {
  const pid = app.server.pid!;
  const out: TabFigures[] = [];
  for (const { name, path: pagePath } of pages) {
    const url = new URL(pagePath, app.base);
    for (let i = 0; i < WARMUP; i++) await fetch(url, { headers: { Cookie: cookie } }).then((r) => r.arrayBuffer());
    const cpu: number[] = [];
    const bytes: number[] = [];
    let status = 0;
    for (let i = 0; i < RUNS; i++) {
      await new Promise((r) => setTimeout(r, 20)); // let the last response's work finish
      const before = treeCpuMs(pid);
      const res = await fetch(url, { headers: { Cookie: cookie } });
      const body = await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 20));
      cpu.push(treeCpuMs(pid) - before);
      bytes.push(body.byteLength);
      status = res.status;
    }
    const s = stats(cpu);
    out.push({ tab: name, cpuMs: { median: round1(s.median), p95: round1(s.p95) }, htmlBytes: stats(bytes).median, status });
    log(`  ${name}: CPU median ${s.median.toFixed(1)} ms (p95 ${s.p95.toFixed(1)}), HTML ${(stats(bytes).median / 1024).toFixed(1)} KB, HTTP ${status}`);
  }
  return out;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

interface Throughput extends ClosedLoopResult {
  target: string;
  load: number;
}

async function throughput(app: RunningApp, cookies: string[], targets: { name: string; paths: string[] }[]): Promise<Throughput[]> {
  const out: Throughput[] = [];
  for (const t of targets) {
    await new Promise((r) => setTimeout(r, 3000));
    for (const p of t.paths.slice(0, 20)) await fetch(new URL(p, app.base), { headers: { Cookie: cookies[0] } }).then((r) => r.arrayBuffer());
    const r = await closedLoop(app.base, cookies, t.paths, CONNECTIONS, DURATION);
    out.push({ target: t.name, ...r, load: load1() });
    log(`  ${t.name}, closed loop, ${CONNECTIONS} clients: ${r.rps.toFixed(1)} pages/s, p50 ${r.p50} ms, p95 ${r.p95} ms, errors ${r.errors}, non-2xx ${r.non2xx}`);
  }
  return out;
}

interface AppFigures {
  appDir: string;
  statements: Record<string, number>;
  tabs: TabFigures[];
  floors: TabFigures[];
  throughput: Throughput[];
}

async function measureApp(appDir: string, url: string, chartId: string, networkIds: string[], tabs: readonly string[]): Promise<AppFigures> {
  log(`${appDir}: statements per request`);
  const statements = await statementsPerTab(appDir, url, chartId, tabs);
  log(`  ${Object.entries(statements).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const app = await startApp(appDir, url, PORT);
  try {
    const cookies: string[] = [];
    for (const u of BENCH_USERS.slice(1, 1 + CONNECTIONS)) cookies.push(await signIn(app.base, u.email));
    log(`${appDir}: CPU and HTML per request (${RUNS} runs after ${WARMUP})`);
    const tabFigures = await cpuAndHtml(app, cookies[0], chartId, tabs);
    const floors = await cpuAndHtmlOf(app, "", FLOORS);
    log(`${appDir}: throughput`);
    const tp = await throughput(app, cookies, [
      { name: `chart patient ${CHART_MRN}`, paths: [`/patients/${chartId}`] },
      { name: "200 patients of the network", paths: networkIds.map((id) => `/patients/${id}`) },
    ]);
    return { appDir, statements, tabs: tabFigures, floors, throughput: tp };
  } catch (error) {
    console.error(app.output.join("").slice(-4000));
    throw error;
  } finally {
    await app.stop();
  }
}

async function main() {
  if (!URL_ARG) throw new Error("--url <DATABASE_URL> of a database filled by npm run bench:seed is required");
  const chartId = await chartPatient(URL_ARG);
  const driver = await openBulkDriver(URL_ARG);
  const networkIds = (
    await driver.all(`SELECT "id" FROM "Patient" WHERE "deletedAt" IS NULL AND "mrn" <> '${CHART_MRN}' AND CAST(substr("id", 3) AS INTEGER) % 5 = 0 ORDER BY "id" LIMIT 200`)
  ).map((r) => String(r.id));
  await driver.close();
  const started = new Date();
  log(`database ${URL_ARG.replace(/:[^:@/]*@/, ":***@")}, ${os.availableParallelism()} cores, load ${load1()}`);
  const current = await measureApp(APP_DIR, URL_ARG, chartId, networkIds, TABS);
  const baseline = BASELINE_DIR ? await measureApp(path.resolve(BASELINE_DIR), URL_ARG, chartId, networkIds, [""]) : null;

  const ov = current.tabs[0];
  const lines = [
    `Overview of ${CHART_MRN}: CPU median ${ov.cpuMs.median} ms (target <= 15), HTML ${(ov.htmlBytes / 1024).toFixed(1)} KB (<= 40), statements ${current.statements.overview} (<= 8)`,
  ];
  if (baseline) {
    const old = baseline.tabs[0];
    lines.push(`Old patient page: CPU median ${old.cpuMs.median} ms, HTML ${(old.htmlBytes / 1024).toFixed(1)} KB, statements ${baseline.statements.overview}`);
    for (let i = 0; i < current.throughput.length; i++) {
      const n = current.throughput[i];
      const o = baseline.throughput[i];
      lines.push(`${n.target}: ${n.rps.toFixed(1)} vs ${o.rps.toFixed(1)} pages/s = ${(n.rps / o.rps).toFixed(2)}x (target >= 3x); p95 ${n.p95} vs ${o.p95} ms`);
    }
  }
  console.log(`\n${lines.join("\n")}`);
  const json = opt("json", "");
  if (json) fs.writeFileSync(json, JSON.stringify({ started, url: URL_ARG.replace(/:[^:@/]*@/, ":***@"), runs: RUNS, warmup: WARMUP, connections: CONNECTIONS, duration: DURATION, current, baseline }, null, 2));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
