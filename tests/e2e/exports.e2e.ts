import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { gotoReady, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

describe("reports and exports", () => {
  const browser = useBrowser();
  const db = useDb();

  async function demoPatient() {
    const clinic = await db.clinic.findFirstOrThrow({ where: { name: "Demo Clinic" } });
    return db.patient.findFirstOrThrow({ where: { clinicId: clinic.id, deletedAt: null }, orderBy: { mrn: "asc" } });
  }

  it("exports all episodes as CSV with progress, saving the file the server streamed", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, "/exports", "main button");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export episodes (CSV)" }).click();
    const file = await download;
    const text = fs.readFileSync((await file.path())!, "utf8");
    const [header, ...rows] = parse(text, { bom: true }) as string[][];
    expect(header.slice(0, 3)).toEqual(["Patient", "MRN", "Date and time"]);
    expect(rows.length).toBeGreaterThan(10);
    expect(file.suggestedFilename()).toMatch(/^demo-clinic-episodes-\d{4}-\d{2}-\d{2}\.csv$/);
    // The status line and the live region report what was saved.
    await page.getByText(new RegExp(`Saved .*: ${rows.length.toLocaleString("en-GB")} rows`)).waitFor();
    await expect.poll(() => page.locator("[aria-live=polite]").first().textContent()).toContain("Export finished");
    const audit = await db.auditEvent.findFirst({ where: { action: "EXPORT_CSV" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(audit!.details)).toMatchObject({ what: "episodes", rows: rows.length });
  });

  it("builds the patient report from the chosen period and sections, and checks the form first", async () => {
    const patient = await demoPatient();
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/report`);
    // No section: refused on the page, nothing sent.
    for (const box of await page.locator("input[name=sections]").all()) await box.uncheck();
    await page.getByRole("button", { name: "Create PDF" }).click();
    await page.locator("#report-sections-error", { hasText: "Choose at least one section" }).waitFor();
    await page.getByLabel("Summary").check();
    await page.getByLabel("Red flags").check();
    const popup = page.context().waitForEvent("response", (r) => r.url().includes("/report.pdf"));
    await page.getByRole("button", { name: "Create PDF" }).click();
    const response = await popup;
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    expect(new URL(response.url()).searchParams.getAll("sections")).toEqual(["summary", "redFlags"]);
    const audit = await db.auditEvent.findFirst({ where: { action: "EXPORT_PDF", patientId: patient.id }, orderBy: { seq: "desc" } });
    expect(JSON.parse(audit!.details)).toMatchObject({ sections: ["summary", "redFlags"] });
  });

  it("prints the handout without the app's navigation", async () => {
    const patient = await demoPatient();
    const page = await browser.newPage();
    await signIn(page, "readonly@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/handout`, "main button");
    await page.getByRole("heading", { level: 1, name: "Leg cramps: what you can do" }).waitFor();
    expect(await page.locator("header.app-header").isVisible()).toBe(true);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.app-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Print handout" }).isVisible()).toBe(false);
    expect(await page.getByRole("heading", { name: "When a cramp starts" }).isVisible()).toBe(true);
  });
});
