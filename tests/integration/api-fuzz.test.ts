/**
 * Property-based: every write endpoint gets 1,000 random and malformed bodies. None may answer
 * 500; a refused request leaves every table as it was; a VALIDATION refusal names the bad field.
 */
// One token sends thousands of requests here: lift the per-token limit for this file.
process.env.API_RATE_LIMIT_PER_MINUTE = "1000000";

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as patients from "@/app/api/v1/patients/route";
import * as patient from "@/app/api/v1/patients/[id]/route";
import * as visits from "@/app/api/v1/patients/[id]/visits/route";
import * as episodes from "@/app/api/v1/patients/[id]/episodes/route";
import * as checklist from "@/app/api/v1/patients/[id]/checklist/[causeId]/route";
import { createPatient } from "@/lib/features/patients/data";
import { createWorld, validPatient } from "../factories/world";
import { call, tokenFor, type ApiAnswer } from "../helpers/api";

const RUNS = Number(process.env.API_FUZZ_RUNS ?? 1000);

let world: Awaited<ReturnType<typeof createWorld>>;
let token: string;
let patientId: string;
let visitId: string;

beforeAll(async () => {
  world = await createWorld(db);
  token = await tokenFor(world.actors.clinician, "fuzz");
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "FUZZ-1" }))).id;
  visitId = (await call(visits.POST, "POST", `/api/v1/patients/${patientId}/visits`, { token, params: { id: patientId }, body: { occurredAt: "2026-11-01T09:00:00Z" } })).json.id;
});

/** One body to send: raw text or bytes, any JSON value, or a valid body with one thing changed. */
type Recipe =
  | { kind: "raw"; text: string }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "truncated"; at: number }
  | { kind: "json"; value: unknown }
  | { kind: "set"; field: string; value: unknown }
  | { kind: "wrongType"; field: string; value: unknown }
  | { kind: "delete"; field: string }
  | { kind: "unknown"; key: string; value: unknown }
  | { kind: "nested"; field: string; key: string; value: unknown };

function recipes(fields: readonly string[], arrayOfObjects: readonly string[]): fc.Arbitrary<Recipe> {
  const field = fc.constantFrom(...fields);
  const json = fc.jsonValue({ maxDepth: 3 });
  const arms: fc.Arbitrary<Recipe>[] = [
    fc.string({ maxLength: 80, unit: "binary" }).map((text) => ({ kind: "raw" as const, text })),
    fc.uint8Array({ maxLength: 80 }).map((bytes) => ({ kind: "bytes" as const, bytes })),
    fc.nat({ max: 400 }).map((at) => ({ kind: "truncated" as const, at })),
    json.map((value) => ({ kind: "json" as const, value })),
    fc.record({ field, value: json }).map((r) => ({ kind: "set" as const, ...r })),
    fc.record({ field, value: fc.dictionary(fc.string({ maxLength: 5 }), json, { minKeys: 0, maxKeys: 2 }) }).map((r) => ({ kind: "wrongType" as const, ...r })),
    field.map((f) => ({ kind: "delete" as const, field: f })),
    fc.record({ key: fc.string({ maxLength: 12 }).filter((k) => !fields.includes(k)), value: json }).map((r) => ({ kind: "unknown" as const, ...r })),
  ];
  if (arrayOfObjects.length)
    arms.push(fc.record({ field: fc.constantFrom(...arrayOfObjects), key: fc.string({ maxLength: 10 }), value: json }).map((r) => ({ kind: "nested" as const, ...r })));
  return fc.oneof(...arms);
}

function bodyOf(recipe: Recipe, valid: Record<string, unknown>): { rawBody?: string | Uint8Array; body?: unknown } {
  switch (recipe.kind) {
    case "raw":
      return { rawBody: recipe.text };
    case "bytes":
      return { rawBody: recipe.bytes };
    case "truncated":
      return { rawBody: JSON.stringify(valid).slice(0, recipe.at) };
    case "json":
      return { body: recipe.value };
    case "set":
    case "wrongType":
      return { body: { ...valid, [recipe.field]: recipe.value } };
    case "delete": {
      const copy = { ...valid };
      delete copy[recipe.field];
      return { body: copy };
    }
    case "unknown":
      return { rawBody: JSON.stringify({ ...valid, [recipe.key]: recipe.value }) };
    case "nested": {
      const list = Array.isArray(valid[recipe.field]) ? (valid[recipe.field] as Record<string, unknown>[]) : [];
      const first = { ...(list[0] ?? {}), [recipe.key]: recipe.value };
      return { body: { ...valid, [recipe.field]: [first, ...list.slice(1)] } };
    }
  }
}

/** Row counts of every table a write endpoint touches, in one query. */
async function counts(): Promise<Record<string, number>> {
  const tables = ["Patient", "PatientCondition", "Medication", "Visit", "LabResult", "Episode", "ChecklistItem", "ChecklistHistory", "IdempotencyKey"];
  const sql = `SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`).join(", ")}`;
  const [row] = await db.$queryRawUnsafe<Record<string, bigint | number>[]>(sql);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

interface Target {
  name: string;
  handler: unknown;
  method: string;
  path: () => string;
  params: () => Record<string, string>;
  valid: () => Record<string, unknown>;
  fields: readonly string[];
  arrayOfObjects: readonly string[];
  /** The record a refused update must leave exactly as it was. */
  snapshot?: () => Promise<unknown>;
  onSuccess?: (answer: ApiAnswer) => void;
}

let mrnSeq = 0;
let patientVersion = 1;
let checklistVersion = 0;

const targets: Target[] = [
  {
    name: "POST /api/v1/patients",
    handler: patients.POST,
    method: "POST",
    path: () => "/api/v1/patients",
    params: () => ({}),
    valid: () => validPatient({ mrn: `FZ-${++mrnSeq}` }),
    fields: ["clinicId", "mrn", "givenName", "familyName", "birthDate", "sex", "pregnant", "heightCm", "heightIn", "conditions", "lifestyle", "medications"],
    arrayOfObjects: ["medications"],
  },
  {
    name: "PATCH /api/v1/patients/{id}",
    handler: patient.PATCH,
    method: "PATCH",
    path: () => `/api/v1/patients/${patientId}`,
    params: () => ({ id: patientId }),
    valid: () => ({ version: patientVersion, heightIn: 65, medications: [{ name: "Theophylline", active: true }] }),
    fields: ["version", "mrn", "givenName", "familyName", "birthDate", "sex", "pregnant", "heightCm", "heightIn", "conditions", "lifestyle", "medications"],
    arrayOfObjects: ["medications"],
    snapshot: () => db.patient.findUniqueOrThrow({ where: { id: patientId }, include: { conditions: { orderBy: { code: "asc" } }, medications: { orderBy: { id: "asc" } } } }),
    onSuccess: (a) => {
      patientVersion = a.json.version;
    },
  },
  {
    name: "POST /api/v1/patients/{id}/visits",
    handler: visits.POST,
    method: "POST",
    path: () => `/api/v1/patients/${patientId}/visits`,
    params: () => ({ id: patientId }),
    valid: () => ({
      occurredAt: "2026-11-02T09:00:00+01:00",
      systolic: 150,
      diastolic: 95,
      weightLb: 154,
      temperatureC: 37,
      examFindings: ["VARICOSE_VEINS_SEEN"],
      labs: [{ analyte: "MAGNESIUM", value: 1.5, unit: "mg/dL" }, { analyte: "GLUCOSE", value: 5.2, unit: "mmol/L" }],
      notes: "fuzz",
    }),
    fields: ["occurredAt", "systolic", "diastolic", "weightKg", "weightLb", "temperatureC", "temperatureF", "examFindings", "labs", "notes"],
    arrayOfObjects: ["labs"],
  },
  {
    name: "POST /api/v1/patients/{id}/episodes",
    handler: episodes.POST,
    method: "POST",
    path: () => `/api/v1/patients/${patientId}/episodes`,
    params: () => ({ id: patientId }),
    valid: () => ({
      occurredAt: "2026-11-02T23:10:00+01:00",
      durationSeconds: 90,
      side: "LEFT",
      muscleGroup: "CALF",
      movement: "SUSTAINED_CONTRACTION",
      rhythm: "NONE",
      voluntaryControl: false,
      urgeToMove: false,
      worseAtRest: false,
      worseInEvening: true,
      reliefByMovement: false,
      consciousnessImpaired: false,
      duringSleep: true,
      painScore: 6,
      triggers: ["COLD"],
      relief: ["STRETCHING"],
      classification: "TONIC",
      notes: "fuzz",
      visitId,
    }),
    fields: ["occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "rhythm", "voluntaryControl", "urgeToMove", "worseAtRest", "worseInEvening", "worseAtRestOrEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep", "painScore", "triggers", "relief", "classification", "notes", "visitId"],
    arrayOfObjects: [],
  },
  {
    name: "PUT /api/v1/patients/{id}/checklist/{causeId}",
    handler: checklist.PUT,
    method: "PUT",
    path: () => `/api/v1/patients/${patientId}/checklist/varicose_veins`,
    params: () => ({ id: patientId, causeId: "varicose_veins" }),
    valid: () => ({ status: "SUSPECTED", note: "fuzz", version: checklistVersion }),
    fields: ["status", "note", "version"],
    arrayOfObjects: [],
    snapshot: () => db.checklistItem.findUnique({ where: { patientId_causeId: { patientId, causeId: "varicose_veins" } } }),
    onSuccess: (a) => {
      checklistVersion = a.json.version;
    },
  },
];

const rootOf = (key: string) => key.split(".")[0];

describe.each(targets.map((t) => [t.name, t] as const))("%s with random and malformed bodies", (_name, target) => {
  it(`never answers 500, refuses without writing, and names the bad field (${RUNS} bodies)`, async () => {
    const tally: Record<number, number> = {};
    // The state after the last request: re-read only after a success, since a refusal changes nothing.
    let before = await counts();
    let snap = target.snapshot ? JSON.stringify(await target.snapshot()) : null;
    await fc.assert(
      fc.asyncProperty(recipes(target.fields, target.arrayOfObjects), async (recipe) => {
        const valid = target.valid();
        const sent = bodyOf(recipe, valid);
        const answer = await call(target.handler, target.method, target.path(), { token, params: target.params(), ...sent });
        tally[answer.status] = (tally[answer.status] ?? 0) + 1;
        expect([200, 201, 400, 409]).toContain(answer.status);
        if (answer.status < 300) {
          target.onSuccess?.(answer);
          before = await counts();
          snap = target.snapshot ? JSON.stringify(await target.snapshot()) : null;
          return;
        }
        // Refused: nothing written anywhere, and the record under update untouched.
        expect(await counts()).toEqual(before);
        if (snap !== null) expect(JSON.stringify(await target.snapshot!())).toBe(snap);
        const error = answer.json.error;
        expect(error.code).toBe(answer.status === 400 ? "VALIDATION" : "CONFLICT");
        const keys = Object.keys(error.fields);
        if (answer.status === 409) return;
        expect(keys.length).toBeGreaterThan(0);
        // Each named field is one of the schema's, or a key the body really had (an unknown one).
        const sentKeys = recipe.kind === "unknown" ? [recipe.key] : sent.body && typeof sent.body === "object" ? Object.keys(sent.body) : [];
        const allowed = new Set<string>([...target.fields, "_body", "_form", ...sentKeys.map(rootOf)]);
        for (const k of keys) expect(allowed, `field "${k}" in ${JSON.stringify(error.fields)}`).toContain(rootOf(k));
        if (recipe.kind === "wrongType") expect(keys.some((k) => rootOf(k) === recipe.field), JSON.stringify(error.fields)).toBe(true);
        if (recipe.kind === "unknown") expect(error.fields[recipe.key]).toBe("Unknown field");
        if (recipe.kind === "nested" && !["name", "active", "startedOn", "stoppedOn", "analyte", "value", "unit"].includes(recipe.key))
          expect(error.fields[`${recipe.field}.0.${recipe.key}`]).toBe("Unknown field");
      }),
      // Always tried: a key that would set an object's prototype if errors were built carelessly.
      { numRuns: RUNS, examples: [[{ kind: "unknown", key: "__proto__", value: [] }], [{ kind: "unknown", key: "constructor", value: 1 }]] },
    );
    if (process.env.API_FUZZ_TALLY) console.log(target.name, tally);
    // The mix reached both sides: some bodies were accepted, most refused.
    expect(tally[400]).toBeGreaterThan(RUNS / 4);
    expect((tally[200] ?? 0) + (tally[201] ?? 0)).toBeGreaterThan(0);
  }, 300_000);
});
