import { describe, expect, it } from "vitest";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { sessionCookie } from "./support/server-action";

describe("admin: user management and first sign-in", () => {
  const browser = useBrowser();
  const db = useDb();

  it("creates a user with a temporary password, who must choose a new one before anything else", async () => {
    const email = `e2e-${uniqueSuffix().toLowerCase()}@demo.clinic`;
    const temporary = "temporary-pass-2026";
    const chosen = "my own passphrase for cramps";

    // The admin creates the user.
    const admin = await browser.newPage();
    await signIn(admin, "admin@demo.clinic");
    await Promise.all([admin.waitForURL("**/admin/users"), admin.getByRole("link", { name: "Users" }).click()]);
    await admin.getByRole("heading", { level: 1, name: "Users" }).waitFor();
    await gotoReady(admin, "/admin/users", "section[aria-labelledby=new-user] form");
    await admin.fill("#new-name", "Erin Example");
    await admin.fill("#new-email", email);
    await admin.selectOption("#new-role", "CLINICIAN");
    await admin.getByRole("checkbox", { name: "Demo Clinic" }).check();
    await admin.fill("#new-password", temporary);
    await admin.getByRole("button", { name: "Create user" }).click();
    await admin.getByRole("status").filter({ hasText: `Created ${email}` }).waitFor();
    const row = admin.locator("table.data tbody tr").filter({ hasText: email });
    await row.waitFor();
    expect(await row.locator("td").first().textContent()).toBe("Erin Example");
    expect(await row.getByText("Temporary password").count()).toBe(1);
    expect(await row.locator("td").nth(2).textContent()).toBe("Demo Clinic");
    await screenshot(admin, "users");

    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(user).toMatchObject({ name: "Erin Example", role: "CLINICIAN", mustChangePassword: true, active: true });

    // First sign-in with the temporary password lands on the password change, and stays there.
    const page = await browser.newPage();
    await signIn(page, email, { password: temporary, expectPath: "/account/password" });
    await page.getByRole("heading", { level: 1, name: "Change your password" }).waitFor();
    await page.getByText("You signed in with a temporary password").waitFor();
    expect(await page.locator("nav[aria-label=Main]").getByRole("link", { name: "Patients" }).count()).toBe(0);
    await page.goto("/patients");
    expect(new URL(page.url()).pathname).toBe("/account/password");

    await gotoReady(page, "/account/password", "main form");
    await page.fill("#currentPassword", temporary);
    await page.fill("#newPassword", chosen);
    await page.fill("#confirmPassword", chosen);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/patients"),
      page.getByRole("button", { name: "Change password" }).click(),
    ]);
    await page.getByRole("heading", { level: 1, name: "Patients" }).waitFor();
    // The header shows the navigation again without a reload (the action revalidates the layout).
    await page.locator("nav[aria-label=Main]").getByText("Erin Example").waitFor();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    expect(await page.locator("table.data tbody tr").count()).toBeGreaterThan(0);
    expect((await db.user.findUniqueOrThrow({ where: { email } })).mustChangePassword).toBe(false);

    // The new password works from now on; the temporary one no longer does.
    const again = await browser.newPage();
    await signIn(again, email, { password: chosen });
    await expect(sessionCookie(email, temporary)).rejects.toThrow(/failed/);
  });
});
