import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

/** The chart's tabs: their path under /patients/[id] and the heading each one shows. */
const TABS = [
  { name: "Overview", path: "", heading: { level: 2, name: "Overview" } },
  { name: "Episodes", path: "/episodes", heading: { level: 2, name: /^Episodes \(\d+\)$/ } },
  { name: "Visits and labs", path: "/visits", heading: { level: 2, name: /^Visits \(\d+\)$/ } },
  { name: "Checklist", path: "/checklist", heading: { level: 2, name: "Assessment" } },
  { name: "Trends", path: "/trends", heading: { level: 2, name: "Trends" } },
  { name: "Reports and diary", path: "/reports", heading: { level: 2, name: "Reports and exports" } },
  { name: "History", path: "/history", heading: { level: 2, name: "Medical history" } },
] as const;

type Tab = (typeof TABS)[number];

/** The patient chart: tabs that are routes, a header that stays in view, recording one key away. */
describe("patient chart", () => {
  const browser = useBrowser();
  const db = useDb();
  let patientId = "";
  let name = "";

  beforeAll(async () => {
    // The Demo Clinic patient with the most episodes: every tab has something to show.
    const clinic = await db.clinic.findFirstOrThrow({ where: { name: "Demo Clinic" } });
    const [top] = await db.episode.groupBy({
      by: ["patientId"],
      where: { clinicId: clinic.id, deletedAt: null },
      _count: { _all: true },
      orderBy: { _count: { patientId: "desc" } },
      take: 1,
    });
    const patient = await db.patient.findUniqueOrThrow({ where: { id: top.patientId } });
    patientId = patient.id;
    name = `${patient.familyName}, ${patient.givenName}`;
  });

  const tabs = (page: Page) => page.getByRole("navigation", { name: "Patient chart" });
  const tabLink = (page: Page, tab: Tab) => tabs(page).getByRole("link", { name: tab.name, exact: true });
  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? "");

  /** The tab's URL, its heading, the header and the tab marked as the current page. */
  async function expectOnTab(page: Page, tab: Tab) {
    await page.waitForURL((url) => url.pathname === `/patients/${patientId}${tab.path}`);
    await page.getByRole("heading", { ...tab.heading, exact: true }).waitFor();
    await page.getByRole("heading", { level: 1, name }).waitFor();
    expect(await tabLink(page, tab).getAttribute("aria-current"), `${tab.name} is the current tab`).toBe("page");
    expect(await tabs(page).locator("a[aria-current=page]").count()).toBe(1);
  }

  /** Presses Tab until the link has the focus (as a keyboard user would). */
  async function tabTo(page: Page, link: Locator) {
    for (let i = 0; i < 80; i++) {
      if (await link.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`Tab never reached ${await link.textContent()}`);
  }

  it("the Overview lists the causes the record suggests, each one the checklist tab marks as suggested", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patientId}`, null);
    const overview = page.getByTestId("overview-causes");
    await overview.waitFor();
    const causes = await overview.locator("li[data-cause]").evaluateAll((items) => items.map((li) => li.getAttribute("data-cause")!));
    expect(causes.length).toBeGreaterThan(0);
    // Each with a reason in words, not a code.
    for (const text of await overview.locator("li").allTextContents()) expect(text).not.toMatch(/[A-Z]{3,}_[A-Z]/);
    await gotoReady(page, `/patients/${patientId}/checklist`, null);
    for (const cause of causes) {
      const row = page.locator(`[data-testid=checklist] tr[data-cause="${cause}"]`);
      expect(await row.getAttribute("class"), cause).toMatch(/suggested|settled/);
    }
  });

  it("moves between every tab by keyboard: Tab to the link, Enter", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patientId}`, "nav[aria-label='Patient chart']");
    await expectOnTab(page, TABS[0]);
    for (const tab of [...TABS.slice(1), TABS[0]]) {
      await tabTo(page, tabLink(page, tab));
      await page.keyboard.press("Enter");
      await expectOnTab(page, tab);
    }
    // The arrow keys move along the tabs too (Home and End to either end).
    await tabLink(page, TABS[0]).focus();
    await page.keyboard.press("ArrowRight");
    expect(await focusedText(page)).toBe("Episodes");
    await page.keyboard.press("End");
    expect(await focusedText(page)).toBe("History");
    await page.keyboard.press("ArrowRight");
    expect(await focusedText(page)).toBe("Overview");
  });

  it("a link to a tab opens that tab, directly and after a reload, with its query", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patientId}/visits`, null);
    await expectOnTab(page, TABS[2]);
    await page.getByRole("heading", { level: 2, name: "Lab trends" }).waitFor();
    await page.reload();
    await expectOnTab(page, TABS[2]);

    // The episode filters are in the URL: a shared link keeps them.
    await gotoReady(page, `/patients/${patientId}/episodes?review=1`, null);
    await expectOnTab(page, TABS[1]);
    expect(await page.getByRole("checkbox", { name: "Marked for review only" }).isChecked()).toBe(true);
    await page.reload();
    expect(await page.getByRole("checkbox", { name: "Marked for review only" }).isChecked()).toBe(true);

    // A deeper page keeps the chart around it, its tab marked as the section.
    const episode = await db.episode.findFirstOrThrow({ where: { patientId, deletedAt: null } });
    await gotoReady(page, `/patients/${patientId}/episodes/${episode.id}`, null);
    await page.getByRole("heading", { level: 1, name }).waitFor();
    expect(await tabLink(page, TABS[1]).getAttribute("aria-current")).toBe("true");
  });

  it("N and V open the record forms, focused, from any tab; not while typing", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patientId}`, "nav[aria-label='Patient chart']");
    await page.keyboard.press("n");
    await page.waitForURL((url) => url.pathname.endsWith("/episodes") && url.searchParams.get("record") === "1");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ep-duration");
    expect(await page.locator("details#record").getAttribute("open")).not.toBeNull();

    // Typed into a field, the letters are text.
    await page.locator("#ep-notes").fill("");
    await page.locator("#ep-notes").pressSequentially("nv");
    expect(await page.locator("#ep-notes").inputValue()).toBe("nv");
    expect(new URL(page.url()).pathname).toBe(`/patients/${patientId}/episodes`);

    await page.locator("#ep-notes").blur();
    await page.keyboard.press("v");
    await page.waitForURL((url) => url.pathname.endsWith("/visits") && url.searchParams.get("record") === "1");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("v-systolic");

    // The header's button does the same from another tab, and again on its own tab.
    await gotoReady(page, `/patients/${patientId}/trends`, "nav[aria-label='Patient chart']");
    await page.getByRole("link", { name: /^Record episode/ }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ep-duration");
    await page.locator("details#record > summary").click(); // fold it
    expect(await page.locator("details#record").getAttribute("open")).toBeNull();
    await page.getByRole("link", { name: /^Record episode/ }).click();
    await expect.poll(() => page.locator("details#record").getAttribute("open")).not.toBeNull();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ep-duration");
  });

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 820, height: 1180 },
  ]) {
    it(`every tab at ${viewport.width} px: axe finds nothing serious, the header does not wrap`, async () => {
      const page = await browser.newPage({ viewport });
      await signIn(page, "clinician@demo.clinic");
      for (const tab of TABS) {
        await gotoReady(page, `/patients/${patientId}${tab.path}`, null);
        await expectOnTab(page, tab);
        await expectAccessible(page, `chart tab ${tab.name}`);
        const header = await page.evaluate(() => {
          const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect();
          // Rows of the element's children: a child starting below the bottom of the row so far starts a new one.
          const lines = (sel: string) => {
            const el = document.querySelector<HTMLElement>(sel);
            if (!el) return 0;
            const boxes = Array.from(el.children).map((c) => c.getBoundingClientRect()).filter((b) => b.width > 0).sort((a, b) => a.top - b.top);
            let rows = 0;
            let bottom = -Infinity;
            for (const b of boxes) {
              if (b.top >= bottom - 1) rows += 1;
              bottom = Math.max(bottom, b.bottom);
            }
            return rows;
          };
          return {
            tabsLines: lines(".chart-tabs"),
            statusLines: lines(".chart-status"),
            recordLines: lines(".chart-record"),
            titleHeight: box(".chart-who h1")?.height ?? 0,
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          };
        });
        expect(header, `${tab.name} at ${viewport.width} px`).toMatchObject({ tabsLines: 1, statusLines: 1, recordLines: 1 });
        expect(header.overflow, `${tab.name} at ${viewport.width} px scrolls sideways`).toBeLessThanOrEqual(1);
        // The name, age and MRN sit on one line (baseline-aligned: up to a few pixels apart).
        expect(header.titleHeight).toBeLessThan(40);
        await screenshot(page, `chart-${tab.path.slice(1) || "overview"}-${viewport.width}`);
      }
      // The header stays in view while the page scrolls.
      await gotoReady(page, `/patients/${patientId}/episodes`, null);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(150);
      expect(await page.locator(".chart-header").evaluate((el) => el.getBoundingClientRect().top)).toBe(0);
      await expect.poll(() => page.getByRole("heading", { level: 1, name }).isVisible()).toBe(true);
    });
  }
});
