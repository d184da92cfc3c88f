import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

/** True when the page is no wider than the window: nothing to scroll sideways. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe("the audit log", () => {
  const browser = useBrowser();
  const db = useDb();

  it("finds one action by patient and opens its details; fits 1280 and 820 px; axe finds nothing serious", async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10005" } });
    const name = `${patient.familyName}, ${patient.givenName}`;
    const clinician = await browser.newPage();
    await signIn(clinician, "clinician@demo.clinic");
    await gotoReady(clinician, `/patients/${patient.id}`, null);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, "admin@demo.clinic");
    await gotoReady(page, "/admin/audit", null);
    // The whole log, unfiltered, a few rows' details open: no column off-screen.
    const summaries = page.locator("table.data tbody summary");
    for (let i = 0; i < Math.min(4, await summaries.count()); i++) await summaries.nth(i).click();
    expect(await fitsWidth(page), "no horizontal scroll on the unfiltered log at 1280 px").toBe(true);
    await screenshot(page, "audit-log-all-1280");

    // Find the clinician's view of the patient: by MRN, the action chosen by its words.
    await page.getByLabel("Patient", { exact: true }).fill(patient.mrn);
    await page.getByLabel("Action", { exact: true }).selectOption({ label: "Viewed patient" });
    await page.getByLabel("User", { exact: true }).selectOption({ label: "Dr. Clara Lind (clinician@demo.clinic)" });
    await Promise.all([page.waitForURL(/[?&]patient=D-10005/), page.getByRole("button", { name: "Filter" }).click()]);
    await page.getByText(`Patient matching “${patient.mrn}”: ${name} (MRN ${patient.mrn}).`).waitFor();

    const rows = page.locator("table.data tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    const row = rows.first();
    await expect.poll(() => row.locator("td").nth(2).textContent()).toBe("Viewed patient");
    const who = await row.locator("td").nth(1).innerText();
    expect(who.split("\n")).toEqual(["Dr. Clara Lind", "clinician@demo.clinic", "from 127.0.0.1"]);
    const link = row.getByRole("link", { name });
    expect(await link.getAttribute("href")).toBe(`/patients/${patient.id}`);
    expect(await row.textContent()).toContain(`MRN ${patient.mrn}`);
    expect(await row.textContent()).not.toContain(patient.id);

    // Its details open in place, as words.
    const details = row.locator("details");
    expect(await details.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    await details.locator("summary").click();
    expect(await details.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    const list = details.locator("dl").first();
    await list.waitFor({ state: "visible" });
    expect(await list.locator("dt").allTextContents()).toEqual(expect.arrayContaining(["Outcome", "Row", "Action code"]));
    expect(await list.textContent()).toContain("Succeeded");
    expect(await fitsWidth(page), "no horizontal scroll at 1280 px with details open").toBe(true);
    await expectAccessible(page, "audit log at 1280 px, details open");
    await screenshot(page, "audit-log-1280");

    // The export takes the same filters, words included, named by the day.
    const href = await page.getByRole("link", { name: /Export CSV/ }).getAttribute("href");
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url!);
      return { status: res.status, disposition: res.headers.get("content-disposition"), text: await res.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.disposition).toMatch(/filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.text.trimEnd().split("\r\n").slice(1);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain(`Viewed patient,PATIENT_VIEW,Succeeded,SUCCESS,"${name}",${patient.mrn},${patient.id}`);

    // The tablet: the same page, narrower.
    const tablet = await browser.newPage({ viewport: { width: 820, height: 1180 } });
    await signIn(tablet, "admin@demo.clinic");
    await gotoReady(tablet, page.url(), null);
    await tablet.locator("table.data tbody tr").first().locator("summary").click();
    expect(await fitsWidth(tablet), "no horizontal scroll at 820 px").toBe(true);
    await expectAccessible(tablet, "audit log at 820 px, details open");
    await screenshot(tablet, "audit-log-820");
  });
});
