/**
 * The one synthetic data set of the benchmarks (bench:seed, bench:export, and bench:trends when it
 * moves over): a clinic network with patients, visits, labs, medications, conditions, checklist
 * entries and episodes over several years, deterministic from a seed (tests/factories/random.ts).
 *
 * Rows go in through the bare driver, not the app: multi-row INSERT in one transaction on SQLite,
 * INSERT ... SELECT FROM unnest(arrays) on PostgreSQL, with the secondary indexes dropped during
 * the load and built again afterwards (much faster than keeping them up to date row by row).
 * Episodes are written in time order, as a clinic records them.
 *
 * Shape (defaults): 4 clinics in 4 time zones; 10,000 patients, half registered before the
 * period and the rest over it, 1 % deleted; one in five patients is "frequent" and has about
 * eight times the episodes of the others; one busy patient has 3,000 episodes; 1,000,000 episodes
 * over 3 years with durations mostly under two minutes (a few per cent of five minutes or more),
 * 0.2 % with impaired consciousness, 1 % deleted, one in ten linked to one of the patient's
 * visits; the suggestion columns come from the app's own rule (lib/core/clinical/classification.ts);
 * three visits per patient with labs at the first; a third of the patients with a medication, a
 * seventh with a condition, three in ten with checklist entries and their history.
 *
 * Clinical spec version 2: the New York clinic works in US units (heights, weights, temperatures
 * and labs entered in inches, lb, °F, mg/dL, mEq/L and ng/mL, stored canonical beside the value as
 * entered, as the app stores them); 3 % of visits record an exam finding; one patient in 31 has
 * claudication (most of their cramps brought on by walking and relieved by rest, reduced foot
 * pulses at half their visits); restless legs episodes meet some or all of the four IRLSSG
 * criteria, with or without control of the movement.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { suggestClassification } from "../../lib/core/clinical/classification";
import { fromCanonical, MEASURE_DEFS, toCanonical, type Measure, type UnitSystem } from "../../lib/core/clinical/units";
import {
  ANALYTE_UNITS,
  CLASSIFICATIONS,
  EXAM_FINDINGS,
  RELIEFS,
  TRIGGERS,
  type Analyte,
  type Classification,
  type Movement,
  type Rhythm,
} from "../../lib/core/clinical/vocabulary";
import { CAUSE_IDS } from "../../lib/core/clinical/checklist";
import { databaseKind, sqlitePath, type DatabaseKind } from "../../lib/server/db-adapter";
import { createRandom, type Random } from "../../tests/factories/random";

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The bare drivers

export interface BulkDriver {
  dialect: DatabaseKind;
  exec(sql: string): Promise<void>;
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Inserts rows (arrays in `columns` order) in one transaction. */
  insert(table: string, columns: Column[], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

/** A column and its PostgreSQL array element type (for unnest). */
export interface Column {
  name: string;
  pg: "text" | "int4" | "float8" | "boolean" | "timestamptz";
}

/** Columns from [name, PostgreSQL type] pairs. */
export const cols = (spec: [string, Column["pg"]][]): Column[] => spec.map(([name, type]) => ({ name, pg: type }));

/** The text Prisma's SQLite adapter stores for a DateTime. */
export const sqliteInstant = (d: Date) => d.toISOString().replace("Z", "+00:00");

/**
 * The SQLite library of the app's adapter, not the top-level copy: two SQLite libraries in one
 * process do not see each other's locks (see tests/helpers/raw-db.ts).
 */
export function adapterSqlite(): typeof BetterSqlite3 {
  const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"));
  return requireFromAdapter("better-sqlite3") as typeof BetterSqlite3;
}

export async function openBulkDriver(url: string): Promise<BulkDriver> {
  const dialect = databaseKind(url);
  if (dialect === "sqlite") {
    const Database = adapterSqlite();
    const sqlite = new Database(sqlitePath(url));
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = OFF"); // a bulk load into a benchmark file: a crash means reseeding
    sqlite.pragma("busy_timeout = 10000");
    const statements = new Map<string, BetterSqlite3.Statement>();
    const value = (v: unknown) => (v instanceof Date ? sqliteInstant(v) : typeof v === "boolean" ? (v ? 1 : 0) : v);
    return {
      dialect,
      exec: async (sql) => void sqlite.exec(sql),
      all: async (sql, params = []) => sqlite.prepare(sql).all(...params.map(value)) as Record<string, unknown>[],
      insert: async (table, columns, rows) => {
        // SQLite allows 32,766 parameters per statement.
        const per = Math.max(1, Math.floor(30_000 / columns.length));
        sqlite.transaction(() => {
          for (let i = 0; i < rows.length; i += per) {
            const chunk = rows.slice(i, i + per);
            const key = `${table}:${columns.length}:${chunk.length}`;
            let st = statements.get(key);
            if (!st) {
              const tuple = `(${columns.map(() => "?").join(",")})`;
              st = sqlite.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(",")}) VALUES ${Array(chunk.length).fill(tuple).join(",")}`);
              statements.set(key, st);
            }
            const params: unknown[] = [];
            for (const row of chunk) for (const v of row) params.push(value(v));
            st.run(params);
          }
        })();
      },
      close: async () => void sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    dialect,
    exec: async (sql) => void (await client.query(sql)),
    all: async (sql, params = []) => (await client.query(sql, params)).rows as Record<string, unknown>[],
    insert: async (table, columns, rows) => {
      await client.query("BEGIN");
      try {
        const per = 20_000;
        for (let i = 0; i < rows.length; i += per) {
          const chunk = rows.slice(i, i + per);
          const arrays = columns.map((_, j) => chunk.map((r) => (r[j] instanceof Date ? (r[j] as Date).toISOString() : r[j])));
          const unnest = columns.map((c, j) => `$${j + 1}::${c.pg}[]`).join(", ");
          await client.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(",")}) SELECT * FROM unnest(${unnest})`, arrays);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    close: () => client.end(),
  };
}

/** Secondary indexes of the tables (not primary keys or unique constraints), with their DDL. */
export async function listSecondaryIndexes(driver: BulkDriver, tables: string[]): Promise<{ name: string; sql: string }[]> {
  if (driver.dialect === "sqlite") {
    const rows = await driver.all(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN (${tables.map(() => "?").join(",")})`,
      tables,
    );
    return rows.map((x) => ({ name: String(x.name), sql: String(x.sql) }));
  }
  const rows = await driver.all(
    `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
    [tables],
  );
  return rows.map((x) => ({ name: String(x.name), sql: String(x.sql) }));
}

// ---------------------------------------------------------------------------------------------
// The data set

export interface SyntheticOptions {
  seed: number;
  /** The instant the data ends at ("today" of the data set). */
  now: Date;
  clinics: { id: string; name: string; timeZone: string; unitSystem: UnitSystem }[];
  patients: number;
  episodes: number;
  years: number;
  /** Episodes of the one busy patient (patient 0), spread over the whole period. */
  busyEpisodes: number;
  /** Users to create: every one a member of every clinic, with this password hash. */
  users: { id: string; email: string; name: string; role: "ADMIN" | "CLINICIAN" | "READ_ONLY" }[];
  passwordHash: string;
  /** Visits, labs, medications, conditions and checklist entries (false: patients and episodes only). */
  clinicalDetail: boolean;
  /** Drop the secondary indexes during the load and build them again afterwards. */
  rebuildIndexes: boolean;
}

/** Accounts bench:seed creates (every one a member of every clinic) and their password. */
export const BENCH_PASSWORD = "bench-password-2026";
export const BENCH_USERS = [
  { id: "bench-admin", email: "bench-admin@bench.invalid", name: "Bench Admin", role: "ADMIN" as const },
  ...Array.from({ length: 20 }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return { id: `bench-clinician-${n}`, email: `bench-clinician-${n}@bench.invalid`, name: `Bench Clinician ${n}`, role: "CLINICIAN" as const };
  }),
];

export const DEFAULT_CLINICS: SyntheticOptions["clinics"] = [
  { id: "bench-clinic-berlin", name: "Bench Berlin", timeZone: "Europe/Berlin", unitSystem: "SI" },
  { id: "bench-clinic-newyork", name: "Bench New York", timeZone: "America/New_York", unitSystem: "US" },
  { id: "bench-clinic-london", name: "Bench London", timeZone: "Europe/London", unitSystem: "SI" },
  { id: "bench-clinic-sydney", name: "Bench Sydney", timeZone: "Australia/Sydney", unitSystem: "SI" },
];

export function defaultOptions(overrides: Partial<SyntheticOptions> = {}): SyntheticOptions {
  return {
    seed: 20261125,
    now: new Date(),
    clinics: DEFAULT_CLINICS,
    patients: 10_000,
    episodes: 1_000_000,
    years: 3,
    busyEpisodes: 3000,
    users: [],
    passwordHash: "x",
    clinicalDetail: true,
    rebuildIndexes: true,
    ...overrides,
  };
}

export interface SyntheticWorld {
  clinics: SyntheticOptions["clinics"];
  /** Patient 0: the most episodes. */
  busyPatientId: string;
  /** A frequent patient with about the median episode count of the frequent ones. */
  typicalPatientId: string;
  patientIds: string[];
  counts: Record<string, number>;
  now: Date;
}

const FAMILY = [
  "Müller", "Schmidt", "Smith", "Johnson", "García", "Martínez", "Nguyen", "Kowalski", "O'Brien", "Rossi", "Dubois", "Jensen",
  "Novak", "Andersson", "Kim", "Patel", "Singh", "Cohen", "Silva", "Yilmaz", "Brown", "Taylor", "Wilson", "Fischer", "Weber",
  "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
  "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Walker",
  "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell",
  "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy",
];
const GIVEN = [
  "Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Mia", "Noah", "Olga",
  "Paul", "Quinn", "Rosa", "Sami", "Tara", "Uwe", "Vera", "Wim", "Xenia", "Yusuf", "Zoe", "Amir", "Bea", "Cem", "Dana",
];
const NOTES = ["", "", "", "", "woke at night, stretched", 'said "like a knot"', "left calf\nthen right", "=not a formula", "after a long walk"];
const MEDICATIONS = ["Atorvastatin 20 mg", "Omeprazole 20 mg", "Furosemide 40 mg", "Salbutamol inhaler", "Amlodipine 5 mg", "Metformin 500 mg"];
const CONDITION_CODES = ["VARICOSE_VEINS", "DIABETES", "HYPERTENSION", "THYROID_DISORDER", "KIDNEY_DISEASE"];
const LIFESTYLE = ["", "", "", "SEDENTARY", "HIGH_STRESS", "INTENSE_EXERCISE", "HIGH_HEELS,SEDENTARY"];
const LAB_VALUES: Record<Analyte, [number, number]> = {
  MAGNESIUM: [0.55, 1.05],
  POTASSIUM: [3.0, 5.2],
  CALCIUM: [2.0, 2.65],
  PHOSPHATE: [0.7, 1.5],
  VITAMIN_D: [20, 120],
  FERRITIN: [10, 300],
  GLUCOSE: [4.0, 8.0],
};

const EPISODE_COLUMNS = cols([
  ["id", "text"], ["patientId", "text"], ["clinicId", "text"], ["visitId", "text"], ["occurredAt", "timestamptz"], ["durationSeconds", "int4"],
  ["side", "text"], ["muscleGroup", "text"], ["movement", "text"], ["rhythm", "text"], ["voluntaryControl", "boolean"],
  ["urgeToMove", "boolean"], ["worseAtRest", "boolean"], ["worseInEvening", "boolean"], ["reliefByMovement", "boolean"], ["consciousnessImpaired", "boolean"],
  ["duringSleep", "boolean"], ["painScore", "int4"], ["triggers", "text"], ["relief", "text"], ["classification", "text"],
  ["suggestedClassification", "text"], ["suggestionRationale", "text"], ["warnings", "text"], ["needsReview", "boolean"],
  ["notes", "text"], ["createdAt", "timestamptz"], ["updatedAt", "timestamptz"], ["createdById", "text"], ["deletedAt", "timestamptz"],
]);

/** The suggestion columns from the app's rule, cached per distinct observation (a few hundred). */
function suggestionCache() {
  const cache = new Map<string, [string | null, string, string, boolean]>();
  return (o: {
    movement: Movement | null;
    rhythm: Rhythm | null;
    voluntaryControl: boolean;
    urgeToMove: boolean;
    worseAtRest: boolean;
    worseInEvening: boolean;
    reliefByMovement: boolean;
    consciousnessImpaired: boolean;
    classification: Classification | null;
  }) => {
    const key = `${o.movement}|${o.rhythm}|${+o.voluntaryControl}${+o.urgeToMove}${+o.worseAtRest}${+o.worseInEvening}${+o.reliefByMovement}${+o.consciousnessImpaired}|${o.classification}`;
    let hit = cache.get(key);
    if (!hit) {
      const r = suggestClassification(o);
      hit = [r.suggestion, JSON.stringify(r.rationale), JSON.stringify(r.warnings), r.needsReview];
      cache.set(key, hit);
    }
    return hit;
  };
}

/** Mostly 10 s to 2 min, a long tail: about 4 % last five minutes or more. */
function duration(r: Random): number {
  const u = r.next();
  if (u < 0.04) return r.int(300, 1200);
  if (u < 0.2) return r.int(120, 299);
  return r.int(5, 119);
}

function episodeObservation(r: Random) {
  const kind = r.next();
  // Most records are cramps (tonic); some twitches, restless legs and the rare seizure-like episode.
  const movement: Movement | null =
    kind < 0.08 ? null : kind < 0.7 ? "SUSTAINED_CONTRACTION" : kind < 0.82 ? "TWITCHES" : kind < 0.92 ? "URGE_TO_MOVE" : kind < 0.97 ? "RHYTHMIC_JERKS" : "SUSTAINED_THEN_TREMBLING";
  const rls = movement === "URGE_TO_MOVE";
  const rhythm: Rhythm | null = movement === "RHYTHMIC_JERKS" ? "RHYTHMIC" : movement === "TWITCHES" ? "IRREGULAR" : r.chance(0.5) ? null : "NONE";
  return {
    movement,
    rhythm,
    // Version 2 suggests RLS on all four IRLSSG criteria, or on control of the movement.
    voluntaryControl: rls ? r.chance(0.6) : false,
    urgeToMove: rls,
    worseAtRest: rls ? r.chance(0.85) : r.chance(0.1),
    worseInEvening: rls ? r.chance(0.8) : r.chance(0.1),
    reliefByMovement: rls ? r.chance(0.8) : r.chance(0.05),
    consciousnessImpaired: r.chance(0.002),
  };
}

/** A canonical value as a US-units clinic enters it (its unit and precision), and the canonical value the app stores for that entry. */
function enteredUs(measure: Measure, canonical: number): { value: number; enteredValue: number; enteredUnit: string } {
  const enteredUnit = MEASURE_DEFS[measure].usUnit;
  const enteredValue = fromCanonical(measure, canonical, enteredUnit);
  return { value: toCanonical(measure, enteredValue, enteredUnit), enteredValue, enteredUnit };
}

/** Patients with claudication (about 3 %), by index: spread over the clinics and over frequent and other patients. */
const hasClaudication = (i: number) => i % 31 === 5;

export async function fillNetwork(driver: BulkDriver, opts: SyntheticOptions, log: (m: string) => void = () => {}): Promise<SyntheticWorld> {
  const r = createRandom(opts.seed);
  const now = opts.now.getTime();
  const start = now - opts.years * 365 * DAY;
  const span = now - start;
  const { clinics } = opts;
  const tables = ["Patient", "Visit", "LabResult", "Episode", "Medication", "PatientCondition", "ChecklistItem", "ChecklistHistory"];
  const indexes = opts.rebuildIndexes ? await listSecondaryIndexes(driver, tables) : [];
  for (const ix of indexes) await driver.exec(`DROP INDEX "${ix.name}"`);

  const created = new Date(start - 400 * DAY);
  await driver.insert(
    "Clinic",
    cols([["id", "text"], ["name", "text"], ["timeZone", "text"], ["unitSystem", "text"], ["createdAt", "timestamptz"]]),
    clinics.map((c) => [c.id, c.name, c.timeZone, c.unitSystem, created]),
  );
  const inUs = clinics.map((c) => c.unitSystem === "US");
  if (opts.users.length) {
    await driver.insert(
      "User",
      cols([["id", "text"], ["email", "text"], ["name", "text"], ["passwordHash", "text"], ["role", "text"], ["createdAt", "timestamptz"], ["updatedAt", "timestamptz"]]),
      opts.users.map((u) => [u.id, u.email, u.name, opts.passwordHash, u.role, created, created]),
    );
    await driver.insert(
      "ClinicMembership",
      cols([["userId", "text"], ["clinicId", "text"]]),
      opts.users.flatMap((u) => clinics.map((c) => [u.id, c.id])),
    );
  }
  const authorId = opts.users[0]?.id ?? null;

  // Patients: half registered before the period, the rest spread over it (so registration order
  // is time order); every fifth one frequent; 1 % deleted; patient 0 the busy one.
  const P = opts.patients;
  const patientIds: string[] = [];
  const patientClinic: string[] = [];
  const patientUs: boolean[] = [];
  const registeredAt: number[] = [];
  const frequent: number[] = [];
  const patientRows: unknown[][] = [];
  let deletedPatients = 0;
  for (let i = 0; i < P; i++) {
    const id = `bp${String(i).padStart(6, "0")}`;
    const clinicId = clinics[i % clinics.length].id;
    const us = inUs[i % clinics.length];
    const at = i < P / 2 ? start - r.int(1, 700) * DAY : start + Math.floor(((i - P / 2) / (P / 2)) * span * 0.97);
    const isDeleted = i > 0 && r.chance(0.01);
    if (isDeleted) deletedPatients++;
    if (i === 0 || i % 5 === 0) frequent.push(i);
    patientIds.push(id);
    patientClinic.push(clinicId);
    patientUs.push(us);
    registeredAt.push(at);
    const family = r.pick(FAMILY);
    const given = r.pick(GIVEN);
    const mrn = `M${String(100000 + i)}`;
    const sex = r.chance(0.55) ? "FEMALE" : r.chance(0.97) ? "MALE" : "OTHER";
    const birth = new Date(Date.UTC(1935 + r.int(0, 70), r.int(0, 11), r.int(1, 28))).toISOString().slice(0, 10);
    const when = new Date(at);
    const pregnant = sex === "FEMALE" && r.chance(0.03);
    const heightCm = r.chance(0.8) ? r.int(150, 195) : null;
    const height = heightCm !== null && us ? enteredUs("HEIGHT", heightCm) : null;
    patientRows.push([
      id, clinicId, mrn, given, family, `${family} ${given} ${mrn}`.toLowerCase(), birth, sex,
      pregnant, height ? height.value : heightCm, height?.enteredValue ?? null, height?.enteredUnit ?? null, r.pick(LIFESTYLE), when, when, authorId,
      isDeleted ? new Date(Math.min(now - DAY, at + 30 * DAY)) : null,
    ]);
  }
  await driver.insert(
    "Patient",
    cols([
      ["id", "text"], ["clinicId", "text"], ["mrn", "text"], ["givenName", "text"], ["familyName", "text"], ["searchText", "text"],
      ["birthDate", "text"], ["sex", "text"], ["pregnant", "boolean"], ["heightCm", "float8"], ["heightEnteredValue", "float8"],
      ["heightEnteredUnit", "text"], ["lifestyle", "text"],
      ["createdAt", "timestamptz"], ["updatedAt", "timestamptz"], ["createdById", "text"], ["deletedAt", "timestamptz"],
    ]),
    patientRows,
  );
  log(`  ${P.toLocaleString("en")} patients`);

  let visits = 0;
  let labs = 0;
  let checklistItems = 0;
  if (opts.clinicalDetail) {
    const visitRows: unknown[][] = [];
    const labRows: unknown[][] = [];
    for (let i = 0; i < P; i++) {
      const n = i === 0 ? 24 : 3;
      const from = Math.max(start, registeredAt[i]);
      for (let v = 0; v < n; v++) {
        const at = new Date(from + Math.floor(r.next() * (now - from)));
        const id = `bv${i}-${v}`;
        const systolic = r.int(105, 165);
        const diastolic = r.int(62, 102);
        const weightKg = r.int(48, 115);
        const temperatureC = r.chance(0.05) ? 38.2 : 36.7;
        const findings = hasClaudication(i) && r.chance(0.5) ? ["REDUCED_FOOT_PULSES"] : r.chance(0.03) ? [r.pick(EXAM_FINDINGS)] : [];
        // Entered columns stay null when the value was entered in the canonical unit.
        const weight = patientUs[i] ? enteredUs("WEIGHT", weightKg) : null;
        const temperature = patientUs[i] ? enteredUs("TEMPERATURE", temperatureC) : null;
        visitRows.push([
          id, patientIds[i], at, systolic, diastolic, weight?.value ?? weightKg, weight?.enteredValue ?? null, weight?.enteredUnit ?? null,
          temperature?.value ?? temperatureC, temperature?.enteredValue ?? null, temperature?.enteredUnit ?? null, findings.join(","), at, at, authorId,
        ]);
        if (v === 0 || (i === 0 && v % 4 === 0)) {
          for (const analyte of r.some(["MAGNESIUM", "POTASSIUM", "CALCIUM", "VITAMIN_D", "GLUCOSE"] as Analyte[], 0.6)) {
            const [lo, hi] = LAB_VALUES[analyte];
            const canonical = Math.round((lo + r.next() * (hi - lo)) * 100) / 100;
            const lab = patientUs[i] ? enteredUs(analyte, canonical) : { value: canonical, enteredValue: canonical, enteredUnit: ANALYTE_UNITS[analyte] };
            labRows.push([`bl${i}-${v}-${analyte}`, id, patientIds[i], analyte, lab.value, ANALYTE_UNITS[analyte], lab.enteredValue, lab.enteredUnit, at]);
          }
        }
      }
    }
    visits = visitRows.length;
    labs = labRows.length;
    await driver.insert(
      "Visit",
      cols([
        ["id", "text"], ["patientId", "text"], ["occurredAt", "timestamptz"], ["systolic", "int4"], ["diastolic", "int4"], ["weightKg", "float8"],
        ["weightEnteredValue", "float8"], ["weightEnteredUnit", "text"], ["temperatureC", "float8"], ["temperatureEnteredValue", "float8"],
        ["temperatureEnteredUnit", "text"], ["examFindings", "text"], ["createdAt", "timestamptz"], ["updatedAt", "timestamptz"], ["createdById", "text"],
      ]),
      visitRows,
    );
    await driver.insert(
      "LabResult",
      cols([
        ["id", "text"], ["visitId", "text"], ["patientId", "text"], ["analyte", "text"], ["value", "float8"], ["unit", "text"],
        ["enteredValue", "float8"], ["enteredUnit", "text"], ["takenAt", "timestamptz"],
      ]),
      labRows,
    );
    const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
    const medRows: unknown[][] = [];
    for (let i = 0; i < P; i += 3) {
      const active = r.chance(0.8);
      const from = start + r.next() * span;
      medRows.push([`bm${i}`, patientIds[i], r.pick(MEDICATIONS), active, isoDay(from), active ? null : isoDay(Math.min(now, from + 60 * DAY))]);
    }
    await driver.insert("Medication", cols([["id", "text"], ["patientId", "text"], ["name", "text"], ["active", "boolean"], ["startedOn", "text"], ["stoppedOn", "text"]]), medRows);
    await driver.insert(
      "PatientCondition",
      cols([["id", "text"], ["patientId", "text"], ["code", "text"]]),
      patientIds.filter((_, i) => i % 7 === 0).map((id, k) => [`bc${k}`, id, CONDITION_CODES[k % CONDITION_CODES.length]]),
    );
    // Checklist entries with their history: three in ten patients, one to three causes each.
    const itemRows: unknown[][] = [];
    const historyRows: unknown[][] = [];
    for (let i = 0; i < P; i++) {
      if (i !== 0 && !r.chance(0.3)) continue;
      const causes = new Set<string>();
      const n = i === 0 ? 6 : r.int(1, 3);
      while (causes.size < n) causes.add(r.pick(CAUSE_IDS));
      for (const causeId of causes) {
        const id = `bk${i}-${causeId}`;
        const changes = r.int(1, 3);
        let status = "NOT_ASSESSED";
        let at = Math.max(start, registeredAt[i]) + Math.floor(r.next() * (now - Math.max(start, registeredAt[i])) * 0.5);
        for (let h = 0; h < changes; h++) {
          const to = h === changes - 1 ? r.pick(["SUSPECTED", "CONFIRMED", "RULED_OUT"]) : "SUSPECTED";
          historyRows.push([`bkh${i}-${causeId}-${h}`, id, patientIds[i], causeId, status, to, h ? "follow-up" : "", authorId ?? "bench", new Date(at)]);
          status = to;
          at += r.int(1, 60) * DAY;
        }
        itemRows.push([id, patientIds[i], causeId, status, "", changes, new Date(Math.min(at, now)), authorId]);
      }
    }
    checklistItems = itemRows.length;
    await driver.insert(
      "ChecklistItem",
      cols([["id", "text"], ["patientId", "text"], ["causeId", "text"], ["status", "text"], ["note", "text"], ["version", "int4"], ["updatedAt", "timestamptz"], ["updatedById", "text"]]),
      itemRows,
    );
    await driver.insert(
      "ChecklistHistory",
      cols([
        ["id", "text"], ["itemId", "text"], ["patientId", "text"], ["causeId", "text"], ["fromStatus", "text"], ["toStatus", "text"],
        ["note", "text"], ["changedById", "text"], ["changedAt", "timestamptz"],
      ]),
      historyRows,
    );
    log(`  ${visits.toLocaleString("en")} visits, ${labs.toLocaleString("en")} lab results, ${checklistItems.toLocaleString("en")} checklist entries`);
  }

  // Episodes in time order. At each instant the patient is drawn among those registered by then:
  // two in three episodes from the frequent patients.
  const suggest = suggestionCache();
  const E = opts.episodes;
  const step = span / E;
  const firstLate = Math.ceil(P / 2); // patients [0, firstLate) are registered before the period
  const registeredBy = (t: number) => Math.min(P, firstLate + Math.max(0, Math.floor(((t - start) / (span * 0.97)) * (P / 2)) + 1));
  const busy = Math.min(opts.busyEpisodes, Math.floor(E / 10));
  let busyLeft = busy;
  const counts = new Map<number, number>();
  const batchSize = 50_000;
  let deletedEpisodes = 0;
  for (let b = 0; b < E; b += batchSize) {
    const rows: unknown[][] = [];
    for (let i = b; i < Math.min(E, b + batchSize); i++) {
      const t = Math.min(now - 1000, Math.floor(start + i * step + r.next() * step));
      const isBusy = busyLeft > 0 && r.next() < busyLeft / (E - i);
      if (isBusy) busyLeft--;
      let p: number;
      if (isBusy) p = 0;
      else {
        const n = registeredBy(t);
        // frequent[] holds every fifth index, so those registered by t are its first ceil(n / 5).
        p = r.chance(2 / 3) ? frequent[1 + Math.floor(r.next() * (Math.ceil(n / 5) - 1))] ?? 1 : 1 + Math.floor(r.next() * (n - 1));
      }
      counts.set(p, (counts.get(p) ?? 0) + 1);
      const obs = episodeObservation(r);
      let triggers = r.some(TRIGGERS, 0.15).join(",");
      let relief = r.some(RELIEFS, 0.2).join(",");
      // Claudication: a cramp on walking that rest relieves (the peripheral arterial disease rule).
      if (hasClaudication(p) && obs.movement === "SUSTAINED_CONTRACTION" && r.chance(0.7)) {
        triggers = "WALKING";
        relief = "REST";
      }
      // The clinician's label: mostly absent or agreeing; 4 % disagree (marked for review).
      const base = suggest({ ...obs, classification: null })[0] as Classification | null;
      const label: Classification | null = r.chance(0.35) ? null : r.chance(0.04) ? r.pick(CLASSIFICATIONS) : base;
      const [suggestion, rationale, warnings, needsReview] = suggest({ ...obs, classification: label });
      const at = new Date(t);
      const del = r.chance(0.01);
      if (del) deletedEpisodes++;
      const muscle = r.next();
      // One in ten recorded at one of the patient's visits.
      const visitId = opts.clinicalDetail && r.chance(0.1) ? `bv${p}-${r.int(0, p === 0 ? 23 : 2)}` : null;
      rows.push([
        `be${i.toString(36).padStart(7, "0")}`,
        patientIds[p],
        patientClinic[p],
        visitId,
        at,
        duration(r),
        r.pick(["LEFT", "RIGHT", "LEFT", "RIGHT", "BOTH"]),
        muscle < 0.8 ? "CALF" : muscle < 0.92 ? "FOOT" : muscle < 0.98 ? "THIGH" : "OTHER",
        obs.movement,
        obs.rhythm,
        obs.voluntaryControl,
        obs.urgeToMove,
        obs.worseAtRest,
        obs.worseInEvening,
        obs.reliefByMovement,
        obs.consciousnessImpaired,
        r.chance(0.35),
        r.chance(0.2) ? null : r.int(0, 10),
        triggers,
        relief,
        label,
        suggestion,
        rationale,
        warnings,
        needsReview,
        r.pick(NOTES),
        at,
        at,
        authorId,
        del ? new Date(Math.min(now - 1000, t + DAY)) : null,
      ]);
    }
    await driver.insert("Episode", EPISODE_COLUMNS, rows);
    const written = Math.min(E, b + batchSize);
    if (written % 200_000 === 0 || written === E) log(`  ${written.toLocaleString("en")} episodes`);
  }
  for (const ix of indexes) await driver.exec(ix.sql);
  if (indexes.length) log(`  rebuilt ${indexes.length} indexes`);

  const frequentCounts = frequent
    .filter((i) => i !== 0)
    .map((i) => [i, counts.get(i) ?? 0] as const)
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const typical = frequentCounts[Math.floor(frequentCounts.length / 2)]?.[0] ?? 0;
  return {
    clinics,
    busyPatientId: patientIds[0],
    typicalPatientId: patientIds[typical],
    patientIds,
    now: opts.now,
    counts: {
      clinics: clinics.length,
      patients: P,
      "deleted patients": deletedPatients,
      episodes: E,
      "deleted episodes": deletedEpisodes,
      "busy patient's episodes": busy,
      visits,
      "lab results": labs,
      "checklist entries": checklistItems,
      users: opts.users.length,
    },
  };
}

/**
 * Computes every patient's stored attention (lib/features/attention/data.ts) as of `asOf`, as the app's
 * episode writes would have: the bulk fill above bypasses them. DATABASE_URL must already be `url`
 * (the data layer reads it for the dialect). Returns the seconds it took.
 */
export async function computeAttention(url: string, asOf: Date): Promise<number> {
  const { createPrismaClient } = await import("../../lib/server/db");
  const { refreshAttention } = await import("../../lib/features/attention/data");
  const client = createPrismaClient(url);
  try {
    const started = performance.now();
    const ids = (await client.patient.findMany({ select: { id: true } })).map((p) => p.id);
    await client.$transaction((tx) => refreshAttention(tx, ids, asOf), { timeout: 600_000 });
    return (performance.now() - started) / 1000;
  } finally {
    await client.$disconnect();
  }
}

/**
 * Builds every clinic's episode day counts (lib/features/episodes/day-counts.ts), as the first dashboard view
 * would: the bulk fill bypasses the episode writes that keep them. Returns the seconds it took.
 */
export async function computeDayCounts(url: string): Promise<number> {
  const { createPrismaClient } = await import("../../lib/server/db");
  const { rebuildDayCounts } = await import("../../lib/features/episodes/day-counts");
  const client = createPrismaClient(url);
  try {
    const started = performance.now();
    for (const c of await client.clinic.findMany({ select: { id: true } })) {
      await client.$transaction((tx) => rebuildDayCounts(tx, c.id), { timeout: 600_000 });
    }
    return (performance.now() - started) / 1000;
  } finally {
    await client.$disconnect();
  }
}
