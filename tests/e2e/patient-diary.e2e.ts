import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import en from "@/lib/core/diary/messages/en.json";
import es from "@/lib/core/diary/messages/es.json";
import { DIARY_PAGE_CACHE, DIARY_STATIC_CACHE } from "@/app/diary/offline";
import { expectAccessible } from "./support/axe";
import { allowConsoleError, gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";

/**
 * The patient diary end to end (issue 21): the clinician gives a link, the patient opens it from
 * the QR code on a phone (360x740, touch), goes offline, records two episodes (one in English, one
 * in Spanish with a seizure warning sign), comes back online and both arrive once; the clinician
 * then finds them in the review queue, reviews one, and sees it in the chart. On every diary
 * screen, in both languages: axe finds nothing serious and nothing scrolls sideways.
 */
type Messages = typeof en;
const PHONE = { width: 360, height: 740 };
const jsQrPath = createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js");

/** Reads the QR code the way a phone's camera would: from its pixels, not from the page's text. */
async function decodeQr(page: Page, dataUrl: string): Promise<string> {
  await page.setContent("<!doctype html><title>QR</title>");
  await page.addScriptTag({ path: jsQrPath });
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const size = 480;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    ctx.drawImage(img, 0, 0, size, size);
    const pixels = ctx.getImageData(0, 0, size, size);
    const jsQR = (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR;
    return jsQR(pixels.data, size, size)?.data ?? "";
  }, dataUrl);
}

/** Every screen: axe finds nothing serious, nothing is wider than the phone. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name} scrolls sideways at ${PHONE.width} px`).toBeLessThanOrEqual(0);
}

const heading = (page: Page, name: string) => page.getByRole("heading", { level: 1, name, exact: true });

async function next(page: Page, m: Messages) {
  await page.getByRole("button", { name: m.nav.next, exact: true }).tap();
}

/**
 * Records one episode by touch, every question answered, checking each screen on the way.
 * `lostAwareness` answers the first warning-sign question yes.
 */
async function recordEpisode(page: Page, m: Messages, label: string, opts: { lostAwareness: boolean }): Promise<void> {
  await page.getByRole("button", { name: m.home.record, exact: true }).tap();

  await heading(page, m.movement.heading).waitFor();
  await page.getByRole("radio", { name: m.movement.SUSTAINED_CONTRACTION, exact: true }).tap();
  await checkScreen(page, `${label} movement`);
  await next(page, m);

  await heading(page, m.when.heading).waitFor();
  await page.getByRole("radio", { name: new RegExp(`^${m.when.now}`) }).tap();
  await checkScreen(page, `${label} when`);
  await next(page, m);

  await heading(page, m.duration.heading).waitFor();
  await page.getByRole("radio", { name: m.duration.about1min, exact: true }).tap();
  await checkScreen(page, `${label} duration`);
  await next(page, m);

  await heading(page, m.where.heading).waitFor();
  await page.getByRole("radio", { name: m.where.LEFT, exact: true }).tap();
  await checkScreen(page, `${label} where`);
  await next(page, m);

  await heading(page, m.pain.heading).waitFor();
  await page.getByRole("radio", { name: "6", exact: true }).tap();
  await checkScreen(page, `${label} pain`);
  await next(page, m);

  // The essentials are enough to send; this walk answers the rest too.
  await heading(page, m.summary.heading).waitFor();
  await checkScreen(page, `${label} summary of the essentials`);
  await page.getByRole("button", { name: m.summary.more, exact: true }).tap();

  const yesNo = ["lostAwareness", "tongueBitten", "wetThemselves", "witnessed", "duringSleep", "urgeToMove", "worseAtRest", "worseInEvening", "reliefByMovement", "voluntaryControl"] as const;
  for (const field of yesNo) {
    await heading(page, m.questions[field]).waitFor();
    const yes = field === "lostAwareness" && opts.lostAwareness;
    await page.getByRole("radio", { name: yes ? m.answers.yes : m.answers.no, exact: true }).tap();
    if (yes) {
      // Urgent advice at once, on the question itself, before anything is sent.
      await page.getByRole("alert").getByRole("heading", { name: m.warning.heading }).waitFor();
    }
    await checkScreen(page, `${label} ${field}`);
    await next(page, m);
  }

  await heading(page, m.triggers.heading).waitFor();
  await page.getByRole("checkbox", { name: m.triggers.COLD, exact: true }).tap();
  await checkScreen(page, `${label} triggers`);
  await next(page, m);

  await heading(page, m.relief.heading).waitFor();
  await page.getByRole("checkbox", { name: m.relief.STRETCHING, exact: true }).tap();
  await checkScreen(page, `${label} relief`);
  await next(page, m);

  await heading(page, m.notes.heading).waitFor();
  await page.getByLabel(m.notes.label).fill(`${label}: woke me at night`);
  await checkScreen(page, `${label} notes`);
  await next(page, m);

  await heading(page, m.summary.heading).waitFor();
  await page.getByText(m.summary.allDone).waitFor();
  await checkScreen(page, `${label} summary`);
  await page.getByRole("button", { name: m.summary.send, exact: true }).tap();

  await heading(page, m.sent.heading).waitFor();
  // Offline: saved on the phone, to be sent by itself.
  await page.getByText(m.sent.queued).waitFor();
  if (opts.lostAwareness) await page.getByRole("alert").getByRole("heading", { name: m.warning.heading }).waitFor();
  await checkScreen(page, `${label} thank you`);
  await page.getByRole("button", { name: m.sent.home, exact: true }).tap();
}

describe("patient diary on a phone, reviewed by the clinician", () => {
  const browser = useBrowser();
  const db = useDb();

  it("QR link, two episodes recorded offline in English and Spanish, both arrive once; the clinician reviews one", async () => {
    // A patient of this test's own, so other tests' counts of the demo patients stay as they were.
    const demo = await db.clinic.findFirstOrThrow({ where: { name: "Demo Clinic" } });
    const suffix = uniqueSuffix();
    const patient = await db.patient.create({
      data: { clinicId: demo.id, mrn: `DIA-${suffix}`, givenName: "Rosa", familyName: "Delgado", searchText: `delgado rosa dia-${suffix}`.toLowerCase(), birthDate: "1958-03-14", sex: "FEMALE" },
    });

    // The clinician gives the link on the Reports and diary tab.
    const clinician = await browser.newPage();
    await signIn(clinician, "clinician@demo.clinic");
    await gotoReady(clinician, `/patients/${patient.id}/reports`);
    await clinician.getByRole("button", { name: "Give diary link" }).click();
    const qr = clinician.getByRole("img", { name: "QR code of the diary link" });
    await qr.waitFor();
    const shown = await clinician.getByLabel("Diary link", { exact: true }).inputValue();
    const qrSource = (await qr.getAttribute("src"))!;
    const scanned = await decodeQr(await browser.newPage(), qrSource);
    expect(scanned).toBe(shown);
    expect(new URL(scanned).pathname).toMatch(/^\/diary\/cd_[A-Za-z0-9_-]{43}$/);
    const link = await db.diaryLink.findFirstOrThrow({ where: { patientId: patient.id, revokedAt: null } });

    // The patient opens it on the phone, from what the camera read.
    const phone = await browser.newPage({ viewport: PHONE, phone: true });
    await phone.goto(scanned);
    await heading(phone, en.home.heading.replace("{name}", patient.givenName)).waitFor();
    const record = phone.getByRole("button", { name: en.home.record, exact: true });
    await expect.poll(() => record.isEnabled()).toBe(true);
    // The given name only: nothing else of the record reaches the phone.
    const text = (await phone.locator("body").textContent())!;
    expect(text).not.toContain(patient.mrn);
    expect(text).not.toContain(patient.familyName);
    // Saved for offline use: the page and its scripts are in the worker's caches.
    await expect
      .poll(
        () =>
          phone.evaluate(
            async ([pages, statics]) => {
              const page = await (await caches.open(pages)).match(location.origin + location.pathname, { ignoreVary: true });
              return !!page && (await (await caches.open(statics)).keys()).length > 0 && !!navigator.serviceWorker.controller;
            },
            [DIARY_PAGE_CACHE, DIARY_STATIC_CACHE],
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    await checkScreen(phone, "diary home (English)");

    // Offline: the page still opens (from the worker), and entries wait on the phone.
    await phone.context().setOffline(true);
    await phone.reload();
    await heading(phone, en.home.heading.replace("{name}", patient.givenName)).waitFor();
    await phone.getByText(en.home.offline).waitFor();
    await expect.poll(() => record.isEnabled()).toBe(true);
    await checkScreen(phone, "diary home offline (English)");
    await recordEpisode(phone, en, "English entry", { lostAwareness: false });
    await phone.getByRole("heading", { level: 2, name: `${en.home.waitingHeading} (1)` }).waitFor();

    await phone.getByRole("button", { name: es.languages.es, exact: true }).tap();
    await heading(phone, es.home.heading.replace("{name}", patient.givenName)).waitFor();
    expect(await phone.evaluate(() => document.documentElement.lang)).toBe("es");
    await checkScreen(phone, "diary home offline (Spanish)");
    await recordEpisode(phone, es as Messages, "Spanish entry", { lostAwareness: true });
    await phone.getByRole("heading", { level: 2, name: `${es.home.waitingHeading} (2)` }).waitFor();
    expect(await db.episode.count({ where: { diaryLinkId: link.id } })).toBe(0);
    await screenshot(phone, "diary-offline-waiting-360");

    // Back online: both are sent by themselves, and each arrives once.
    await phone.context().setOffline(false);
    await phone.getByRole("heading", { level: 2, name: `${es.home.waitingHeading} (0)` }).waitFor({ timeout: 30_000 });
    await phone.getByText(es.home.waitingEmpty).waitFor();
    await checkScreen(phone, "diary home after sending (Spanish)");
    await screenshot(phone, "diary-arrived-360");
    const arrived = await db.episode.findMany({ where: { diaryLinkId: link.id }, orderBy: { occurredAt: "asc" } });
    expect(arrived).toHaveLength(2);
    expect(arrived.map((e) => [e.source, e.classification, e.durationSeconds, e.side, e.painScore])).toEqual([
      ["PATIENT", null, 60, "LEFT", 6],
      ["PATIENT", null, 60, "LEFT", 6],
    ]);
    expect(arrived.map((e) => e.consciousnessImpaired).sort()).toEqual([false, true]);
    expect((await db.diaryLink.findUniqueOrThrow({ where: { id: link.id } })).entries).toBe(2);
    // A later resend of the phone's queue (a reload) adds nothing.
    await phone.reload();
    await heading(phone, es.home.heading.replace("{name}", patient.givenName)).waitFor();
    await phone.getByText(es.home.waitingEmpty).waitFor();
    expect(await db.episode.count({ where: { diaryLinkId: link.id } })).toBe(2);

    // The clinician finds both in the review queue and gives one a type in one step.
    await gotoReady(clinician, "/review");
    const rowOf = (episodeId: string) => clinician.locator("tbody tr", { has: clinician.locator(`a[href="/patients/${patient.id}/episodes/${episodeId}"]`) });
    for (const e of arrived) {
      await rowOf(e.id).waitFor();
      expect(await rowOf(e.id).textContent()).toContain("Patient");
    }
    const reviewed = arrived.find((e) => !e.consciousnessImpaired)!;
    const row = rowOf(reviewed.id);
    await row.getByLabel("Type").selectOption("TONIC");
    await row.getByRole("button", { name: "Set type" }).click();
    await expect.poll(async () => (await db.episode.findUniqueOrThrow({ where: { id: reviewed.id } })).classification).toBe("TONIC");
    // Reviewed, it leaves the queue; the other still waits.
    await gotoReady(clinician, "/review");
    await rowOf(arrived.find((e) => e !== reviewed)!.id).waitFor();
    expect(await rowOf(reviewed.id).count()).toBe(0);

    // ... and sees it in the chart, marked as the patient's own report, with its type.
    await gotoReady(clinician, `/patients/${patient.id}/episodes/${reviewed.id}`, null);
    const main = (await clinician.locator("main").textContent())!;
    expect(main).toContain("Patient");
    expect(main).toMatch(/Tonic/);
    expect(main).toContain("the patient, through the diary link, recorded the episode.");
    await screenshot(clinician, "diary-reviewed-episode-1280");
  }, 300_000); // about 50 screens, each checked by axe

  it("a link that does not work: one bilingual page, nothing serious for axe", async () => {
    const phone = await browser.newPage({ viewport: PHONE, phone: true });
    allowConsoleError(phone, /status of 404/);
    const response = await phone.goto("/diary/cd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(response?.status()).toBe(404);
    await phone.getByText(en.errors.notFound).waitFor();
    await phone.getByText(es.errors.notFound).waitFor();
    await checkScreen(phone, "diary link not found");
  });
});
