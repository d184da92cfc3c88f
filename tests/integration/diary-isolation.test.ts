/**
 * What a diary link's token reaches (docs/api.md, "Patient diary"): nothing but adding this
 * patient's episodes and reading back the patient's own diary entries. Its GET lists only the
 * patient's diary entries (not clinician episodes, not another patient's), newest first, at most
 * 50; the token is no credential anywhere else: not on any route handler under app/api/v1 (all
 * enumerated from the file system), not as a session cookie, not past proxy.ts to a page or an
 * export.
 */
process.env.DIARY_RATE_LIMIT_PER_MINUTE = "100000";
process.env.DIARY_IP_RATE_LIMIT_PER_MINUTE = "100000";
process.env.API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE = "100000";
process.env.NEXTAUTH_SECRET ??= "diary-isolation-test-secret-0123456789abcdef";

import fs from "node:fs";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as links from "@/app/api/v1/patients/[id]/diary-links/route";
import * as diaryEpisodes from "@/app/api/diary/[token]/episodes/route";
import { createPatient } from "@/lib/features/patients/data";
import { createEpisode, deleteEpisode } from "@/lib/features/episodes/data";
import { proxy } from "@/proxy";
import { createWorld, plainEpisode, validPatient } from "../factories/world";
import { BASE, call, tokenFor, type ApiAnswer } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let clinician: string;
let mrn = 0;

beforeAll(async () => {
  world = await createWorld(db);
  clinician = await tokenFor(world.actors.clinician);
});

async function newPatient(givenName: string) {
  return createPatient(world.actors.clinician, validPatient({ mrn: `ISO-${++mrn}`, givenName, familyName: `Family${mrn}` }));
}
async function linkOf(patientId: string) {
  const made = await call(links.POST, "POST", `/api/v1/patients/${patientId}/diary-links`, { token: clinician, body: {}, params: { id: patientId } });
  expect(made.status).toBe(201);
  return { id: made.json.id as string, token: made.json.token as string };
}

let n = 0;
const entry = (occurredAt: Date, notes = "") => ({ occurredAt: occurredAt.toISOString(), durationSeconds: 45, side: "RIGHT", movement: "SUSTAINED_CONTRACTION", notes });
const send = (token: string, body: unknown) =>
  call(diaryEpisodes.POST, "POST", `/api/diary/${token}/episodes`, { body, params: { token }, headers: { "idempotency-key": `iso-key-${++n}-${Date.now()}` } });
const read = (token: string) => call(diaryEpisodes.GET, "GET", `/api/diary/${token}/episodes`, { params: { token } });
const ids = (a: ApiAnswer) => a.json.items.map((e: { id: string }) => e.id) as string[];
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

describe("GET /api/diary/{token}/episodes reads nothing but the patient's own diary entries", () => {
  it("only source PATIENT entries of this patient, through any of its links; not clinician episodes, not another patient's", async () => {
    const ana = await newPatient("Ana");
    const ben = await newPatient("Ben");
    const old = await linkOf(ana.id);
    const revokedOld = await linkOf(ana.id);
    const current = await linkOf(ana.id);
    const bens = await linkOf(ben.id);

    const viaOld = await send(old.token, entry(hoursAgo(30), "through the first link"));
    const viaRevoked = await send(revokedOld.token, entry(hoursAgo(20), "through a link revoked later"));
    await db.diaryLink.update({ where: { id: revokedOld.id }, data: { revokedAt: new Date() } });
    const viaCurrent = await send(current.token, entry(hoursAgo(10), "through the current link"));
    const bensEntry = await send(bens.token, entry(hoursAgo(5), "Ben's own"));
    for (const a of [viaOld, viaRevoked, viaCurrent, bensEntry]) expect(a.status).toBe(201);
    // The clinician's own episodes of Ana are not the diary's.
    const clinicians = await createEpisode(world.actors.clinician, ana.id, plainEpisode(hoursAgo(1), { notes: "typed in at the visit" }));

    const anaRead = await read(current.token);
    expect(anaRead.status).toBe(200);
    expect(ids(anaRead)).toEqual([viaCurrent.json.id, viaRevoked.json.id, viaOld.json.id]);
    expect(ids(anaRead)).not.toContain(clinicians.id);
    expect(ids(anaRead)).not.toContain(bensEntry.json.id);
    // The older, still working link reads the same entries.
    expect(ids(await read(old.token))).toEqual(ids(anaRead));
    // Ben's token: Ben's entry only.
    expect(ids(await read(bens.token))).toEqual([bensEntry.json.id]);
    const bensText = JSON.stringify((await read(bens.token)).json);
    for (const word of ["through the", "typed in at the visit", ana.mrn, ana.familyName]) expect(bensText).not.toContain(word);
  });

  it("answers what the patient sent and nothing of the record: no MRN, no name, no birth date, no label or suggestion", async () => {
    const p = await newPatient("Clara");
    const l = await linkOf(p.id);
    expect((await send(l.token, entry(hoursAgo(2), "calf at night"))).status).toBe(201);
    const answer = await read(l.token);
    expect(Object.keys(answer.json)).toEqual(["items"]);
    const [item] = answer.json.items;
    expect(Object.keys(item).sort()).toEqual(
      [
        "id", "occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "painScore", "triggers", "relief",
        "lostAwareness", "tongueBitten", "wetThemselves", "witnessed", "notes", "receivedAt",
      ].sort(),
    );
    const text = JSON.stringify(answer.json);
    for (const word of [p.mrn, p.familyName, "1985-04-12", p.id, "suggested", "classification", "needsReview", "diaryLinkId", "createdBy"]) {
      expect(text, String(word)).not.toContain(String(word));
    }
  });

  it("newest first by when it happened (not when it arrived), at most 50: of 51 entries the oldest is left out", async () => {
    const p = await newPatient("Dora");
    const l = await linkOf(p.id);
    const sent: { id: string; at: number }[] = [];
    // Sent oldest-last in part, so arrival order is not occurrence order.
    const order = Array.from({ length: 51 }, (_, i) => (i * 17) % 51);
    for (const i of order) {
      const at = hoursAgo(1 + i);
      const a = await send(l.token, entry(at, `entry ${i}`));
      expect(a.status).toBe(201);
      sent.push({ id: a.json.id, at: at.getTime() });
    }
    expect(await db.episode.count({ where: { patientId: p.id, source: "PATIENT" } })).toBe(51);
    const answer = await read(l.token);
    const newest50 = [...sent].sort((a, b) => b.at - a.at).slice(0, 50).map((s) => s.id);
    expect(ids(answer)).toHaveLength(50);
    expect(ids(answer)).toEqual(newest50);
    const oldest = [...sent].sort((a, b) => a.at - b.at)[0].id;
    expect(ids(answer)).not.toContain(oldest);
    const times = answer.json.items.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("an entry the clinician deleted is no longer read back", async () => {
    const p = await newPatient("Eva");
    const l = await linkOf(p.id);
    const kept = await send(l.token, entry(hoursAgo(3)));
    const dropped = await send(l.token, entry(hoursAgo(2)));
    await deleteEpisode(world.actors.clinician, dropped.json.id, 1);
    expect(ids(await read(l.token))).toEqual([kept.json.id]);
  });

  it("a POST cannot aim at another patient or link: patientId, diaryLinkId or source in the body are refused, nothing saved", async () => {
    const a = await newPatient("Fay");
    const b = await newPatient("Gus");
    const la = await linkOf(a.id);
    const lb = await linkOf(b.id);
    const before = await db.episode.count();
    for (const extra of [{ patientId: b.id }, { diaryLinkId: lb.id }, { source: "CLINICIAN" }, { createdById: world.users.clinician.id }]) {
      const answer = await send(la.token, { ...entry(hoursAgo(1)), ...extra });
      expect(answer.status, JSON.stringify(extra)).toBe(400);
      expect(Object.keys(answer.json.error.fields)).toEqual(Object.keys(extra));
    }
    expect(await db.episode.count()).toBe(before);
    const ok = await send(la.token, entry(hoursAgo(1)));
    const stored = await db.episode.findUniqueOrThrow({ where: { id: ok.json.id } });
    expect({ patientId: stored.patientId, diaryLinkId: stored.diaryLinkId, source: stored.source }).toEqual({ patientId: a.id, diaryLinkId: la.id, source: "PATIENT" });
  });
});

/** Every route handler file under app/api/v1, and the methods it exports. */
function clinicianRoutes(): { file: string; urlPath: string; params: string[]; methods: string[] }[] {
  const root = path.resolve(process.cwd(), "app/api/v1");
  const out: { file: string; urlPath: string; params: string[]; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "route.ts") {
        const rel = path.relative(path.resolve(process.cwd(), "app"), path.dirname(full)).split(path.sep);
        out.push({ file: full, urlPath: `/${rel.join("/")}`, params: rel.filter((s) => /^\[.+\]$/.test(s)).map((s) => s.slice(1, -1)), methods: [] });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.urlPath.localeCompare(b.urlPath));
}
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

describe("the diary token is no credential for the clinician's API", () => {
  it("as Authorization: Bearer <diary token> on every method of every route under app/api/v1: 401, never 2xx, nothing changed", async () => {
    const p = await newPatient("Hana");
    const l = await linkOf(p.id);
    const sent = await send(l.token, entry(hoursAgo(1)));
    expect(sent.status).toBe(201);
    const routes = clinicianRoutes();
    // The API as it is today has 14 route files; a new one is covered without editing this test.
    expect(routes.length).toBeGreaterThanOrEqual(14);
    const counts = async () => [await db.patient.count(), await db.episode.count(), await db.visit.count(), await db.diaryLink.count(), await db.apiToken.count()];
    const before = await counts();
    let ip = 0;
    const seen: string[] = [];
    const valueOf = (route: string, param: string) =>
      route.includes("diary-links/[id]") && param === "id" ? l.id : param === "id" ? p.id : param === "causeId" ? "pregnancy" : "x";

    for (const route of routes) {
      const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, unknown>;
      const methods = METHODS.filter((m) => typeof mod[m] === "function");
      expect(methods.length, route.urlPath).toBeGreaterThan(0);
      const params = Object.fromEntries(route.params.map((k) => [k, valueOf(route.urlPath, k)]));
      const url = route.urlPath.replace(/\[([^\]]+)\]/g, (_, k: string) => params[k]);
      for (const method of methods) {
        const name = `${method} ${route.urlPath}`;
        seen.push(name);
        const body = ["POST", "PUT", "PATCH"].includes(method) ? { version: 1, status: "SUSPECTED", ...validPatient({ mrn: "STOLEN-1" }), ...entry(hoursAgo(1)) } : undefined;
        for (const authorization of [`Bearer ${l.token}`, `bearer ${l.token}`, `Bearer ${l.token.slice(3)}`]) {
          const answer = await call(mod[method], method, url, { body, params, headers: { authorization, "x-forwarded-for": `192.0.2.${(ip++ % 250) + 1}` } });
          expect({ name, authorization: authorization.slice(0, 10), status: answer.status }).toEqual({ name, authorization: authorization.slice(0, 10), status: 401 });
          expect(answer.json?.error?.code, name).toBe("UNAUTHENTICATED");
        }
        // As a session cookie it is no better.
        const cookie = await call(mod[method], method, url, {
          body,
          params,
          headers: { cookie: `next-auth.session-token=${l.token}`, origin: BASE, "sec-fetch-site": "same-origin", "x-forwarded-for": `192.0.2.${(ip++ % 250) + 1}` },
        });
        expect({ name, status: cookie.status }).toEqual({ name, status: 401 });
      }
    }
    // Every method of the contract's clinician API was tried (a renamed export would drop out silently otherwise).
    expect(seen).toEqual(
      expect.arrayContaining([
        "GET /api/v1/patients",
        "POST /api/v1/patients",
        "GET /api/v1/patients/[id]",
        "PATCH /api/v1/patients/[id]",
        "GET /api/v1/patients/[id]/episodes",
        "POST /api/v1/patients/[id]/episodes",
        "GET /api/v1/patients/[id]/assessment",
        "GET /api/v1/patients/[id]/diary-links",
        "POST /api/v1/patients/[id]/diary-links",
        "DELETE /api/v1/diary-links/[id]",
        "GET /api/v1/export/episodes.csv",
        "GET /api/v1/patients/[id]/fhir",
      ]),
    );
    expect(await counts()).toEqual(before);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id: l.id } })).revokedAt).toBeNull();
    expect((await read(l.token)).status).toBe(200);
  });
});

describe("proxy.ts: the diary token does not pass to a page or an export", () => {
  const through = (r: Response) => r.headers.get("x-middleware-next") === "1";
  const request = (pathname: string, authorization?: string) =>
    new NextRequest(`${BASE}${pathname}`, { headers: authorization ? { authorization } : {} });
  let token: string;
  let patientId: string;
  beforeAll(async () => {
    const p = await newPatient("Ines");
    patientId = p.id;
    token = (await linkOf(p.id)).token;
  });

  it.each(["/patients", "/patients/{id}", "/patients/{id}/episodes", "/patients/{id}/handout", "/exports", "/admin/audit", "/review", "/attention", "/dashboard"])(
    "page %s with Authorization: Bearer <diary token>: redirected to /signin",
    (page) => {
      const pathname = page.replace("{id}", patientId);
      const r = proxy(request(pathname, `Bearer ${token}`));
      expect({ status: r.status, through: through(r) }).toEqual({ status: 307, through: false });
      const location = new URL(r.headers.get("location")!);
      expect(location.pathname).toBe("/signin");
      expect(location.searchParams.get("callbackUrl")).toBe(pathname);
    },
  );

  it.each(["/api/v1/export/episodes.csv", "/api/v1/export/patients.csv", "/api/v1/patients", "/api/v1/patients/{id}/report.pdf"])(
    "API %s with Authorization: Bearer <diary token>: 401",
    async (api) => {
      const r = proxy(request(api.replace("{id}", patientId), `Bearer ${token}`));
      expect({ status: r.status, through: through(r) }).toEqual({ status: 401, through: false });
      expect((await r.json()).error.code).toBe("UNAUTHENTICATED");
    },
  );

  it("while the diary's own page and API stay public, and a clinician's API token still reaches the API", async () => {
    for (const pathname of [`/diary/${token}`, `/api/diary/${token}/episodes`]) {
      const r = proxy(request(pathname));
      expect(through(r), pathname).toBe(true);
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    }
    const api = proxy(request("/api/v1/export/episodes.csv", `Bearer ${clinician}`));
    expect(through(api)).toBe(true);
    const page = proxy(request("/patients"));
    expect(page.status).toBe(307);
  });
});
