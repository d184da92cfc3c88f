/**
 * Single sign-on against a real OpenID Connect provider (npm `oidc-provider`, started here on a
 * free port): the whole authorization code flow, through next-auth's own request handler (its
 * core, as the app's /api/auth route runs it) and the provider's real login form, token endpoint
 * and keys. Nothing is mocked: the ID token is checked by next-auth's openid-client, the account
 * is matched in this file's fresh database.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { startOidcServer, type OidcServer } from "../helpers/oidc-server";
import { createUser } from "../factories/users";
import { createWorld, TEST_PASSWORD } from "../factories/world";

const APP = "http://localhost:3000";
process.env.NEXTAUTH_URL = APP;
process.env.NEXTAUTH_SECRET ??= "sso-test-secret-of-enough-length-0123456789";

type Cookie = { name: string; value: string; options?: { maxAge?: number; expires?: Date } };
interface InternalResponse {
  status?: number;
  redirect?: string;
  body?: unknown;
  cookies?: Cookie[];
}
// next-auth 4's request handler, as app/api/auth/[...nextauth] runs it (its core is not in the package's exports map).
const { AuthHandler } = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/index.js")) as {
  AuthHandler(p: { req: Request; options: unknown }): Promise<InternalResponse>;
};

let idp: OidcServer;
let authOptions: typeof import("@/lib/http/auth-options").authOptions;
let world: Awaited<ReturnType<typeof createWorld>>;

beforeAll(async () => {
  idp = await startOidcServer({ redirectUris: [`${APP}/api/auth/callback/oidc`] });
  process.env.OIDC_ISSUER = idp.issuer;
  process.env.OIDC_CLIENT_ID = idp.clientId;
  process.env.OIDC_CLIENT_SECRET = idp.clientSecret;
  process.env.OIDC_NAME = "Hospital login";
  // Read after the environment names the provider: the options are built once, at import.
  authOptions = (await import("@/lib/http/auth-options")).authOptions;
  world = await createWorld(db);
});
afterAll(async () => {
  await idp?.close();
});

/** The app's side: next-auth's handler with a cookie jar, as the browser would call it. */
class AppBrowser {
  jar = new Map<string, string>();
  async call(method: "GET" | "POST", pathAndQuery: string, form?: Record<string, string>): Promise<InternalResponse> {
    const headers: Record<string, string> = { host: "localhost:3000", cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ") };
    // next-auth's core reads a Web request's body as JSON (the app's route hands it the parsed form).
    if (form) headers["content-type"] = "application/json";
    const req = new Request(`${APP}${pathAndQuery}`, { method, headers, body: form ? JSON.stringify(form) : undefined });
    const res = await AuthHandler({ req, options: { ...authOptions, secret: process.env.NEXTAUTH_SECRET } });
    for (const c of res.cookies ?? []) {
      if (c.options?.maxAge === 0 || (c.options?.expires && new Date(c.options.expires).getTime() < Date.now())) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }
}

/** The identity provider's side: plain HTTP with its own cookies, redirects followed by hand. */
async function providerLogin(authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  let url = authorizeUrl;
  for (let hop = 0; hop < 10; hop++) {
    const res = await send(url);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location")!, url);
      if (next.origin === APP) return next;
      url = next.toString();
      continue;
    }
    // The provider's login page: fill and send its form, as a person would.
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action, `the provider's page at ${url} has no form:\n${html.slice(0, 500)}`).toBeTruthy();
    const posted = await send(new URL(action!, url).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ prompt: "login", login, password: "anything" }),
    });
    expect(posted.status).toBeGreaterThanOrEqual(300);
    url = new URL(posted.headers.get("location")!, url).toString();
  }
  throw new Error("the provider never sent the browser back to the app");
}

/** A whole single sign-on: where next-auth finally sends the browser, and the browser. */
async function ssoSignIn(login: string): Promise<{ to: URL; browser: AppBrowser }> {
  const browser = new AppBrowser();
  const csrf = await browser.call("GET", "/api/auth/csrf");
  const { csrfToken } = csrf.body as { csrfToken: string };
  const start = await browser.call("POST", "/api/auth/signin/oidc", { csrfToken, callbackUrl: `${APP}/patients`, json: "true" });
  expect(start.redirect).toMatch(new RegExp(`^${idp.issuer}/auth\\?`));
  const back = await providerLogin(start.redirect!, login);
  expect(back.pathname).toBe("/api/auth/callback/oidc");
  const done = await browser.call("GET", `${back.pathname}${back.search}`);
  let to = new URL(done.redirect!, APP);
  // Errors go through next-auth's error route, which sends the browser on to our sign-in page.
  if (to.pathname.startsWith("/api/auth/")) {
    const hop = await browser.call("GET", `${to.pathname}${to.search}`);
    to = new URL(hop.redirect!, APP);
    if (to.pathname === "/api/auth/signin") to = new URL((await browser.call("GET", `${to.pathname}${to.search}`)).redirect!, APP);
  }
  return { to, browser };
}

/** The newest SIGN_IN audit row for SSO (the token refusals are written just after the redirect). */
async function lastSsoAudit(since: Date) {
  for (let i = 0; i < 50; i++) {
    const rows = await db.auditEvent.findMany({ where: { action: "SIGN_IN", at: { gte: since } }, orderBy: { seq: "desc" } });
    const row = rows.find((r) => JSON.parse(r.details).method === "SSO");
    if (row) return { userId: row.userId, outcome: row.outcome, ...JSON.parse(row.details) };
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

let n = 0;
async function member(opts: { role?: "CLINICIAN" | "READ_ONLY" | "ADMIN"; active?: boolean; clinicId?: string } = {}) {
  const email = `sso${++n}@test.clinic`;
  const user = await createUser(db, {
    email,
    name: `SSO member ${n}`,
    role: opts.role ?? "CLINICIAN",
    clinicIds: [opts.clinicId ?? world.clinic.id],
    password: TEST_PASSWORD,
  });
  if (opts.active === false) await db.user.update({ where: { id: user.id }, data: { active: false } });
  return user;
}

describe("single sign-on through a real OpenID Connect provider", () => {
  it("signs in a member by verified email: a session of method SSO, audited, subject bound", async () => {
    const user = await member();
    const since = new Date();
    const { to, browser } = await ssoSignIn(user.email);
    expect(to.toString()).toBe(`${APP}/patients`);
    expect([...browser.jar.keys()]).toContain("next-auth.session-token");
    const sessions = await db.session.findMany({ where: { userId: user.id } });
    expect(sessions.map((s) => s.method)).toEqual(["SSO"]);
    expect(await lastSsoAudit(since)).toMatchObject({ userId: user.id, outcome: "SUCCESS", sessionId: sessions[0].id });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).oidcSubject).toBe(user.email);

    // The session cookie names that Session row: the app's own check accepts it.
    const { decode } = await import("next-auth/jwt");
    const token = await decode({ token: browser.jar.get("next-auth.session-token")!, secret: process.env.NEXTAUTH_SECRET! });
    expect(token?.sid).toBe(sessions[0].id);
    const { checkSession } = await import("@/lib/features/accounts/sign-in");
    const check = await checkSession(sessions[0].id, null);
    expect(check.ok && check.actor.userId).toBe(user.id);
  });

  it("skips the app's two-factor step: the identity provider did the MFA", async () => {
    const user = await member();
    await db.user.update({ where: { id: user.id }, data: { totpEnabled: true, totpSecret: "not-used" } });
    await db.clinic.update({ where: { id: world.clinic.id }, data: { requireTwoFactor: true } });
    try {
      const { to } = await ssoSignIn(user.email);
      expect(to.pathname).toBe("/patients");
      const session = await db.session.findFirstOrThrow({ where: { userId: user.id } });
      const { checkSession } = await import("@/lib/features/accounts/sign-in");
      const check = await checkSession(session.id, null);
      expect(check.ok && check.mustEnrolTwoFactor).toBe(false);
    } finally {
      await db.clinic.update({ where: { id: world.clinic.id }, data: { requireTwoFactor: false } });
    }
  });

  it("refuses an ID token meant for another app (wrong audience), with words and an audit row", async () => {
    const user = await member();
    const since = new Date();
    idp.tamper = "audience";
    try {
      const { to } = await ssoSignIn(user.email);
      expect(`${to.pathname}?error=${to.searchParams.get("error")}`).toBe("/signin?error=OAuthCallback");
    } finally {
      idp.tamper = null;
    }
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await lastSsoAudit(since)).toMatchObject({ userId: null, outcome: "FAILURE", reason: "SSO_WRONG_AUDIENCE" });
  });

  it("refuses an expired ID token", async () => {
    const user = await member();
    const since = new Date();
    idp.tamper = "expired";
    try {
      const { to } = await ssoSignIn(user.email);
      expect(`${to.pathname}?error=${to.searchParams.get("error")}`).toBe("/signin?error=OAuthCallback");
    } finally {
      idp.tamper = null;
    }
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await lastSsoAudit(since)).toMatchObject({ outcome: "FAILURE", reason: "SSO_TOKEN_EXPIRED" });
  });

  it("refuses an unverified email, even one that names an existing account", async () => {
    const user = await member();
    idp.setAccount("unverified-member", { email: user.email, email_verified: false, name: "Somebody" });
    const since = new Date();
    const { to } = await ssoSignIn("unverified-member");
    expect(to.pathname + to.search).toBe("/signin?error=SSO_EMAIL_NOT_VERIFIED");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await lastSsoAudit(since)).toMatchObject({ outcome: "FAILURE", reason: "SSO_EMAIL_NOT_VERIFIED", email: user.email });
  });

  it("refuses a deactivated user", async () => {
    const user = await member({ active: false });
    const since = new Date();
    const { to } = await ssoSignIn(user.email);
    expect(to.pathname + to.search).toBe("/signin?error=SSO_INACTIVE");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await lastSsoAudit(since)).toMatchObject({ userId: user.id, outcome: "DENIED", reason: "SSO_INACTIVE" });
  });

  it("refuses a second identity claiming an account already bound to another subject", async () => {
    const user = await member();
    await ssoSignIn(user.email);
    idp.setAccount("impostor", { email: user.email, email_verified: true, name: "Impostor" });
    const { to } = await ssoSignIn("impostor");
    expect(to.pathname + to.search).toBe("/signin?error=SSO_SUBJECT_MISMATCH");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("creates an account for an unknown verified email only when a clinic allows it, with its role", async () => {
    const email = "newcomer@test.clinic";
    const since = new Date();
    const refused = await ssoSignIn(email);
    expect(refused.to.pathname + refused.to.search).toBe("/signin?error=SSO_UNKNOWN_ACCOUNT");
    expect(await db.user.findUnique({ where: { email } })).toBeNull();
    expect(await lastSsoAudit(since)).toMatchObject({ outcome: "FAILURE", reason: "SSO_UNKNOWN_ACCOUNT", email });

    await db.clinic.update({ where: { id: world.clinic.id }, data: { ssoCreateAccounts: true, ssoCreateRole: "CLINICIAN" } });
    try {
      const { to } = await ssoSignIn(email);
      expect(to.pathname).toBe("/patients");
      const created = await db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
      expect({
        role: created.role,
        clinics: created.memberships.map((m) => m.clinicId),
        active: created.active,
        name: created.name,
      }).toEqual({
        role: "CLINICIAN",
        clinics: [world.clinic.id],
        active: true,
        name: "SSO newcomer",
      });
      expect(await db.auditEvent.count({ where: { action: "USER_CREATE", targetId: created.id } })).toBe(1);
      expect(await db.session.count({ where: { userId: created.id, method: "SSO" } })).toBe(1);
      // The unverified are never given an account.
      const unverified = await ssoSignIn("unverified-newcomer@test.clinic");
      expect(unverified.to.search).toBe("?error=SSO_EMAIL_NOT_VERIFIED");
      expect(await db.user.findUnique({ where: { email: "unverified-newcomer@test.clinic" } })).toBeNull();
    } finally {
      await db.clinic.update({ where: { id: world.clinic.id }, data: { ssoCreateAccounts: false, ssoCreateRole: "READ_ONLY" } });
    }
  });

  it("with single sign-on required, refuses a non-admin's password and says to use SSO; the admin keeps the password", async () => {
    const clinic = await db.clinic.create({ data: { name: "SSO-only clinic", requireSso: true } });
    const clinician = await member({ clinicId: clinic.id });
    const admin = await member({ clinicId: clinic.id, role: "ADMIN" });
    const password = async (email: string, pw = TEST_PASSWORD) => {
      const browser = new AppBrowser();
      const { csrfToken } = (await browser.call("GET", "/api/auth/csrf")).body as { csrfToken: string };
      const res = await browser.call("POST", "/api/auth/callback/credentials", {
        csrfToken,
        email,
        password: pw,
        callbackUrl: `${APP}/patients`,
        json: "true",
      });
      return new URL(res.redirect!, APP).searchParams.get("error");
    };
    expect(await password(clinician.email)).toBe("SSO_REQUIRED");
    // A wrong password says nothing more than any wrong password.
    expect(await password(clinician.email, "wrong password")).toBe("CredentialsSignin");
    expect(await password(admin.email)).toBeNull();
    expect(await db.session.count({ where: { userId: clinician.id } })).toBe(0);
    const denied = await db.auditEvent.findFirstOrThrow({ where: { userId: clinician.id, action: "SIGN_IN", outcome: "DENIED" } });
    expect(JSON.parse(denied.details)).toMatchObject({ reason: "SSO_REQUIRED", clinicId: clinic.id });
    // Single sign-on still works for the clinician.
    expect((await ssoSignIn(clinician.email)).to.pathname).toBe("/patients");
  });
});

describe("a clinic's single sign-on settings (admin)", () => {
  it("are saved and audited by the clinic's admin, never with ADMIN as the created role", async () => {
    const { setClinicSso } = await import("@/lib/features/clinics/data");
    const { DataError } = await import("@/lib/server/errors");
    const clinicId = world.otherClinic.id;
    const admin = { ...world.actors.admin, clinicIds: [world.clinic.id, clinicId] };
    await setClinicSso(admin, clinicId, { createAccounts: true, createRole: "CLINICIAN", requireSso: true }, true);
    expect(
      await db.clinic.findUniqueOrThrow({
        where: { id: clinicId },
        select: { ssoCreateAccounts: true, ssoCreateRole: true, requireSso: true },
      }),
    ).toEqual({
      ssoCreateAccounts: true,
      ssoCreateRole: "CLINICIAN",
      requireSso: true,
    });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "CLINIC_SETTINGS_UPDATE", targetId: clinicId },
      orderBy: { seq: "desc" },
    });
    expect(JSON.parse(audit.details)).toEqual({
      ssoCreateAccounts: { from: false, to: true },
      ssoCreateRole: { from: "READ_ONLY", to: "CLINICIAN" },
      requireSso: { from: false, to: true },
    });

    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e instanceof DataError ? { code: e.code, fields: e.fields } : e),
      );
    expect(
      await refusal(setClinicSso(admin, clinicId, { createAccounts: true, createRole: "ADMIN", requireSso: false }, true)),
    ).toMatchObject({
      code: "VALIDATION",
      fields: { ssoCreateRole: expect.stringContaining("administrators are never created") },
    });
    // Turning it on without an identity provider would lock the members out.
    await setClinicSso(admin, clinicId, { createAccounts: false, createRole: "READ_ONLY", requireSso: false }, true);
    expect(
      await refusal(setClinicSso(admin, clinicId, { createAccounts: false, createRole: "READ_ONLY", requireSso: true }, false)),
    ).toMatchObject({
      code: "VALIDATION",
      fields: { requireSso: expect.stringContaining("No identity provider") },
    });
    // A clinician may not, and an admin of another clinic does not find it.
    expect(
      await refusal(
        setClinicSso(world.actors.clinician, world.clinic.id, { createAccounts: true, createRole: "CLINICIAN", requireSso: false }, true),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(
      await refusal(setClinicSso(world.actors.admin, clinicId, { createAccounts: true, createRole: "CLINICIAN", requireSso: false }, true)),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await db.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { ssoCreateAccounts: true, requireSso: true } })).toEqual({
      ssoCreateAccounts: false,
      requireSso: false,
    });
  });
});
