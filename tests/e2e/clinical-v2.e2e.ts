import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { actorFor } from "../factories/users";
import { createPatient } from "@/lib/features/patients/data";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { findServerAction, sessionCookie, submitFormAction } from "./support/server-action";

/** Clinical spec version 2 as a clinician meets it: US units, the restless legs criteria, plausible values. */
describe("clinical rules version 2", () => {
  const browser = useBrowser();
  const db = useDb();

  const actorOf = async (email: string) => {
    const user = await db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    return actorFor(user, user.memberships.map((m) => m.clinicId));
  };
  const newPatient = async (email: string, familyName: string) =>
    createPatient(await actorOf(email), { mrn: `E2E-${uniqueSuffix()}`, givenName: "Ruth", familyName, birthDate: "1961-05-14", sex: "FEMALE" });

  const openVisitForm = async (page: Page, patientId: string) => {
    await gotoReady(page, `/patients/${patientId}/visits`, "form[aria-label=Visit]");
    await page.getByText("Log a visit (vitals, labs)").click();
  };

  it("a visit entered in US units (lb, °F, mg/dL) is stored canonical, flagged low and high, and suggests the right causes", async () => {
    // Northside Clinic works in US conventional units: the pickers default to them.
    const patient = await newPatient("north@demo.clinic", "Usunits");
    const page = await browser.newPage();
    await signIn(page, "north@demo.clinic");
    await openVisitForm(page, patient.id);
    expect(await page.locator("#v-weightUnit").inputValue()).toBe("lb");
    expect(await page.locator("#v-temperatureUnit").inputValue()).toBe("°F");
    await page.fill("#v-weight", "176");
    await page.fill("#v-temperature", "100.4");
    await page.selectOption("[id='lab.0.analyte']", "GLUCOSE");
    expect(await page.locator("[id='lab.0.unit']").inputValue()).toBe("mg/dL");
    await page.fill("[id='lab.0.value']", "126");
    await page.getByRole("button", { name: "Add a lab result" }).click();
    await page.selectOption("[id='lab.1.analyte']", "MAGNESIUM");
    expect(await page.locator("[id='lab.1.unit']").inputValue()).toBe("mg/dL");
    await page.fill("[id='lab.1.value']", "1.6");
    await Promise.all([page.waitForURL(/saved=visit/), page.getByRole("button", { name: "Save visit" }).click()]);
    await page.getByText("Visit saved.").waitFor();

    // Stored canonical, and as entered.
    const visit = await db.visit.findFirstOrThrow({ where: { patientId: patient.id }, include: { labs: { orderBy: { analyte: "asc" } } } });
    expect([visit.weightKg, visit.weightEnteredValue, visit.weightEnteredUnit]).toEqual([79.8, 176, "lb"]);
    expect([visit.temperatureC, visit.temperatureEnteredValue, visit.temperatureEnteredUnit]).toEqual([38, 100.4, "°F"]);
    expect(visit.labs.map((l) => [l.analyte, l.value, l.unit, l.enteredValue, l.enteredUnit])).toEqual([
      ["GLUCOSE", 7, "mmol/L", 126, "mg/dL"],
      ["MAGNESIUM", 0.66, "mmol/L", 1.6, "mg/dL"],
    ]);

    // The visits table: values in the clinic's units, the flags in words.
    const visits = page.locator("#visits table");
    await expect.poll(() => visits.textContent()).toContain("176");
    const row = (await visits.locator("tbody tr").first().textContent()) ?? "";
    expect(row).toMatch(/lb/);
    expect(row).toMatch(/°F/);
    expect(await visits.locator("tbody tr").first().getByText(/high/i).count()).toBeGreaterThan(0);
    expect(await visits.locator("tbody tr").first().getByText(/low/i).count()).toBeGreaterThan(0);

    // The rules compared canonical values: fever, diabetes-range glucose, low magnesium (the Checklist tab).
    await gotoReady(page, `/patients/${patient.id}/checklist`, null);
    const suggested = async (cause: string) => (await page.locator(`[data-cause=${cause}]`).getAttribute("class")) ?? "";
    for (const cause of ["acute_infection", "metabolic_endocrine", "micronutrient_deficiency"]) expect(await suggested(cause)).toContain("suggested");
    expect(await suggested("hypothermia")).not.toContain("suggested");
    await screenshot(page, "v2-us-units-patient");

    // The lab trends (the Visits and labs tab): a chart per lab, in the clinic's units, with the table view of the same values.
    await gotoReady(page, `/patients/${patient.id}/visits`, null);
    await page.getByTestId("chart-lab-glucose").waitFor();
    await page.getByTestId("chart-lab-magnesium").waitFor();
    // The chart is drawn (recharts loads on the tabs that draw charts only) with its reference band.
    await page.locator("[data-testid=chart-lab-glucose] svg").first().waitFor();
    expect(await page.locator("main").textContent()).toMatch(/126\smg\/dL/);
    await screenshot(page, "v2-lab-trends");
  });

  it("the textbook restless legs history gets the RLS suggestion with 4 of 4 while the form is still open, beside the form", async () => {
    const patient = await newPatient("clinician@demo.clinic", "Restless");
    for (const [width, height] of [
      [1280, 900],
      [820, 1180],
    ]) {
      const page = await browser.newPage();
      await page.setViewportSize({ width, height });
      await signIn(page, "clinician@demo.clinic");
      await gotoReady(page, `/patients/${patient.id}/episodes?record=1`, "form[aria-label=Episode]");
      await page.getByRole("checkbox", { name: "Urge to move the legs" }).check();
      await page.getByRole("checkbox", { name: /worse at rest/i }).check();
      await page.getByRole("checkbox", { name: /eased by moving/i }).check();
      await page.getByRole("checkbox", { name: /evening or at night/i }).check();
      const suggestion = page.getByTestId("suggestion");
      await expect.poll(() => suggestion.textContent()).toBe("Restless legs syndrome");
      const panel = page.getByRole("complementary", { name: /suggested type/i });
      expect(await panel.textContent()).toContain("4 of 4");
      // In view while the questions are: not below the fold.
      await page.getByRole("checkbox", { name: /evening or at night/i }).scrollIntoViewIfNeeded();
      const box = await suggestion.boundingBox();
      expect(box, "suggestion rendered").not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(height);
      await screenshot(page, `v2-rls-${width}`);
      // Nothing was saved: the suggestion came while the form was open.
      expect(await db.episode.count({ where: { patientId: patient.id } })).toBe(0);
      await page.close();
    }
  });

  it("an implausible value is refused field by field with its range and a hint, from the form and from the server action, and nothing is saved", async () => {
    const patient = await newPatient("clinician@demo.clinic", "Implausible");
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await openVisitForm(page, patient.id);
    await page.selectOption("[id='lab.0.analyte']", "GLUCOSE");
    expect(await page.locator("[id='lab.0.unit']").inputValue()).toBe("mmol/L");
    await page.fill("[id='lab.0.value']", "110");
    await page.fill("#v-temperature", "98.6");
    await page.getByRole("button", { name: "Save visit" }).click();
    await page.getByText(/110 mmol\/L is not plausible \(0\.5 to 60 mmol\/L\); did you mean mg\/dL\?/).waitFor();
    await page.getByText(/98\.6 °C is not plausible.*did you mean °F\?/).waitFor();
    // The entered values stay in the form for the clinician to correct.
    expect(await page.locator("[id='lab.0.value']").inputValue()).toBe("110");
    await screenshot(page, "v2-implausible-visit");
    expect(await db.visit.count({ where: { patientId: patient.id } })).toBe(0);

    const cookie = await sessionCookie("clinician@demo.clinic");
    const action = findServerAction("createVisitAction");
    const fields = { timeZone: "Europe/Berlin", occurredAt: "2026-11-20T08:00", labRows: "1", "lab.0.analyte": "GLUCOSE", "lab.0.unit": "mmol/L" };
    const refused = await submitFormAction(action, { ...fields, "lab.0.value": "110", weight: "900", weightUnit: "kg" }, { cookie, bound: [patient.id], path: `/patients/${patient.id}/visits` });
    const result = refused.result as { status: string; fields: Record<string, string> };
    expect(result.status).toBe("error");
    expect(Object.keys(result.fields).sort()).toEqual(["lab.0.value", "weight"]);
    expect(result.fields["lab.0.value"]).toMatch(/did you mean mg\/dL/);
    expect(await db.visit.count({ where: { patientId: patient.id } })).toBe(0);
    expect(await db.labResult.count({ where: { patientId: patient.id } })).toBe(0);

    // The same call with a plausible value goes through, so the refusal was about the values.
    const ok = await submitFormAction(action, { ...fields, "lab.0.value": "5.2", weight: "72", weightUnit: "kg" }, { cookie, bound: [patient.id], path: `/patients/${patient.id}/visits` });
    expect(await db.visit.count({ where: { patientId: patient.id } })).toBe(1);
    expect(await db.labResult.findFirstOrThrow({ where: { patientId: patient.id } })).toMatchObject({ value: 5.2, unit: "mmol/L" });
  });
});
