import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { actorFor } from "../factories/users";
import { createPatient } from "@/lib/features/patients/data";
import { createEpisode } from "@/lib/features/episodes/data";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";
import { findServerAction, sessionCookie, submitFormAction } from "./support/server-action";

const suggestion = (page: Page) => page.getByTestId("suggestion");

describe("clinician: visits, episodes and the assessment", () => {
  const browser = useBrowser();
  const db = useDb();
  let clinician: ReturnType<typeof actorFor>;

  beforeAll(async () => {
    const user = await db.user.findUniqueOrThrow({ where: { email: "clinician@demo.clinic" }, include: { memberships: true } });
    clinician = actorFor(user, user.memberships.map((m) => m.clinicId));
  });

  const newPatient = async (familyName: string) =>
    createPatient(clinician, { mrn: `E2E-${uniqueSuffix()}`, givenName: "Eva", familyName, birthDate: "1979-03-04", sex: "FEMALE" });

  it("logs a visit with two episodes; the suggestion follows the movement field; the second is entered by keyboard alone", async () => {
    const patient = await newPatient("Visitlog");
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/visits`, "form[aria-label=Visit]");

    // The visit.
    await page.getByText("Log a visit (vitals, labs)").click();
    await page.fill("#v-systolic", "128");
    await page.fill("#v-diastolic", "82");
    await page.fill("#v-temperature", "36.8");
    await Promise.all([page.waitForURL(/saved=visit/), page.getByRole("button", { name: "Save visit" }).click()]);
    await page.getByText("Visit saved.").waitFor();
    const visit = await db.visit.findFirstOrThrow({ where: { patientId: patient.id } });
    await gotoReady(page, `/patients/${patient.id}/episodes?record=1`, "form[aria-label=Episode]");

    // First episode, by mouse: the suggestion changes with the movement.
    expect(await suggestion(page).textContent()).toBe("No suggestion");
    await page.fill("#ep-duration", "90");
    await page.getByRole("radio", { name: "Left" }).check();
    await page.getByRole("radio", { name: "Sustained contraction" }).check();
    await expect.poll(() => suggestion(page).textContent()).toBe("Tonic");
    await page.getByRole("radio", { name: "Rhythmic jerks" }).check();
    await expect.poll(() => suggestion(page).textContent()).toBe("Clonic");
    await page.getByRole("radio", { name: "Sustained contraction" }).check();
    await expect.poll(() => suggestion(page).textContent()).toBe("Tonic");
    await page.getByRole("checkbox", { name: "During sleep" }).check();
    await page.getByRole("checkbox", { name: "Cold", exact: true }).check();
    expect(await page.locator("#ep-visitId").inputValue()).toBe(visit.id);
    await page.getByRole("button", { name: "Save episode" }).click();
    await page.getByText("Episode saved.").waitFor();

    // Second episode, keyboard only: after a save the cursor waits in the duration field.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("ep-duration");
    await page.keyboard.type("2");
    await page.keyboard.press("Tab"); // unit
    await page.keyboard.press("ArrowDown"); // minutes
    await page.keyboard.press("Tab"); // side: first radio
    await page.keyboard.press("ArrowRight"); // Right
    await page.keyboard.press("Tab"); // muscle group (calf)
    await page.keyboard.press("Tab"); // pain
    await page.keyboard.type("6");
    await page.keyboard.press("Tab"); // visit (kept)
    await page.keyboard.press("Tab"); // movement group, on the checked "Not recorded"
    await page.keyboard.press("ArrowDown"); // wraps round to Twitches
    await expect.poll(() => suggestion(page).textContent()).toBe("Myoclonic");
    await page.keyboard.press("ArrowDown"); // Rhythmic jerks
    await expect.poll(() => suggestion(page).textContent()).toBe("Clonic");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab"); // rhythm
    await page.keyboard.press("Tab"); // first finding: voluntary control
    await page.keyboard.press("Space");
    await page.getByText(/consider restless legs/i).waitFor();
    await page.keyboard.press("Space"); // untick again
    await page.locator("#ep-classification").focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab"); // back on the classification select, reached by keyboard
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("ep-classification");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Escape");
    await page.locator("#ep-notes").focus();
    await page.keyboard.type("Felt after a long walk");
    await page.keyboard.press("Tab"); // save button
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Save episode");
    await page.keyboard.press("Enter");
    await page.getByText("Episode saved.").waitFor();
    await screenshot(page, "episode-entry");

    const stored = await db.episode.findMany({ where: { patientId: patient.id }, orderBy: { createdAt: "asc" } });
    expect(stored.map((e) => [e.durationSeconds, e.side, e.movement, e.suggestedClassification, e.visitId, e.painScore])).toEqual([
      [90, "LEFT", "SUSTAINED_CONTRACTION", "TONIC", visit.id, null],
      [120, "RIGHT", "RHYTHMIC_JERKS", "CLONIC", visit.id, 6],
    ]);
    expect(stored[1].notes).toBe("Felt after a long walk");

    // A fresh load (a hash-only navigation would keep the current document).
    await gotoReady(page, `/patients/${patient.id}/episodes?sort=occurredAt&dir=desc#episodes`, null);
    const rows = page.getByTestId("episode-table").locator("tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("2 min");
    expect(await rows.nth(1).textContent()).toContain("1 min 30 s");
  });

  it("three cold nights in a row show CONSECUTIVE_DAYS and suggest hypothermia; the clinician marks it suspected and sees the history", async () => {
    const patient = await newPatient("Coldnights");
    const now = Date.now();
    for (let d = 3; d >= 1; d--) {
      await createEpisode(clinician, patient.id, { occurredAt: new Date(now - d * 86400_000).toISOString(), durationSeconds: 100, side: "RIGHT", movement: "SUSTAINED_CONTRACTION", duringSleep: true, triggers: ["COLD"] });
    }
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/checklist`, "form[aria-label='Status of Hypothermia']");
    await page.locator("[data-code=CONSECUTIVE_DAYS]").waitFor();
    const row = page.locator("tr[data-cause=hypothermia]");
    expect(await row.textContent()).toContain("Suggested");
    expect(await row.textContent()).toMatch(/3 episodes triggered by cold/);

    await row.locator("#cl-hypothermia-status").selectOption("SUSPECTED");
    await row.locator("#cl-hypothermia-note").fill("Unheated bedroom; advised warm socks");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByText("History (1)").waitFor();
    await row.getByText("History (1)").click();
    await row.getByText(/Not assessed → Suspected \(“Unheated bedroom; advised warm socks”\)/).waitFor();
    expect(await row.locator("#cl-hypothermia-status").inputValue()).toBe("SUSPECTED");
    await screenshot(page, "assessment");

    const history = await db.checklistHistory.findMany({ where: { patientId: patient.id } });
    expect(history.map((h) => [h.causeId, h.fromStatus, h.toStatus])).toEqual([["hypothermia", "NOT_ASSESSED", "SUSPECTED"]]);
  });

  it("a differing label goes to the review list; the clinician confirms it there and the episode leaves the list", async () => {
    const patient = await newPatient("Reviewlabel");
    const disputed = await createEpisode(clinician, patient.id, {
      occurredAt: new Date(Date.now() - 3600_000).toISOString(), durationSeconds: 40, side: "LEFT", movement: "SUSTAINED_CONTRACTION", classification: "CLONIC",
    });
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, "/review", "main h1");
    const queueRow = page.locator("tbody tr", { hasText: patient.mrn });
    expect(await queueRow.count()).toBe(1);
    await Promise.all([page.waitForURL(/\/episodes\//), queueRow.getByRole("link", { name: "Open episode" }).click()]);

    await page.getByText("Marked for review: the clinician's label (Clonic) differs from the suggestion (Tonic).").waitFor();
    await page.getByRole("button", { name: 'Confirm label "Clonic"' }).click();
    await page.getByText(/Label confirmed on review by Dr\. Clara Lind on .*: Clonic stands against the suggested Tonic\./).waitFor();
    expect(await page.getByRole("button", { name: /Confirm label/ }).count()).toBe(0);
    // The episode's history names the confirmation, above the recording.
    const history = page.locator("section[aria-labelledby=history-title] .history-list > li");
    await history.first().getByText("Dr. Clara Lind confirmed the label on review.").waitFor();
    expect(await history.last().textContent()).toMatch(/Dr\. Clara Lind recorded the episode\.$/);
    await screenshot(page, "label-confirmed");

    await gotoReady(page, "/review", "main h1");
    expect(await page.locator("tbody tr", { hasText: patient.mrn }).count()).toBe(0);
    const stored = await db.episode.findUniqueOrThrow({ where: { id: disputed.id } });
    expect(stored).toMatchObject({ needsReview: false, labelConfirmedById: clinician.userId, version: disputed.version + 1 });
    expect(await db.auditEvent.count({ where: { action: "EPISODE_LABEL_CONFIRM", targetId: disputed.id } })).toBe(1);
  });
});

describe("episode writes refused as they should be", () => {
  const browser = useBrowser();
  const db = useDb();

  it("a direct server-action call with out-of-range values is refused field by field and saves nothing", async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10004" } });
    const cookie = await sessionCookie("clinician@demo.clinic");
    const action = findServerAction("createEpisodeAction");
    const valid = { timeZone: "Europe/Berlin", occurredAt: "2026-11-20T08:00", duration: "60", durationUnit: "s", side: "LEFT", muscleGroup: "CALF", movement: "SUSTAINED_CONTRACTION" };
    const before = await db.episode.count({ where: { patientId: patient.id } });
    const refused = await submitFormAction(
      action,
      { ...valid, painScore: "11", duration: "0", occurredAt: "2099-01-01T10:00", side: "MIDDLE", classification: "SPASM" },
      { cookie, bound: [patient.id], path: `/patients/${patient.id}/episodes` },
    );
    const result = refused.result as { status: string; fields: Record<string, string> };
    expect(result.status).toBe("error");
    expect(Object.keys(result.fields).sort()).toEqual(["classification", "durationSeconds", "occurredAt", "painScore", "side"]);
    expect(await db.episode.count({ where: { patientId: patient.id } })).toBe(before);

    // The same call with good values goes through, so the refusal above was about the values.
    const ok = await submitFormAction(action, valid, { cookie, bound: [patient.id], path: `/patients/${patient.id}/episodes` });
    expect((ok.result as { status: string }).status).toBe("ok");
    expect(await db.episode.count({ where: { patientId: patient.id } })).toBe(before + 1);
  });

  it("two clinicians edit one episode: the second save is refused, says why and offers the saved version", async () => {
    const patient = await db.patient.findFirstOrThrow({ where: { mrn: "D-10001" } });
    const episode = await db.episode.findFirstOrThrow({ where: { patientId: patient.id, deletedAt: null } });
    const url = `/patients/${patient.id}/episodes/${episode.id}`;
    const first = await browser.newPage();
    const second = await browser.newPage();
    await signIn(first, "clinician@demo.clinic");
    await signIn(second, "admin@demo.clinic");
    await gotoReady(first, url, "form[aria-label=Episode]");
    await gotoReady(second, url, "form[aria-label=Episode]");

    await first.fill("#ep-notes", "first clinician's note");
    await Promise.all([first.waitForURL(/saved=episode/), first.getByRole("button", { name: "Save changes" }).click()]);

    await second.fill("#ep-notes", "second clinician's note");
    await second.getByRole("button", { name: "Save changes" }).click();
    await second.getByText(/Someone else saved this record after you opened it/).waitFor();
    await second.getByRole("button", { name: "See the saved version in a new tab" }).waitFor();
    expect(await second.locator("#ep-notes").inputValue()).toBe("second clinician's note");
    expect((await db.episode.findUniqueOrThrow({ where: { id: episode.id } })).notes).toBe("first clinician's note");
    await screenshot(second, "stale-edit");
  });
});
