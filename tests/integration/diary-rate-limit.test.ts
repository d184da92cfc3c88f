/**
 * The diary's rate limits (lib/http/api/diary.ts): requests per minute through one link, and per
 * address whatever the token. Its own file: the limiters are created on the diary's first request
 * from these variables, so they must be set before any diary request of the process.
 */
process.env.DIARY_RATE_LIMIT_PER_MINUTE = "3";
process.env.DIARY_IP_RATE_LIMIT_PER_MINUTE = "20";

import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as links from "@/app/api/v1/patients/[id]/diary-links/route";
import * as diaryEpisodes from "@/app/api/diary/[token]/episodes/route";
import { createPatient } from "@/lib/features/patients/data";
import en from "@/lib/core/diary/messages/en.json";
import es from "@/lib/core/diary/messages/es.json";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let clinician: string;
let mrn = 0;

beforeAll(async () => {
  world = await createWorld(db);
  clinician = await tokenFor(world.actors.clinician);
});

async function newPatient() {
  return createPatient(world.actors.clinician, validPatient({ mrn: `RATE-${++mrn}`, familyName: `Rate${mrn}` }));
}
async function linkOf(patientId: string, language: "en" | "es" = "en") {
  const made = await call(links.POST, "POST", `/api/v1/patients/${patientId}/diary-links`, { token: clinician, body: { language }, params: { id: patientId } });
  expect(made.status).toBe(201);
  return { id: made.json.id as string, token: made.json.token as string };
}

let ipN = 0;
/** Each request from its own address, so only the per-link limit counts. */
const freshIp = () => `198.51.100.${++ipN}`;
let keyN = 0;
const entry = () => ({ occurredAt: new Date(Date.now() - 3600_000).toISOString(), durationSeconds: 30, side: "BOTH" });
const send = (token: string, ip = freshIp()) =>
  call(diaryEpisodes.POST, "POST", `/api/diary/${token}/episodes`, { body: entry(), params: { token }, headers: { "idempotency-key": `rate-key-${++keyN}`, "x-forwarded-for": ip } });
const read = (token: string, ip = freshIp()) => call(diaryEpisodes.GET, "GET", `/api/diary/${token}/episodes`, { params: { token }, headers: { "x-forwarded-for": ip } });

describe("rate limit per diary link", () => {
  it("the 4th request in a minute through one link (limit 3) answers 429 with Retry-After, in the link's language, and saves nothing", async () => {
    const p = await newPatient();
    const l = await linkOf(p.id, "es");
    expect((await send(l.token)).status).toBe(201);
    expect((await read(l.token)).status).toBe(200);
    expect((await send(l.token)).status).toBe(201);
    const episodes0 = await db.episode.count();
    const limited = await send(l.token);
    const error = expectError(limited, 429, "RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(error.message).toBe(es.errors.rateLimited);
    // Reads through the link are counted too.
    expectError(await read(l.token), 429, "RATE_LIMITED");
    expect(await db.episode.count()).toBe(episodes0);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id: l.id } })).entries).toBe(2);
  });

  it("other links are not affected: the same patient's second link and another patient's link still work", async () => {
    const p = await newPatient();
    const busy = await linkOf(p.id);
    const second = await linkOf(p.id);
    const other = await linkOf((await newPatient()).id);
    for (let i = 0; i < 3; i++) expect((await send(busy.token)).status).toBe(201);
    const limited = await send(busy.token);
    expect(expectError(limited, 429, "RATE_LIMITED").message).toBe(en.errors.rateLimited);
    expect((await send(second.token)).status).toBe(201);
    expect((await read(second.token)).status).toBe(200);
    expect((await send(other.token)).status).toBe(201);
    // And the busy link is still refused.
    expectError(await read(busy.token), 429, "RATE_LIMITED");
  });

  it("concurrent requests through one link: exactly the limit gets through", async () => {
    const l = await linkOf((await newPatient()).id);
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(l.token)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id: l.id } })).entries).toBe(3);
  });
});

describe("rate limit per address", () => {
  it("guessing tokens from one address is refused after 20 requests (429), while other addresses go on", async () => {
    const ip = "203.0.113.77";
    for (let i = 0; i < 20; i++) {
      const guess = `cd_${String(i).padStart(43, "g")}`;
      expectError(await read(guess, ip), 404, "NOT_FOUND");
    }
    const limited = await read(`cd_${"h".repeat(43)}`, ip);
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // A working link from that address is refused too; from another address it works.
    const l = await linkOf((await newPatient()).id);
    expectError(await read(l.token, ip), 429, "RATE_LIMITED");
    expect((await read(l.token, "203.0.113.78")).status).toBe(200);
  });
});
