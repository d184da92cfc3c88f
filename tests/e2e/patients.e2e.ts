import { describe, expect, it } from "vitest";
import { gotoNotFound, gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

describe("clinician: patient list and record", () => {
  const browser = useBrowser();
  const db = useDb();

  /** Patients the clinician may see: those of Demo Clinic (other test files may have added some). */
  const demoClinicPatients = () => db.patient.count({ where: { clinic: { name: "Demo Clinic" }, deletedAt: null } });

  it("lists the clinic's patients, finds one by MRN and opens it", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await page.getByRole("heading", { level: 1, name: "Patients" }).waitFor();
    await page.locator("nav[aria-label=Main]").getByText("Dr. Clara Lind").waitFor();

    const total = await demoClinicPatients();
    expect(total).toBeGreaterThanOrEqual(36); // 36 seeded in Demo Clinic, 6 more in Northside
    const rows = page.locator("table.data tbody tr");
    expect(await rows.count()).toBe(25); // first page
    await page.getByText(`${total} patients`, { exact: true }).waitFor();
    // Only Demo Clinic rows, never Northside ones (a clinician of one clinic sees no clinic column: the MRNs say it).
    const mrns = await page.locator("table.data tbody tr td:nth-child(2)").allTextContents();
    expect(mrns).toHaveLength(25);
    expect(await db.patient.count({ where: { mrn: { in: mrns }, clinic: { name: { not: "Demo Clinic" } } } })).toBe(0);
    await page.getByRole("link", { name: "Next →" }).waitFor();
    await screenshot(page, "patient-list");

    await gotoReady(page, "/patients", "form[role=search]");
    await page.fill("#q", "D-10001");
    await Promise.all([page.waitForURL(/[?&]q=D-10001/), page.getByRole("button", { name: "Search" }).click()]);
    await page.getByText("1 patient matching").waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator("td").nth(1).textContent()).toBe("D-10001");
    const seeded = await db.patient.findFirstOrThrow({ where: { mrn: "D-10001" } });

    const link = rows.first().getByRole("link");
    expect(await link.textContent()).toBe(`${seeded.familyName}, ${seeded.givenName}`);
    await Promise.all([page.waitForURL(`**/patients/${seeded.id}`), link.click()]);
    await page.getByRole("heading", { level: 1, name: `${seeded.familyName}, ${seeded.givenName}` }).waitFor();
    await page.getByText("MRN D-10001").waitFor();
    await page.getByRole("link", { name: "Edit patient" }).waitFor(); // clinicians may edit
    await screenshot(page, "patient-page");
    // The demographics are on the chart's History tab.
    await Promise.all([page.waitForURL(`**/patients/${seeded.id}/history`), page.getByRole("link", { name: "History", exact: true }).click()]);
    expect(await page.locator("section[aria-labelledby=demographics] dd").first().textContent()).toContain(seeded.birthDate);
  });

  it("does not show another clinic's patients, in the list or by address", async () => {
    const north = await db.patient.findFirstOrThrow({ where: { clinic: { name: "Northside Clinic" } } });
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await page.goto(`/patients?q=${encodeURIComponent(north.mrn)}`);
    await page.getByText(`0 patients matching`).waitFor();
    await page.getByText("No patients match.").waitFor();

    await gotoNotFound(page, `/patients/${north.id}`);
    expect(await page.content()).not.toContain(north.familyName);
  });
});
