import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { actorFor } from "../factories/users";
import { createPatient, deletePatient } from "@/lib/features/patients/data";
import { createEpisode, deleteEpisode } from "@/lib/features/episodes/data";
import { setChecklistStatus } from "@/lib/features/assessment/data";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";

/**
 * axe-core (WCAG 2.2 AA) on every page a clinician, an admin and a read-only user reach, on a
 * laptop (1280 px) and on a bedside tablet (820 px). Any serious or critical violation fails; so
 * does a top navigation that wraps to a second line, anything in the page cut off at its right
 * edge, and (on the tablet) a page that scrolls sideways. Every page is also screenshotted at
 * both widths (test-results/screenshots/<width>-<name>.png) for a person to look at.
 */
const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 820, height: 1180 },
] as const;

type Viewport = (typeof VIEWPORTS)[number];

/** The app's header: the tops of its items, and how far each line of items lies from the first. */
async function headerWraps(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const nav = document.querySelector("header.app-header nav");
    if (!nav) return "no app header";
    const items = Array.from(nav.children).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
    const middles = items.map((el) => {
      const r = el.getBoundingClientRect();
      return { text: (el.textContent ?? el.tagName).trim(), middle: r.top + r.height / 2 };
    });
    const first = middles[0]?.middle ?? 0;
    const off = middles.filter((m) => Math.abs(m.middle - first) > 6);
    return off.length ? `the header wraps: ${off.map((m) => `"${m.text}"`).join(", ")} on another line` : null;
  });
}

/**
 * Elements of main whose right edge lies beyond the window, or beyond a box of theirs that clips
 * (overflow hidden or auto): cut off. A table inside a .table-wrap that scrolls sideways is
 * allowed to (the wrap scrolls, the page does not).
 */
async function cutOff(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const main = document.querySelector("main");
    if (!main) return ["no main"];
    const found: string[] = [];
    const describe = (el: Element) => {
      const id = el.id ? `#${el.id}` : "";
      const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
    };
    for (const el of Array.from(main.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue; // hidden, or visually hidden for screen readers (.sr-only)
      // The folded content of a closed <details> has a box but is not shown.
      if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.position === "fixed") continue;
      const wrap = el.closest(".table-wrap");
      if (wrap && wrap !== el && wrap.scrollWidth > wrap.clientWidth) continue;
      if (r.right > width + 1) {
        found.push(`${describe(el)} ends at ${Math.round(r.right)}px, beyond the window (${width}px)`);
        continue;
      }
      // Clipped by a box between it and main (e.g. a row that hides what does not fit).
      for (let p = el.parentElement; p && p !== main; p = p.parentElement) {
        const ps = getComputedStyle(p);
        if (ps.overflowX === "visible") continue;
        const pr = p.getBoundingClientRect();
        const scrollable = ps.overflowX === "auto" || ps.overflowX === "scroll";
        if (r.right > pr.right + 1 && !(scrollable && p.classList.contains("table-wrap"))) {
          found.push(`${describe(el)} ends at ${Math.round(r.right)}px, cut off by ${describe(p)} at ${Math.round(pr.right)}px`);
        }
        break;
      }
    }
    return found.slice(0, 8);
  });
}

/**
 * A screenshot, then axe, the header on one line, nothing cut off, no sideways scroll on the
 * tablet. The layout checks are soft: one run reports every page that fails them.
 */
async function checkPage(page: Page, viewport: Viewport, name: string) {
  // Charts and other parts loaded after the document: let them arrive first.
  await page.waitForLoadState("networkidle").catch(() => {});
  await screenshot(page, `${viewport.width}-${name}`);
  const where = `${name} at ${viewport.width} px (${new URL(page.url()).pathname})`;
  expect.soft(await headerWraps(page), where).toBeNull();
  expect.soft(await cutOff(page), `${where}: cut off on the right`).toEqual([]);
  if (viewport.width < 1000) {
    // Nothing may force sideways scrolling of the whole page on a tablet.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect.soft(overflow, `${where} scrolls sideways`).toBeLessThanOrEqual(1);
  }
  await expectAccessible(page, `${name} at ${viewport.width} px`);
}

/**
 * The episode form's live suggestion, with the form scrolled to its end (the classification, the
 * save button): in view, below the chart's sticky header, inside the window.
 */
async function suggestionInView(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const aside = document.querySelector(".episode-aside");
    const form = aside?.closest("form");
    if (!aside || !form) return "no episode form with its suggestion";
    form.querySelector('button[type="submit"]')?.scrollIntoView({ block: "end" });
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const a = aside.getBoundingClientRect();
    const header = document.querySelector(".chart-header")?.getBoundingClientRect();
    const value = aside.querySelector("[data-testid=suggestion]")?.getBoundingClientRect();
    const problems = [];
    if (header && getComputedStyle(document.querySelector(".chart-header")!).position === "sticky" && a.top < header.bottom - 1) {
      problems.push(`its top (${Math.round(a.top)}px) is under the chart header (bottom ${Math.round(header.bottom)}px)`);
    }
    if (a.right > document.documentElement.clientWidth + 1) problems.push(`its right edge (${Math.round(a.right)}px) is off-screen`);
    if (!value || value.bottom > window.innerHeight || value.top < (header?.bottom ?? 0) - 1) problems.push("the suggested type is not in view");
    window.scrollTo(0, 0);
    return problems.length ? `the suggestion: ${problems.join("; ")}` : null;
  });
}

describe("accessibility", () => {
  const browser = useBrowser();
  const db = useDb();
  let patientId = "";
  let episodeId = "";
  let visitId = "";
  let reviewEpisodePath = "";
  /** A patient of this file: checklist notes, long and short, and a deleted episode (the admin's Deleted records). */
  let notedId = "";

  beforeAll(async () => {
    const user = await db.user.findUniqueOrThrow({ where: { email: "clinician@demo.clinic" }, include: { memberships: true } });
    const clinician = actorFor(user, user.memberships.map((m) => m.clinicId));
    const noted = await createPatient(clinician, { mrn: `AX-${uniqueSuffix()}`, givenName: "Alma", familyName: "Notewright", birthDate: "1958-09-14", sex: "FEMALE" });
    notedId = noted.id;
    for (let d = 3; d >= 1; d--) {
      await createEpisode(clinician, noted.id, { occurredAt: new Date(Date.now() - d * 86400_000).toISOString(), durationSeconds: 90, side: "RIGHT", movement: "SUSTAINED_CONTRACTION", duringSleep: true, triggers: ["COLD"] });
    }
    await setChecklistStatus(clinician, noted.id, "hypothermia", {
      status: "SUSPECTED",
      note: "Bedroom unheated since October; the thermometer by the bed read 12 °C on two mornings. Advised a heater, warm socks and a hot drink before bed; review in two weeks with the diary. ".repeat(3).trim(),
      version: 0,
    });
    await setChecklistStatus(clinician, noted.id, "footwear", { status: "RULED_OUT", note: "Wears supportive shoes.", version: 0 });
    const gone = await createEpisode(clinician, noted.id, { occurredAt: new Date(Date.now() - 5 * 86400_000).toISOString(), durationSeconds: 30, side: "LEFT" });
    await deleteEpisode(clinician, gone.id, gone.version);
    const removed = await createPatient(clinician, { mrn: `AX-${uniqueSuffix()}`, givenName: "Otto", familyName: "Removed", birthDate: "1980-01-02", sex: "MALE" });
    await deletePatient(clinician, removed.id, removed.version);

    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10002" } });
    patientId = patient.id;
    episodeId = (await db.episode.findFirstOrThrow({ where: { patientId, deletedAt: null } })).id;
    visitId = (await db.visit.findFirstOrThrow({ where: { patientId, deletedAt: null } })).id;
    // An episode awaiting review: the page adds the review notice and the confirm button.
    const forReview = await db.episode.findFirstOrThrow({ where: { needsReview: true, deletedAt: null, patient: { clinic: { name: "Demo Clinic" } } } });
    reviewEpisodePath = `/patients/${forReview.patientId}/episodes/${forReview.id}`;
  });

  const chart = () => `/patients/${patientId}`;
  const clinicianPages = (): [string, string][] => [
    ["/patients", "patient-list"],
    ["/patients?urgency=ROUTINE&sort=lastEpisode&dir=desc", "patient-list-filtered-sorted"],
    ["/patients?q=novak", "patient-search"],
    ["/patients/new", "new-patient"],
    [chart(), "chart-overview"],
    [`${chart()}/episodes`, "chart-episodes"],
    [`${chart()}/episodes?record=1`, "chart-episodes-record"],
    [`${chart()}/visits`, "chart-visits"],
    [`${chart()}/visits?record=1`, "chart-visits-record"],
    [`${chart()}/checklist`, "chart-checklist"],
    [`/patients/${notedId}/checklist`, "chart-checklist-notes"],
    [`${chart()}/trends`, "chart-trends"],
    [`${chart()}/trends?period=1y`, "chart-trends-1y"],
    [`${chart()}/reports`, "chart-reports"],
    [`${chart()}/history`, "chart-history"],
    [`/patients/${notedId}/history`, "chart-history-notes"],
    [`${chart()}/edit`, "edit-patient"],
    [`${chart()}/episodes/${episodeId}`, "episode-edit"],
    [reviewEpisodePath, "episode-for-review"],
    [`${chart()}/visits/${visitId}`, "visit-edit"],
    [`${chart()}/report`, "report-options"],
    [`${chart()}/handout`, "handout"],
    ["/attention", "needs-attention"],
    ["/review", "review"],
    ["/dashboard", "dashboard"],
    ["/exports", "exports"],
    ["/account", "account"],
    ["/account/tokens", "api-tokens"],
    ["/account/password", "password"],
    ["/account/two-factor", "two-factor"],
  ];

  for (const viewport of VIEWPORTS) {
    it(`clinician pages at ${viewport.width} px`, async () => {
      const page = await browser.newPage({ viewport });
      await gotoReady(page, "/signin");
      await checkPage(page, viewport, "sign-in");
      await signIn(page, "clinician@demo.clinic");
      for (const [url, name] of clinicianPages()) {
        await gotoReady(page, url, null);
        await checkPage(page, viewport, name);
        if (name === "chart-episodes-record" || name === "episode-edit") {
          expect.soft(await suggestionInView(page), `${name} at ${viewport.width} px`).toBeNull();
        }
      }
    }, 300_000);

    it(`admin pages at ${viewport.width} px`, async () => {
      const admin = await browser.newPage({ viewport });
      await signIn(admin, "admin@demo.clinic");
      for (const [url, name] of [
        ["/patients", "admin-patient-list"],
        ["/admin/users", "admin-users"],
        ["/admin/clinics", "admin-clinics"],
        ["/admin/audit", "admin-audit"],
        ["/admin/audit?verify=1", "admin-audit-verified"],
        ["/admin/deleted", "admin-deleted"],
        ["/account/password", "admin-password"],
      ]) {
        await gotoReady(admin, url, null);
        await checkPage(admin, viewport, name);
      }
      // A deleted patient's purge form, opened.
      await gotoReady(admin, "/admin/deleted", "main details.purge form");
      await admin.locator("details.purge > summary").first().click();
      await admin.locator("details.purge[open] form").first().waitFor();
      await checkPage(admin, viewport, "admin-deleted-purge-open");
      // The log filtered by action and outcome, one row's details open in place.
      await gotoReady(admin, "/admin/audit?action=PATIENT_VIEW&outcome=SUCCESS", null);
      const summary = admin.locator("table.data tbody summary").first();
      await summary.click();
      await admin.locator("table.data tbody details[open] dl").first().waitFor();
      await checkPage(admin, viewport, "admin-audit-filtered-details");
    }, 180_000);

    it(`read-only pages at ${viewport.width} px`, async () => {
      const reader = await browser.newPage({ viewport });
      await signIn(reader, "readonly@demo.clinic");
      for (const [url, name] of [
        [chart(), "read-only-chart"],
        [`${chart()}/checklist`, "read-only-checklist"],
        [`/patients/${notedId}/checklist`, "read-only-checklist-notes"],
        [`${chart()}/episodes/${episodeId}`, "read-only-episode"],
        [reviewEpisodePath, "read-only-episode-for-review"],
        [`${chart()}/visits/${visitId}`, "read-only-visit"],
      ]) {
        await gotoReady(reader, url, null);
        await checkPage(reader, viewport, name);
      }
    }, 180_000);
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
});
