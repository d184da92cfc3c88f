import { describe, expect, it } from "vitest";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";

describe("admin: patient import", () => {
  const browser = useBrowser();
  const db = useDb();

  it("checks a CSV, imports it, and downloads the refused rows", async () => {
    const s = uniqueSuffix();
    const file = [
      "mrn,given_name,family_name,birth_date,sex,height_cm,allergy_status,allergies",
      `IMP-${s}-1,Anna,Importova,1985-04-12,female,168,no known allergies,`,
      `IMP-${s}-2,Jonas,Importson,1962-11-30,robot,,,`,
    ].join("\r\n");
    const page = await browser.newPage();
    await signIn(page, "admin@demo.clinic");
    await Promise.all([page.waitForURL("**/admin/import"), page.locator("nav[aria-label=Main]").getByRole("link", { name: "Import" }).first().click()]);
    await gotoReady(page, "/admin/import", "#import-file");
    // The demo admin belongs to two clinics: the form asks which, and says so when none is chosen.
    await page.getByRole("button", { name: "Check the file (dry run)" }).click();
    await page.getByText("Choose the clinic", { exact: true }).last().waitFor();
    await page.selectOption("#import-clinic", { label: "Demo Clinic" });
    await page.setInputFiles("#import-file", { name: "patients.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
    await page.getByRole("button", { name: "Check the file (dry run)" }).click();
    await page.getByRole("heading", { name: "Dry run: nothing has been saved" }).waitFor();
    const rows = page.locator("table.data").last().locator("tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("Create");
    expect(await rows.nth(1).textContent()).toContain('"robot" is not a sex');
    expect(await db.patient.count({ where: { mrn: `IMP-${s}-1` } })).toBe(0);
    await screenshot(page, "patient-import-preview");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download the refused row \(CSV\)/ }).click()]);
    expect(download.suggestedFilename()).toBe("refused-patient-rows.csv");

    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Import finished: 1 created, 0 updated, 0 unchanged, 1 refused of 2 rows" }).waitFor();
    expect(await db.patient.count({ where: { mrn: `IMP-${s}-1` } })).toBe(1);
  });
});
