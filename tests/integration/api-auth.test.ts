// Small limits so the rate limits can be reached; read when the first request is handled.
process.env.API_RATE_LIMIT_PER_MINUTE = "8";
process.env.API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE = "4";
process.env.NEXTAUTH_SECRET = "api-auth-test-secret-0123456789abcdef";

import { encode } from "next-auth/jwt";
import { Writable } from "node:stream";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/server/db";
import { resetLogDestination, setLogDestination } from "@/lib/server/log";
import * as patients from "@/app/api/v1/patients/route";
import * as patient from "@/app/api/v1/patients/[id]/route";
import * as visits from "@/app/api/v1/patients/[id]/visits/route";
import * as episodes from "@/app/api/v1/patients/[id]/episodes/route";
import * as assessment from "@/app/api/v1/patients/[id]/assessment/route";
import * as checklist from "@/app/api/v1/patients/[id]/checklist/[causeId]/route";
import { apiRoute, json } from "@/lib/http/api/handler";
import { hashApiToken } from "@/lib/server/auth/api-tokens";
import { revokeApiToken, createApiToken } from "@/lib/features/accounts/api-tokens";
import { signInWithPassword, signOutSession } from "@/lib/features/accounts/sign-in";
import { createPatient } from "@/lib/features/patients/data";
import { changeUserRole, setUserActive } from "@/lib/features/accounts/users";
import { createWorld, TEST_PASSWORD, validPatient } from "../factories/world";
import { call, expectError, tokenFor, type CallOptions } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "AUTH-1" }))).id;
});
afterEach(() => vi.restoreAllMocks());

let ipCounter = 0;
/** Each test speaks from its own address, so the per-IP limit of one test does not leak into another. */
const freshIp = () => `192.0.2.${++ipCounter}`;

type Endpoint = { name: string; handler: unknown; method: string; path: () => string; opts: () => CallOptions };
let mrn = 0;
const endpoints: Endpoint[] = [
  { name: "POST /patients", handler: patients.POST, method: "POST", path: () => "/api/v1/patients", opts: () => ({ body: validPatient({ mrn: `AUTH-T-${++mrn}` }) }) },
  { name: "GET /patients", handler: patients.GET, method: "GET", path: () => "/api/v1/patients", opts: () => ({}) },
  { name: "GET /patients/{id}", handler: patient.GET, method: "GET", path: () => `/api/v1/patients/${patientId}`, opts: () => ({ params: { id: patientId } }) },
  { name: "PATCH /patients/{id}", handler: patient.PATCH, method: "PATCH", path: () => `/api/v1/patients/${patientId}`, opts: () => ({ params: { id: patientId }, body: { version: 999, notes: 1 } }) },
  { name: "POST /patients/{id}/visits", handler: visits.POST, method: "POST", path: () => `/api/v1/patients/${patientId}/visits`, opts: () => ({ params: { id: patientId }, body: { occurredAt: "2026-11-02T09:00:00Z" } }) },
  { name: "POST /patients/{id}/episodes", handler: episodes.POST, method: "POST", path: () => `/api/v1/patients/${patientId}/episodes`, opts: () => ({ params: { id: patientId }, body: { occurredAt: "2026-11-02T09:00:00Z", durationSeconds: 30, side: "LEFT" } }) },
  { name: "GET /patients/{id}/episodes", handler: episodes.GET, method: "GET", path: () => `/api/v1/patients/${patientId}/episodes`, opts: () => ({ params: { id: patientId } }) },
  { name: "GET /patients/{id}/assessment", handler: assessment.GET, method: "GET", path: () => `/api/v1/patients/${patientId}/assessment`, opts: () => ({ params: { id: patientId } }) },
  { name: "PUT /patients/{id}/checklist/{causeId}", handler: checklist.PUT, method: "PUT", path: () => `/api/v1/patients/${patientId}/checklist/pregnancy`, opts: () => ({ params: { id: patientId, causeId: "pregnancy" }, body: { status: "SUSPECTED", version: 999 } }) },
];

const send = (e: Endpoint, token: string | null, ip: string, extra: CallOptions = {}) => {
  const o = e.opts();
  return call(e.handler, e.method, e.path(), { ...o, ...extra, token, headers: { "x-forwarded-for": ip, ...o.headers, ...extra.headers } });
};

describe("every endpoint", () => {
  it.each(endpoints.map((e) => [e.name, e] as const))("%s: 401 without credentials or with a bad one, 429 with Retry-After past the token's limit", async (_name, e) => {
    const ip = freshIp();
    expectError(await send(e, null, ip), 401, "UNAUTHENTICATED");
    expectError(await send(e, null, ip, { headers: { authorization: "Basic dXNlcjpwYXNz" } }), 401, "UNAUTHENTICATED");
    const token = await tokenFor(world.actors.clinician, `limit ${e.name}`);
    for (let i = 0; i < 8; i++) expect((await send(e, token, freshIp())).status).not.toBe(429);
    const limited = await send(e, token, freshIp());
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The limit is the token's: another token of the same user is not affected.
    expect((await send(e, await tokenFor(world.actors.clinician), freshIp())).status).not.toBe(429);
  });

  it.each(endpoints.filter((e) => e.method !== "GET").map((e) => [e.name, e] as const))("%s: 413 for a body over 64 KiB, before it is parsed", async (_name, e) => {
    const token = await tokenFor(world.actors.clinician);
    const answer = await send(e, token, freshIp(), { rawBody: `{"x": "${"y".repeat(66_000)}` });
    expectError(answer, 413, "PAYLOAD_TOO_LARGE");
    // A declared Content-Length over the limit is refused without reading the body at all.
    const declared = await send(e, token, freshIp(), { rawBody: "{}", headers: { "content-length": String(64 * 1024 + 1) } });
    expectError(declared, 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("tokens", () => {
  it("stores only the SHA-256 of the token; the token acts with its user's role and clinics", async () => {
    const created = await createApiToken(world.actors.clinician, { name: "EHR bridge" });
    expect(created.token).toMatch(/^cc_[A-Za-z0-9_-]{43}$/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(3));
    const answer = await call(patient.GET, "GET", `/api/v1/patients/${patientId}`, { token: created.token, params: { id: patientId } });
    expect(answer.status).toBe(200);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "PATIENT_VIEW", targetId: patientId }, orderBy: { seq: "desc" } });
    expect(audit.userId).toBe(world.users.clinician.id);
  });

  it("a revoked token stops at once", async () => {
    const created = await createApiToken(world.actors.clinician, { name: "to revoke" });
    const get = () => call(patient.GET, "GET", `/api/v1/patients/${patientId}`, { token: created.token, params: { id: patientId }, headers: { "x-forwarded-for": freshIp() } });
    expect((await get()).status).toBe(200);
    await revokeApiToken(world.actors.clinician, created.id);
    expectError(await get(), 401, "UNAUTHENTICATED");
    expect(await db.auditEvent.count({ where: { action: "API_TOKEN_USE", outcome: "DENIED", targetId: created.id } })).toBe(1);
  });

  it("a deactivated user's tokens stop at once and work again on reactivation; a role change applies to the next call", async () => {
    const user = await db.user.create({ data: { email: "temp@test.clinic", name: "Temp", role: "CLINICIAN", passwordHash: "x", memberships: { create: { clinicId: world.clinic.id } } } });
    const actor = { userId: user.id, email: user.email, name: user.name, role: "CLINICIAN" as const, clinicIds: [world.clinic.id], via: "session" as const };
    const token = await tokenFor(actor);
    const post = (mrnValue: string) => call(patients.POST, "POST", "/api/v1/patients", { token, body: validPatient({ mrn: mrnValue }), headers: { "x-forwarded-for": freshIp() } });
    expect((await post("AUTH-ROLE-1")).status).toBe(201);
    await setUserActive(world.actors.admin, user.id, false);
    expectError(await post("AUTH-ROLE-2"), 401, "UNAUTHENTICATED");
    await setUserActive(world.actors.admin, user.id, true);
    expect((await post("AUTH-ROLE-3")).status).toBe(201);
    await changeUserRole(world.actors.admin, user.id, { role: "READ_ONLY" });
    expectError(await post("AUTH-ROLE-4"), 403, "FORBIDDEN");
  });

  it("records lastUsedAt at most once a minute", async () => {
    const created = await createApiToken(world.actors.reader, { name: "touch" });
    const get = () => call(patient.GET, "GET", `/api/v1/patients/${patientId}`, { token: created.token, params: { id: patientId }, headers: { "x-forwarded-for": freshIp() } });
    const lastUsed = async () => (await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await get();
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 20));
    await get();
    expect((await lastUsed())?.getTime()).toBe(first!.getTime());
    const old = new Date(Date.now() - 61_000);
    await db.apiToken.update({ where: { id: created.id }, data: { lastUsedAt: old } });
    await get();
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old.getTime() + 60_000);
  });
});

describe("per-IP limit for requests without valid credentials", () => {
  it("answers 429 after the limit, even for a valid token from that address; other addresses are unaffected", async () => {
    const ip = freshIp();
    const e = endpoints[1];
    for (let i = 0; i < 4; i++) expectError(await send(e, "cc_" + "B".repeat(43), ip), 401, "UNAUTHENTICATED");
    const limited = await send(e, "cc_" + "B".repeat(43), ip);
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const token = await tokenFor(world.actors.reader);
    expectError(await send(e, token, ip), 429, "RATE_LIMITED");
    expect((await send(e, token, freshIp())).status).toBe(200);
  });
});

describe("browser session", () => {
  async function sessionCookie(email: string) {
    const signIn = await signInWithPassword(email, TEST_PASSWORD, "127.0.0.1");
    if (!signIn.ok) throw new Error("sign-in failed");
    const jwt = await encode({ token: { sid: signIn.sessionId }, secret: process.env.NEXTAUTH_SECRET! });
    return { cookie: `next-auth.session-token=${jwt}`, sessionId: signIn.sessionId };
  }
  const post = (headers: Record<string, string>, m: string) =>
    call(patients.POST, "POST", "/api/v1/patients", { body: validPatient({ mrn: m }), headers: { host: "localhost:3000", "x-forwarded-for": freshIp(), ...headers } });

  it("is accepted for reads, and for writes from the same origin only (Sec-Fetch-Site, else Origin)", async () => {
    const { cookie, sessionId } = await sessionCookie("clinician@test.clinic");
    const list = await call(patients.GET, "GET", "/api/v1/patients", { headers: { cookie, "sec-fetch-site": "same-origin" } });
    expect(list.status).toBe(200);
    expect((await post({ cookie, "sec-fetch-site": "same-origin", origin: "http://localhost:3000" }, "SES-1")).status).toBe(201);
    expect((await post({ cookie, origin: "http://localhost:3000" }, "SES-2")).status).toBe(201);
    const before = await db.patient.count();
    expectError(await post({ cookie, "sec-fetch-site": "cross-site", origin: "https://evil.example" }, "SES-3"), 403, "FORBIDDEN");
    expectError(await post({ cookie, "sec-fetch-site": "same-site", origin: "https://sub.localhost:3000" }, "SES-4"), 403, "FORBIDDEN");
    expectError(await post({ cookie, origin: "https://evil.example" }, "SES-5"), 403, "FORBIDDEN");
    expectError(await post({ cookie, origin: "null" }, "SES-6"), 403, "FORBIDDEN");
    expectError(await post({ cookie }, "SES-7"), 403, "FORBIDDEN");
    expectError(await call(patients.GET, "GET", "/api/v1/patients", { headers: { cookie, "sec-fetch-site": "cross-site" } }), 403, "FORBIDDEN");
    expect(await db.patient.count()).toBe(before);
    // Signing out ends the session for the API too.
    await signOutSession(sessionId);
    expectError(await call(patients.GET, "GET", "/api/v1/patients", { headers: { cookie } }), 401, "UNAUTHENTICATED");
  });

  it("a forged or foreign-secret cookie is not a session", async () => {
    const jwt = await encode({ token: { sid: "made-up" }, secret: "another secret entirely, 32+ chars" });
    expectError(await call(patients.GET, "GET", "/api/v1/patients", { headers: { cookie: `next-auth.session-token=${jwt}`, "x-forwarded-for": freshIp() } }), 401, "UNAUTHENTICATED");
    expectError(await call(patients.GET, "GET", "/api/v1/patients", { headers: { cookie: "next-auth.session-token=garbage", "x-forwarded-for": freshIp() } }), 401, "UNAUTHENTICATED");
  });
});

describe("unexpected failures", () => {
  it("are logged on the server and answered with a generic 500 without details", async () => {
    const lines: string[] = [];
    setLogDestination(new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }), "error");
    try {
      const failing = apiRoute(async () => {
        throw new Error("secret database detail: relation \"Patient\" ...");
      });
      const token = await tokenFor(world.actors.reader);
      const answer = await call(failing, "GET", "/api/v1/boom", { token });
      expect(answer.status).toBe(500);
      expect(answer.json.error.code).toBe("INTERNAL");
      expect(JSON.stringify(answer.json)).not.toMatch(/secret database detail|Patient|at /);
      const failure = lines.map((l) => JSON.parse(l) as { msg?: string; err?: { message?: string } }).find((l) => l.msg === "API request failed");
      expect(failure?.err?.message).toMatch(/secret database detail/);
    } finally {
      resetLogDestination();
    }
  });

  it("a handler's own Response (a streamed export) passes through untouched", async () => {
    const exporter = apiRoute(async (_req, _ctx, actor) => new Response(`user,${actor.email}\n`, { headers: { "content-type": "text/csv" } }));
    const answer = await call(exporter, "GET", "/api/v1/export/x.csv", { token: await tokenFor(world.actors.reader) });
    expect(answer.status).toBe(200);
    expect(answer.json).toBe("user,reader@test.clinic\n");
    expect(json({ at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }).headers.get("cache-control")).toBe("no-store");
  });
});
