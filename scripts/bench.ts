/**
 * `npm run bench -- [--sqlite <url>] [--pg <url>] [--parts db,export,http] [--runs 30] [--warmup 5]
 *   [--connections 20] [--duration 20] [--rate 10] [--port 3210] [--app-dir <built app>] [--json <file>]`
 *
 * Measures what clinicians wait for, on databases filled by `npm run bench:seed` (SQLite and/or
 * PostgreSQL: --sqlite / --pg, or BENCH_SQLITE_URL / BENCH_PG_URL), and prints one table per
 * database. Every figure is the median and p95 of --runs runs after --warmup runs, next to a
 * floor measured in the same run: the same result fetched by hand-written SQL through the bare
 * driver (better-sqlite3 / pg), checked to give the same rows as the app.
 *
 * Parts:
 *   db      the data-layer calls as a signed-in clinician of the whole network (lib/features, with its
 *           transaction and audit row), in a child process per database;
 *   export  the clinic-wide CSV export (lib/features/exports/data.ts) in a child process of its own: rows
 *           per second and peak RSS, against the same rows and bytes through the bare driver;
 *   http    `npm start` (scripts/start.js from --app-dir, default this checkout; build it first) on each
 *           database, 20 clinicians signed in through /api/auth/csrf and
 *           /api/auth/callback/credentials, then autocannon with --connections clients (each its
 *           own session) on the patient page and on the patient list, twice each: closed loop
 *           (every client asks again as soon as it has its answer: the server's ceiling) and
 *           paced (each client reads a page for a random while, so that together they ask
 *           --rate pages a second, default 10: 20 clinicians opening a page every 2 s).
 *
 * Targets (printed with each figure): median under 50 ms and within 3x its floor; a deep page no
 * more than 2x the first; export >= 50,000 rows/s with peak RSS < 150 MB; patient page p95 under
 * 300 ms with no errors under 20 clients. The exit code is 0 even when a target is missed: the
 * table says which, and why is for the reader (the machine may be shared).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runExport, type ExportResult } from "./bench/export-run";
import { closedLoop, quantile, signIn, startApp, stats, type ClosedLoopResult, type Stats } from "./bench/http";
import { BENCH_USERS, openBulkDriver, type BulkDriver } from "./bench/synthetic";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};

const RUNS = Number(opt("runs", "30"));
const WARMUP = Number(opt("warmup", "5"));
const TARGET_MS = 50;
const TARGET_FLOOR_RATIO = 3;
const TARGET_DEEP_RATIO = 2;
const TARGET_ROWS_PER_SECOND = 50_000;
const TARGET_PEAK_MB = 150;
const TARGET_HTTP_P95_MS = 300;

type Dialect = "sqlite" | "postgresql";

interface Figure {
  group: string;
  name: string;
  app: Stats;
  floor: Stats | null;
  rows: number | null;
  note?: string;
  /** For deep pages: the figure of the first page it is compared with. */
  deepOf?: string;
  /** Load average when the figure was taken. */
  load: number;
}

interface DbResult {
  dialect: Dialect;
  counts: Record<string, number>;
  figures: Figure[];
}

// ---------------------------------------------------------------------------------------------
// Timing

async function time(fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return stats(times);
}

const load1 = () => Math.round(os.loadavg()[0] * 10) / 10;

// ---------------------------------------------------------------------------------------------
// Child: the data-layer figures on one database

/**
 * Parameters of one hand-written statement: `v(x)` appends a value and returns its placeholder
 * (`$n` for pg, `?` for SQLite), so SQL built left to right in template literals binds in order.
 */
class Params {
  readonly values: unknown[] = [];
  constructor(private readonly dialect: Dialect) {}
  v(x: unknown): string {
    this.values.push(x);
    return this.dialect === "sqlite" ? "?" : `$${this.values.length}`;
  }
  list(xs: unknown[]): string {
    return xs.map((x) => this.v(x)).join(", ");
  }
}

async function dbChild(url: string, outFile: string): Promise<void> {
  process.env.DATABASE_URL = url; // before lib/server/db is imported
  const { databaseKind } = await import("../lib/server/db-adapter");
  const dialect = databaseKind(url) as Dialect;
  const driver: BulkDriver = await openBulkDriver(url);
  /** Runs SQL built by `build`, whose values go through `p.v(...)` in the order they appear. */
  const run = (build: (p: Params) => string) => {
    const p = new Params(dialect);
    const text = build(p);
    return driver.all(text, p.values);
  };
  const { listPatients } = await import("../lib/features/patients/data");
  const { listEpisodes, listReviewQueue } = await import("../lib/features/episodes/data");
  const { getAssessment, getChecklistHistory } = await import("../lib/features/assessment/data");
  const { listNeedsAttention } = await import("../lib/features/attention/data");
  const { listAuditEvents } = await import("../lib/features/audit-log/data");
  const pagination = (await import("../lib/server/pagination")) as typeof import("../lib/server/pagination") & { LIST_COUNT_CAP?: number };
  const { encodeCursor } = pagination;
  const { inTransaction } = await import("../lib/server/transaction");
  const { appendAudit } = await import("../lib/server/audit");
  const { DEFAULT_THRESHOLDS } = await import("../lib/core/clinical/thresholds");
  const trends = await import("../lib/features/trends/data").catch(() => null);
  const instant = (v: unknown) => new Date(v instanceof Date ? v.getTime() : String(v));

  const clinicIds = (await run(() => `SELECT "id" FROM "Clinic" ORDER BY "id"`)).map((r) => String(r.id));
  const user = BENCH_USERS[1];
  const actor = { userId: user.id, email: user.email, name: user.name, role: user.role, clinicIds, via: "system" as const, ip: null };
  const admin = { ...actor, userId: BENCH_USERS[0].id, email: BENCH_USERS[0].email, name: BENCH_USERS[0].name, role: BENCH_USERS[0].role };
  const last = await run(() => `SELECT MAX("occurredAt") AS "at" FROM "Episode"`);
  // "Now" of the data set: just after its last episode, so the 30-day windows hold what the seed put there.
  const now = new Date(instant(last[0].at).getTime() + 60_000);
  const windowStart = new Date(now.getTime() - DEFAULT_THRESHOLDS.windowDays * 86_400_000);
  const busyId = "bp000000";
  const perPatient = await run(
    (p) => `SELECT "patientId" AS "id", COUNT(*) AS "n" FROM "Episode" WHERE "deletedAt" IS NULL AND "patientId" <> ${p.v(busyId)} GROUP BY "patientId" ORDER BY COUNT(*), "patientId"`,
  );
  // The patient at the 90th percentile of episode counts: a frequent patient, not the extreme one.
  const typical = perPatient[Math.floor(perPatient.length * 0.9)];
  const typicalId = String(typical.id);
  const busyCount = Number((await run((p) => `SELECT COUNT(*) AS "n" FROM "Episode" WHERE "patientId" = ${p.v(busyId)} AND "deletedAt" IS NULL`))[0].n);
  const counts: Record<string, number> = {
    episodes: Number((await run(() => `SELECT COUNT(*) AS "n" FROM "Episode"`))[0].n),
    patients: Number((await run(() => `SELECT COUNT(*) AS "n" FROM "Patient"`))[0].n),
    [`episodes of the busy patient (${busyId})`]: busyCount,
    [`episodes of the typical patient (${typicalId})`]: Number(typical.n),
  };
  const figures: Figure[] = [];
  const log = (m: string) => console.log(`[bench ${dialect}] ${m}`);

  /** Times the app and the floor after checking they agree (`same` compares their results). */
  async function pair<A, F>(
    group: string,
    name: string,
    app: () => Promise<A>,
    floor: (() => Promise<F>) | null,
    same: ((a: A, f: F) => string | null) | null,
    opts: { rows?: (a: A) => number; note?: string; deepOf?: string } = {},
  ) {
    const a = await app();
    if (floor && same) {
      const problem = same(a, await floor());
      if (problem) throw new Error(`${group}: ${name}: the app and the floor disagree: ${problem}`);
    }
    const appStats = await time(app);
    const floorStats = floor ? await time(floor) : null;
    figures.push({ group, name, app: appStats, floor: floorStats, rows: opts.rows ? opts.rows(a) : null, note: opts.note, deepOf: opts.deepOf, load: load1() });
    log(`${group}: ${name}: ${appStats.median.toFixed(2)} ms (floor ${floorStats?.median.toFixed(2) ?? "—"} ms)`);
  }
  const ids = (xs: { id: unknown }[]) => xs.map((x) => String(x.id)).join(",");
  const compareIds = (a: { id: unknown }[], f: { id: unknown }[]) => (ids(a) === ids(f) ? null : `ids ${ids(a).slice(0, 120)} vs ${ids(f).slice(0, 120)}`);
  const cap = pagination.LIST_COUNT_CAP ?? null;
  /** A list's count as the app computes it: exact (one patient's episodes), or stopped at cap + 1 (shown as "more than cap"). */
  const countSql = (from: string, capped = true) => (cap && capped ? `SELECT COUNT(*) FROM (SELECT 1 ${from} LIMIT ${cap + 1}) x` : `SELECT COUNT(*) ${from}`);
  const sameTotal = (a: { total: number; totalCapped?: boolean }, f: Record<string, unknown>[]) => {
    if (f.length === 0) return null;
    const counted = Number(f[0].total);
    const want = cap !== null && a.totalCapped !== undefined && counted > cap ? cap : counted;
    return a.total === want ? null : `total ${a.total} vs ${want}`;
  };

  // --- Patient list -------------------------------------------------------------------------
  const patientWhere = (p: Params, alias: string, q: string | null) =>
    `${alias}."clinicId" IN (${p.list(clinicIds)}) AND ${alias}."deletedAt" IS NULL${q ? ` AND ${alias}."searchText" LIKE ${p.v(`%${q}%`)}` : ""}`;
  const floorPatients = (q: string | null, after: { value: string; id: string } | null) =>
    run(
      (p) => `SELECT p."id", p."mrn", p."givenName", p."familyName", p."birthDate", p."sex", p."pregnant", p."createdAt", p."searchText", c."name" AS "clinicName",
         (${countSql(`FROM "Patient" x WHERE ${patientWhere(p, "x", q)}`)}) AS "total"
       FROM "Patient" p JOIN "Clinic" c ON c."id" = p."clinicId"
       WHERE ${patientWhere(p, "p", q)} ${after ? `AND (p."searchText", p."id") > (${p.v(after.value)}, ${p.v(after.id)})` : ""}
       ORDER BY p."searchText", p."id" LIMIT 26`,
    );
  const samePatients = (a: Awaited<ReturnType<typeof listPatients>>, f: Record<string, unknown>[]) =>
    compareIds(a.items, f.slice(0, 25) as { id: unknown }[]) ?? sameTotal(a, f);
  const SEARCH = "er";
  for (const q of [null, SEARCH]) {
    const label = q ? `search "${q}"` : "no search";
    const n = Number((await run((p) => `SELECT COUNT(*) AS "n" FROM "Patient" p WHERE ${patientWhere(p, "p", q)}`))[0].n);
    const offset = Math.floor((n * 0.8) / 25) * 25 - 1;
    const [row] = await run((p) => `SELECT p."searchText", p."id" FROM "Patient" p WHERE ${patientWhere(p, "p", q)} ORDER BY p."searchText", p."id" LIMIT 1 OFFSET ${offset}`);
    const edge = { value: String(row.searchText), id: String(row.id) };
    const first = `first page, ${label} (${n.toLocaleString("en")} patients)`;
    await pair("patient list", first, () => listPatients(actor, q ? { q } : {}), () => floorPatients(q, null), samePatients, { rows: (a) => a.items.length });
    await pair(
      "patient list",
      `page ${(offset + 1) / 25 + 1}, ${label} (keyset cursor)`,
      () => listPatients(actor, { ...(q ? { q } : {}), cursor: encodeCursor({ value: edge.value, id: edge.id, back: false }) }),
      () => floorPatients(q, edge),
      samePatients,
      { rows: (a) => a.items.length, deepOf: first },
    );
  }

  // --- Patient page: episodes, assessment, checklist history, trends ---------------------------
  const floorEpisodes = (patientId: string, before: { at: Date; id: string } | null) =>
    run(
      (p) => `SELECT e.*, c."timeZone", (${countSql(`FROM "Episode" x WHERE x."patientId" = ${p.v(patientId)} AND x."deletedAt" IS NULL`, false)}) AS "total"
       FROM "Episode" e JOIN "Patient" p ON p."id" = e."patientId" JOIN "Clinic" c ON c."id" = p."clinicId"
       WHERE e."patientId" = ${p.v(patientId)} AND e."deletedAt" IS NULL AND p."deletedAt" IS NULL AND p."clinicId" IN (${p.list(clinicIds)})
         ${before ? `AND (e."occurredAt", e."id") < (${p.v(before.at)}, ${p.v(before.id)})` : ""}
       ORDER BY e."occurredAt" DESC, e."id" DESC LIMIT 21`,
    );
  const sameEpisodes = (a: Awaited<ReturnType<typeof listEpisodes>>, f: Record<string, unknown>[]) =>
    compareIds(a.items, f.slice(0, 20) as { id: unknown }[]) ?? sameTotal(a, f);
  for (const [who, patientId] of [
    ["busy patient", busyId],
    ["typical patient", typicalId],
  ] as const) {
    const first = `episodes, first page (${who})`;
    await pair("patient page", first, () => listEpisodes(actor, patientId, {}), () => floorEpisodes(patientId, null), sameEpisodes, { rows: (a) => a.items.length });
    if (who === "busy patient") {
      const offset = Math.floor((busyCount * 0.8) / 20) * 20 - 1;
      const [row] = await run(
        (p) => `SELECT "occurredAt", "id" FROM "Episode" WHERE "patientId" = ${p.v(patientId)} AND "deletedAt" IS NULL ORDER BY "occurredAt" DESC, "id" DESC LIMIT 1 OFFSET ${offset}`,
      );
      const edge = { at: instant(row.occurredAt), id: String(row.id) };
      await pair(
        "patient page",
        `episodes, page ${(offset + 1) / 20 + 1} (${who}, keyset cursor)`,
        () => listEpisodes(actor, patientId, { cursor: encodeCursor({ value: edge.at.toISOString(), id: edge.id, back: false }) }),
        () => floorEpisodes(patientId, edge),
        sameEpisodes,
        { rows: (a) => a.items.length, deepOf: first },
      );
    }
    // The assessment's inputs, query by query: what the rules read about the patient.
    const floorAssessment = async () => {
      const patient = await run(
        (p) => `SELECT p.*, c."timeZone" FROM "Patient" p JOIN "Clinic" c ON c."id" = p."clinicId" WHERE p."id" = ${p.v(patientId)} AND p."deletedAt" IS NULL AND p."clinicId" IN (${p.list(clinicIds)})`,
      );
      const conditions = await run((p) => `SELECT "code" FROM "PatientCondition" WHERE "patientId" = ${p.v(patientId)}`);
      const medications = await run((p) => `SELECT "name", "active", "startedOn" FROM "Medication" WHERE "patientId" = ${p.v(patientId)}`);
      const visits = await run(
        (p) => `SELECT "occurredAt", "systolic", "diastolic", "weightKg", "temperatureC" FROM "Visit" WHERE "patientId" = ${p.v(patientId)} AND "deletedAt" IS NULL AND "occurredAt" <= ${p.v(now)} ORDER BY "occurredAt" DESC`,
      );
      const labs = await run(
        (p) => `SELECT l."analyte", l."value", l."unit", l."takenAt" FROM "LabResult" l JOIN "Visit" v ON v."id" = l."visitId"
          WHERE l."patientId" = ${p.v(patientId)} AND l."takenAt" <= ${p.v(now)} AND v."deletedAt" IS NULL ORDER BY l."takenAt" DESC`,
      );
      const episodes = await run(
        (p) => `SELECT "id", "occurredAt", "durationSeconds", "muscleGroup", "triggers", "consciousnessImpaired", "classification", "suggestedClassification"
         FROM "Episode" WHERE "patientId" = ${p.v(patientId)} AND "deletedAt" IS NULL AND "occurredAt" >= ${p.v(windowStart)} AND "occurredAt" <= ${p.v(now)}`,
      );
      const items = await run(
        (p) => `SELECT i.*, u."name" AS "updatedBy" FROM "ChecklistItem" i LEFT JOIN "User" u ON u."id" = i."updatedById" WHERE i."patientId" = ${p.v(patientId)}`,
      );
      return { patient, conditions, medications, visits, labs, episodes, items };
    };
    await pair(
      "patient page",
      `assessment: red flags and checklist (${who})`,
      () => getAssessment(actor, patientId, now),
      floorAssessment,
      (a, f) => {
        const assessed = a.checklist.filter((c) => c.version > 0).length;
        return assessed === f.items.length ? null : `checklist entries ${assessed} vs ${f.items.length}`;
      },
      { note: "floor: the 7 queries of the rules' inputs; the app adds the rules (JavaScript)" },
    );
    await pair(
      "patient page",
      `checklist history (${who})`,
      () => getChecklistHistory(actor, patientId),
      () =>
        run(
          (p) => `SELECT h.*, u."name" FROM "ChecklistHistory" h LEFT JOIN "User" u ON u."id" = h."changedById" WHERE h."patientId" = ${p.v(patientId)} ORDER BY h."changedAt" DESC, h."id" DESC`,
        ),
      (a, f) => (a.length === f.length ? null : `${a.length} vs ${f.length} entries`),
      { rows: (a) => a.length },
    );
    if (trends) {
      await pair("patient page", `trends, last year (${who})`, () => trends.getPatientTrends(actor, patientId, { period: "1y" }, now), null, null, {
        note: "no floor here: npm run bench:trends times each trend query against its own",
      });
    }
  }

  // --- Clinic dashboard and needs attention -----------------------------------------------------
  if (trends) {
    await pair("dashboard", "clinic dashboard, last 90 days (all clinics)", () => trends.getClinicDashboard(actor, { period: "90d" }, now), null, null, {
      note: "no floor here: see npm run bench:trends",
    });
    await pair("dashboard", "clinic dashboard, last year (all clinics)", () => trends.getClinicDashboard(actor, { period: "1y" }, now), null, null, {
      note: "no floor here: see npm run bench:trends",
    });
    await pair("dashboard", "suggested causes (dashboard, streamed in)", () => trends.getSuggestedCauses(actor, now), null, null, {
      note: "the checklist rules for the 200 most recently active patients",
    });
  } else {
    log("lib/features/trends/data.ts is missing: dashboard and trends skipped");
  }
  const floorAttention = () =>
    run(
      (p) => `SELECT a."patientId", a."flagCodes", a."reviewCount", a."lastEpisodeAt", p."givenName", p."familyName", p."mrn"
       FROM "PatientAttention" a JOIN "Patient" p ON p."id" = a."patientId"
       WHERE a."clinicId" IN (${p.list(clinicIds)}) AND p."deletedAt" IS NULL AND (a."flagCodes" <> '' OR a."reviewCount" > 0)`,
    );
  const sameAttention = (a: Awaited<ReturnType<typeof listNeedsAttention>>, f: Record<string, unknown>[]) => {
    if (a.total !== f.length) return `${a.total} patients vs ${f.length}`;
    const flagged = f.filter((r) => r.flagCodes !== "").length;
    return a.withRedFlags === flagged ? null : `${a.withRedFlags} with red flags vs ${flagged}`;
  };
  await pair("dashboard", "needs attention (whole network, last 30 days)", () => listNeedsAttention(actor, now), floorAttention, sameAttention, {
    rows: (a) => a.total,
    note: "each patient's stored red flags and review marks (PatientAttention); the app also checks for answers that ran out, ranks, and reads the names of the 100 listed",
  });
  // The same view when every stored answer has run out (the first view after the migration that
  // added them): the rules run again for every patient with recent episodes.
  const { db: client } = await import("../lib/server/db");
  const outOfDate = () => client.patientAttention.updateMany({ data: { validUntil: new Date(0) } });
  const recomputeTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    await outOfDate();
    const t0 = performance.now();
    await listNeedsAttention(actor, now);
    recomputeTimes.push(performance.now() - t0);
  }
  figures.push({ group: "dashboard", name: "needs attention, every stored answer out of date (one-off)", app: stats(recomputeTimes), floor: null, rows: null, note: "recomputes and stores every patient's answer: once, on the first view after the migration", load: load1() });
  log(`dashboard: needs attention, all out of date: ${stats(recomputeTimes).median.toFixed(2)} ms`);
  // Five rewrites of the table leave dead rows behind on PostgreSQL, which slow every later read of
  // it (needs attention, suggested causes, the review count) in this run and the next, until
  // autovacuum comes round: cleared here, as a live table would be.
  if (dialect === "postgresql") await client.$executeRawUnsafe('VACUUM ANALYZE "PatientAttention"');
  const reviewWhere = (p: Params, e: string, pt: string) =>
    `${e}."clinicId" IN (${p.list(clinicIds)}) AND ${e}."needsReview" = ${p.v(true)} AND ${e}."deletedAt" IS NULL AND ${pt}."deletedAt" IS NULL`;
  const floorReview = (before: { at: Date; id: string } | null) =>
    run(
      (p) => `SELECT e.*, p."givenName", p."familyName", p."mrn", c."timeZone",
         (${countSql(`FROM "Episode" x JOIN "Patient" y ON y."id" = x."patientId" WHERE ${reviewWhere(p, "x", "y")}`)}) AS "total"
       FROM "Episode" e JOIN "Patient" p ON p."id" = e."patientId" JOIN "Clinic" c ON c."id" = p."clinicId"
       WHERE ${reviewWhere(p, "e", "p")} ${before ? `AND (e."occurredAt", e."id") < (${p.v(before.at)}, ${p.v(before.id)})` : ""}
       ORDER BY e."occurredAt" DESC, e."id" DESC LIMIT 26`,
    );
  const sameReview = (a: Awaited<ReturnType<typeof listReviewQueue>>, f: Record<string, unknown>[]) =>
    compareIds(a.items, f.slice(0, 25) as { id: unknown }[]) ?? sameTotal(a, f);
  const reviewFirst = "first page (whole network)";
  await pair("review queue", reviewFirst, () => listReviewQueue(actor, {}), () => floorReview(null), sameReview, { rows: (a) => a.items.length });
  {
    const [row] = await run(
      (p) => `SELECT e."occurredAt", e."id" FROM "Episode" e JOIN "Patient" p ON p."id" = e."patientId" WHERE ${reviewWhere(p, "e", "p")}
       ORDER BY e."occurredAt" DESC, e."id" DESC LIMIT 1 OFFSET 4999`,
    );
    const edge = { at: instant(row.occurredAt), id: String(row.id) };
    await pair(
      "review queue",
      "page 201 (keyset cursor)",
      () => listReviewQueue(actor, { cursor: encodeCursor({ value: edge.at.toISOString(), id: edge.id, back: false }) }),
      () => floorReview(edge),
      sameReview,
      { rows: (a) => a.items.length, deepOf: reviewFirst },
    );
  }
  await pair("audit log", "first page (admin)", () => listAuditEvents(admin, {}), () => run(() => `SELECT * FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 51`), null, {
    rows: (a) => a.items.length,
    note: "floor: the newest 51 rows (every row here is in the admin's scope)",
  });
  await pair("audit", "one audit row alone (transaction + appendAudit)", () => inTransaction((tx) => appendAudit(tx, actor, { action: "BENCH_PROBE" })), null, null, {
    note: "what every audited read pays on top of its query",
  });

  fs.writeFileSync(outFile, JSON.stringify({ dialect, counts, figures } satisfies DbResult));
  await driver.close();
  const { db } = await import("../lib/server/db");
  await db.$disconnect();
}

// ---------------------------------------------------------------------------------------------
// HTTP: next start + autocannon

interface HttpResult {
  dialect: Dialect;
  target: string;
  mode: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  load: number;
}

async function httpBench(dialect: Dialect, url: string): Promise<HttpResult[]> {
  const appDir = path.resolve(opt("app-dir", root));
  if (!fs.existsSync(path.join(appDir, ".next", "BUILD_ID"))) throw new Error(`No production build in ${appDir}/.next: run npm run build there first`);
  const port = Number(opt("port", "3210"));
  const base = `http://127.0.0.1:${port}`;
  const connections = Number(opt("connections", "20"));
  const duration = Number(opt("duration", "20"));
  const log = (m: string) => console.log(`[bench http ${dialect}] ${m}`);
  // Patients to open: the busy one and frequent ones (every fifth patient id), all active.
  const driver = await openBulkDriver(url);
  const patientIds = (
    await driver.all(
      dialect === "sqlite"
        ? `SELECT "id" FROM "Patient" WHERE "deletedAt" IS NULL AND CAST(substr("id", 3) AS INTEGER) % 5 = 0 ORDER BY "id" LIMIT 200`
        : `SELECT "id" FROM "Patient" WHERE "deletedAt" IS NULL AND CAST(substr("id", 3) AS INTEGER) % 5 = 0 ORDER BY "id" LIMIT 200`,
    )
  ).map((r) => String(r.id));
  await driver.close();
  log(`npm start on ${base} (${appDir}${process.env.WEB_CONCURRENCY ? `, WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY}` : ""})`);
  const app = await startApp(appDir, url, port);
  try {
    const cookies: string[] = [];
    for (const u of BENCH_USERS.slice(1, 1 + connections)) cookies.push(await signIn(base, u.email));
    log(`${cookies.length} clinicians signed in`);
    const results: HttpResult[] = [];
    const targets: { name: string; paths: string[] }[] = [
      { name: "patient page", paths: patientIds.map((id) => `/patients/${id}`) },
      { name: "patient list", paths: ["/patients", "/patients?q=er", "/patients?q=schmidt", "/patients?sort=createdAt&dir=desc"] },
    ];
    const rate = Number(opt("rate", "10"));
    const runs = targets.flatMap((t) => [
      { ...t, mode: "closed" as const },
      { ...t, mode: "paced" as const },
    ]);
    for (const target of runs) {
      // Let the server finish what the run before left in its queue, then warm up: every path
      // once, so the first figures are not the server compiling its caches.
      await new Promise((r) => setTimeout(r, 5000));
      for (const p of target.paths.slice(0, 20)) await fetch(new URL(p, base), { headers: { Cookie: cookies[0] } }).then((r) => r.arrayBuffer());
      let figures: ClosedLoopResult;
      if (target.mode === "paced") {
        const latencies: number[] = [];
        const paced = await pacedClients(base, cookies, target.paths, rate, duration, latencies);
        figures = { ...paced, p50: Math.round(quantile(latencies, 0.5)), p95: Math.round(quantile(latencies, 0.95)), p99: Math.round(quantile(latencies, 0.99)) };
      } else {
        figures = await closedLoop(base, cookies, target.paths, connections, duration);
      }
      const r: HttpResult = {
        dialect,
        target: target.name,
        mode: target.mode === "paced" ? `paced, ${rate} req/s offered` : "closed loop",
        connections,
        seconds: duration,
        ...figures,
        load: load1(),
      };
      results.push(r);
      log(`${target.name} (${r.mode}): ${r.rps.toFixed(1)} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}`);
    }
    return results;
  } catch (error) {
    console.error(app.output.join("").slice(-4000));
    throw error;
  } finally {
    await app.stop();
  }
}

/**
 * A clinic at work: each signed-in client opens a page, reads it for a random while (exponential,
 * mean `clients / rate` seconds, so all together ask about `rate` pages a second, at random
 * moments), and opens the next. (autocannon's own rate limit sends each second's requests in one
 * burst, which measures the burst, not the clinic.) Deterministic think times (createRandom).
 */
async function pacedClients(base: string, cookies: string[], paths: string[], rate: number, seconds: number, latencies: number[]) {
  const { createRandom } = await import("../tests/factories/random");
  const rnd = createRandom(7);
  const meanThinkMs = (cookies.length / rate) * 1000;
  const end = Date.now() + seconds * 1000;
  let next = 0;
  let requests = 0;
  let errors = 0;
  let non2xx = 0;
  const started = Date.now();
  await Promise.all(
    cookies.map(async (cookie) => {
      // Clients start spread over the first think time, not all at once.
      await new Promise((r) => setTimeout(r, rnd.next() * meanThinkMs));
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const res = await fetch(new URL(paths[next++ % paths.length], base), { headers: { Cookie: cookie }, redirect: "manual", signal: AbortSignal.timeout(10_000) });
          await res.arrayBuffer();
          if (res.status < 200 || res.status > 299) non2xx++;
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
        requests++;
        await new Promise((r) => setTimeout(r, -Math.log(1 - rnd.next()) * meanThinkMs));
      }
    }),
  );
  return { requests, rps: requests / ((Date.now() - started) / 1000), errors, non2xx };
}

// ---------------------------------------------------------------------------------------------
// Report

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));

function printDb(r: DbResult) {
  console.log(`\n### ${r.dialect === "sqlite" ? "SQLite" : "PostgreSQL"} (${Object.entries(r.counts).map(([k, v]) => `${v.toLocaleString("en")} ${k}`).join(", ")})\n`);
  console.log("| figure | rows | median ms | p95 ms | floor median ms | floor p95 ms | app / floor | under 50 ms | within 3x floor | load |");
  console.log("|---|---:|---:|---:|---:|---:|---:|:---:|:---:|---:|");
  for (const f of r.figures) {
    const ratio = f.floor ? f.app.median / f.floor.median : null;
    const deep = f.deepOf ? r.figures.find((x) => x.group === f.group && x.name === f.deepOf) : null;
    const deepNote = deep ? `; ${(f.app.median / deep.app.median).toFixed(2)}x the first page (${f.app.median / deep.app.median <= TARGET_DEEP_RATIO ? "within" : "**over**"} 2x)` : "";
    console.log(
      `| ${f.group}: ${f.name}${f.note || deepNote ? ` (${[f.note, deepNote.slice(2)].filter(Boolean).join("; ")})` : ""} | ${f.rows ?? "—"} | ${ms(f.app.median)} | ${ms(f.app.p95)} | ${f.floor ? ms(f.floor.median) : "—"} | ${f.floor ? ms(f.floor.p95) : "—"} | ${ratio === null ? "—" : ratio.toFixed(1)} | ${f.app.median < TARGET_MS ? "yes" : "**no**"} | ${ratio === null ? "—" : ratio <= TARGET_FLOOR_RATIO ? "yes" : "**no**"} | ${f.load} |`,
    );
  }
}

function printExport(rows: [Dialect, ExportResult, ExportResult, number][]) {
  console.log("\n### CSV export of all episodes (whole network)\n");
  console.log("| database | rows | CSV size | app rows/s | app rows per CPU-second | app peak RSS | floor rows/s | floor peak RSS | RSS before export | >= 50,000 rows/s | < 150 MB | load |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|---:|");
  for (const [d, a, f, load] of rows) {
    console.log(
      `| ${d} | ${a.rows.toLocaleString("en")} | ${(a.bytes / 1024 / 1024).toFixed(0)} MiB | ${a.rowsPerSecond.toLocaleString("en")} | ${a.rowsPerCpuSecond.toLocaleString("en")} | ${a.peakRssMb} MB | ${f.rowsPerSecond.toLocaleString("en")} | ${f.peakRssMb} MB | ${a.baselineRssMb} MB | ${a.rowsPerSecond >= TARGET_ROWS_PER_SECOND ? "yes" : "**no**"} | ${a.peakRssMb < TARGET_PEAK_MB ? "yes" : "**no**"} | ${load} |`,
    );
  }
}

function printHttp(rows: HttpResult[]) {
  console.log(`\n### HTTP (npm start, ${rows[0]?.connections ?? 0} concurrent signed-in clients, ${rows[0]?.seconds ?? 0} s each)\n`);
  console.log("| database | page | load model | requests | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx | p95 under 300 ms | load |");
  console.log("|---|---|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.dialect} | ${r.target} | ${r.mode} | ${r.requests} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${r.target === "patient page" ? (r.p95 < TARGET_HTTP_P95_MS && r.errors + r.non2xx === 0 ? "yes" : "**no**") : "—"} | ${r.load} |`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const childDb = opt("child-db", "");
  if (childDb) return dbChild(childDb, opt("out", ""));
  const targets: [Dialect, string][] = [];
  const sqliteUrl = opt("sqlite", process.env.BENCH_SQLITE_URL ?? "");
  const pgUrl = opt("pg", process.env.BENCH_PG_URL ?? "");
  if (sqliteUrl) targets.push(["sqlite", sqliteUrl]);
  if (pgUrl) targets.push(["postgresql", pgUrl]);
  if (!targets.length) throw new Error("Give --sqlite <url> and/or --pg <url> (or BENCH_SQLITE_URL / BENCH_PG_URL), databases filled by npm run bench:seed");
  const parts = opt("parts", "db,export,http").split(",");
  const cpu = os.cpus();
  const started = os.loadavg();
  const dbResults: DbResult[] = [];
  const exportResults: [Dialect, ExportResult, ExportResult, number][] = [];
  const httpResults: HttpResult[] = [];
  for (const [dialect, url] of targets) {
    if (parts.includes("db")) {
      const out = path.join(os.tmpdir(), `bench-${process.pid}-${dialect}.json`);
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child-db", url, "--out", out, "--runs", String(RUNS), "--warmup", String(WARMUP)], {
        stdio: "inherit",
        env: process.env,
      });
      if (child.status !== 0) throw new Error(`the ${dialect} run failed (exit ${child.status})`);
      dbResults.push(JSON.parse(fs.readFileSync(out, "utf8")) as DbResult);
      fs.rmSync(out, { force: true });
    }
    if (parts.includes("export")) {
      const driver = await openBulkDriver(url);
      const clinicIds = (await driver.all(`SELECT "id" FROM "Clinic" ORDER BY "id"`)).map((r) => String(r.id));
      await driver.close();
      console.log(`[bench export ${dialect}] exporting (app) …`);
      const app = await runExport({ url, clinicIds, mode: "app" });
      console.log(`[bench export ${dialect}] app: ${app.rowsPerSecond.toLocaleString("en")} rows/s, peak ${app.peakRssMb} MB; floor …`);
      const floor = await runExport({ url, clinicIds, mode: "floor" });
      exportResults.push([dialect, app, floor, load1()]);
    }
    if (parts.includes("http")) httpResults.push(...(await httpBench(dialect, url)));
  }
  console.log("\n## Performance benchmark\n");
  console.log(`Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`);
  console.log(`Command: npm run bench -- ${argv.join(" ")}`);
  console.log(`Load average (1, 5, 15 min) at start: ${started.map((l) => l.toFixed(1)).join(", ")}; at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} (${cpu.length} cores)`);
  console.log(`Each figure: median and p95 of ${RUNS} runs after ${WARMUP} warm-up runs; "load" is the 1-minute load average when it was taken.`);
  for (const r of dbResults) printDb(r);
  if (exportResults.length) printExport(exportResults);
  if (httpResults.length) printHttp(httpResults);
  const json = opt("json", "");
  if (json) fs.writeFileSync(json, JSON.stringify({ dbResults, exportResults, httpResults, load: os.loadavg() }, null, 2));
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
