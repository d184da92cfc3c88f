/**
 * `npm run bench:trends`: times the trend and dashboard queries on a large database.
 *
 * For each dialect (SQLite file in /tmp, then a fresh PostgreSQL database `bench_trends_<random>`,
 * dropped afterwards) a child process:
 *   1. migrates the empty database and bulk-loads it through the bare driver (multi-row INSERT on
 *      SQLite, INSERT ... SELECT FROM unnest(arrays) on PostgreSQL, in transactions, with the
 *      secondary indexes built after the load): 2 clinics (Europe/Berlin, America/New_York),
 *      10,000 patients, 1,000,000 episodes over 3 years, with one busy patient;
 *   2. computes each patient's stored red flags, then ANALYZE;
 *   3. times each query through the app (lib/features/trends/data.ts, Prisma with its driver adapter) and a
 *      floor: the same result from one hand-written SQL query through the bare driver, checking
 *      both give the same rows; then the whole data-layer calls (transaction and audit row
 *      included), whose floor is the sum of their queries' floors;
 *   4. reports the median of RUNS runs after WARMUP runs.
 *
 * Options: --episodes N  --patients N  --runs N  --dialects sqlite,postgresql  --keep
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  computeAttention,
  computeDayCounts,
  listSecondaryIndexes,
  openBulkDriver,
  sqliteInstant,
  cols,
  type BulkDriver,
  type Column,
} from "./bench/synthetic";
import { createScratchDatabase } from "./scratch-database";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const flag = (name: string) => argv.includes(`--${name}`);

const EPISODES = Number(opt("episodes", "1000000"));
const PATIENTS = Number(opt("patients", "10000"));
const RUNS = Number(opt("runs", "10"));
const WARMUP = 3;
const YEARS = 3;
const BUSY_EPISODES = Math.min(3000, Math.floor(EPISODES / 10));

/**
 * Index changes the trend queries want (the lead makes them in prisma/schema.prisma). The clinic
 * index gains the columns the dashboard reads, so its weekly counts and the active-patient list
 * read the index alone; it replaces Episode(clinicId, deletedAt, occurredAt), its prefix.
 */
type Dialect = "sqlite" | "postgresql";

interface Timing {
  group: string;
  name: string;
  appMs: number;
  floorMs: number | null;
  rows: number | null;
  note?: string;
}

interface ChildResult {
  dialect: Dialect;
  loadSeconds: number;
  counts: Record<string, number>;
  busyEpisodesInYear: number;
  timings: Timing[];
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(ms: number | null): string {
  return ms === null ? "—" : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

function printReport(results: ChildResult[]) {
  const cpu = os.cpus();
  console.log("\n## Trends benchmark\n");
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  console.log(`Date: ${new Date().toISOString().slice(0, 10)}`);
  console.log(`Command: npm run bench:trends${argv.length ? ` -- ${argv.join(" ")}` : ""}`);
  for (const r of results) {
    console.log(
      `\n### ${r.dialect === "sqlite" ? "SQLite" : "PostgreSQL"} (load ${r.loadSeconds.toFixed(0)} s; ${Object.entries(r.counts)
        .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
        .join(", ")}; busy patient: ${r.busyEpisodesInYear} episodes in the last year)\n`,
    );
    console.log("| query | rows | app (ms, median) | floor (ms, median) | app / floor | under 200 ms |");
    console.log("|---|---:|---:|---:|---:|:---:|");
    for (const t of r.timings) {
      const ratio = t.floorMs ? (t.appMs / t.floorMs).toFixed(2) : "—";
      console.log(
        `| ${t.group}: ${t.name}${t.note ? ` (${t.note})` : ""} | ${t.rows ?? "—"} | ${fmt(t.appMs)} | ${fmt(t.floorMs)} | ${ratio} | ${t.appMs < 200 ? "yes" : "**no**"} |`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Child: one dialect

async function runChild(dialect: Dialect, outFile: string) {
  const scratch = await createScratchDatabase(dialect, { name: `bench_trends_${randomBytes(4).toString("hex")}`, tempPrefix: "bench-trends-" });
  const { url } = scratch;
  const keep = flag("keep");
  const log = (m: string) => console.log(`[bench ${dialect}] ${m}`);
  try {
    // Before lib/server/db is imported: the app's client connects to DATABASE_URL.
    process.env.DATABASE_URL = url;
    const { migrateDatabase } = await import("../lib/ops/migrations/runner");
    await migrateDatabase(url);
    log(`database ${scratch.label}: loading ${EPISODES.toLocaleString("en")} episodes …`);
    const driver = await openBulkDriver(url);
    const started = Date.now();
    const world = await load(driver, log);
    const loadSeconds = (Date.now() - started) / 1000;
    // The bulk load bypasses the episode writes that keep each patient's red flags.
    log(`red flags per patient (PatientAttention) computed in ${(await computeAttention(url, new Date())).toFixed(1)} s`);
    log(`episodes per clinic and local day (EpisodeDayCount) computed in ${(await computeDayCounts(url)).toFixed(1)} s`);
    await driver.exec(dialect === "sqlite" ? "ANALYZE" : "VACUUM ANALYZE");
    log(`loaded in ${loadSeconds.toFixed(0)} s; timing …`);
    const timings = await timeQueries(dialect, driver, world);
    const result: ChildResult = { dialect, loadSeconds, counts: world.counts, busyEpisodesInYear: world.busyInYear, timings };
    fs.writeFileSync(outFile, JSON.stringify(result));
    await driver.close();
    const { db } = await import("../lib/server/db");
    await db.$disconnect();
  } finally {
    if (keep) log(`kept: ${url}`);
    else await scratch.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// The data set

interface World {
  clinics: { id: string; timeZone: string }[];
  busyPatientId: string;
  busyInYear: number;
  counts: Record<string, number>;
}

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

const MOVEMENT_SUGGESTION: Record<string, string | null> = {
  TWITCHES: "MYOCLONIC",
  RHYTHMIC_JERKS: "CLONIC",
  SUSTAINED_CONTRACTION: "TONIC",
  SUSTAINED_THEN_TREMBLING: "TONIC_CLONIC",
  URGE_TO_MOVE: "RLS",
};
const MOVEMENTS = Object.keys(MOVEMENT_SUGGESTION);
const TRIGGER_CODES = ["EXERTION", "COLD", "HEAT_SWEATING", "TIGHT_FOOTWEAR", "STRESS", "PROLONGED_REST", "UNKNOWN"];
const DAY = 86_400_000;

async function load(driver: BulkDriver, log: (m: string) => void): Promise<World> {
  const r = prng(20261125);
  const now = Date.now();
  const start = now - YEARS * 365 * DAY;
  const clinics = [
    { id: "bench-clinic-berlin", name: "Bench Berlin", timeZone: "Europe/Berlin" },
    { id: "bench-clinic-newyork", name: "Bench New York", timeZone: "America/New_York" },
  ];
  // Secondary indexes are built after the load (much faster than maintaining them row by row).
  const indexes = await listSecondaryIndexes(driver, ["Patient", "Visit", "LabResult", "Episode", "Medication", "PatientCondition"]);
  for (const ix of indexes) await driver.exec(`DROP INDEX "${ix.name}"`);

  await driver.insert(
    "Clinic",
    [
      { name: "id", pg: "text" },
      { name: "name", pg: "text" },
      { name: "timeZone", pg: "text" },
    ],
    clinics.map((c) => [c.id, c.name, c.timeZone]),
  );
  const created = new Date(now);
  await driver.insert(
    "User",
    [
      { name: "id", pg: "text" },
      { name: "email", pg: "text" },
      { name: "name", pg: "text" },
      { name: "passwordHash", pg: "text" },
      { name: "role", pg: "text" },
      { name: "createdAt", pg: "timestamptz" },
      { name: "updatedAt", pg: "timestamptz" },
    ],
    [["bench-user", "bench@bench.clinic", "Bench", "x", "ADMIN", created, created]],
  );
  await driver.insert(
    "ClinicMembership",
    [
      { name: "userId", pg: "text" },
      { name: "clinicId", pg: "text" },
    ],
    clinics.map((c) => ["bench-user", c.id]),
  );

  // Patients: half per clinic, registered over the 3 years; 1 % deleted. Patient 0 is the busy one.
  const patientIds: string[] = [];
  const patientClinic: string[] = [];
  const deleted = new Set<number>();
  const patientRows: unknown[][] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const id = `bp${String(i).padStart(6, "0")}`;
    const clinicId = clinics[i % 2].id;
    const createdAt = new Date(i === 0 ? start : start + Math.floor(r.next() * (now - start)));
    const isDeleted = i > 0 && r.next() < 0.01;
    if (isDeleted) deleted.add(i);
    patientIds.push(id);
    patientClinic.push(clinicId);
    const family = `Family${i}`;
    patientRows.push([
      id,
      clinicId,
      `M${i}`,
      "Given",
      family,
      `${family} given m${i}`.toLowerCase(),
      "1970-01-01",
      i % 2 ? "MALE" : "FEMALE",
      i % 37 === 0,
      150 + (i % 40),
      i % 5 === 0 ? "SEDENTARY" : "",
      createdAt,
      createdAt,
      isDeleted ? createdAt : null,
    ]);
  }
  await driver.insert(
    "Patient",
    [
      { name: "id", pg: "text" },
      { name: "clinicId", pg: "text" },
      { name: "mrn", pg: "text" },
      { name: "givenName", pg: "text" },
      { name: "familyName", pg: "text" },
      { name: "searchText", pg: "text" },
      { name: "birthDate", pg: "text" },
      { name: "sex", pg: "text" },
      { name: "pregnant", pg: "boolean" },
      { name: "heightCm", pg: "float8" },
      { name: "lifestyle", pg: "text" },
      { name: "createdAt", pg: "timestamptz" },
      { name: "updatedAt", pg: "timestamptz" },
      { name: "deletedAt", pg: "timestamptz" },
    ],
    patientRows,
  );

  // Visits (one every ~4 months per patient), a few labs, conditions and medications.
  const visitRows: unknown[][] = [];
  const labRows: unknown[][] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const n = i === 0 ? 24 : 3;
    for (let v = 0; v < n; v++) {
      const at = new Date(start + Math.floor(r.next() * (now - start)));
      const id = `bv${i}-${v}`;
      visitRows.push([id, patientIds[i], at, r.int(105, 160), r.int(65, 100), r.int(50, 110), 36.6, at, at]);
      const magnesium = 0.6 + r.next() * 0.4;
      // Spec v2 keeps each lab as entered beside its canonical value (here entered in the canonical unit).
      if (v === 0) labRows.push([`bl${i}`, id, patientIds[i], "MAGNESIUM", magnesium, "mmol/L", magnesium, "mmol/L", at]);
    }
  }
  await driver.insert(
    "Visit",
    ["id", "patientId", "occurredAt", "systolic", "diastolic", "weightKg", "temperatureC", "createdAt", "updatedAt"].map((name, j) => ({
      name,
      pg: (["text", "text", "timestamptz", "int4", "int4", "float8", "float8", "timestamptz", "timestamptz"] as Column["pg"][])[j],
    })),
    visitRows,
  );
  await driver.insert(
    "LabResult",
    ["id", "visitId", "patientId", "analyte", "value", "unit", "enteredValue", "enteredUnit", "takenAt"].map((name, j) => ({
      name,
      pg: (["text", "text", "text", "text", "float8", "text", "float8", "text", "timestamptz"] as Column["pg"][])[j],
    })),
    labRows,
  );
  const medRows: unknown[][] = [];
  const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
  for (let i = 0; i < PATIENTS; i += 3)
    medRows.push([
      `bm${i}`,
      patientIds[i],
      i % 2 ? "Omeprazole 20 mg" : "Atorvastatin 20 mg",
      true,
      isoDay(start + r.next() * (now - start)),
      null,
    ]);
  for (let k = 0; k < 6; k++) {
    const s = now - (k + 1) * 50 * DAY;
    medRows.push([`bmb${k}`, patientIds[0], `Drug ${k}`, k % 2 === 0, isoDay(s), k % 2 === 0 ? null : isoDay(s + 30 * DAY)]);
  }
  await driver.insert(
    "Medication",
    ["id", "patientId", "name", "active", "startedOn", "stoppedOn"].map((name, j) => ({
      name,
      pg: (["text", "text", "text", "boolean", "text", "text"] as Column["pg"][])[j],
    })),
    medRows,
  );
  await driver.insert(
    "PatientCondition",
    ["id", "patientId", "code"].map((name) => ({ name, pg: "text" })),
    patientIds.filter((_, i) => i % 7 === 0).map((id, k) => [`bc${k}`, id, k % 2 ? "DIABETES" : "VARICOSE_VEINS"]),
  );

  // Episodes in time order (as a clinic records them), in batches.
  const episodeColumns = cols([
    ["id", "text"],
    ["patientId", "text"],
    ["clinicId", "text"],
    ["occurredAt", "timestamptz"],
    ["durationSeconds", "int4"],
    ["side", "text"],
    ["muscleGroup", "text"],
    ["movement", "text"],
    ["painScore", "int4"],
    ["triggers", "text"],
    ["classification", "text"],
    ["suggestedClassification", "text"],
    ["duringSleep", "boolean"],
    ["needsReview", "boolean"],
    ["deletedAt", "timestamptz"],
    ["createdAt", "timestamptz"],
    ["updatedAt", "timestamptz"],
  ]);
  const batch = 50_000;
  let busyInYear = 0;
  let written = 0;
  const yearAgo = now - 365 * DAY;
  // Instants spread evenly over the 3 years with jitter, so rows come out in time order.
  const step = (now - start) / EPISODES;
  let busyLeft = BUSY_EPISODES;
  for (let b = 0; b < EPISODES; b += batch) {
    const rows: unknown[][] = [];
    for (let i = b; i < Math.min(EPISODES, b + batch); i++) {
      const t = Math.min(now - 1000, Math.floor(start + i * step + r.next() * step));
      const busy = busyLeft > 0 && r.next() < busyLeft / (EPISODES - i);
      if (busy) busyLeft--;
      const p = busy ? 0 : 1 + Math.floor(r.next() * (PATIENTS - 1));
      if (busy && t >= yearAgo) busyInYear++;
      const movement = r.next() < 0.1 ? null : r.pick(MOVEMENTS);
      const suggested = movement ? MOVEMENT_SUGGESTION[movement] : null;
      const label = r.next() < 0.3 ? null : r.next() < 0.05 ? r.pick(Object.values(MOVEMENT_SUGGESTION) as string[]) : suggested;
      const triggers = TRIGGER_CODES.filter(() => r.next() < 0.18).join(",");
      const at = new Date(t);
      rows.push([
        `be${i.toString(36).padStart(7, "0")}`,
        patientIds[p],
        patientClinic[p],
        at,
        r.int(5, 900),
        r.pick(["LEFT", "RIGHT", "BOTH"]),
        r.next() < 0.85 ? "CALF" : r.pick(["FOOT", "THIGH", "OTHER"]),
        movement,
        r.next() < 0.2 ? null : r.int(0, 10),
        triggers,
        label,
        suggested,
        r.next() < 0.3,
        label !== null && suggested !== null && label !== suggested,
        r.next() < 0.01 ? at : null,
        at,
        at,
      ]);
    }
    await driver.insert("Episode", episodeColumns, rows);
    written += rows.length;
    if (written % 200_000 === 0 || written === EPISODES) log(`  ${written.toLocaleString("en")} episodes`);
  }
  for (const ix of indexes) await driver.exec(ix.sql);
  return {
    clinics,
    busyPatientId: patientIds[0],
    busyInYear,
    counts: { patients: PATIENTS, episodes: EPISODES, visits: visitRows.length, "deleted patients": deleted.size },
  };
}


// ---------------------------------------------------------------------------------------------
// Timing

async function median(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
}

/** Rows as sorted JSON with numbers normalised, to compare the app's and the floor's results. */
function canonical(rows: Record<string, unknown>[]): string {
  const norm = rows.map((row) =>
    JSON.stringify(
      Object.keys(row)
        .sort()
        .map((k) => {
          const v = row[k];
          if (typeof v === "bigint") return Number(v);
          if (typeof v === "boolean") return v ? 1 : 0;
          if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
          if (v instanceof Date) return v.toISOString();
          return v ?? null;
        }),
    ),
  );
  return norm.sort().join("\n");
}

async function timeQueries(dialect: Dialect, driver: BulkDriver, world: World): Promise<Timing[]> {
  const trends = await import("../lib/features/trends/data");
  const { offsetSegments } = await import("../lib/features/episodes/sql");
  const { countAwaitingReview, listActivePatients, listNeedsAttention } = await import("../lib/features/attention/data");
  const { db } = await import("../lib/server/db");
  const { DEFAULT_THRESHOLDS } = await import("../lib/core/clinical/thresholds");
  const tx = db as unknown as Parameters<typeof trends.queryPatientWeekly>[0];
  const actor = {
    userId: "bench-user",
    email: "bench@bench.clinic",
    name: "Bench",
    role: "ADMIN" as const,
    clinicIds: world.clinics.map((c) => c.id),
    via: "system" as const,
    ip: null,
  };
  const berlin = world.clinics[0];
  const ids = world.clinics.map((c) => c.id);
  const timings: Timing[] = [];
  const now = new Date();

  /**
   * Times the app's query and the floor, after checking they give the same result (`merge` folds
   * the app's per-offset-run rows into one row per group, as the app itself does afterwards).
   */
  const pair = async (
    group: string,
    name: string,
    app: () => Promise<Record<string, unknown>[]>,
    floorSql: string,
    params: unknown[],
    opts: { merge?: (rows: Record<string, unknown>[]) => Record<string, unknown>[]; note?: string } = {},
  ) => {
    const merge = opts.merge ?? ((rows: Record<string, unknown>[]) => rows);
    const a = merge(await app());
    const f = merge(await driver.all(floorSql, params));
    if (canonical(a) !== canonical(f)) {
      console.error(canonical(a).slice(0, 600), "\n---\n", canonical(f).slice(0, 600));
      throw new Error(`${group}: ${name}: the app and the floor disagree (${a.length} vs ${f.length} rows)`);
    }
    const appMs = await median(app);
    const floorMs = await median(() => driver.all(floorSql, params));
    timings.push({ group, name, appMs, floorMs, rows: a.length, note: opts.note });
    return floorMs;
  };

  for (const period of ["1y", "90d"] as const) {
    const p = trends.resolvePeriod({ period }, berlin.timeZone, now);
    const bounds = trends.zonedBounds(p, berlin.timeZone);
    const floor = handWritten(dialect, bounds, offsetSegments(bounds.start, bounds.end, bounds.timeZone));
    const group = `patient ${period}`;
    const f1 = await pair(
      group,
      "weekly by type, pain and duration",
      async () => strip(await trends.queryPatientWeekly(tx, dialect, world.busyPatientId, bounds)),
      floor.weekly("patientId"),
      [world.busyPatientId, ...floor.range],
      {
        merge: (rows) => mergeRows(rows, ["week", "type"], { min: ["painMin"], max: ["painMax", "durationMax"] }),
      },
    );
    const f2 = await pair(
      group,
      "day-part, sleep, side, muscle, triggers",
      async () => flattenDistribution(await trends.queryDistribution(tx, dialect, world.busyPatientId, bounds)),
      floor.distribution,
      [world.busyPatientId, ...floor.range],
      {
        merge: (rows) => mergeRows(rows, ["part", "asleep", "side", "muscleGroup"]),
      },
    );
    const all = await median(() => trends.getPatientTrends(actor, world.busyPatientId, { period }, now));
    timings.push({
      group,
      name: "getPatientTrends (whole call)",
      appMs: all,
      floorMs: f1 + f2,
      rows: null,
      note: "floor: sum of the two queries; the call adds the scope check, visits, medications and the audit row",
    });
  }

  for (const period of ["90d", "1y"] as const) {
    const p = trends.resolvePeriod({ period }, berlin.timeZone, now);
    const group = `dashboard ${period}`;
    let floorSum = 0;
    for (const c of world.clinics) {
      const bounds = trends.zonedBounds(p, c.timeZone);
      const floor = handWritten(dialect, bounds, offsetSegments(bounds.start, bounds.end, bounds.timeZone));
      const label = c.timeZone.split("/")[1].replace("_", " ");
      floorSum += await pair(
        group,
        `weekly by type, ${label} clinic`,
        async () => (await trends.queryClinicWeekly(tx, c.id, p)).map(({ week, type, count }) => ({ week, type, count })),
        floor.weekly("clinicId"),
        [c.id, ...floor.range, c.id],
        {
          merge: (rows) => mergeRows(rows, ["week", "type"]).filter((r) => Number(r.count) !== 0),
          note: "app: the clinic's day counts (EpisodeDayCount); floor: every episode of the period",
        },
      );
      floorSum += await pair(
        group,
        `new patients per week, ${label} clinic`,
        async () => (await trends.queryNewPatientsWeekly(tx, dialect, c.id, bounds)).map((x) => ({ ...x })),
        floor.newPatients,
        [c.id, ...floor.range],
        {
          merge: (rows) => mergeRows(rows, ["week"]),
        },
      );
    }
    if (period === "90d") {
      floorSum += await pair(
        group,
        "episodes awaiting review",
        async () => [{ n: await countAwaitingReview(tx, ids) }],
        `SELECT COUNT(*) AS n FROM "Episode" e JOIN "Patient" p ON p."id" = e."patientId" WHERE e."clinicId" IN (${ph(dialect, 1)}, ${ph(dialect, 2)}) AND e."needsReview" = ${dialect === "sqlite" ? 1 : "true"} AND e."deletedAt" IS NULL AND p."deletedAt" IS NULL`,
        ids,
        { note: "app: the stored review marks per patient (PatientAttention); floor: every episode marked" },
      );
      const windowStart = new Date(now.getTime() - DEFAULT_THRESHOLDS.windowDays * DAY);
      await pair(
        group,
        "most recently active patients, and how many (part of getSuggestedCauses)",
        async () =>
          (await listActivePatients(tx, ids, now, trends.DASHBOARD_CAUSE_PATIENT_LIMIT)).ids.map((patientId) => ({ patientId })),
        `SELECT e."patientId" AS "patientId" FROM "Episode" e WHERE e."clinicId" IN (${ph(dialect, 1)}, ${ph(dialect, 2)}) AND e."deletedAt" IS NULL
           AND e."occurredAt" >= ${ph(dialect, 3)} AND e."occurredAt" <= ${ph(dialect, 4)}
           AND NOT EXISTS (SELECT 1 FROM "Patient" p WHERE p."id" = e."patientId" AND p."deletedAt" IS NOT NULL)
         GROUP BY e."patientId" ORDER BY MAX(e."occurredAt") DESC, 1 LIMIT ${trends.DASHBOARD_CAUSE_PATIENT_LIMIT}`,
        [...ids, windowStart, now],
      );
      const rules = await median(() => trends.getSuggestedCauses(actor, now));
      timings.push({
        group,
        name: "getSuggestedCauses (whole call)",
        appMs: rules,
        floorMs: null,
        rows: null,
        note: "facts of the 200 most recently active patients and the checklist rules of lib/core/clinical (JavaScript): no SQL floor",
      });
    }
    const all = await median(() => trends.getClinicDashboard(actor, { period }, now));
    timings.push({
      group,
      name: "getClinicDashboard (whole call)",
      appMs: all,
      floorMs: floorSum,
      rows: null,
      note: "floor: sum of its queries' floors above; the call adds the clinics, the period and the audit row",
    });
  }

  const attention = await median(() => listNeedsAttention(actor, now));
  timings.push({
    group: "existing",
    name: "listNeedsAttention (the dashboard's red-flag count)",
    appMs: attention,
    floorMs: null,
    rows: null,
    note: "lib/features/attention/data.ts: each patient's stored red flags (PatientAttention, computed once after the load)",
  });
  return timings;
}

/** Folds rows with the same `keys`: sums every other numeric field, except min/max fields. */
function mergeRows(
  rows: Record<string, unknown>[],
  keys: string[],
  agg: { min?: string[]; max?: string[] } = {},
): Record<string, unknown>[] {
  const out = new Map<string, Record<string, unknown>>();
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  for (const row of rows) {
    const key = JSON.stringify(keys.map((k) => (typeof row[k] === "boolean" ? Number(row[k]) : row[k])));
    const acc = out.get(key);
    if (!acc) {
      out.set(
        key,
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, keys.includes(k) ? (typeof v === "boolean" ? Number(v) : v) : n(v)])),
      );
      continue;
    }
    for (const [k, v] of Object.entries(row)) {
      if (keys.includes(k)) continue;
      const a = acc[k] as number | null;
      const b = n(v);
      if (agg.min?.includes(k)) acc[k] = a === null ? b : b === null ? a : Math.min(a, b);
      else if (agg.max?.includes(k)) acc[k] = a === null ? b : b === null ? a : Math.max(a, b);
      else acc[k] = (a ?? 0) + (b ?? 0);
    }
  }
  return [...out.values()];
}

const ph = (dialect: Dialect, n: number) => (dialect === "sqlite" ? "?" : `$${n}`);

function strip(rows: object[]): Record<string, unknown>[] {
  return rows.map((r) => ({ ...r }) as Record<string, unknown>);
}

function flattenDistribution(rows: Awaited<ReturnType<typeof import("../lib/features/trends/data").queryDistribution>>) {
  const parts = ["NIGHT", "MORNING", "AFTERNOON", "EVENING"];
  return rows.map(({ triggers, part, ...r }) => ({
    ...r,
    part: parts.indexOf(part),
    ...Object.fromEntries(TRIGGER_CODES.map((t, i) => [`t${i}`, triggers[t as keyof typeof triggers]])),
  }));
}

/**
 * The floors: each series as one SQL statement written out by hand, run through the bare driver.
 * SQLite shifts by the offsets in force (written into the SQL as constants); PostgreSQL converts
 * with AT TIME ZONE and date_trunc('week').
 */
function handWritten(
  dialect: Dialect,
  bounds: { timeZone: string; start: Date; end: Date },
  segments: { until: Date | null; offsetSeconds: number }[],
) {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  if (dialect === "sqlite") {
    const offset =
      segments.length === 1
        ? String(segments[0].offsetSeconds)
        : `CASE ${segments
            .filter((s) => s.until)
            .map((s) => `WHEN occurredAt < ${q(sqliteInstant(s.until!))} THEN ${s.offsetSeconds}`)
            .join(" ")} ELSE ${segments.at(-1)!.offsetSeconds} END`;
    const local = (col: string) => `(unixepoch(${col}) + ${offset.replaceAll("occurredAt", col)})`;
    const where = (col: string) => `${col} = ? AND deletedAt IS NULL AND occurredAt >= ? AND occurredAt < ?`;
    return {
      range: [sqliteInstant(bounds.start), sqliteInstant(bounds.end)],
      weekly: (col: "patientId" | "clinicId") =>
        col === "patientId"
          ? `SELECT ((${local("occurredAt")} / 86400 + 3) / 7) AS week, COALESCE(classification, suggestedClassification, 'UNCLASSIFIED') AS type,
               COUNT(*) AS count, COUNT(painScore) AS painCount, COALESCE(SUM(painScore), 0) AS painSum, MIN(painScore) AS painMin, MAX(painScore) AS painMax,
               SUM(durationSeconds) AS durationSum, MAX(durationSeconds) AS durationMax
             FROM Episode WHERE ${where(col)} GROUP BY 1, 2`
          : `SELECT ((${local("occurredAt")} / 86400 + 3) / 7) AS week, COALESCE(classification, suggestedClassification, 'UNCLASSIFIED') AS type,
               COUNT(*) AS count
             FROM Episode WHERE ${where(col)} AND patientId NOT IN (SELECT id FROM Patient WHERE clinicId = ? AND deletedAt IS NOT NULL) GROUP BY 1, 2`,
      distribution: `SELECT (${local("occurredAt")} % 86400) / 21600 AS part, duringSleep AS asleep, side, muscleGroup, COUNT(*) AS count,
          ${TRIGGER_CODES.map((t, i) => `SUM(instr(',' || triggers || ',', ',${t},') > 0) AS t${i}`).join(", ")}
        FROM Episode WHERE ${where("patientId")} GROUP BY 1, 2, 3, 4`,
      newPatients: `SELECT ((${local("createdAt")} / 86400 + 3) / 7) AS week, COUNT(*) AS count FROM Patient
        WHERE clinicId = ? AND deletedAt IS NULL AND createdAt >= ? AND createdAt < ? GROUP BY 1`,
    };
  }
  const tz = q(bounds.timeZone);
  const week = (col: string) => `((date_trunc('week', "${col}" AT TIME ZONE ${tz})::date - date '1970-01-01') + 3) / 7`;
  const where = (col: string) => `"${col}" = $1 AND "deletedAt" IS NULL AND "occurredAt" >= $2 AND "occurredAt" < $3`;
  return {
    range: [bounds.start, bounds.end],
    weekly: (col: "patientId" | "clinicId") =>
      col === "patientId"
        ? `SELECT ${week("occurredAt")} AS week, COALESCE(classification, "suggestedClassification", 'UNCLASSIFIED') AS type,
             COUNT(*) AS count, COUNT("painScore") AS "painCount", COALESCE(SUM("painScore"), 0) AS "painSum", MIN("painScore") AS "painMin", MAX("painScore") AS "painMax",
             SUM("durationSeconds") AS "durationSum", MAX("durationSeconds") AS "durationMax"
           FROM "Episode" WHERE ${where(col)} GROUP BY 1, 2`
        : `SELECT ${week("occurredAt")} AS week, COALESCE(classification, "suggestedClassification", 'UNCLASSIFIED') AS type,
             COUNT(*) AS count
           FROM "Episode" WHERE ${where(col)} AND "patientId" NOT IN (SELECT id FROM "Patient" WHERE "clinicId" = $4 AND "deletedAt" IS NOT NULL) GROUP BY 1, 2`,
    distribution: `SELECT extract(hour FROM "occurredAt" AT TIME ZONE ${tz})::int / 6 AS part, "duringSleep" AS asleep, side, "muscleGroup", COUNT(*) AS count,
        ${TRIGGER_CODES.map((t, i) => `COUNT(*) FILTER (WHERE strpos(',' || triggers || ',', ',${t},') > 0) AS t${i}`).join(", ")}
      FROM "Episode" WHERE ${where("patientId")} GROUP BY 1, 2, 3, 4`,
    newPatients: `SELECT ((date_trunc('week', "createdAt" AT TIME ZONE ${tz})::date - date '1970-01-01') + 3) / 7 AS week, COUNT(*) AS count FROM "Patient"
      WHERE "clinicId" = $1 AND "deletedAt" IS NULL AND "createdAt" >= $2 AND "createdAt" < $3 GROUP BY 1`,
  };
}

// ---------------------------------------------------------------------------------------------
// Main: one child per dialect, then the table

// Runs last, once every declaration above is initialised.
if (!argv.includes("--child")) {
  const dialects = opt("dialects", "sqlite,postgresql").split(",") as Dialect[];
  const results: ChildResult[] = [];
  for (const dialect of dialects) {
    const out = path.join(os.tmpdir(), `bench-trends-${process.pid}-${dialect}.json`);
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...argv, "--child", dialect, "--out", out],
      {
        stdio: "inherit",
        env: process.env,
      },
    );
    if (child.status !== 0) {
      console.error(`[bench] the ${dialect} run failed (exit ${child.status}).`);
      process.exit(1);
    }
    results.push(JSON.parse(fs.readFileSync(out, "utf8")) as ChildResult);
    fs.rmSync(out, { force: true });
  }
  printReport(results);
} else {
  await runChild(opt("child", "sqlite") as Dialect, opt("out", ""));
}
