import { describe, expect, it } from "vitest";
import { BASE_URL, gotoNotFound, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { findServerAction, sessionCookie, submitFormAction } from "./support/server-action";

const validPatient = (mrn: string) => ({
  mrn,
  familyName: "Direct",
  givenName: "Call",
  birthDate: "1975-03-09",
  sex: "MALE",
  heightCm: "180",
  conditions: ["HYPERTENSION"],
  medRows: "2",
  "med.0.name": "Ramipril 5 mg",
  "med.0.active": "on",
});

describe("read-only user", () => {
  const browser = useBrowser();
  const db = useDb();

  it("sees patients but no way to create or edit them", async () => {
    const page = await browser.newPage();
    await signIn(page, "readonly@demo.clinic");
    await page.locator("nav[aria-label=Main]").getByText("Rita Reader").waitFor();
    expect(await page.locator("table.data tbody tr").count()).toBeGreaterThan(0);
    expect(await page.getByRole("link", { name: "New patient" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);

    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10002" } });
    await page.goto(`/patients/${patient.id}`);
    await page.getByRole("heading", { level: 1, name: `${patient.familyName}, ${patient.givenName}` }).waitFor();
    expect(await page.getByRole("link", { name: "Edit patient" }).count()).toBe(0);

    await gotoNotFound(page, "/patients/new");
    await gotoNotFound(page, `/patients/${patient.id}/edit`);
    await gotoNotFound(page, "/admin/users");
  });

  it("cannot create a patient by calling the server action directly", async () => {
    const action = findServerAction("createPatientAction", "app/patients/actions.ts");

    // The same request with a clinician's session creates the patient: proof that the call
    // reaches the action, so the refusal below is the action's own check.
    const clinicianMrn = `SA-C-${uniqueSuffix()}`;
    const ok = await submitFormAction(action, validPatient(clinicianMrn), { cookie: await sessionCookie("clinician@demo.clinic") });
    const created = await db.patient.findFirst({ where: { mrn: clinicianMrn }, include: { conditions: true, medications: true } });
    expect(created, `clinician call: HTTP ${ok.status} ${ok.body.slice(0, 300)}`).not.toBeNull();
    expect(ok.redirectTo).toBe(`/patients/${created!.id}?saved=1`);
    expect(created!.conditions.map((c) => c.code)).toEqual(["HYPERTENSION"]);
    expect(created!.medications.map((m) => m.name)).toEqual(["Ramipril 5 mg"]);

    const before = await db.patient.count();
    const readOnlyMrn = `SA-R-${uniqueSuffix()}`;
    const refused = await submitFormAction(action, validPatient(readOnlyMrn), { cookie: await sessionCookie("readonly@demo.clinic") });
    expect(refused.status).toBe(200);
    expect(refused.redirectTo).toBeNull();
    expect(refused.result).toMatchObject({ status: "error", message: "You do not have permission to do this." });
    expect(await db.patient.count({ where: { mrn: readOnlyMrn } })).toBe(0);
    expect(await db.patient.count()).toBe(before);
    // The refusal is audited.
    const denied = await db.auditEvent.findFirst({
      where: { action: "PATIENT_CREATE", outcome: "DENIED", userEmail: "readonly@demo.clinic" },
    });
    expect(denied).not.toBeNull();

    // Without any session the request never reaches the action.
    const anonymousMrn = `SA-A-${uniqueSuffix()}`;
    const anonymous = await submitFormAction(action, validPatient(anonymousMrn));
    expect(anonymous.status).toBe(307);
    expect(new URL(anonymous.headers.get("location") ?? "", BASE_URL).pathname).toBe("/signin");
    expect(await db.patient.count({ where: { mrn: anonymousMrn } })).toBe(0);
  });
});
