/**
 * The patient diary's contract (docs/api.md, "Patient diary"), on this file's fresh database
 * (SQLite, or PostgreSQL with TEST_DB=postgresql): diary links (token shown once, stored as a
 * sha256, expiry, permissions), the one 404 for every token that does not work, revoking,
 * the Idempotency-Key under concurrent repeats, `classification` ignored, bad input refused field by
 * field in the link's language with nothing saved, and every use audited.
 * The other diary files: diary-isolation (what a token can reach), diary-clinical (red flags,
 * the clinician's API and review), diary-rate-limit (429 per link).
 */
// The per-link and per-address limits are not what this file tests (diary-rate-limit does): high
// enough that none of its requests is refused. Read when the diary's first request is handled.
process.env.DIARY_RATE_LIMIT_PER_MINUTE = "100000";
process.env.DIARY_IP_RATE_LIMIT_PER_MINUTE = "100000";

import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as links from "@/app/api/v1/patients/[id]/diary-links/route";
import * as oneLink from "@/app/api/v1/diary-links/[id]/route";
import * as diaryEpisodes from "@/app/api/diary/[token]/episodes/route";
import { createPatient, deletePatient } from "@/lib/features/patients/data";
import { openDiary } from "@/lib/features/diary/data";
import { verifyAuditChain } from "@/lib/features/audit-log/data";
import en from "@/lib/core/diary/messages/en.json";
import es from "@/lib/core/diary/messages/es.json";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor, type CallOptions } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let clinician: string;
let reader: string;
let outsider: string;
let mrn = 0;

beforeAll(async () => {
  world = await createWorld(db);
  [clinician, reader, outsider] = await Promise.all([
    tokenFor(world.actors.clinician),
    tokenFor(world.actors.reader),
    tokenFor(world.actors.outsider),
  ]);
});

const DAY_MS = 86_400_000;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A new patient of the test clinic (each test its own, so counts are its own). */
async function newPatient(givenName = "Marta") {
  return createPatient(world.actors.clinician, validPatient({ mrn: `DIARY-${++mrn}`, givenName, familyName: `Diarist${mrn}` }));
}

const createLink = (patientId: string, body: unknown = {}, token = clinician) =>
  call(links.POST, "POST", `/api/v1/patients/${patientId}/diary-links`, { token, body, params: { id: patientId } });
const listLinks = (patientId: string, token = clinician) =>
  call(links.GET, "GET", `/api/v1/patients/${patientId}/diary-links`, { token, params: { id: patientId } });
const revoke = (linkId: string, token = clinician) => call(oneLink.DELETE, "DELETE", `/api/v1/diary-links/${linkId}`, { token, params: { id: linkId } });

/** A working link of a new patient: its id, token and the patient's id. */
async function linkOf(patientId?: string, body: unknown = {}) {
  const pid = patientId ?? (await newPatient()).id;
  const made = await createLink(pid, body);
  expect(made.status).toBe(201);
  return { patientId: pid, id: made.json.id as string, token: made.json.token as string };
}

let keyN = 0;
const freshKey = () => `entry-key-${++keyN}-${Date.now()}`;

const entry = (overrides: Record<string, unknown> = {}) => ({
  occurredAt: new Date(Date.now() - 3600_000).toISOString(),
  durationSeconds: 60,
  side: "LEFT",
  movement: "SUSTAINED_CONTRACTION",
  painScore: 6,
  ...overrides,
});

type SendOptions = { key?: string | null; ip?: string; rawBody?: CallOptions["rawBody"]; headers?: Record<string, string> };
/** POST /api/diary/{token}/episodes; a fresh Idempotency-Key unless one (or null: none) is given. */
function send(token: string, body: unknown, opts: SendOptions = {}) {
  const key = opts.key === undefined ? freshKey() : opts.key;
  const headers: Record<string, string> = { "x-forwarded-for": opts.ip ?? "203.0.113.1", ...opts.headers };
  if (key !== null) headers["idempotency-key"] = key;
  return call(diaryEpisodes.POST, "POST", `/api/diary/${token}/episodes`, { body, rawBody: opts.rawBody, params: { token }, headers });
}
const read = (token: string, ip = "203.0.113.1") =>
  call(diaryEpisodes.GET, "GET", `/api/diary/${token}/episodes`, { params: { token }, headers: { "x-forwarded-for": ip } });

const episodeCount = () => db.episode.count();
const entriesOf = async (linkId: string) => (await db.diaryLink.findUniqueOrThrow({ where: { id: linkId } })).entries;

describe("patient diary (smoke)", () => {
  it("a link's token adds an episode reported by the patient, awaiting review; a repeat key creates nothing", async () => {
    const patientId = (await newPatient()).id;
    const made = await createLink(patientId, { language: "es" });
    expect(made.status).toBe(201);
    const token = made.json.token as string;
    expect(made.json.url).toContain(`/diary/${token}`);
    const stored = await db.diaryLink.findUniqueOrThrow({ where: { id: made.json.id } });
    expect(stored.tokenHash).not.toContain(token);
    const first = await send(token, entry({ classification: "CLONIC" }), { key: "key-00000001" });
    expect(first.status).toBe(201);
    const again = await send(token, entry({ classification: "CLONIC" }), { key: "key-00000001" });
    expect(again.json.id).toBe(first.json.id);
    const episode = await db.episode.findUniqueOrThrow({ where: { id: first.json.id } });
    expect({ source: episode.source, classification: episode.classification, needsReview: episode.needsReview, suggested: episode.suggestedClassification }).toEqual({
      source: "PATIENT",
      classification: null,
      needsReview: true,
      suggested: "TONIC",
    });
    const bad = await send(token, entry({ painScore: 11 }), { key: "key-00000002" });
    expectError(bad, 400, "VALIDATION");
    expect(bad.json.error.fields.painScore).toMatch(/dolor/);
    const unknown = await read("cd_nope");
    expectError(unknown, 404, "NOT_FOUND");
    const list = await read(token);
    expect(list.json.items.map((e: { id: string }) => e.id)).toEqual([first.json.id]);
  });
});

describe("POST /api/v1/patients/{id}/diary-links: the token is shown once and stored hashed", () => {
  it("201 {id, url, token, expiresAt}: the url carries the token, which has more than 128 bits", async () => {
    const patientId = (await newPatient()).id;
    const made = await createLink(patientId);
    expect(made.status).toBe(201);
    expect(Object.keys(made.json).sort()).toEqual(expect.arrayContaining(["expiresAt", "id", "token", "url"]));
    const token = made.json.token as string;
    // "cd_" and 43 base64url characters: 43 x 6 = 258 bits of randomness (32 random bytes).
    expect(token).toMatch(/^cd_[A-Za-z0-9_-]{43}$/);
    expect((token.length - 3) * 6).toBeGreaterThanOrEqual(128);
    expect(made.json.url).toBe(`http://localhost:3000/diary/${token}`);
    const other = await createLink(patientId);
    expect(other.json.token).not.toBe(token);
    expect(other.json.id).not.toBe(made.json.id);
  });

  it("the database keeps only sha256(token): not the token in the link, the audit log or anywhere the link is named", async () => {
    const { id, token } = await linkOf();
    const row = await db.diaryLink.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(3));
    // Use the link once: its audit rows and idempotency keys name the link, never the token.
    expect((await send(token, entry())).status).toBe(201);
    expect((await read(token)).status).toBe(200);
    const audit = await db.auditEvent.findMany({ where: { OR: [{ targetId: id }, { details: { contains: id } }] } });
    expect(audit.length).toBeGreaterThan(0);
    const everything = JSON.stringify([audit, await db.idempotencyKey.findMany(), await db.episode.findMany({ where: { diaryLinkId: id } })]);
    expect(everything).not.toContain(token.slice(3));
  });

  it("expires after the clinic's diaryLinkDays: 90 days by default, 30 when the clinic is set to 30", async () => {
    const clinic = await db.clinic.findUniqueOrThrow({ where: { id: world.clinic.id } });
    expect(clinic.diaryLinkDays).toBe(90);
    const patientId = (await newPatient()).id;
    const before = Date.now();
    const made = await createLink(patientId);
    const after = Date.now();
    const expires = Date.parse(made.json.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 90 * DAY_MS);
    expect(expires).toBeLessThanOrEqual(after + 90 * DAY_MS);
    const row = await db.diaryLink.findUniqueOrThrow({ where: { id: made.json.id } });
    expect(row.expiresAt.getTime()).toBe(expires);

    await db.clinic.update({ where: { id: world.clinic.id }, data: { diaryLinkDays: 30 } });
    try {
      const t0 = Date.now();
      const short = await createLink(patientId);
      const days = (Date.parse(short.json.expiresAt) - t0) / DAY_MS;
      expect(days).toBeGreaterThanOrEqual(30 - 0.001);
      expect(days).toBeLessThan(30 + 0.001);
      // An explicit expiresInDays wins over the clinic's setting; 1 and 365 are the bounds.
      for (const n of [1, 7, 365]) {
        const t = Date.now();
        const made = await createLink(patientId, { expiresInDays: n });
        expect(made.status).toBe(201);
        expect(Math.round((Date.parse(made.json.expiresAt) - t) / DAY_MS)).toBe(n);
      }
    } finally {
      await db.clinic.update({ where: { id: world.clinic.id }, data: { diaryLinkDays: 90 } });
    }
  });

  it("refuses expiresInDays 0, 366, 1.5, \"x\" and language \"fr\" field by field, and creates no link", async () => {
    const patientId = (await newPatient()).id;
    const links0 = await db.diaryLink.count();
    for (const [body, field] of [
      [{ expiresInDays: 0 }, "expiresInDays"],
      [{ expiresInDays: 366 }, "expiresInDays"],
      [{ expiresInDays: 1.5 }, "expiresInDays"],
      [{ expiresInDays: "x" }, "expiresInDays"],
      [{ expiresInDays: null }, "expiresInDays"],
      [{ language: "fr" }, "language"],
      [{ language: "" }, "language"],
    ] as const) {
      const answer = await createLink(patientId, body);
      const error = expectError(answer, 400, "VALIDATION");
      expect(Object.keys(error.fields), JSON.stringify(body)).toEqual([field]);
      expect(error.fields[field].length).toBeGreaterThan(3);
    }
    // Both wrong at once: both named.
    const both = expectError(await createLink(patientId, { expiresInDays: 0, language: "fr" }), 400, "VALIDATION");
    expect(Object.keys(both.fields).sort()).toEqual(["expiresInDays", "language"]);
    expect(both.fields.expiresInDays).toMatch(/at least 1 day/i);
    expect(expectError(await createLink(patientId, { expiresInDays: 366 }), 400, "VALIDATION").fields.expiresInDays).toMatch(/at most 365 days/i);
    // A field the contract does not have is refused, not dropped.
    expectError(await createLink(patientId, { token: "cd_mine" }), 400, "VALIDATION");
    expect(await db.diaryLink.count()).toBe(links0);
  });

  it("takes language en and es, English by default, and keeps it on the link", async () => {
    const patientId = (await newPatient()).id;
    for (const [body, language] of [[{}, "en"], [{ language: "en" }, "en"], [{ language: "es" }, "es"]] as const) {
      const made = await createLink(patientId, body);
      expect(made.status).toBe(201);
      expect((await db.diaryLink.findUniqueOrThrow({ where: { id: made.json.id } })).language).toBe(language);
    }
  });
});

describe("GET /api/v1/patients/{id}/diary-links: the links without tokens", () => {
  it("lists id, createdAt, expiresAt, revokedAt, lastUsedAt, entries, newest first; never the token nor its hash", async () => {
    const patientId = (await newPatient()).id;
    const a = await linkOf(patientId);
    const b = await linkOf(patientId, { language: "es" });
    expect((await send(a.token, entry())).status).toBe(201);
    expect((await send(a.token, entry())).status).toBe(201);
    expect((await revoke(b.id)).status).toBe(204);
    const answer = await listLinks(patientId);
    expect(answer.status).toBe(200);
    const text = JSON.stringify(answer.json);
    for (const l of [a, b]) {
      expect(text).not.toContain(l.token);
      expect(text).not.toContain(l.token.slice(3));
      expect(text).not.toContain(sha256(l.token));
    }
    expect(answer.json.items.map((l: { id: string }) => l.id)).toEqual([b.id, a.id]);
    for (const item of answer.json.items) {
      expect(Object.keys(item)).toEqual(expect.arrayContaining(["id", "createdAt", "expiresAt", "revokedAt", "lastUsedAt", "entries"]));
      expect(Object.keys(item)).not.toEqual(expect.arrayContaining(["token"]));
      expect(Object.keys(item).some((k) => /token|hash/i.test(k))).toBe(false);
    }
    const [lb, la] = answer.json.items;
    expect(la).toMatchObject({ entries: 2, revokedAt: null, active: true });
    expect(Date.parse(la.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(lb).toMatchObject({ entries: 0, lastUsedAt: null, active: false, language: "es" });
    expect(Date.parse(lb.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("who may create, list and revoke diary links", () => {
  it("READ_ONLY lists (200) but may not create or revoke (403)", async () => {
    const { patientId, id, token } = await linkOf();
    const links0 = await db.diaryLink.count();
    expect((await listLinks(patientId, reader)).status).toBe(200);
    expectError(await createLink(patientId, {}, reader), 403, "FORBIDDEN");
    expectError(await revoke(id, reader), 403, "FORBIDDEN");
    expect(await db.diaryLink.count()).toBe(links0);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
    expect((await read(token)).status).toBe(200);
  });

  it("a clinician of another clinic gets 404 for create, list and revoke, as for a patient that does not exist", async () => {
    const { patientId, id, token } = await linkOf();
    const links0 = await db.diaryLink.count();
    const created = expectError(await createLink(patientId, {}, outsider), 404, "NOT_FOUND");
    const listed = expectError(await listLinks(patientId, outsider), 404, "NOT_FOUND");
    expectError(await revoke(id, outsider), 404, "NOT_FOUND");
    // The same answer as for an id that was never a patient's.
    expect(expectError(await listLinks("c000000000000000000000000", clinician), 404, "NOT_FOUND").message).toBe(listed.message);
    expect(expectError(await createLink("c000000000000000000000000", {}, clinician), 404, "NOT_FOUND").message).toBe(created.message);
    expectError(await revoke("c000000000000000000000000"), 404, "NOT_FOUND");
    expect(await db.diaryLink.count()).toBe(links0);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
    expect((await read(token)).status).toBe(200);
  });
});

describe("expired, revoked, unknown tokens and a deleted patient's: one and the same 404", () => {
  it("answers GET and POST with an identical status and body for each, and saves nothing", async () => {
    const expired = await linkOf();
    await db.diaryLink.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await linkOf();
    expect((await revoke(revoked.id)).status).toBe(204);
    const gone = await newPatient("Gone");
    const ofDeleted = await linkOf(gone.id);
    await deletePatient(world.actors.clinician, gone.id, gone.version);
    const unknown = `cd_${"A".repeat(43)}`;
    const tokens = { expired: expired.token, revoked: revoked.token, deletedPatient: ofDeleted.token, unknown, noPrefix: "not-a-token", empty: "x" };

    const episodes0 = await episodeCount();
    const answers: Record<string, { status: number; body: unknown }> = {};
    for (const [name, token] of Object.entries(tokens)) {
      const g = await read(token);
      const p = await send(token, entry({ notes: `sent with the ${name} token` }));
      answers[`GET ${name}`] = { status: g.status, body: g.json };
      answers[`POST ${name}`] = { status: p.status, body: p.json };
      expectError(g, 404, "NOT_FOUND");
      expectError(p, 404, "NOT_FOUND");
      expect(g.headers.get("retry-after")).toBeNull();
    }
    const distinct = new Set(Object.values(answers).map((a) => JSON.stringify(a)));
    expect([...distinct]).toHaveLength(1);
    const body = answers["GET unknown"].body as { error: { message: string; fields: object } };
    // In both languages, naming nothing of the link or the patient.
    expect(body.error.message).toBe(`${en.errors.notFound} / ${es.errors.notFound}`);
    expect(body.error.fields).toEqual({});
    expect(JSON.stringify(body)).not.toMatch(/Gone|expired at|revoked at|deleted/i);
    expect(await episodeCount()).toBe(episodes0);
    for (const l of [expired, revoked, ofDeleted]) expect(await entriesOf(l.id)).toBe(0);
    // A link that does not work is not marked as used either.
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id: expired.id } })).lastUsedAt).toBeNull();
  });

  it("a link one second from expiry works; the same link once past it answers the 404", async () => {
    const l = await linkOf();
    await db.diaryLink.update({ where: { id: l.id }, data: { expiresAt: new Date(Date.now() + 5000) } });
    expect((await read(l.token)).status).toBe(200);
    await db.diaryLink.update({ where: { id: l.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expectError(await read(l.token), 404, "NOT_FOUND");
  });
});

describe("DELETE /api/v1/diary-links/{id}: the link stops at once", () => {
  it("204, then GET and POST through the link answer 404 at once; revoking twice is fine and keeps the first revokedAt", async () => {
    const l = await linkOf();
    expect((await send(l.token, entry())).status).toBe(201);
    expect((await read(l.token)).status).toBe(200);
    const first = await revoke(l.id);
    expect(first.status).toBe(204);
    expect(first.json).toBeNull();
    const episodes0 = await episodeCount();
    expectError(await read(l.token), 404, "NOT_FOUND");
    expectError(await send(l.token, entry()), 404, "NOT_FOUND");
    expect(await episodeCount()).toBe(episodes0);
    const row = await db.diaryLink.findUniqueOrThrow({ where: { id: l.id } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedById).toBe(world.users.clinician.id);
    const second = await revoke(l.id);
    expect(second.status).toBe(204);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id: l.id } })).revokedAt).toEqual(row.revokedAt);
    expectError(await read(l.token), 404, "NOT_FOUND");
    // The entry sent before the revocation stays in the patient's record.
    expect(await db.episode.count({ where: { diaryLinkId: l.id, deletedAt: null } })).toBe(1);
  });

  it("revoking one link leaves the patient's other links working", async () => {
    const a = await linkOf();
    const b = await linkOf(a.patientId);
    expect((await revoke(a.id)).status).toBe(204);
    expectError(await read(a.token), 404, "NOT_FOUND");
    expect((await read(b.token)).status).toBe(200);
    expect((await send(b.token, entry())).status).toBe(201);
  });
});

describe("Idempotency-Key under concurrent repeats", () => {
  it("10 simultaneous POSTs with one key create exactly one episode; every answer carries its id", async () => {
    const l = await linkOf();
    const key = `phone-queue-${Date.now()}`;
    const body = entry({ notes: "sent ten times at once" });
    const episodes0 = await episodeCount();
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(l.token, body, { key })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((a) => a.json.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(await episodeCount()).toBe(episodes0 + 1);
    expect(await db.episode.count({ where: { diaryLinkId: l.id } })).toBe(1);
    expect(await entriesOf(l.id)).toBe(1);
    for (const a of answers) expect(a.json).toMatchObject({ id, notes: "sent ten times at once", durationSeconds: 60 });
    // An eleventh, later, still answers the first entry.
    const late = await send(l.token, body, { key });
    expect({ status: late.status, id: late.json.id }).toEqual({ status: 200, id });
    expect(await episodeCount()).toBe(episodes0 + 1);
  });

  it("the same key on another link (of the same patient or another) creates a separate entry", async () => {
    const a = await linkOf();
    const b = await linkOf(a.patientId);
    const c = await linkOf();
    const key = `shared-key-${Date.now()}`;
    const first = await send(a.token, entry(), { key });
    const second = await send(b.token, entry(), { key });
    const third = await send(c.token, entry(), { key });
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect(new Set([first.json.id, second.json.id, third.json.id]).size).toBe(3);
    expect((await db.episode.findUniqueOrThrow({ where: { id: second.json.id } })).diaryLinkId).toBe(b.id);
    expect((await db.episode.findUniqueOrThrow({ where: { id: third.json.id } })).patientId).toBe(c.patientId);
  });

  it("a malformed key is refused (400, field idempotencyKey, in the link's language) and saves nothing; no key creates each time", async () => {
    const l = await linkOf(undefined, { language: "es" });
    const episodes0 = await episodeCount();
    for (const key of ["short", "has spaces in it", "ünïcödé-key-1", "x".repeat(201)]) {
      const answer = await send(l.token, entry(), { key });
      const error = expectError(answer, 400, "VALIDATION");
      expect(Object.keys(error.fields), key).toEqual(["idempotencyKey"]);
      expect(error.message).toBe(es.errors.problems);
    }
    expect(await episodeCount()).toBe(episodes0);
    expect(await entriesOf(l.id)).toBe(0);
    // 8 and 200 characters are the bounds of a good key.
    expect((await send(l.token, entry(), { key: "k".repeat(8) })).status).toBe(201);
    expect((await send(l.token, entry(), { key: "k".repeat(200) })).status).toBe(201);
    // Without a key each POST is a new entry.
    expect((await send(l.token, entry(), { key: null })).status).toBe(201);
    expect((await send(l.token, entry(), { key: null })).status).toBe(201);
    expect(await entriesOf(l.id)).toBe(4);
  });
});

describe("`classification` in a diary body is ignored", () => {
  it("stored null, needsReview true, the suggestion computed (SUSTAINED_CONTRACTION -> TONIC)", async () => {
    const l = await linkOf();
    for (const classification of ["CLONIC", "RLS", "NOT_A_TYPE", null]) {
      const answer = await send(l.token, entry({ classification, movement: "SUSTAINED_CONTRACTION" }));
      expect(answer.status, String(classification)).toBe(201);
      expect(answer.json).not.toHaveProperty("classification");
      const ep = await db.episode.findUniqueOrThrow({ where: { id: answer.json.id } });
      expect({ classification: ep.classification, needsReview: ep.needsReview, suggested: ep.suggestedClassification, source: ep.source, link: ep.diaryLinkId }).toEqual({
        classification: null,
        needsReview: true,
        suggested: "TONIC",
        source: "PATIENT",
        link: l.id,
      });
      expect(ep.labelConfirmedAt).toBeNull();
      expect(ep.createdById).toBeNull();
    }
    // Another movement, another suggestion: RHYTHMIC_JERKS -> CLONIC, still unlabelled.
    const jerks = await send(l.token, entry({ movement: "RHYTHMIC_JERKS", classification: "TONIC" }));
    const ep = await db.episode.findUniqueOrThrow({ where: { id: jerks.json.id } });
    expect({ classification: ep.classification, suggested: ep.suggestedClassification, needsReview: ep.needsReview }).toEqual({ classification: null, suggested: "CLONIC", needsReview: true });
  });
});

describe("bad input from the diary: 400 with a field message in the link's language, nothing saved", () => {
  const NOTE_100_KB = "a".repeat(100 * 1024);
  const cases: { name: string; body?: unknown; raw?: string; field: string; key: keyof typeof en.errors; status?: number }[] = [
    { name: "a date in the future", body: entry({ occurredAt: new Date(Date.now() + 3 * 3600_000).toISOString() }), field: "occurredAt", key: "occurredAtFuture" },
    { name: "a date that is not a date", body: entry({ occurredAt: "yesterday" }), field: "occurredAt", key: "occurredAtRequired" },
    { name: "duration 0", body: entry({ durationSeconds: 0 }), field: "durationSeconds", key: "durationMin" },
    { name: "duration over 24 hours", body: entry({ durationSeconds: 86_401 }), field: "durationSeconds", key: "durationMax" },
    { name: "duration 1.5 s", body: entry({ durationSeconds: 1.5 }), field: "durationSeconds", key: "durationWhole" },
    { name: "pain 11", body: entry({ painScore: 11 }), field: "painScore", key: "painRange" },
    { name: "pain -1", body: entry({ painScore: -1 }), field: "painScore", key: "painRange" },
    { name: "a 100 KB note", body: entry({ notes: NOTE_100_KB }), field: "notes", key: "notesTooLong" },
    { name: "an unknown movement", body: entry({ movement: "DANCING" }), field: "movement", key: "choiceUnknown" },
    { name: "an unknown side", body: entry({ side: "MIDDLE" }), field: "side", key: "sideRequired" },
    { name: "an unknown trigger", body: entry({ triggers: ["MOONLIGHT"] }), field: "triggers", key: "choiceUnknown" },
    { name: "a trigger twice", body: entry({ triggers: ["COLD", "COLD"] }), field: "triggers", key: "listTwice" },
    { name: "yes/no as a word", body: entry({ lostAwareness: "yes" }), field: "lostAwareness", key: "yesNo" },
    { name: "a field the diary does not have", body: entry({ mrn: "X-1" }), field: "mrn", key: "unknownField" },
    { name: "an empty object", body: {}, field: "occurredAt", key: "occurredAtRequired" },
    { name: "no body", raw: "", field: "_body", key: "body" },
    { name: "invalid JSON", raw: '{"occurredAt": ', field: "_body", key: "body" },
  ];

  for (const language of ["en", "es"] as const) {
    const words = language === "en" ? en.errors : es.errors;
    it.each(cases.map((c) => [c.name, c] as const))(`${language} link, %s`, async (_name, c) => {
      const l = await linkOf(undefined, { language });
      const episodes0 = await episodeCount();
      const key = freshKey();
      const answer = await send(l.token, c.body, { key, rawBody: c.raw });
      const error = expectError(answer, 400, "VALIDATION");
      expect(error.fields[c.field]).toBe(words[c.key]);
      expect(error.message).toBe(c.field === "_body" ? words.body : words.problems);
      expect(await episodeCount()).toBe(episodes0);
      expect(await entriesOf(l.id)).toBe(0);
      // The refused request used up nothing: the same key then creates the entry.
      const good = await send(l.token, entry(), { key });
      expect(good.status).toBe(201);
      expect(await entriesOf(l.id)).toBe(1);
    });
  }

  it("every field's problem is named at once (Spanish link, Spanish words)", async () => {
    const l = await linkOf(undefined, { language: "es" });
    const answer = await send(l.token, { occurredAt: new Date(Date.now() + DAY_MS).toISOString(), durationSeconds: 0, side: "UP", painScore: 11, notes: "n".repeat(2001) });
    const error = expectError(answer, 400, "VALIDATION");
    expect(error.fields).toEqual({
      occurredAt: es.errors.occurredAtFuture,
      durationSeconds: es.errors.durationMin,
      side: es.errors.sideRequired,
      painScore: es.errors.painRange,
      notes: es.errors.notesTooLong,
    });
    expect(error.fields.painScore).toMatch(/dolor/);
    expect(await entriesOf(l.id)).toBe(0);
  });

  it("an English link's refusal is English and a Spanish link's Spanish, for the same body", async () => {
    const enLink = await linkOf(undefined, { language: "en" });
    const esLink = await linkOf(undefined, { language: "es" });
    const body = entry({ painScore: 11 });
    const inEnglish = expectError(await send(enLink.token, body), 400, "VALIDATION");
    const inSpanish = expectError(await send(esLink.token, body), 400, "VALIDATION");
    expect(inEnglish.fields.painScore).toBe("Choose a pain number from 0 to 10.");
    expect(inSpanish.fields.painScore).toBe("Elija un número de dolor del 0 al 10.");
    expect(inEnglish.message).not.toBe(inSpanish.message);
  });

  it("a body without Content-Type: application/json is refused in the link's language", async () => {
    const l = await linkOf(undefined, { language: "es" });
    const answer = await send(l.token, undefined, { rawBody: JSON.stringify(entry()), headers: { "content-type": "text/plain" } });
    const error = expectError(answer, 400, "VALIDATION");
    expect(error.fields._body).toBe(es.errors.body);
    expect(await entriesOf(l.id)).toBe(0);
  });

  it("413 only over the 256 KB body limit, in the link's language; a 250 KB body gets the notes field's 400", async () => {
    const l = await linkOf(undefined, { language: "es" });
    const episodes0 = await episodeCount();
    const big = await send(l.token, entry({ notes: "a".repeat(257 * 1024) }));
    const error = expectError(big, 413, "PAYLOAD_TOO_LARGE");
    expect(error.message).toBe(es.errors.tooLarge);
    const under = await send(l.token, entry({ notes: "a".repeat(250 * 1024) }));
    expect(expectError(under, 400, "VALIDATION").fields.notes).toBe(es.errors.notesTooLong);
    expect(await episodeCount()).toBe(episodes0);
    expect(await entriesOf(l.id)).toBe(0);
  });

  it("a note of exactly 2000 characters is kept", async () => {
    const l = await linkOf();
    const answer = await send(l.token, entry({ notes: "é".repeat(2000) }));
    expect(answer.status).toBe(201);
    expect((await db.episode.findUniqueOrThrow({ where: { id: answer.json.id } })).notes).toHaveLength(2000);
  });
});

describe("each use of a link is audited with the link's id", () => {
  const rowsOf = (action: string, targetId: string) => db.auditEvent.findMany({ where: { action, targetId }, orderBy: { seq: "asc" } });

  it("DIARY_OPEN, DIARY_ENTRY_CREATE and DIARY_ENTRIES_READ: no user, the link as target, the patient, the address", async () => {
    const l = await linkOf();
    const holder = await openDiary(l.token, { ip: "198.51.100.21" });
    expect(holder).toMatchObject({ linkId: l.id, patientId: l.patientId, givenName: "Marta", language: "en" });
    expect(Object.keys(holder).sort()).toEqual(["expiresAt", "givenName", "language", "linkId", "patientId"]);
    const created = await send(l.token, entry(), { ip: "198.51.100.22" });
    expect(created.status).toBe(201);
    expect((await read(l.token, "198.51.100.23")).status).toBe(200);

    const expectations = [
      ["DIARY_OPEN", "198.51.100.21"],
      ["DIARY_ENTRY_CREATE", "198.51.100.22"],
      ["DIARY_ENTRIES_READ", "198.51.100.23"],
    ] as const;
    for (const [action, ip] of expectations) {
      const rows = await rowsOf(action, l.id);
      expect(rows, action).toHaveLength(1);
      expect(rows[0]).toMatchObject({ userId: null, userEmail: null, targetType: "DiaryLink", targetId: l.id, patientId: l.patientId, ip, outcome: "SUCCESS" });
      expect(rows[0].details).not.toContain(l.token.slice(3));
    }
    expect(JSON.parse((await rowsOf("DIARY_ENTRY_CREATE", l.id))[0].details!)).toMatchObject({ episodeId: created.json.id, replayed: false });
    expect(JSON.parse((await rowsOf("DIARY_ENTRIES_READ", l.id))[0].details!)).toMatchObject({ returned: 1 });
  });

  it("x-forwarded-for: the address the nearest proxy saw (the last entry) is recorded", async () => {
    const l = await linkOf();
    expect((await read(l.token, "10.0.0.1, 198.51.100.40")).status).toBe(200);
    const [row] = await rowsOf("DIARY_ENTRIES_READ", l.id);
    expect(row.ip).toBe("198.51.100.40");
  });

  it("a repeated key is audited too, as a replay", async () => {
    const l = await linkOf();
    const key = freshKey();
    const first = await send(l.token, entry(), { key });
    await send(l.token, entry(), { key });
    const rows = await rowsOf("DIARY_ENTRY_CREATE", l.id);
    expect(rows.map((r) => JSON.parse(r.details!))).toEqual([
      expect.objectContaining({ episodeId: first.json.id, replayed: false }),
      expect.objectContaining({ episodeId: first.json.id, replayed: true }),
    ]);
  });

  it("link create, list and revoke are audited with the clinician", async () => {
    const patientId = (await newPatient()).id;
    const made = await createLink(patientId, { expiresInDays: 14, language: "es" });
    expect((await listLinks(patientId)).status).toBe(200);
    expect((await revoke(made.json.id)).status).toBe(204);
    const clinicianId = world.users.clinician.id;
    const [create] = await rowsOf("DIARY_LINK_CREATE", made.json.id);
    expect(create).toMatchObject({ userId: clinicianId, patientId, targetType: "DiaryLink", outcome: "SUCCESS" });
    expect(JSON.parse(create.details!)).toMatchObject({ expiresInDays: 14, language: "es" });
    expect(create.details).not.toContain(made.json.token.slice(3));
    const [list] = await rowsOf("DIARY_LINK_LIST", patientId);
    expect(list).toMatchObject({ userId: clinicianId, patientId, targetType: "Patient", outcome: "SUCCESS" });
    const [revoked] = await rowsOf("DIARY_LINK_REVOKE", made.json.id);
    expect(revoked).toMatchObject({ userId: clinicianId, patientId, targetType: "DiaryLink", outcome: "SUCCESS" });
  });

  it("refused attempts are audited as DENIED with the user: a reader's create, an outsider's revoke", async () => {
    const { patientId, id } = await linkOf();
    await createLink(patientId, {}, reader);
    await revoke(id, outsider);
    const denied = await db.auditEvent.findMany({ where: { outcome: "DENIED", action: { in: ["DIARY_LINK_CREATE", "DIARY_LINK_REVOKE"] } } });
    expect(denied.map((r) => [r.action, r.userId])).toEqual(
      expect.arrayContaining([
        ["DIARY_LINK_CREATE", world.users.reader.id],
        ["DIARY_LINK_REVOKE", world.users.outsider.id],
      ]),
    );
  });

  it("the audit chain still verifies after everything this file did", async () => {
    const report = await verifyAuditChain();
    expect(report.broken).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.rows).toBeGreaterThan(50);
  });
});
