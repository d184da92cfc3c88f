/**
 * The structured log (lib/server/log.ts) as the API writes it: requests driven through the route
 * wrapper (lib/http/api/handler.ts) with the real database, the lines read back from a stream.
 * Each line is JSON with the request's id; none carries the patient's MRN, names or birth date,
 * the password, the API token or the session cookie.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { authOptions } from "@/lib/http/auth-options";
import { apiRoute, json } from "@/lib/http/api/handler";
import { log, logLevelFromEnv, resetLogDestination, setLogDestination, withRequestContext } from "@/lib/server/log";
import * as patients from "@/app/api/v1/patients/route";
import * as patient from "@/app/api/v1/patients/[id]/route";
import { createWorld, TEST_PASSWORD, validPatient } from "../factories/world";
import { call, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
let token = "";
const lines: string[] = [];

// Values that occur nowhere else, so finding one in the log can only be a leak.
const PATIENT = { mrn: "LOGLEAK-7731", givenName: "Zebedee", familyName: "Quillfeather", birthDate: "1961-07-23" };
const COOKIE_VALUE = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.cookie-secret-5521";
const BAD_TOKEN = "cramp_badtoken_0a1b2c3d4e5f";

const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    done();
  },
});

beforeAll(async () => {
  world = await createWorld(db);
  token = await tokenFor(world.actors.clinician);
  setLogDestination(capture, "info");
});
afterAll(() => resetLogDestination());

/** The lines written while fn ran. */
async function linesOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const from = lines.length;
  await fn();
  return lines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function forbiddenIn(all: string): string[] {
  const secrets = [PATIENT.mrn, PATIENT.givenName, PATIENT.familyName, PATIENT.birthDate, TEST_PASSWORD, token, BAD_TOKEN, COOKIE_VALUE];
  // Any part of the token after its prefix is secret too.
  const tokenSecret = token.slice(-16);
  return [...secrets, tokenSecret].filter((s) => s && all.toLowerCase().includes(s.toLowerCase()));
}

describe("the API's log lines", () => {
  it("one JSON line per request, with the request id (kept from X-Request-Id, else made), route pattern, status, time and user id", async () => {
    let created = { status: 0, headers: new Headers(), json: null as { id: string } | null };
    const got = await linesOf(async () => {
      created = await call(patients.POST, "POST", "/api/v1/patients", {
        token,
        body: validPatient(PATIENT),
        headers: { "x-request-id": "lb-req-0001" },
      });
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("x-request-id")).toBe("lb-req-0001");
    expect(got).toEqual([
      expect.objectContaining({
        level: "info",
        msg: "request",
        requestId: "lb-req-0001",
        method: "POST",
        route: "/api/v1/patients",
        status: 201,
        userId: world.users.clinician.id,
        durationMs: expect.any(Number),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);

    // The record's id in the path becomes [id]; a search by MRN stays out of the line.
    const id = created.json!.id;
    const read = await linesOf(() => call(patient.GET, "GET", `/api/v1/patients/${id}`, { token, params: { id } }));
    expect(read).toEqual([expect.objectContaining({ route: "/api/v1/patients/[id]", status: 200 })]);
    expect(JSON.stringify(read)).not.toContain(id);
    const search = await linesOf(() => call(patients.GET, "GET", `/api/v1/patients?q=${PATIENT.mrn}`, { token }));
    expect(search).toEqual([expect.objectContaining({ route: "/api/v1/patients", status: 200 })]);

    // An id that is not plain text is replaced by a new one, not echoed.
    let answer = { headers: new Headers() };
    const made = await linesOf(async () => {
      answer = await call(patients.GET, "GET", "/api/v1/patients", { token, headers: { "x-request-id": 'x"}{"level":"fatal' } });
    });
    const newId = answer.headers.get("x-request-id");
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(made).toEqual([expect.objectContaining({ requestId: newId })]);
  });

  it("refusals: a bad token, a stale session cookie, invalid input, a duplicate MRN; each logged with its error code", async () => {
    const got = await linesOf(async () => {
      expect((await call(patients.GET, "GET", "/api/v1/patients", { token: BAD_TOKEN })).status).toBe(401);
      const cookie = await call(patients.GET, "GET", "/api/v1/patients", { headers: { cookie: `next-auth.session-token=${COOKIE_VALUE}` } });
      expect(cookie.status).toBe(401);
      const invalid = await call(patients.POST, "POST", "/api/v1/patients", { token, body: validPatient({ ...PATIENT, mrn: "", birthDate: "1961-13-45" }) });
      expect(invalid.status).toBe(400);
      const duplicate = await call(patients.POST, "POST", "/api/v1/patients", { token, body: validPatient(PATIENT) });
      expect(duplicate.status).toBe(409);
    });
    expect(got.map((l) => [l.status, l.errorCode])).toEqual([
      [401, "UNAUTHENTICATED"],
      [401, "UNAUTHENTICATED"],
      [400, "VALIDATION"],
      [409, "CONFLICT"],
    ]);
    expect(got.every((l) => typeof l.requestId === "string" && l.requestId)).toBe(true);
  });

  it("an unexpected fault: an error line and the request line, both with the request id; the error keeps the data of the query out", async () => {
    // A handler whose query Prisma refuses: Prisma's message prints the query's arguments.
    const broken = apiRoute(async () => {
      await db.patient.create({ data: { mrn: PATIENT.mrn, givenName: PATIENT.givenName, familyName: PATIENT.familyName, birthDate: PATIENT.birthDate } as never });
      return json({});
    });
    let answer = { status: 0, headers: new Headers(), json: null as unknown };
    const got = await linesOf(async () => {
      answer = await call(broken, "POST", "/api/v1/broken", { token, body: {} });
    });
    expect(answer.status).toBe(500);
    const requestId = answer.headers.get("x-request-id");
    expect(got).toEqual([
      expect.objectContaining({
        level: "error",
        msg: "API request failed",
        requestId,
        route: "/api/v1/broken",
        err: expect.objectContaining({ type: "PrismaClientValidationError", stack: expect.stringContaining("at ") }),
      }),
      expect.objectContaining({ level: "info", msg: "request", requestId, status: 500, errorCode: "INTERNAL" }),
    ]);
    // The same error, unprotected, does carry the patient's data: so the check above can fail.
    const raw = await db.patient.create({ data: { mrn: PATIENT.mrn } as never }).catch((e: Error) => e.message);
    expect(raw).toContain(PATIENT.mrn);
  });

  it("keys on the redaction list are replaced at any depth, and log.error(err) keeps the message inside err", async () => {
    const got = await linesOf(async () =>
      withRequestContext("ctx-1", async () => {
        log.info(
          {
            headers: { authorization: `Bearer ${token}`, cookie: COOKIE_VALUE },
            form: { password: TEST_PASSWORD, otp: "123456", patient: { mrn: PATIENT.mrn, givenName: PATIENT.givenName, familyName: PATIENT.familyName, birthDate: PATIENT.birthDate, notes: "x" } },
          },
          "redaction",
        );
        log.error(new Error("plain failure"));
        // Node quotes the text JSON.parse could not read in its message.
        try {
          JSON.parse(`MRN ${PATIENT.mrn} ${PATIENT.familyName}`);
        } catch (err) {
          log.error({ err }, "stored JSON unreadable");
        }
      }),
    );
    expect(got[0]).toMatchObject({
      requestId: "ctx-1",
      headers: { authorization: "[redacted]", cookie: "[redacted]" },
      form: { password: "[redacted]", otp: "[redacted]", patient: { mrn: "[redacted]", givenName: "[redacted]", familyName: "[redacted]", birthDate: "[redacted]", notes: "[redacted]" } },
    });
    expect(got[1]).toMatchObject({ requestId: "ctx-1", level: "error", msg: "error", err: { type: "Error", message: "plain failure" } });
    expect(got[2]).toMatchObject({ requestId: "ctx-1", err: { type: "SyntaxError", message: expect.stringContaining("is not valid JSON") } });
    // (Node quotes the first 10 characters: "MRN LOGLEA"...)
    expect(JSON.stringify(got[2])).not.toContain(PATIENT.mrn.slice(0, 6));
  });

  it("a sign-in attempt, wrong then right password, writes nothing with the password or the email's user's name", async () => {
    const provider = authOptions.providers.find((p) => p.id === "credentials") as unknown as {
      options: { authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown> };
    };
    const got = await linesOf(async () => {
      await provider.options.authorize({ email: world.users.clinician.email, password: "wrong horse battery" }, { headers: { "x-forwarded-for": "192.0.2.77" } });
      await provider.options.authorize({ email: world.users.clinician.email, password: TEST_PASSWORD }, { headers: { "x-forwarded-for": "192.0.2.77" } });
    });
    expect(JSON.stringify(got)).not.toContain("wrong horse battery");
  });

  it("over every line written in this file: JSON, a request id, and no patient data or secret", () => {
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed.requestId, line).toEqual(expect.any(String));
    }
    expect(forbiddenIn(lines.join("\n"))).toEqual([]);
    expect(lines.join("\n")).not.toContain(world.users.clinician.email);
  });

  it("LOG_LEVEL sets the level; unset under vitest the log is silent", () => {
    expect(logLevelFromEnv({ LOG_LEVEL: "debug" })).toBe("debug");
    expect(logLevelFromEnv({ LOG_LEVEL: "WARN" })).toBe("warn");
    expect(logLevelFromEnv({ LOG_LEVEL: "loud" })).toBe("info");
    expect(logLevelFromEnv({})).toBe("info");
    expect(logLevelFromEnv({ VITEST: "true" })).toBe("silent");
  });
});
