import { describe, expect, it } from "vitest";
import { allowConsoleError, BASE_URL, gotoReady, screenshot, useBrowser } from "./support/browser";

describe("signed out", () => {
  const browser = useBrowser();

  it("GET /patients redirects to /signin, keeping where the user was going", async () => {
    const res = await fetch(new URL("/patients?q=abc", BASE_URL), { redirect: "manual" });
    expect([302, 303, 307, 308]).toContain(res.status);
    const location = new URL(res.headers.get("location") ?? "", BASE_URL);
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("callbackUrl")).toBe("/patients?q=abc");
  });

  it("an API route without a session or token answers 401 JSON", async () => {
    for (const path of ["/api/anything", "/api/patients"]) {
      const res = await fetch(new URL(path, BASE_URL), { redirect: "manual" });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/json/);
      const body = (await res.json()) as { error?: { code?: string } };
      expect(body.error?.code, path).toBe("UNAUTHENTICATED");
    }
  });

  it("the browser lands on the sign-in page, and a wrong password is refused there", async () => {
    const page = await browser.newPage();
    await page.goto("/patients/new");
    expect(new URL(page.url()).pathname).toBe("/signin");
    await gotoReady(page, page.url());
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Sign in");
    // Security headers come from proxy.ts on every page.
    const res = await page.request.get("/signin");
    expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers()["x-frame-options"]).toBe("DENY");
    await screenshot(page, "sign-in");

    // An unknown account (no lockout counter is touched); next-auth answers 401, which Chromium logs.
    allowConsoleError(page, /status of 401/);
    await page.fill("#email", "nobody@demo.clinic");
    await page.fill("#password", "not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.locator("#signin-error");
    await alert.waitFor();
    expect(await alert.getAttribute("role")).toBe("alert");
    expect(await alert.textContent()).toMatch(/Sign-in failed/);
    expect(new URL(page.url()).pathname).toBe("/signin");
  });

  it("a sign-in form sent before the page's script runs cannot put the password in the URL", async () => {
    // The server's HTML, as a browser has it before hydration: a POST form, its button disabled.
    const html = await (await fetch(new URL("/signin", BASE_URL))).text();
    const form = html.match(/<form[^>]*>/)?.[0] ?? "";
    expect(form).toMatch(/method="post"/i);
    const button = html.match(/<button[^>]*type="submit"[^>]*>/)?.[0] ?? "";
    expect(button).toMatch(/disabled/);
    // Once hydrated, the same button works (the sign-in tests use it).
    const page = await browser.newPage();
    await gotoReady(page, "/signin");
    expect(await page.getByRole("button", { name: "Sign in" }).isEnabled()).toBe(true);
  });
});
