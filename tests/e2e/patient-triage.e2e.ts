import { describe, expect, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

/** The patient list that triages (/patients) and the dashboard's "Patients to see first". */
describe("clinician: triage the patient list", () => {
  const browser = useBrowser();
  const db = useDb();

  it("triage the list by urgency", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    const header = page.getByRole("columnheader", { name: /Highest urgency/ });
    await Promise.all([page.waitForURL(/[?&]sort=urgency&dir=desc/), header.getByRole("link").click()]);
    expect(await header.getAttribute("aria-sort")).toBe("descending");
    await page.locator("p[role=status]", { hasText: "sorted by highest urgency, most urgent first" }).waitFor();

    const first = page.locator("table.data tbody tr").first();
    expect(await first.locator("td").nth(2).textContent()).toMatch(/^Urgent/);
    // The patient named first has an urgent red flag, and is named by name and MRN (never an internal id).
    const mrn = (await first.locator("td").nth(1).textContent())!;
    const patient = await db.patient.findFirstOrThrow({ where: { mrn, clinic: { name: "Demo Clinic" } }, include: { attention: true } });
    expect(patient.attention?.urgencyRank).toBe(0);
    expect(await first.getByRole("link").textContent()).toBe(`${patient.familyName}, ${patient.givenName}`);
    expect(await first.textContent()).not.toContain(patient.id);
    // The sparkline says its total in words; every date carries its unit.
    await first.getByRole("img", { name: /^\d+ episodes? in the last 30 days$/ }).waitFor();
    expect(await first.locator("td").nth(4).textContent()).toMatch(/(just now|ago)/);
    await page.getByText(/Page 1 of \d+/).waitFor();

    // Urgent only, through the filter form: every row says so.
    await page.selectOption("#urgency", "URGENT");
    await Promise.all([page.waitForURL(/[?&]urgency=URGENT/), page.getByRole("button", { name: "Search" }).click()]);
    const urgency = await page.locator("table.data tbody tr td:nth-child(3) .badge").allTextContents();
    expect(urgency.length).toBeGreaterThan(0);
    expect(new Set(urgency)).toEqual(new Set(["Urgent"]));
  });

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 820, height: 1180 },
  ]) {
    it(`the list and the dashboard at ${viewport.width} px: nothing serious for axe, no sideways scroll`, async () => {
      const page = await browser.newPage({ viewport });
      await signIn(page, "clinician@demo.clinic");
      for (const [url, name, ready] of [
        ["/patients?sort=urgency&dir=desc", "patient-triage", "table[data-testid=patient-list] tbody tr"],
        ["/patients?sort=lastVisit&dir=asc&review=yes&within=365", "patient-triage-filtered", "table[data-testid=patient-list]"],
        ["/dashboard", "dashboard-see-first", "table[data-testid=patients-to-see-first] tbody tr"],
      ] as const) {
        await gotoReady(page, url, null);
        await page.locator(ready).first().waitFor();
        await expectAccessible(page, name);
        const overflow = await page.evaluate(() => {
          const wrap = document.querySelector(".table-wrap");
          return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, wrap ? wrap.scrollWidth - wrap.clientWidth : 0);
        });
        expect(overflow, `${name} scrolls sideways at ${viewport.width} px`).toBeLessThanOrEqual(1);
        await screenshot(page, `${name}-${viewport.width}`);
      }
    });
  }
});
