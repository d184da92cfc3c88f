/**
 * Chromium (Debian's, driven by playwright-core) for the e2e tests.
 *
 * `useBrowser()` launches one browser per test file and hands out pages in fresh contexts
 * (separate cookie jars, so two users can be signed in at once). Console errors, uncaught page
 * errors and HTTP 5xx answers on any of those pages fail the test that opened them; only the
 * browser's own request for /favicon.ico may 404.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

export const BASE_URL = process.env.E2E_BASE_URL ?? "";
export const DEMO_PASSWORD = "cramp-demo-2026";
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Containers often have a 64 MB /dev/shm, which crashes Chromium's renderers under load.
  "--disable-dev-shm-usage",
];
export const SCREENSHOT_DIR = path.resolve("test-results", "screenshots");

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

interface Tracked {
  page: Page;
  problems: string[];
  allowed: RegExp[];
}

const tracked = new WeakMap<Page, Tracked>();

/** Lets one page's test expect a console error matching `pattern` (e.g. a deliberate 401). */
export function allowConsoleError(page: Page, pattern: RegExp): void {
  tracked.get(page)?.allowed.push(pattern);
}

/** Registers the file's browser hooks; call once at the top of a test file. */
export function useBrowser() {
  let browser: Browser | undefined;
  let open: Tracked[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    const pages = open;
    open = [];
    // Let late console messages of the last navigation arrive before judging.
    await Promise.all(pages.map((t) => t.page.waitForLoadState("load").catch(() => {})));
    const problems = pages.flatMap((t) => t.problems.filter((p) => !t.allowed.some((re) => re.test(p))));
    await Promise.all(pages.map((t) => t.page.context().close().catch(() => {})));
    expect(problems, "console errors, page errors or HTTP 5xx in the browser").toEqual([]);
  });

  return {
    /** A page in a new browser context (own cookies), with relative URLs resolved against the server; `phone` adds touch. */
    async newPage(opts: { viewport?: { width: number; height: number }; phone?: boolean } = {}): Promise<Page> {
      if (!browser) throw new Error("useBrowser(): the browser is not running (call newPage inside a test)");
      const context = await browser.newContext({
        baseURL: BASE_URL,
        viewport: opts.viewport ?? { width: 1280, height: 900 },
        // A phone: touch events and a mobile viewport (the patient's diary).
        ...(opts.phone ? { hasTouch: true, isMobile: true } : {}),
      });
      context.setDefaultTimeout(15_000);
      context.setDefaultNavigationTimeout(30_000);
      const page = await context.newPage();
      const t: Tracked = { page, problems: [], allowed: [] };
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        const where = msg.location().url;
        if (/\/favicon\.ico(\?|$)/.test(where) && /404/.test(msg.text())) return;
        t.problems.push(`console.error on ${page.url()}: ${msg.text()}${where ? ` (${where})` : ""}`);
      });
      page.on("pageerror", (error) => t.problems.push(`page error on ${page.url()}: ${error.message}`));
      page.on("response", (res) => {
        if (res.status() >= 500) t.problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
      });
      tracked.set(page, t);
      open.push(t);
      return page;
    },
  };
}

/**
 * Waits until React has hydrated the element (its fiber is attached). Interacting earlier would
 * submit forms natively instead of through their handlers and actions.
 */
export async function waitForHydration(page: Page, selector = "form"): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      return !!el && Object.keys(el).some((k) => k.startsWith("__reactFiber$") || k.startsWith("__reactProps$"));
    },
    selector,
  );
}

/** Opens a page and waits for its forms to hydrate. */
export async function gotoReady(page: Page, url: string, hydrate: string | null = "main form") {
  const response = await page.goto(url);
  if (hydrate) await waitForHydration(page, hydrate);
  return response;
}

/**
 * Opens `url` expecting the app's not-found page (HTTP 404). Chromium logs a 404 document load
 * as a console error; that one message, for this URL only, is expected.
 */
export async function gotoNotFound(page: Page, url: string): Promise<void> {
  const absolute = new URL(url, BASE_URL).href;
  const escaped = absolute.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  allowConsoleError(page, new RegExp(`status of 404 .*\\(${escaped}\\)$`));
  const response = await page.goto(url);
  expect(response?.status(), `${url} should answer 404`).toBe(404);
  await page.getByRole("heading", { level: 1, name: "Not found" }).waitFor();
}

/**
 * Signs in through /signin. Waits for the page the app sends the user to: /patients, or
 * `expectPath` (e.g. /account/password for a temporary password).
 */
export async function signIn(page: Page, email: string, opts: { password?: string; expectPath?: string } = {}): Promise<void> {
  const expectPath = opts.expectPath ?? "/patients";
  await gotoReady(page, "/signin");
  await page.fill("#email", email);
  await page.fill("#password", opts.password ?? DEMO_PASSWORD);
  const arrived = page.waitForURL((url) => url.pathname === expectPath, { waitUntil: "load" });
  // A refused sign-in shows #signin-error and stays put: fail at once with its text.
  const refused = page
    .locator("#signin-error")
    .waitFor({ timeout: 30_000 })
    .then(async () => {
      throw new Error(`Sign-in as ${email} was refused: ${await page.locator("#signin-error").textContent()}`);
    });
  refused.catch(() => {}); // settled either way; only the race below reports it
  await page.getByRole("button", { name: "Sign in" }).click();
  await Promise.race([arrived, refused]);
}

/** Saves a full-page PNG to test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
