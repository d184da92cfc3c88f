/**
 * Single sign-on in Chromium, through the real OpenID Connect provider that scripts/e2e.ts starts
 * (oidc-provider, its own login page; OIDC_NAME "Hospital login"): the button, the provider's
 * page, the way back, a refusal in words, and the clinic settings an admin changes.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { allowConsoleError, gotoReady, screenshot, signIn, useBrowser, waitForHydration } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { createUser } from "../factories/users";

const PASSWORD = "single sign-on e2e passphrase";
const ISSUER = process.env.E2E_OIDC_ISSUER ?? "";

/** From /signin through the provider's login page, typing `login` (the provider's test accounts: the login is the email). */
async function signInBySso(page: Page, login: string, expectPath = "/patients") {
  await gotoReady(page, "/signin");
  await page.getByRole("link", { name: "Sign in with Hospital login" }).click();
  await page.waitForURL((url) => url.origin === ISSUER && url.pathname.startsWith("/interaction/"));
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", "any password");
  await Promise.all([
    page.waitForURL((url) => url.origin !== ISSUER && url.pathname === expectPath, { waitUntil: "load" }),
    page.getByRole("button", { name: "Sign-in" }).click(),
  ]);
}

describe("single sign-on", () => {
  const browser = useBrowser();
  const db = useDb();

  async function clinicWithUsers() {
    const suffix = uniqueSuffix().toLowerCase();
    const clinic = await db.clinic.create({ data: { name: `SSO Clinic ${suffix}` } });
    const mk = (who: string, role: "ADMIN" | "CLINICIAN") =>
      createUser(db, {
        email: `sso-${who}-${suffix}@demo.clinic`,
        name: `SSO ${who} ${suffix}`,
        role,
        clinicIds: [clinic.id],
        password: PASSWORD,
      });
    return { suffix, clinic, admin: await mk("admin", "ADMIN"), user: await mk("user", "CLINICIAN") };
  }

  it("signs a clinician in through the identity provider's login page, matched by verified email", async () => {
    expect(ISSUER, "E2E_OIDC_ISSUER (set by scripts/e2e.ts)").toMatch(/^http:/);
    const { user } = await clinicWithUsers();
    const page = await browser.newPage();
    await signInBySso(page, user.email);
    await page.getByText(user.name).first().waitFor();
    const sessions = await db.session.findMany({ where: { userId: user.id } });
    expect(sessions.map((s) => s.method)).toEqual(["SSO"]);
    await screenshot(page, "sso-signed-in");
  });

  it("refuses an unverified email with words on the sign-in page", async () => {
    const page = await browser.newPage();
    await signInBySso(page, `unverified-${uniqueSuffix().toLowerCase()}@demo.clinic`, "/signin");
    await expect(page.locator("#sso-error").textContent()).resolves.toContain("not verified at the identity provider");
    // The password form is still there beside it.
    await page.locator("#password").waitFor();
    await screenshot(page, "sso-refused-unverified");
  });

  it("lets an admin require single sign-on and create accounts: a clinician's password is refused, a newcomer gets an account", async () => {
    const { suffix, clinic, admin, user } = await clinicWithUsers();
    const adminPage = await browser.newPage();
    await signIn(adminPage, admin.email, { password: PASSWORD });
    await gotoReady(adminPage, "/admin/clinics", null);
    const section = adminPage.getByRole("region", { name: clinic.name });
    await waitForHydration(adminPage, "main form");
    await section.getByLabel("Create accounts from the identity provider").check();
    await section.getByLabel("Role of accounts created this way").selectOption({ label: "Clinician" });
    await section.getByLabel("Require single sign-on").check();
    await section.locator("fieldset").getByRole("button", { name: "Save" }).click();
    await section.getByText("Single sign-on settings saved.").waitFor();
    // The form shows what was saved, not what it first rendered with.
    await expect.poll(() => section.getByLabel("Role of accounts created this way").inputValue()).toBe("CLINICIAN");
    expect(
      await db.clinic.findUniqueOrThrow({
        where: { id: clinic.id },
        select: { ssoCreateAccounts: true, ssoCreateRole: true, requireSso: true },
      }),
    ).toEqual({
      ssoCreateAccounts: true,
      ssoCreateRole: "CLINICIAN",
      requireSso: true,
    });
    await screenshot(adminPage, "sso-clinic-settings");

    // The clinician's right password: refused, with words saying to use single sign-on.
    const page = await browser.newPage();
    allowConsoleError(page, /status of 401/);
    await gotoReady(page, "/signin");
    await page.fill("#email", user.email);
    await page.fill("#password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.locator("#signin-error").textContent()).resolves.toContain("Your clinic requires single sign-on");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    // ...and single sign-on works for the same person.
    await signInBySso(page, user.email);

    // Someone the provider knows, with no account yet: created in this clinic, as a clinician.
    const newcomer = `sso-new-${suffix}@demo.clinic`;
    const third = await browser.newPage();
    await signInBySso(third, newcomer);
    const created = await db.user.findUniqueOrThrow({ where: { email: newcomer }, include: { memberships: true } });
    expect({ role: created.role, clinics: created.memberships.map((m) => m.clinicId) }).toEqual({
      role: "CLINICIAN",
      clinics: [clinic.id],
    });

    // Back to the defaults: no other test's unknown emails land in this clinic.
    await db.clinic.update({ where: { id: clinic.id }, data: { ssoCreateAccounts: false } });
  });
});
