import { describe, expect, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

describe("journeys: audit log, read-only user, session timeout", () => {
  const browser = useBrowser();
  const db = useDb();

  it("an admin reads the audit log: a patient view appears, the chain verifies, the CSV export downloads", async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10005" } });
    const page = await browser.newPage();
    await signIn(page, "admin@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}`, null);

    await gotoReady(page, `/admin/audit?action=PATIENT_VIEW&patientId=${patient.id}`, null);
    const rows = page.locator("table.data tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toContain("admin@demo.clinic");
    expect(await rows.first().textContent()).toContain("PATIENT_VIEW");
    await expectAccessible(page, "audit log");

    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText("Audit chain intact:").waitFor();
    await screenshot(page, "audit-log");

    const csv = await page.evaluate(async (href) => {
      const res = await fetch(href);
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    }, `/admin/audit/export?action=PATIENT_VIEW&patientId=${patient.id}`);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    expect(csv.text.split("\n")[0]).toMatch(/seq/i);
    expect(csv.text).toContain(patient.id);
    expect(await db.auditEvent.count({ where: { action: { contains: "EXPORT" }, userEmail: "admin@demo.clinic" } })).toBeGreaterThan(0);
  });

  it("a clinician exports a patient's FHIR bundle from the patient page", async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10002" } });
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/reports`, null);
    const href = await page.getByRole("link", { name: "FHIR R4 bundle (JSON)" }).getAttribute("href");
    const bundle = await page.evaluate(async (url) => (await fetch(url!)).json(), href);
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "collection" });
    const types = new Set((bundle.entry as { resource: { resourceType: string } }[]).map((e) => e.resource.resourceType));
    expect([...types].sort()).toEqual(expect.arrayContaining(["Encounter", "Observation", "Patient", "QuestionnaireResponse"]));
    expect(await db.auditEvent.count({ where: { action: "EXPORT_FHIR", patientId: patient.id } })).toBeGreaterThan(0);
  });

  it("a read-only user finds no way to change anything", async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10002" } });
    const episode = await db.episode.findFirstOrThrow({ where: { patientId: patient.id } });
    const page = await browser.newPage();
    await signIn(page, "readonly@demo.clinic");
    for (const url of ["/patients", `/patients/${patient.id}`, `/patients/${patient.id}/episodes/${episode.id}`, "/attention", "/review"]) {
      await gotoReady(page, url, null);
      // No form that writes: only search and filter forms (GET) remain.
      const writable = await page.locator("form:not([method=get]):not([role=search]):not([aria-label='Filter episodes'])").count();
      const buttons = await page.getByRole("button", { name: /save|create|delete|edit/i }).count();
      const links = await page.getByRole("link", { name: /new patient|edit/i }).count();
      expect({ url, writable, buttons, links }).toEqual({ url, writable: 0, buttons: 0, links: 0 });
    }
    await gotoReady(page, `/patients/${patient.id}`, null);
    await screenshot(page, "read-only-patient");
  });

  it("after 15 idle minutes the server ends the session and the user is sent to sign in", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    const user = await db.user.findUniqueOrThrow({ where: { email: "clinician@demo.clinic" } });
    const session = await db.session.findFirstOrThrow({ where: { userId: user.id, endedAt: null }, orderBy: { createdAt: "desc" } });
    // The clock cannot be moved in a running server; moving the session's last activity back is the same to it.
    await db.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date(Date.now() - 16 * 60_000) } });
    // The next request (or the idle warning's own check, whichever comes first) ends the session.
    // The idle warning may send the browser to sign-in first, aborting this navigation: either way
    // the user must land on the sign-in page with the idle reason.
    await page.goto("/patients").catch(() => {});
    await page.waitForURL(/\/signin\?ended=IDLE_TIMEOUT/);
    await page.getByText("You were signed out after 15 minutes without activity.").waitFor();
    const ended = await db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(ended.endReason).toBe("IDLE_TIMEOUT");
    expect(await db.auditEvent.count({ where: { action: "SESSION_END", userId: user.id, details: { contains: "IDLE_TIMEOUT" } } })).toBe(1);
  });
});
