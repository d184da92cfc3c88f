import { beforeAll, describe, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

/**
 * axe-core (WCAG 2.2 AA) on every page a clinician, an admin and a read-only user reach, on a
 * desktop and on a bedside tablet (768 px wide). Any serious or critical violation fails.
 */
describe("accessibility", () => {
  const browser = useBrowser();
  const db = useDb();
  let patientId = "";
  let episodeId = "";
  let visitId = "";
  let reviewEpisodePath = "";

  beforeAll(async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10002" } });
    patientId = patient.id;
    episodeId = (await db.episode.findFirstOrThrow({ where: { patientId } })).id;
    visitId = (await db.visit.findFirstOrThrow({ where: { patientId } })).id;
    // An episode awaiting review: the page adds the review notice and the confirm button.
    const forReview = await db.episode.findFirstOrThrow({ where: { needsReview: true, deletedAt: null, patient: { clinic: { name: "Demo Clinic" } } } });
    reviewEpisodePath = `/patients/${forReview.patientId}/episodes/${forReview.id}`;
  });

  const clinicianPages = () => [
    ["/patients", "patient-list"],
    ["/patients?q=novak", "patient-search"],
    ["/patients/new", "new-patient"],
    [`/patients/${patientId}`, "patient"],
    [`/patients/${patientId}/edit`, "edit-patient"],
    [`/patients/${patientId}/episodes/${episodeId}`, "episode"],
    [reviewEpisodePath, "episode-for-review"],
    [`/patients/${patientId}/visits/${visitId}`, "visit"],
    [`/patients/${patientId}/trends?period=1y`, "trends"],
    [`/patients/${patientId}/report`, "report-options"],
    [`/patients/${patientId}/handout`, "handout"],
    ["/attention", "needs-attention"],
    ["/review", "review"],
    ["/dashboard", "dashboard"],
    ["/exports", "exports"],
    ["/account", "account"],
    ["/account/tokens", "api-tokens"],
  ];

  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 768, height: 1024 },
  ]) {
    it(`clinician pages at ${viewport.width} px`, async () => {
      const page = await browser.newPage({ viewport });
      await gotoReady(page, "/signin");
      await expectAccessible(page, "sign-in");
      await signIn(page, "clinician@demo.clinic");
      for (const [url, name] of clinicianPages()) {
        await gotoReady(page, url, null);
        await expectAccessible(page, name);
        if (viewport.width === 768) {
          // Nothing may force sideways scrolling of the whole page on a tablet.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 1) throw new Error(`${name} scrolls sideways by ${overflow}px at 768 px`);
          await screenshot(page, `tablet-${name}`);
        }
      }
    });
  }

  it("a refused form with errors tied to its fields", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, "/patients/new");
    await page.getByRole("button", { name: "Create patient" }).click();
    await page.locator("#mrn-error").waitFor();
    await expectAccessible(page, "new patient with errors");
    await gotoReady(page, `/patients/${patientId}/episodes?record=1`, "form[aria-label=Episode]");
    await page.getByRole("button", { name: "Save episode" }).click();
    await page.locator("#ep-duration-error").waitFor();
    await expectAccessible(page, "episode form with errors");
  });

  it("admin and read-only pages", async () => {
    const admin = await browser.newPage();
    await signIn(admin, "admin@demo.clinic");
    for (const url of ["/admin/users", "/admin/clinics", "/admin/audit", "/admin/audit?verify=1", "/admin/deleted", "/account/password"]) {
      await gotoReady(admin, url, null);
      await expectAccessible(admin, url);
    }
    const reader = await browser.newPage();
    await signIn(reader, "readonly@demo.clinic");
    for (const url of [`/patients/${patientId}`, `/patients/${patientId}/episodes/${episodeId}`, reviewEpisodePath]) {
      await gotoReady(reader, url, null);
      await expectAccessible(reader, `read-only ${url}`);
    }
  });
});
