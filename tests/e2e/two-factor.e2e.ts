import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { base32Decode, totp, totpStep } from "@/lib/server/auth/totp";
import { expectAccessible } from "./support/axe";
import { allowConsoleError, gotoReady, screenshot, signIn, useBrowser, waitForHydration } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { findServerAction, sessionCookie, submitFormAction } from "./support/server-action";
import { createUser } from "../factories/users";

const PASSWORD = "two-factor e2e passphrase";

/** Password, then (when the form asks) the code; waits for /patients or for `expectPath`. */
async function signInWithCode(page: Page, email: string, code: string, opts: { expectPath?: string } = {}) {
  // next-auth answers the password step with 401 (a code is needed), which Chromium logs.
  allowConsoleError(page, /status of 401/);
  await gotoReady(page, "/signin");
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#otp").waitFor();
  await page.fill("#otp", code);
  await Promise.all([
    page.waitForURL((url) => url.pathname === (opts.expectPath ?? "/patients"), { waitUntil: "load" }),
    page.getByRole("button", { name: "Verify" }).click(),
  ]);
}

/** Sets up two-factor sign-in on /account/two-factor for the signed-in page; returns the secret and recovery codes. */
async function enrolInBrowser(page: Page): Promise<{ secret: Buffer; codes: string[]; enrolledAt: number }> {
  await gotoReady(page, "/account/two-factor", "main form");
  await page.fill("#start-password", PASSWORD);
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const secret = base32Decode((await page.locator("#totp-secret").textContent())!);
  await waitForHydration(page, "form[aria-label='Confirm two-factor sign-in']");
  const enrolledAt = Date.now();
  await page.fill("#confirm-code", totp(secret, enrolledAt));
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await page.locator("#recovery-codes li").first().waitFor();
  const codes = (await page.locator("#recovery-codes li").allTextContents()).map((c) => c.trim());
  return { secret, codes, enrolledAt };
}

describe("two-factor sign-in", () => {
  const browser = useBrowser();
  const db = useDb();

  /** A clinic of its own, so its requirement touches no other test's users. */
  async function clinicWithUsers() {
    const suffix = uniqueSuffix().toLowerCase();
    const clinic = await db.clinic.create({ data: { name: `Two-factor Clinic ${suffix}` } });
    const mk = (who: string, role: "ADMIN" | "CLINICIAN") =>
      createUser(db, { email: `tf-${who}-${suffix}@demo.clinic`, name: `TF ${who} ${suffix}`, role, clinicIds: [clinic.id], password: PASSWORD });
    return { clinic, admin: await mk("admin", "ADMIN"), user: await mk("user", "CLINICIAN"), other: await mk("other", "CLINICIAN") };
  }

  it("enrols with a QR code and a confirming code, then signs in with a code or a recovery code once", async () => {
    const { user } = await clinicWithUsers();
    const page = await browser.newPage();
    await signIn(page, user.email, { password: PASSWORD });
    await page.goto("/account");
    await page.getByText("Off: signing in asks for your password only.").waitFor();
    await Promise.all([page.waitForURL("**/account/two-factor"), page.getByRole("link", { name: "Set up two-factor sign-in" }).click()]);

    await gotoReady(page, "/account/two-factor", "main form");
    await page.fill("#start-password", PASSWORD);
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
    expect(await page.getByRole("img", { name: "QR code for your authenticator app" }).getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    await expectAccessible(page, "two-factor set-up");
    await screenshot(page, "two-factor-setup");
    const secret = base32Decode((await page.locator("#totp-secret").textContent())!);
    expect(secret).toHaveLength(20);

    await waitForHydration(page, "form[aria-label='Confirm two-factor sign-in']");
    await page.fill("#confirm-code", "000000");
    await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    await page.locator("#confirm-code-error").filter({ hasText: "does not match" }).waitFor();
    const enrolledAt = Date.now();
    await page.fill("#confirm-code", totp(secret, enrolledAt));
    await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    await page.locator("#recovery-codes li").first().waitFor();
    const codes = (await page.locator("#recovery-codes li").allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await screenshot(page, "two-factor-recovery-codes");
    await Promise.all([page.waitForURL("**/account/two-factor"), page.getByRole("link", { name: "I have saved my recovery codes" }).click()]);
    await page.getByText("Two-factor sign-in is on. You have 10 unused recovery codes.").waitFor();
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { recoveryCodes: true } });
    expect(stored.totpEnabled).toBe(true);
    expect(stored.recoveryCodes.every((r) => r.codeHash.startsWith("$argon2id$"))).toBe(true);

    // Password alone no longer signs in: the form asks for the code; a wrong one is refused.
    const second = await browser.newPage();
    allowConsoleError(second, /status of 401/);
    await gotoReady(second, "/signin");
    await second.fill("#email", user.email);
    await second.fill("#password", PASSWORD);
    await second.getByRole("button", { name: "Sign in" }).click();
    await second.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
    await expectAccessible(second, "sign-in code step");
    await second.fill("#otp", "000000");
    await second.getByRole("button", { name: "Verify" }).click();
    await second.locator("#signin-error").filter({ hasText: "That code was not right" }).waitFor();
    expect(new URL(second.url()).pathname).toBe("/signin");
    // The code of the step after enrolment's (a code signs in once, so not enrolment's own).
    const next = totp(secret, (totpStep(enrolledAt) + 1) * 30_000);
    await second.fill("#otp", next);
    await Promise.all([second.waitForURL((url) => url.pathname === "/patients"), second.getByRole("button", { name: "Verify" }).click()]);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).failedSignIns).toBe(0);

    // A recovery code signs in once.
    const third = await browser.newPage();
    await signInWithCode(third, user.email, codes[0].toUpperCase());
    const fourth = await browser.newPage();
    allowConsoleError(fourth, /status of 401/);
    await gotoReady(fourth, "/signin");
    await fourth.fill("#email", user.email);
    await fourth.fill("#password", PASSWORD);
    await fourth.getByRole("button", { name: "Sign in" }).click();
    await fourth.fill("#otp", codes[0]);
    await fourth.getByRole("button", { name: "Verify" }).click();
    await fourth.locator("#signin-error").filter({ hasText: "That code was not right" }).waitFor();

    const audit = await db.auditEvent.findMany({ where: { userId: user.id, action: { startsWith: "TWO_FACTOR" } }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => `${a.action} ${a.outcome}`)).toEqual([
      "TWO_FACTOR_ENROLMENT_START SUCCESS",
      "TWO_FACTOR_ENABLE FAILURE",
      "TWO_FACTOR_ENABLE SUCCESS",
      "TWO_FACTOR_RECOVERY_CODE_USED SUCCESS",
    ]);
  });

  it("an admin's requirement sends a member without it to set-up, and nothing else works until then", async () => {
    const { clinic, admin, other } = await clinicWithUsers();
    const adminPage = await browser.newPage();
    await signIn(adminPage, admin.email, { password: PASSWORD });
    const requireIt = async () => {
      await gotoReady(adminPage, "/admin/users", `form[aria-label='Two-factor sign-in for ${clinic.name}']`);
      await adminPage.getByRole("button", { name: `Require for ${clinic.name}` }).click();
    };
    // Only an admin who signs in with two factors may require them of others.
    await requireIt();
    await adminPage.getByText("Turn on two-factor sign-in for your own account first").waitFor();
    expect((await db.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).requireTwoFactor).toBe(false);
    await enrolInBrowser(adminPage);
    await requireIt();
    await adminPage.getByText("Two-factor sign-in is now required.").waitFor();
    await expectAccessible(adminPage, "users page with the two-factor requirement");
    expect((await db.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).requireTwoFactor).toBe(true);

    // The member signs in with the password and is held on the set-up page.
    const page = await browser.newPage();
    await signIn(page, other.email, { password: PASSWORD, expectPath: "/account/two-factor" });
    await page.getByText(`${clinic.name} requires two-factor sign-in. Set it up to continue.`).waitFor();
    await page.goto("/patients");
    expect(new URL(page.url()).pathname).toBe("/account/two-factor");

    // Nor can the session be used outside the pages: actions and the API refuse it.
    const cookie = await sessionCookie(other.email, PASSWORD);
    const refused = await submitFormAction(findServerAction("createPatientAction", "app/patients/actions.ts"), { mrn: `TF-${uniqueSuffix()}`, medRows: "0" }, { cookie });
    expect(refused.result).toMatchObject({ status: "error", message: "Please sign in." });
    const api = await fetch(new URL("/api/v1/patients", process.env.E2E_BASE_URL), { headers: { Cookie: cookie } });
    expect(api.status).toBe(401);

    // Set-up lifts the hold.
    await enrolInBrowser(page);
    await Promise.all([page.waitForURL("**/patients"), page.getByRole("link", { name: "I have saved my recovery codes" }).click()]);
    await page.getByRole("heading", { level: 1, name: "Patients" }).waitFor();

    const change = await db.auditEvent.findFirstOrThrow({ where: { action: "TWO_FACTOR_REQUIREMENT_CHANGE", targetId: clinic.id } });
    expect(change).toMatchObject({ userId: admin.id, outcome: "SUCCESS" });
  });
});

