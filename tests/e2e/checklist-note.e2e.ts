/**
 * The checklist tab's notes (issue 22): a save the server refuses (a note over its limit, a
 * colleague who saved first) leaves what the clinician chose and typed in the form, with the
 * reason; a long note is readable in its box on a tablet and a laptop.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { actorFor } from "../factories/users";
import { createPatient } from "@/lib/features/patients/data";
import { setChecklistStatus } from "@/lib/features/assessment/data";
import { STALE_VERSION_MESSAGE } from "@/lib/server/errors";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { uniqueSuffix, useDb } from "./support/db";

const TABLET = { width: 820, height: 1180 };
const LAPTOP = { width: 1280, height: 900 };

describe("checklist notes", () => {
  const browser = useBrowser();
  const db = useDb();
  let clinician: ReturnType<typeof actorFor>;

  beforeAll(async () => {
    const user = await db.user.findUniqueOrThrow({ where: { email: "clinician@demo.clinic" }, include: { memberships: true } });
    clinician = actorFor(user, user.memberships.map((m) => m.clinicId));
  });

  const newPatient = (familyName: string) =>
    createPatient(clinician, { mrn: `CN-${uniqueSuffix()}`, givenName: "Nora", familyName, birthDate: "1965-02-03", sex: "FEMALE" });

  async function openChecklist(page: Page, patientId: string) {
    await gotoReady(page, `/patients/${patientId}/checklist`, "form[aria-label='Status of Hypothermia']");
    const row = page.locator("tr[data-cause=hypothermia]");
    return { row, status: row.locator("#cl-hypothermia-status"), note: row.getByLabel("Note on Hypothermia") };
  }

  it("keeps a note over its limit in the box when the save is refused, then saves it shortened", async () => {
    const patient = await newPatient("Overnote");
    const page = await browser.newPage({ viewport: TABLET });
    await signIn(page, "clinician@demo.clinic");
    const { row, status, note } = await openChecklist(page, patient.id);
    const typed = "Cold bedroom, no heating since October. ".repeat(60).slice(0, 2001);
    await status.selectOption("SUSPECTED");
    await note.fill(typed);
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByText("The note can be at most 2,000 characters (this has 2,001)").first().waitFor();

    // Everything typed and chosen is still there, marked as the field in error.
    expect(await note.inputValue()).toBe(typed);
    expect(await status.inputValue()).toBe("SUSPECTED");
    expect(await note.getAttribute("aria-invalid")).toBe("true");
    expect(await row.getByText("1 character over the limit of 2,000").count()).toBe(1);
    expect(await db.checklistItem.count({ where: { patientId: patient.id } })).toBe(0);
    // The long note is shown in a box of several lines, inside the window.
    const box = await note.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(TABLET.width);
    expect(box!.width).toBeGreaterThanOrEqual(200);
    expect(box!.height).toBeGreaterThanOrEqual(60);
    await screenshot(page, "checklist-note-refused-820");

    // One character less is saved as typed.
    await note.press("Control+End"); // the end of the text, not of the line the caret is on
    await note.press("Backspace");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByText("History (1)").waitFor();
    const saved = await db.checklistItem.findFirstOrThrow({ where: { patientId: patient.id, causeId: "hypothermia" } });
    expect([saved.status, saved.note]).toEqual(["SUSPECTED", typed.slice(0, 2000)]);
    expect(await row.getByLabel("Note on Hypothermia").inputValue()).toBe(typed.slice(0, 2000));
  });

  it("keeps the clinician's note when a colleague saved the item first", async () => {
    const patient = await newPatient("Stalenote");
    for (const viewport of [LAPTOP, TABLET]) {
      const page = await browser.newPage({ viewport });
      await signIn(page, "clinician@demo.clinic");
      const { row, status, note } = await openChecklist(page, patient.id);
      // A colleague saves the same cause after the page was opened.
      const current = await db.checklistItem.findUnique({ where: { patientId_causeId: { patientId: patient.id, causeId: "hypothermia" } } });
      await setChecklistStatus(clinician, patient.id, "hypothermia", { status: "RULED_OUT", note: `Colleague at ${viewport.width}`, version: current?.version ?? 0 });

      await status.selectOption("CONFIRMED");
      await note.fill(`Thermometer in the bedroom reads 12 °C (${viewport.width})`);
      await row.getByRole("button", { name: "Save" }).click();
      await row.getByText(STALE_VERSION_MESSAGE).waitFor();
      expect(await note.inputValue()).toBe(`Thermometer in the bedroom reads 12 °C (${viewport.width})`);
      expect(await status.inputValue()).toBe("CONFIRMED");
      // The colleague's save stands.
      const stored = await db.checklistItem.findFirstOrThrow({ where: { patientId: patient.id, causeId: "hypothermia" } });
      expect([stored.status, stored.note]).toEqual(["RULED_OUT", `Colleague at ${viewport.width}`]);
      await screenshot(page, `checklist-note-stale-${viewport.width}`);
      await page.close();
    }
  });
});
