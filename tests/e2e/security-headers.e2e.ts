/**
 * Security headers from the real server (proxy.ts) on a page, on API answers (a success, an error
 * from the handler, and the proxy's own 401), and on error pages (404) — over plain HTTP, and as
 * behind a TLS-terminating proxy (X-Forwarded-Proto: https), which adds HSTS.
 */
import { describe, expect, it } from "vitest";
import { BASE_URL } from "./support/browser";
import { sessionCookie } from "./support/server-action";

type Answer = { status: number; headers: Headers; body: string };

async function get(path: string, opts: { cookie?: string; https?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.Cookie = opts.cookie;
  if (opts.https) headers["X-Forwarded-Proto"] = "https";
  const res = await fetch(new URL(path, BASE_URL), { headers, redirect: "manual" });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The CSP as directive → sources. */
function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get("content-security-policy");
  expect(value, "Content-Security-Policy header").toBeTruthy();
  return new Map(
    value!
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources]),
  );
}

/** Checks every header the app promises on any answer; returns the CSP nonce. */
function expectSecurityHeaders(answer: Answer, label: string, https: boolean): string {
  const policy = csp(answer.headers);
  expect(policy.get("object-src"), `${label}: object-src`).toEqual(["'none'"]);
  expect(policy.get("base-uri"), `${label}: base-uri`).toEqual(["'none'"]);
  expect(policy.get("frame-ancestors"), `${label}: frame-ancestors`).toEqual(["'none'"]);
  expect(policy.get("default-src"), `${label}: default-src`).toEqual(["'self'"]);
  const scripts = policy.get("script-src") ?? [];
  // Production scripts run by nonce only: no inline and no eval.
  expect(scripts, `${label}: script-src`).toContain("'strict-dynamic'");
  expect(scripts.filter((s) => s === "'unsafe-inline'" || s === "'unsafe-eval'"), `${label}: script-src`).toEqual([]);
  const nonces = scripts.filter((s) => s.startsWith("'nonce-"));
  expect(nonces, `${label}: one nonce in script-src`).toHaveLength(1);
  const nonce = nonces[0].slice("'nonce-".length, -1);
  expect(Buffer.from(nonce, "base64").length, `${label}: nonce of 128 bits`).toBe(16);

  expect(answer.headers.get("x-content-type-options"), `${label}: X-Content-Type-Options`).toBe("nosniff");
  expect(answer.headers.get("referrer-policy"), `${label}: Referrer-Policy`).toBe("strict-origin-when-cross-origin");
  expect(answer.headers.get("x-frame-options"), `${label}: X-Frame-Options`).toBe("DENY");
  const hsts = answer.headers.get("strict-transport-security");
  if (https) {
    expect(hsts, `${label}: HSTS over HTTPS`).toMatch(/^max-age=(\d+); includeSubDomains$/);
    expect(Number(/max-age=(\d+)/.exec(hsts!)![1]), `${label}: HSTS of a year or more`).toBeGreaterThanOrEqual(31_536_000);
  } else {
    // Over plain HTTP the header means nothing to browsers and is left out.
    expect(hsts, `${label}: no HSTS over plain HTTP`).toBeNull();
  }
  return nonce;
}

describe("security headers", () => {
  for (const https of [false, true]) {
    const scheme = https ? "HTTPS (X-Forwarded-Proto)" : "HTTP";

    it(`a page, over ${scheme}: nonce-based CSP whose nonce is on the page's scripts, fresh per request`, async () => {
      const cookie = await sessionCookie("clinician@demo.clinic");
      const first = await get("/patients", { cookie, https });
      expect(first.status).toBe(200);
      const nonce = expectSecurityHeaders(first, "GET /patients", https);
      const scriptNonces = [...first.body.matchAll(/<script\b[^>]*\snonce="([^"]+)"/g)].map((m) => m[1]);
      expect(scriptNonces.length, "scripts carrying the nonce").toBeGreaterThan(0);
      expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
      // Every script element carries it (none would run without).
      expect([...first.body.matchAll(/<script\b/g)].length).toBe(scriptNonces.length);
      const second = await get("/patients", { cookie, https });
      expect(expectSecurityHeaders(second, "GET /patients again", https)).not.toBe(nonce);

      const signin = await get("/signin", { https });
      expect(signin.status).toBe(200);
      expectSecurityHeaders(signin, "GET /signin", https);
    });

    it(`API answers, over ${scheme}: success, a handler's error and the proxy's 401`, async () => {
      const cookie = await sessionCookie("clinician@demo.clinic");
      const ok = await get("/api/v1/patients?limit=1", { cookie, https });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^application\/json/);
      expectSecurityHeaders(ok, "GET /api/v1/patients", https);

      const missing = await get("/api/v1/patients/no-such-patient", { cookie, https });
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ error: { code: "NOT_FOUND" } });
      expectSecurityHeaders(missing, "GET /api/v1/patients/no-such-patient", https);

      const anonymous = await get("/api/v1/patients", { https });
      expect(anonymous.status).toBe(401);
      expectSecurityHeaders(anonymous, "GET /api/v1/patients signed out", https);

      const health = await get("/api/health", { https });
      expect(health.status).toBe(200);
      expectSecurityHeaders(health, "GET /api/health", https);
    });

    it(`error pages, over ${scheme}: an unknown path, a record that is not there, and the sign-in redirect`, async () => {
      const cookie = await sessionCookie("clinician@demo.clinic");
      const unknown = await get("/no-such-page", { cookie, https });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toContain("Not found");
      expectSecurityHeaders(unknown, "GET /no-such-page", https);

      const record = await get("/patients/no-such-patient", { cookie, https });
      expect(record.status).toBe(404);
      expectSecurityHeaders(record, "GET /patients/no-such-patient", https);

      const redirect = await get("/no-such-page", { https });
      expect(redirect.status).toBe(307);
      expect(new URL(redirect.headers.get("location")!, BASE_URL).pathname).toBe("/signin");
      expectSecurityHeaders(redirect, "GET /no-such-page signed out", https);
    });
  }
});
