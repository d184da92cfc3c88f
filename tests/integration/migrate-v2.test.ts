/**
 * Upgrade of a database holding version 1 data to the clinical rules version 2 (migration
 * 0010_clinical_rules_v2 and the runner's data step after it; clinical spec section 8), on the
 * database TEST_DB names. The database is built with migrations 0001..0009 only, filled with raw
 * SQL as version 1 stored it, then migrated to the latest.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { suggestClassification } from "../../lib/core/clinical/classification";
import { auditHash, GENESIS_HASH, type AuditRowContent } from "../../lib/server/audit";
import { checkDatabase } from "../../lib/ops/backup";
import type { DatabaseKind } from "../../lib/server/db-adapter";
import { DEFAULT_MIGRATIONS_ROOT, listMigrations, migrateDatabase } from "../../lib/ops/migrations/runner";
import { RULES_V2_MIGRATION } from "../../lib/ops/migrations/rules-refresh";

const kind: DatabaseKind = process.env.TEST_DB_KIND === "postgresql" ? "postgresql" : "sqlite";
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-v2-test-"));
let pgDatabase: string | null = null;

const MIGRATE_CHANGES = { worseAtRestOrEvening: [true, null], worseAtRest: [false, true], worseInEvening: [false, true] };

// ---------------------------------------------------------------------------------------------
// Raw access to either database: `?` placeholders, booleans and instants bound as each stores them.
// ---------------------------------------------------------------------------------------------

type Raw = { all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>; close(): Promise<void> };

const sqliteInstant = (d: Date) => d.toISOString().replace("Z", "+00:00");

async function open(url: string): Promise<Raw> {
  if (kind === "sqlite") {
    const db = new Database(url.slice("file:".length));
    const bind = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : v instanceof Date ? sqliteInstant(v) : v);
    return {
      async all<T>(sql: string, params: unknown[] = []) {
        const stmt = db.prepare(sql);
        if (stmt.reader) return stmt.all(...params.map(bind)) as T[];
        stmt.run(...params.map(bind));
        return [];
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async all<T>(sql: string, params: unknown[] = []) {
      let n = 0;
      return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    },
    async close() {
      await client.end();
    },
  };
}

async function withDb<T>(url: string, fn: (db: Raw) => Promise<T>): Promise<T> {
  const db = await open(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** SQLite answers 0/1 for booleans; pg true/false. */
const bool = (v: unknown) => v === true || v === 1;
const instant = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

async function freshDatabase(): Promise<string> {
  if (kind === "sqlite") return `file:${path.join(tmp, "v1.db")}`;
  pgDatabase = `mig_v2_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pgDatabase}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${pgDatabase}`;
  return url.toString();
}

/** A migrations root holding this provider's migrations before 0010. */
function version1Root(): string {
  const root = path.join(tmp, "migrations-v1");
  const from = path.join(DEFAULT_MIGRATIONS_ROOT, kind);
  fs.mkdirSync(path.join(root, kind), { recursive: true });
  fs.copyFileSync(path.join(from, "migration_lock.toml"), path.join(root, kind, "migration_lock.toml"));
  for (const m of listMigrations(kind)) {
    if (m.name >= RULES_V2_MIGRATION) continue;
    fs.cpSync(path.join(from, m.name), path.join(root, kind, m.name), { recursive: true });
  }
  return root;
}

afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (pgDatabase) {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
    await admin.end();
  }
});

// ---------------------------------------------------------------------------------------------
// Version 1 data
// ---------------------------------------------------------------------------------------------

const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

type V1Episode = {
  id: string;
  patientId?: string;
  movement: string | null;
  classification: string | null;
  voluntaryControl?: boolean;
  urgeToMove?: boolean;
  worseAtRestOrEvening?: boolean;
  reliefByMovement?: boolean;
  suggestedClassification: string | null;
  suggestionRationale: string[];
  warnings?: string[];
  needsReview?: boolean;
  labelConfirmedAt?: Date | null;
  version?: number;
  deletedAt?: Date | null;
};

// What version 1 stored. Version 1 suggested RLS only with voluntary control and an urge, and
// counted "worse at rest or in the evening" as criteria 2 and 4 at once.
const V1_EPISODES: V1Episode[] = [
  {
    // The RLS episode of the brief: no suggestion under version 1, RLS under version 2 (4 of 4).
    id: "ep1_rls",
    movement: "URGE_TO_MOVE",
    classification: "RLS",
    urgeToMove: true,
    worseAtRestOrEvening: true,
    reliefByMovement: true,
    suggestedClassification: null,
    suggestionRationale: [
      "An urge to move was recorded, but the patient is not recorded as able to control the movement. Restless legs syndrome needs voluntary control, and an urge alone fits none of the involuntary types, so no type is suggested.",
    ],
    version: 2, // edited once (the UPDATE revision below)
  },
  {
    // Not worse at rest or in the evening: nothing to migrate, and the same suggestion under both.
    id: "ep2_false",
    movement: "RHYTHMIC_JERKS",
    classification: null,
    worseAtRestOrEvening: false,
    suggestedClassification: "CLONIC",
    suggestionRationale: suggestClassification({ movement: "RHYTHMIC_JERKS" }).rationale,
  },
  {
    // Labelled TONIC, a sustained contraction: the same under both.
    id: "ep3_tonic",
    movement: "SUSTAINED_CONTRACTION",
    classification: "TONIC",
    suggestedClassification: "TONIC",
    suggestionRationale: suggestClassification({ movement: "SUSTAINED_CONTRACTION", classification: "TONIC" }).rationale,
  },
  {
    // Unlabelled: no suggestion under version 1, RLS under version 2 (its type on the dashboard changes).
    id: "ep4_unlabelled",
    movement: "URGE_TO_MOVE",
    classification: null,
    urgeToMove: true,
    worseAtRestOrEvening: true,
    reliefByMovement: true,
    suggestedClassification: null,
    suggestionRationale: ["An urge to move was recorded, but the patient is not recorded as able to control the movement. (v1)"],
  },
  {
    // Labelled CLONIC against the suggested TONIC, confirmed on review under version 1; version 2
    // suggests RLS, so the confirmation (given for CLONIC against TONIC) no longer holds.
    id: "ep5_confirmed_lapses",
    movement: "SUSTAINED_CONTRACTION",
    classification: "CLONIC",
    urgeToMove: true,
    worseAtRestOrEvening: true,
    reliefByMovement: true,
    suggestedClassification: "TONIC",
    suggestionRationale: ["A muscle contracted and stayed contracted: this is the pattern of a tonic episode (the usual painful calf cramp)."],
    warnings: ['The clinician\'s label "Clonic" differs from the suggested "Tonic"; a clinician confirmed the label on review.'],
    labelConfirmedAt: at(30),
  },
  {
    // Labelled TONIC against the suggested RLS (voluntary control and an urge), confirmed on review:
    // version 2 still suggests RLS, so the confirmation holds; only the rationale's text changes.
    id: "ep6_confirmed_holds",
    movement: "SUSTAINED_CONTRACTION",
    classification: "TONIC",
    voluntaryControl: true,
    urgeToMove: true,
    suggestedClassification: "RLS",
    suggestionRationale: [
      "The patient can control the movement and feels an urge to move the legs: this points to restless legs syndrome rather than a cramp or seizure.",
      "IRLSSG criteria met: 1 of 4. Met: urge to move the legs. Not recorded: begins or worsens at rest; relieved by movement; worse in the evening or at night.",
      "Criterion 5 (symptoms not better explained by another condition, leg cramps included) is for the clinician to judge.",
    ],
    warnings: ['The clinician\'s label "Tonic" differs from the suggested "Restless legs syndrome (RLS)"; a clinician confirmed the label on review.'],
    labelConfirmedAt: at(40),
  },
  {
    // Deleted (in the recycle bin): migrated all the same, as a restore brings it back as stored.
    id: "ep7_deleted",
    movement: "URGE_TO_MOVE",
    classification: null,
    urgeToMove: true,
    worseAtRestOrEvening: true,
    suggestedClassification: null,
    suggestionRationale: ["(v1)"],
    version: 2,
    deletedAt: at(50),
  },
  {
    // Another patient's long cramp: unchanged by the rules, but its patient's stored flags (a
    // PROLONGED_EPISODE, gone in version 2) are out of date all the same.
    id: "ep8_other_patient",
    patientId: "pat2",
    movement: "SUSTAINED_CONTRACTION",
    classification: null,
    suggestedClassification: "TONIC",
    suggestionRationale: suggestClassification({ movement: "SUSTAINED_CONTRACTION" }).rationale,
  },
];

async function insertVersion1Data(db: Raw) {
  await db.all(`INSERT INTO "Clinic" ("id", "name", "timeZone", "createdAt", "requireTwoFactor", "episodeDayCountsAt") VALUES (?, ?, ?, ?, ?, ?)`, [
    "clinic1", "North clinic", "Europe/Berlin", T0, false, at(5),
  ]);
  await db.all(
    `INSERT INTO "Patient" ("id", "clinicId", "mrn", "givenName", "familyName", "searchText", "birthDate", "sex", "pregnant", "heightCm", "lifestyle", "version", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ["pat1", "clinic1", "MRN-1", "Ada", "Lovelace", "ada lovelace mrn-1", "1960-05-01", "FEMALE", false, 165.5, "", 1, T0, T0],
  );
  await db.all(
    `INSERT INTO "Patient" ("id", "clinicId", "mrn", "givenName", "familyName", "searchText", "birthDate", "sex", "pregnant", "heightCm", "lifestyle", "version", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ["pat2", "clinic1", "MRN-2", "Charles", "Babbage", "charles babbage mrn-2", "1955-12-26", "MALE", false, null, "", 1, T0, T0],
  );
  await db.all(
    `INSERT INTO "Visit" ("id", "patientId", "occurredAt", "systolic", "diastolic", "weightKg", "temperatureC", "notes", "version", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ["visit1", "pat1", at(1), 120, 80, 70.2, 36.8, "", 1, at(1), at(1)],
  );
  await db.all(`INSERT INTO "LabResult" ("id", "visitId", "patientId", "analyte", "value", "unit", "takenAt") VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    "lab1", "visit1", "pat1", "MAGNESIUM", 0.62, "mmol/L", at(1),
  ]);
  for (const [i, e] of V1_EPISODES.entries()) {
    await db.all(
      `INSERT INTO "Episode" ("id", "patientId", "clinicId", "visitId", "occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "rhythm",
         "voluntaryControl", "urgeToMove", "worseAtRestOrEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep", "painScore",
         "triggers", "relief", "classification", "suggestedClassification", "suggestionRationale", "warnings", "needsReview",
         "labelConfirmedAt", "labelConfirmedById", "notes", "version", "createdAt", "updatedAt", "createdById", "deletedAt", "deletedById")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.id, e.patientId ?? "pat1", "clinic1", i === 0 ? "visit1" : null, at(10 + i), 60, "LEFT", "CALF", e.movement, null,
        e.voluntaryControl ?? false, e.urgeToMove ?? false, e.worseAtRestOrEvening ?? false, e.reliefByMovement ?? false, false, false, 5,
        "", "", e.classification, e.suggestedClassification, JSON.stringify(e.suggestionRationale), JSON.stringify(e.warnings ?? []), e.needsReview ?? false,
        e.labelConfirmedAt ?? null, e.labelConfirmedAt ? "user1" : null, "", e.version ?? 1, at(10 + i), at(20 + i), "user1", e.deletedAt ?? null, e.deletedAt ? "user1" : null,
      ],
    );
  }
  // The history of ep1's earlier edit (version 2), and ep7's deletion (version 2).
  await db.all(`INSERT INTO "EpisodeRevision" ("id", "episodeId", "patientId", "version", "action", "changes", "changedById", "changedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    "rev1", "ep1_rls", "pat1", 2, "UPDATE", JSON.stringify({ reliefByMovement: [false, true] }), "user1", at(20),
  ]);
  await db.all(`INSERT INTO "EpisodeRevision" ("id", "episodeId", "patientId", "version", "action", "changes", "changedById", "changedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
    "rev2", "ep7_deleted", "pat1", 2, "DELETE", "{}", "user1", at(50),
  ]);
  // Attention flags computed by the version 1 rules, valid for a month.
  for (const [patientId, flagCodes] of [["pat1", ""], ["pat2", "PROLONGED_EPISODE"]]) {
    await db.all(
      `INSERT INTO "PatientAttention" ("patientId", "clinicId", "flagCodes", "reviewCount", "lastEpisodeAt", "topFlagRank", "urgencyRank", "flagCount", "computedAt", "validUntil")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [patientId, "clinic1", flagCodes, 0, at(15), flagCodes ? 1 : 2, flagCodes ? 1 : 3, flagCodes ? 1 : 0, at(60), at(60 + 30 * 24 * 60)],
    );
  }
  await db.all(`INSERT INTO "EpisodeDayCount" ("clinicId", "day", "type", "count") VALUES (?, ?, ?, ?)`, ["clinic1", 20513, "RLS", 1]);
  // Audit rows, chained as appendAudit writes them.
  let prevHash = GENESIS_HASH;
  for (const [i, action] of ["PATIENT_CREATE", "EPISODE_CREATE"].entries()) {
    const row: AuditRowContent = {
      at: at(i),
      userId: "user1",
      userEmail: "ada@example.org",
      action,
      outcome: "SUCCESS",
      patientId: "pat1",
      targetType: i === 0 ? "Patient" : "Episode",
      targetId: i === 0 ? "pat1" : "ep1_rls",
      ip: "127.0.0.1",
      details: JSON.stringify({ n: i }),
    };
    const hash = auditHash(prevHash, row);
    await db.all(
      `INSERT INTO "AuditEvent" ("at", "userId", "userEmail", "action", "outcome", "patientId", "targetType", "targetId", "ip", "details", "prevHash", "hash")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.at, row.userId, row.userEmail, row.action, row.outcome, row.patientId, row.targetType, row.targetId, row.ip, row.details, prevHash, hash],
    );
    prevHash = hash;
  }
}

// ---------------------------------------------------------------------------------------------

type EpisodeRow = Record<string, unknown> & { id: string };

describe(`upgrade of version 1 data to the clinical rules version 2 (${kind})`, () => {
  let url: string;
  let before: { audit: Record<string, unknown>[] };
  const log: string[] = [];
  let applied: string[];
  let episodes: Map<string, EpisodeRow>;

  beforeAll(async () => {
    url = await freshDatabase();
    const v1 = await migrateDatabase(url, { migrationsRoot: version1Root() });
    expect(v1.applied.at(-1)).toBe("0009_episode_revisions");
    expect(v1.applied).not.toContain(RULES_V2_MIGRATION);
    before = await withDb(url, async (db) => {
      await insertVersion1Data(db);
      return { audit: await db.all(`SELECT * FROM "AuditEvent" ORDER BY "seq"`) };
    });
    applied = (await migrateDatabase(url, { log: (line) => log.push(line) })).applied;
    const rows = await withDb(url, (db) => db.all<EpisodeRow>(`SELECT * FROM "Episode" ORDER BY "id"`));
    episodes = new Map(rows.map((r) => [r.id, r]));
  }, 60_000);

  it("applies 0010 and then recomputes the stored suggestions, once", async () => {
    // 0010, then any later migration.
    const later = listMigrations(kind).map((m) => m.name).filter((name) => name > RULES_V2_MIGRATION);
    expect(applied).toEqual([RULES_V2_MIGRATION, ...later]);
    expect(log[0]).toBe(`applied ${RULES_V2_MIGRATION}`);
    // Changed: ep1, ep4, ep5 (new suggestion), ep6 (rationale text), ep7 (criteria sentence).
    expect(log.filter((line) => line.startsWith(`${RULES_V2_MIGRATION}:`))).toEqual([
      `${RULES_V2_MIGRATION}: recomputed the suggestions of 8 episode(s) with the current rules: 5 changed, 1 label confirmation(s) no longer hold`,
    ]);
    const again: string[] = [];
    expect((await migrateDatabase(url, { log: (line) => again.push(line) })).applied).toEqual([]);
    expect(again).toEqual([]);
  });

  it("splits worseAtRestOrEvening into worseAtRest and worseInEvening (spec section 8)", () => {
    expect(episodes.size).toBe(V1_EPISODES.length);
    for (const e of V1_EPISODES) {
      const row = episodes.get(e.id)!;
      expect(row, e.id).toBeDefined();
      expect("worseAtRestOrEvening" in row).toBe(false);
      expect(bool(row.worseAtRest), e.id).toBe(e.worseAtRestOrEvening ?? false);
      expect(bool(row.worseInEvening), e.id).toBe(e.worseAtRestOrEvening ?? false);
    }
  });

  it("gives each migrated episode a new version with a MIGRATE entry in its history, and no other", async () => {
    const revisions = await withDb(url, (db) => db.all(`SELECT * FROM "EpisodeRevision" ORDER BY "episodeId", "version"`));
    const migrated = revisions.filter((r) => r.action === "MIGRATE");
    const expected = V1_EPISODES.filter((e) => e.worseAtRestOrEvening);
    expect(migrated.map((r) => r.episodeId)).toEqual(expected.map((e) => e.id));
    for (const e of V1_EPISODES) {
      const row = episodes.get(e.id)!;
      const v1Version = e.version ?? 1;
      expect(Number(row.version), e.id).toBe(e.worseAtRestOrEvening ? v1Version + 1 : v1Version);
      if (!e.worseAtRestOrEvening) {
        expect(instant(row.updatedAt).toISOString(), e.id).toBe(at(20 + V1_EPISODES.indexOf(e)).toISOString());
        continue;
      }
      const rev = migrated.find((r) => r.episodeId === e.id)!;
      expect(rev.id).toBe(`mig10_${e.id}`);
      expect(rev.patientId).toBe(e.patientId ?? "pat1");
      expect(Number(rev.version)).toBe(v1Version + 1);
      expect(JSON.parse(String(rev.changes))).toEqual(MIGRATE_CHANGES);
      expect(rev.changedById).toBe("system");
      // Changed now, when the episode itself was.
      expect(instant(rev.changedAt).getTime()).toBe(instant(row.updatedAt).getTime());
      expect(Date.now() - instant(rev.changedAt).getTime()).toBeLessThan(5 * 60_000);
    }
    // The earlier history is kept as it was.
    const earlier = revisions.filter((r) => r.action !== "MIGRATE").map((r) => [r.id, r.episodeId, Number(r.version), r.action, r.changes]);
    expect(earlier).toEqual([
      ["rev1", "ep1_rls", 2, "UPDATE", JSON.stringify({ reliefByMovement: [false, true] })],
      ["rev2", "ep7_deleted", 2, "DELETE", "{}"],
    ]);
  });

  it("recomputes every stored suggestion with the version 2 rules", () => {
    for (const e of V1_EPISODES) {
      const row = episodes.get(e.id)!;
      const confirmed = row.labelConfirmedAt != null;
      const result = suggestClassification({
        movement: row.movement as never,
        voluntaryControl: bool(row.voluntaryControl),
        urgeToMove: bool(row.urgeToMove),
        worseAtRest: bool(row.worseAtRest),
        worseInEvening: bool(row.worseInEvening),
        reliefByMovement: bool(row.reliefByMovement),
        consciousnessImpaired: bool(row.consciousnessImpaired),
        classification: row.classification as never,
        labelConfirmedFor: confirmed ? { classification: row.classification as never, suggestion: row.suggestedClassification as never } : null,
      });
      expect(row.suggestedClassification, e.id).toBe(result.suggestion);
      expect(JSON.parse(String(row.suggestionRationale)), e.id).toEqual(result.rationale);
      expect(JSON.parse(String(row.warnings)), e.id).toEqual(result.warnings);
      expect(bool(row.needsReview), e.id).toBe(result.needsReview);
    }

    const rls = episodes.get("ep1_rls")!;
    expect(rls.suggestedClassification).toBe("RLS");
    const rationale = JSON.parse(String(rls.suggestionRationale)) as string[];
    expect(rationale.some((line) => line.includes("IRLSSG criteria met: 4 of 4."))).toBe(true);
    expect(bool(rls.needsReview)).toBe(false);
    expect(JSON.parse(String(rls.warnings))).toEqual([]);

    expect(episodes.get("ep2_false")!.suggestedClassification).toBe("CLONIC");
    expect(episodes.get("ep3_tonic")!.suggestedClassification).toBe("TONIC");
    expect(bool(episodes.get("ep3_tonic")!.needsReview)).toBe(false);
    expect(episodes.get("ep4_unlabelled")!.suggestedClassification).toBe("RLS");
    expect(episodes.get("ep7_deleted")!.deletedAt).not.toBeNull();
  });

  it("clears a confirmation on review that no longer holds and keeps one that does", () => {
    const lapsed = episodes.get("ep5_confirmed_lapses")!;
    expect(lapsed.suggestedClassification).toBe("RLS");
    expect(lapsed.labelConfirmedAt).toBeNull();
    expect(lapsed.labelConfirmedById).toBeNull();
    expect(bool(lapsed.needsReview)).toBe(true);

    const holds = episodes.get("ep6_confirmed_holds")!;
    expect(holds.suggestedClassification).toBe("RLS");
    expect(instant(holds.labelConfirmedAt).toISOString()).toBe(at(40).toISOString());
    expect(holds.labelConfirmedById).toBe("user1");
    expect(bool(holds.needsReview)).toBe(false);
  });

  it("keeps the lab's value and makes the canonical unit its entered one; visits and patients keep theirs", async () => {
    await withDb(url, async (db) => {
      const labs = await db.all(`SELECT "id", "analyte", "value", "unit", "enteredValue", "enteredUnit" FROM "LabResult"`);
      expect(labs.map((l) => ({ ...l, value: Number(l.value), enteredValue: Number(l.enteredValue) }))).toEqual([
        { id: "lab1", analyte: "MAGNESIUM", value: 0.62, unit: "mmol/L", enteredValue: 0.62, enteredUnit: "mmol/L" },
      ]);
      const [visit] = await db.all(`SELECT * FROM "Visit"`);
      expect(Number(visit.weightKg)).toBe(70.2);
      expect(Number(visit.temperatureC)).toBe(36.8);
      expect([visit.weightEnteredValue, visit.weightEnteredUnit, visit.temperatureEnteredValue, visit.temperatureEnteredUnit]).toEqual([null, null, null, null]);
      expect(visit.examFindings).toBe("");
      const [patient] = await db.all(`SELECT * FROM "Patient"`);
      expect(Number(patient.heightCm)).toBe(165.5);
      expect([patient.heightEnteredValue, patient.heightEnteredUnit]).toEqual([null, null]);
      const [clinic] = await db.all(`SELECT * FROM "Clinic"`);
      expect(clinic.unitSystem).toBe("SI");
    });
  });

  it("leaves the stored attention flags as they were but out of date, and the changed day counts to be rebuilt", async () => {
    await withDb(url, async (db) => {
      const rows = await db.all(`SELECT * FROM "PatientAttention" ORDER BY "patientId"`);
      expect(rows.map((r) => [r.patientId, r.flagCodes])).toEqual([["pat1", ""], ["pat2", "PROLONGED_EPISODE"]]);
      for (const row of rows) {
        expect(instant(row.validUntil).getTime()).toBe(instant(row.computedAt).getTime());
        expect(instant(row.computedAt).toISOString()).toBe(at(60).toISOString());
      }
      // ep4 had no label and no suggestion; now it counts as RLS: the counts are rebuilt on the next read.
      const [clinic] = await db.all(`SELECT "episodeDayCountsAt" FROM "Clinic"`);
      expect(clinic.episodeDayCountsAt).toBeNull();
    });
  });

  it("leaves the audit log as it was, still append-only, and the database passing the restore checks", async () => {
    await withDb(url, async (db) => {
      expect(await db.all(`SELECT * FROM "AuditEvent" ORDER BY "seq"`)).toEqual(before.audit);
      await expect(db.all(`UPDATE "AuditEvent" SET "action" = 'X'`)).rejects.toThrow(/append-only/);
      await expect(db.all(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    });
    // integrity_check and foreign_key_check (PostgreSQL: every foreign key validated, no orphans),
    // tables, cross-table invariants, _prisma_migrations, triggers, and the audit chain verified.
    const check = await checkDatabase(url);
    expect(check.checks.filter((c) => !c.ok), JSON.stringify(check.checks, null, 2)).toEqual([]);
    expect(check.chain).toMatchObject({ ok: true, rows: 2 });
    expect(check.counts).toMatchObject({ Episode: V1_EPISODES.length, EpisodeRevision: 2 + 4, LabResult: 1, Visit: 1, Patient: 2, AuditEvent: 2 });
  }, 60_000);

  it("has the indexes and triggers of a database migrated straight to the latest", async () => {
    const SCHEMA_OBJECTS: Record<DatabaseKind, string> = {
      sqlite: `SELECT type, name, tbl_name AS "table", sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name`,
      postgresql: `SELECT 'index' AS type, indexname AS name, tablename AS "table", indexdef AS sql FROM pg_indexes WHERE schemaname = 'public'
                   UNION ALL
                   SELECT 'trigger', t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                    WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
                   UNION ALL
                   SELECT 'fk', conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace
                   ORDER BY 2`,
    };
    // The test file's own database (tests/setup/integration.ts) was migrated from empty to the latest.
    const straight = await withDb(process.env.DATABASE_URL!, (db) => db.all(SCHEMA_OBJECTS[kind]));
    const upgraded = await withDb(url, (db) => db.all(SCHEMA_OBJECTS[kind]));
    expect(upgraded).toEqual(straight);
    const names = upgraded.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(["LabResult_visitId_idx", "LabResult_patientId_analyte_takenAt_idx", "Episode_visitId_idx", "Episode_patientId_deletedAt_occurredAt_idx"]));
    expect(names).toEqual(
      expect.arrayContaining(kind === "sqlite" ? ["AuditEvent_no_update", "AuditEvent_no_delete"] : ["AuditEvent_no_update_delete", "AuditEvent_no_truncate"]),
    );
    if (kind === "sqlite") {
      // Foreign keys are part of each table's definition there.
      const tables = (url: string) => withDb(url, (db) => db.all(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('LabResult', 'Episode', 'EpisodeRevision') ORDER BY name`));
      expect(await tables(url)).toEqual(await tables(process.env.DATABASE_URL!));
    }
  });
});
