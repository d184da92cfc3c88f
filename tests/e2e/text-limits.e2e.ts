/**
 * Long text and limited fields (issue 22): a word longer than any line wraps inside its box
 * instead of pushing the page sideways, and a note over its limit is shown, counted and refused by
 * the server with the count, never cut.
 */
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { actorFor } from "../factories/users";
import { createPatient } from "@/lib/features/patients/data";
import { createEpisode } from "@/lib/features/episodes/data";
import { gotoReady, screenshot, signIn, useBrowser, waitForHydration } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";

const TABLET = { width: 820, height: 1180 };
const LAPTOP = { width: 1280, height: 900 };

/** One unbroken word of `length` characters, a URL as a pasted link would be. */
const longWord = (length: number) => {
  const start = "https://example.org/notes/";
  return start + "abcdefghij".repeat(Math.ceil(length / 10)).slice(0, length - start.length);
};

/** The page scrolls sideways by this many pixels (0: it fits). */
const sidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The count under a limited field: the element its aria-describedby names for it. */
async function counterOf(page: Page, field: Locator): Promise<Locator> {
  const ids = ((await field.getAttribute("aria-describedby")) ?? "").split(" ");
  const id = ids.find((i) => i.endsWith("-count"));
  expect(id, "the field is described by its count").toBeDefined();
  return page.locator(`[id="${id}"]`);
}

/** The box's right edge is inside the viewport and it is not wider than the viewport. */
async function expectWithinViewport(page: Page, box: Locator) {
  const rect = await box.boundingBox();
  const width = page.viewportSize()!.width;
  expect(rect, "the note's box is on the page").not.toBeNull();
  expect(rect!.x).toBeGreaterThanOrEqual(0);
  expect(rect!.x + rect!.width).toBeLessThanOrEqual(width);
}

describe("long text and limited fields", () => {
  const browser = useBrowser();
  const db = useDb();
  let clinician: ReturnType<typeof actorFor>;

  beforeAll(async () => {
    const user = await db.user.findUniqueOrThrow({ where: { email: "clinician@demo.clinic" }, include: { memberships: true } });
    clinician = actorFor(user, user.memberships.map((m) => m.clinicId));
  });

  const newPatient = (familyName: string) =>
    createPatient(clinician, { mrn: `TL-${uniqueSuffix()}`, givenName: "Tess", familyName, birthDate: "1971-05-06", sex: "FEMALE" });

  /** The episode form, opened as a clinician would: the chart's "Record episode", else the Episodes tab. */
  async function openEpisodeForm(page: Page, patientId: string) {
    await gotoReady(page, `/patients/${patientId}`, null);
    const record = page.getByRole("link", { name: /^Record episode/ });
    if (await record.count()) await record.first().click();
    else await gotoReady(page, `/patients/${patientId}/episodes?record=1`, null);
    const form = page.locator("form[aria-label=Episode]");
    await form.waitFor();
    await waitForHydration(page, "form[aria-label=Episode]");
    const notes = form.getByLabel("Notes", { exact: true });
    await notes.waitFor();
    return { form, notes };
  }

  async function fillEpisode(form: Locator) {
    await form.locator("#ep-duration").fill("60");
    await form.getByRole("radio", { name: "Left" }).check();
  }

  it("wraps a long unbroken word in a note: on the form, after saving, and a 5,000-character one on the episode's page", async () => {
    const patient = await newPatient("Wrapword");
    for (const viewport of [LAPTOP, TABLET]) {
      const page = await browser.newPage({ viewport });
      await signIn(page, "clinician@demo.clinic");
      const { form, notes } = await openEpisodeForm(page, patient.id);
      // No maxlength: a paste is never cut, whatever its length.
      expect(await notes.getAttribute("maxlength")).toBeNull();

      // 5,000 characters in the field: all kept, counted as over, and the form stays on the screen.
      await notes.fill(longWord(5000));
      expect(await notes.inputValue()).toHaveLength(5000);
      const count = await counterOf(page, notes);
      await expect.poll(() => count.textContent()).toBe("3,000 characters over the limit of 2,000");
      expect(await sidewaysScroll(page)).toBe(0);
      await expectWithinViewport(page, notes);

      // A word as long as a note may be is saved whole; the page after saving fits.
      await fillEpisode(form);
      await notes.fill(longWord(2000));
      await expect.poll(() => count.textContent()).toBe("0 characters left");
      await form.getByRole("button", { name: "Save episode" }).click();
      await page.getByText("Episode saved.").waitFor();
      expect(await sidewaysScroll(page)).toBe(0);
      await page.close();
    }
    const saved = await db.episode.findMany({ where: { patientId: patient.id } });
    expect(saved.map((e) => e.notes)).toEqual([longWord(2000), longWord(2000)]);

    // A 5,000-character word (a note from before the limit, or an import) on the episode's page:
    // in the clinician's view (the edit form and the history) and the read-only one (the note as text).
    const episode = await createEpisode(clinician, patient.id, { occurredAt: new Date(Date.now() - 3600_000).toISOString(), durationSeconds: 30, side: "RIGHT", notes: "short" });
    await db.episode.update({ where: { id: episode.id }, data: { notes: longWord(5000) } });
    for (const [email, viewport] of [["clinician@demo.clinic", TABLET], ["readonly@demo.clinic", TABLET], ["readonly@demo.clinic", LAPTOP]] as const) {
      const page = await browser.newPage({ viewport });
      await signIn(page, email);
      await gotoReady(page, `/patients/${patient.id}/episodes/${episode.id}`, null);
      const note = email === "readonly@demo.clinic" ? page.locator("dd", { hasText: "https://example.org/notes/" }) : page.getByLabel("Notes", { exact: true });
      await note.waitFor();
      expect(await sidewaysScroll(page), `${email} at ${viewport.width} px`).toBe(0);
      await expectWithinViewport(page, note);
      if (email === "readonly@demo.clinic" && viewport === TABLET) await screenshot(page, "text-limits-long-word-820");
      await page.close();
    }
  });

  it("counts a 2,001-character note as over the limit, and the server refuses it with the count, keeping every character", async () => {
    const patient = await newPatient("Overlimit");
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    const { form, notes } = await openEpisodeForm(page, patient.id);
    await fillEpisode(form);
    await notes.fill("n".repeat(1990));
    // The count is read with the field (aria-describedby), and follows every keystroke.
    const count = await counterOf(page, notes);
    await expect.poll(() => count.textContent()).toBe("10 characters left");
    await notes.pressSequentially("n".repeat(11));
    await expect.poll(() => count.textContent()).toBe("1 character over the limit of 2,000");
    // A screen reader hears it once typing pauses.
    await expect.poll(() => form.locator("[aria-live=polite]", { hasText: "over the limit" }).count()).toBe(1);

    await form.getByRole("button", { name: "Save episode" }).click();
    const error = form.getByText("Notes can be at most 2,000 characters (this has 2,001)");
    await error.waitFor();
    expect(await notes.getAttribute("aria-invalid")).toBe("true");
    expect(await notes.getAttribute("aria-describedby")).toContain((await error.getAttribute("id"))!);
    // Nothing cut, nothing saved.
    expect(await notes.inputValue()).toHaveLength(2001);
    await expect.poll(async () => (await counterOf(page, notes)).textContent()).toBe("1 character over the limit of 2,000");
    expect(await db.episode.count({ where: { patientId: patient.id } })).toBe(0);
    await screenshot(page, "text-limits-refused");

    // One character less is saved whole.
    await notes.press("End");
    await notes.press("Backspace");
    await expect.poll(async () => (await counterOf(page, notes)).textContent()).toBe("0 characters left");
    await form.getByRole("button", { name: "Save episode" }).click();
    await page.getByText("Episode saved.").waitFor();
    expect((await db.episode.findFirstOrThrow({ where: { patientId: patient.id } })).notes).toBe("n".repeat(2000));
  });

  it("counts line breaks as the server does: a note of 2,000 characters in lines is kept as typed", async () => {
    const patient = await newPatient("Linebreaks");
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    const { form, notes } = await openEpisodeForm(page, patient.id);
    await fillEpisode(form);
    const lines = Array.from({ length: 40 }, (_, i) => `line ${String(i).padStart(2, "0")} `.padEnd(49, "x")).join("\n");
    expect(lines).toHaveLength(40 * 49 + 39);
    const note = lines + "y".repeat(2000 - lines.length);
    await notes.fill(note);
    const count = await counterOf(page, notes);
    await expect.poll(() => count.textContent()).toBe("0 characters left");
    await form.getByRole("button", { name: "Save episode" }).click();
    await page.getByText("Episode saved.").waitFor();
    const stored = (await db.episode.findFirstOrThrow({ where: { patientId: patient.id } })).notes;
    expect(stored.replace(/\r\n/g, "\n")).toBe(note);
    expect(stored).toHaveLength(2000);
  });
});
