import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";

describe("clinician: new patient form", () => {
  const browser = useBrowser();
  const db = useDb();

  async function openNewPatientForm(page: Page) {
    await signIn(page, "clinician@demo.clinic");
    await Promise.all([page.waitForURL("**/patients/new"), page.getByRole("link", { name: "New patient" }).click()]);
    await page.getByRole("heading", { level: 1, name: "New patient" }).waitFor();
    await gotoReady(page, "/patients/new"); // a fresh load, hydrated before typing
  }

  async function fillValid(page: Page, mrn: string) {
    await page.fill("#mrn", mrn);
    await page.fill("#familyName", "Testperson");
    await page.fill("#givenName", "Erika");
    await page.fill("#birthDate", "1980-05-17");
    await page.selectOption("#sex", "FEMALE");
  }

  const submit = (page: Page) => page.getByRole("button", { name: "Create patient" }).click();

  /** Waits for the form's answer: the field errors of a refused submission. */
  async function waitForFieldError(page: Page, id: string) {
    await page.locator(`[id="${id}-error"]`).waitFor();
  }

  it("creates a patient with a condition and a medication, then finds it by MRN", async () => {
    const page = await browser.newPage();
    await openNewPatientForm(page);
    const mrn = `E2E-${uniqueSuffix()}`;
    await fillValid(page, mrn);
    await page.fill("#height", "168.5");
    await page.getByRole("checkbox", { name: "Diabetes" }).check();
    await page.getByRole("checkbox", { name: "Sedentary" }).check();
    await page.getByLabel("Medication 1 name").fill("Magnesium citrate 300 mg");
    await page.getByLabel("Medication 1 started on").fill("2025-02-01");
    await page.getByRole("radio", { name: "Allergies recorded" }).check();
    await page.getByLabel(/Substances and reactions/).fill("Penicillin (rash)");

    await Promise.all([page.waitForURL(/\/patients\/[^/]+\?saved=1$/), submit(page)]);
    await page.getByRole("heading", { level: 1, name: "Testperson, Erika" }).waitFor();
    await page.getByText("Saved.").waitFor();
    await page.getByText(`MRN ${mrn}`).waitFor();
    // The header carries the allergies on every tab.
    expect(await page.getByTestId("chart-allergies").textContent()).toBe("Allergies: Penicillin (rash)");
    const landedOn = new URL(page.url()).pathname;
    // The problem list, medications and height are on the History tab.
    await Promise.all([page.waitForURL(/\/history$/), page.getByRole("link", { name: "History", exact: true }).click()]);
    await page.locator("section[aria-labelledby=problems]").getByText("Diabetes").waitFor();
    await page.locator("section[aria-labelledby=medications]").getByText("Magnesium citrate 300 mg — since 2025-02-01").waitFor();
    await page.locator("section[aria-labelledby=problems]").getByText("Sedentary").waitFor();
    // Heights are kept to the whole centimetre (clinical spec section 7).
    await page.getByText("169 cm").waitFor();

    const stored = await db.patient.findFirstOrThrow({ where: { mrn }, include: { conditions: true, medications: true, clinic: true } });
    expect(landedOn).toBe(`/patients/${stored.id}`);
    expect(stored).toMatchObject({ familyName: "Testperson", givenName: "Erika", birthDate: "1980-05-17", sex: "FEMALE", heightCm: 169 });
    expect(stored.clinic.name).toBe("Demo Clinic");
    expect(stored.conditions.map((c) => c.code)).toEqual(["DIABETES"]);
    expect(stored.lifestyle).toBe("SEDENTARY");
    expect([stored.allergyStatus, stored.allergies]).toEqual(["RECORDED", "Penicillin (rash)"]);
    expect(stored.medications.map((m) => [m.name, m.active, m.startedOn])).toEqual([["Magnesium citrate 300 mg", true, "2025-02-01"]]);

    await gotoReady(page, `/patients?q=${encodeURIComponent(mrn)}`, "form[role=search]");
    await page.getByText(`1 patient matching`).waitFor();
    const rows = page.locator("table.data tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getByRole("link").textContent()).toBe("Testperson, Erika");
  });

  it("shows an error next to each bad field and creates nothing", async () => {
    const page = await browser.newPage();
    await openNewPatientForm(page);
    const before = await db.patient.count();
    await fillValid(page, "");
    await page.fill("#birthDate", `${new Date().getUTCFullYear() + 1}-01-15`);
    await page.fill("#height", "500");
    await submit(page);
    await waitForFieldError(page, "mrn");

    const expected: Record<string, RegExp> = {
      mrn: /Enter the MRN/,
      birthDate: /in the future/,
      height: /Height 500 cm is not plausible \(40 to 250 cm\)/,
    };
    for (const [id, message] of Object.entries(expected)) {
      const input = page.locator(`#${id}`);
      expect(await input.getAttribute("aria-invalid"), id).toBe("true");
      const error = page.locator(`[id="${id}-error"]`);
      expect(await error.isVisible(), `${id} error visible`).toBe(true);
      expect(await error.textContent(), id).toMatch(message);
      expect((await input.getAttribute("aria-describedby"))?.split(" "), id).toContain(`${id}-error`);
    }
    // Fields that were fine are not marked, and keep what was typed.
    for (const id of ["familyName", "givenName", "sex"]) {
      expect(await page.locator(`#${id}`).getAttribute("aria-invalid"), id).toBeNull();
    }
    expect(await page.locator("#familyName").inputValue()).toBe("Testperson");
    expect(await page.locator("#height").inputValue()).toBe("500");
    await page.getByRole("alert").filter({ hasText: /correct/i }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/patients/new");
    await screenshot(page, "new-patient-errors");
    expect(await db.patient.count()).toBe(before);
  });

  it("refuses an MRN that is already in use in the clinic", async () => {
    const page = await browser.newPage();
    await openNewPatientForm(page);
    const before = await db.patient.count();
    await fillValid(page, "D-10001");
    await submit(page);
    await waitForFieldError(page, "mrn");
    expect(await page.locator("#mrn").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#mrn-error").textContent()).toMatch(/already in use/);
    expect(await page.locator("#mrn").inputValue()).toBe("D-10001");
    expect(await db.patient.count()).toBe(before);
    expect(await db.patient.count({ where: { mrn: "D-10001" } })).toBe(1);
  });
});
