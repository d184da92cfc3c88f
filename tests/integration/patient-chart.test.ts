import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient, getPatient, updatePatient } from "@/lib/features/patients/data";
import { createEpisode } from "@/lib/features/episodes/data";
import { createVisit, deleteVisit } from "@/lib/features/visits/data";
import { getAssessment, setChecklistStatus } from "@/lib/features/assessment/data";
import { loadChartHeader, loadPatientOverview } from "@/lib/features/patients/chart-loaders";
import { DataError } from "@/lib/server/errors";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
beforeAll(async () => {
  world = await createWorld(db);
});

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

describe("the chart's Overview", () => {
  it("lists the causes the record suggests, with the first reason, the same ones the checklist suggests", async () => {
    // Pregnant, varicose veins on the problem list, on omeprazole: three causes from the history alone.
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-1", lifestyle: [] }));
    const overview = await loadPatientOverview(world.actors.reader, p.id);
    const ids = overview.suggestions.map((s) => s.causeId);
    expect(ids).toEqual(expect.arrayContaining(["varicose_veins", "pregnancy", "magnesium_blocking_drugs"]));
    expect(overview.suggestions.find((s) => s.causeId === "varicose_veins")!.reason).toBe("problem list: varicose veins");
    expect(overview.suggestions.find((s) => s.causeId === "magnesium_blocking_drugs")!.reason).toMatch(/omeprazole/i);
    expect(overview.suggestions.every((s) => s.status === null)).toBe(true);
    // The checklist tab's assessment suggests exactly these, in the same order.
    const assessment = await getAssessment(world.actors.reader, p.id);
    expect(ids).toEqual(assessment.checklist.filter((c) => c.suggested).map((c) => c.causeId));
  });

  it("follows the episodes and labs of the last 30 days, and forgets a deleted visit's labs", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-2", pregnant: false, conditions: [], lifestyle: [], medications: [] }));
    expect((await loadPatientOverview(world.actors.clinician, p.id)).suggestions).toEqual([]);
    await createEpisode(world.actors.clinician, p.id, { occurredAt: daysAgo(3), durationSeconds: 60, side: "RIGHT", movement: "SUSTAINED_CONTRACTION", triggers: ["COLD"] });
    // An episode older than the window suggests nothing.
    await createEpisode(world.actors.clinician, p.id, { occurredAt: daysAgo(45), durationSeconds: 60, side: "LEFT", movement: "SUSTAINED_CONTRACTION", triggers: ["EXERTION"] });
    const visit = await createVisit(world.actors.clinician, p.id, { occurredAt: daysAgo(2), systolic: 150, diastolic: 85, labs: [{ analyte: "MAGNESIUM", value: 0.6, unit: "mmol/L" }] });
    const overview = await loadPatientOverview(world.actors.clinician, p.id);
    const byId = new Map(overview.suggestions.map((s) => [s.causeId, s]));
    expect(byId.get("hypothermia")?.reason).toBe("1 episode triggered by cold in the last 30 days");
    expect(byId.get("micronutrient_deficiency")?.reason).toMatch(/^magnesium 0\.6 mmol\/L on /);
    expect(byId.get("high_blood_pressure")?.reason).toMatch(/^blood pressure 150\/85 mmHg at the visit on /);
    expect(byId.has("overexertion")).toBe(false);
    await deleteVisit(world.actors.clinician, visit.id, visit.version);
    const after = new Set((await loadPatientOverview(world.actors.clinician, p.id)).suggestions.map((s) => s.causeId));
    expect(after.has("micronutrient_deficiency")).toBe(false);
    expect(after.has("high_blood_pressure")).toBe(false);
    expect(after.has("hypothermia")).toBe(true);
  });

  it("shows a clinician's mark on a suggested cause and drops a cause ruled out", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-3", lifestyle: [] }));
    await setChecklistStatus(world.actors.clinician, p.id, "pregnancy", { status: "CONFIRMED", note: "", version: 0 });
    await setChecklistStatus(world.actors.clinician, p.id, "varicose_veins", { status: "RULED_OUT", note: "Duplex normal", version: 0 });
    const overview = await loadPatientOverview(world.actors.clinician, p.id);
    expect(overview.suggestions.find((s) => s.causeId === "pregnancy")?.status).toBe("CONFIRMED");
    expect(overview.suggestions.some((s) => s.causeId === "varicose_veins")).toBe(false);
    expect(overview.header.checklistMarks).toEqual(
      expect.arrayContaining([
        { causeId: "pregnancy", status: "CONFIRMED" },
        { causeId: "varicose_veins", status: "RULED_OUT" },
      ]),
    );
  });

  it("records the view of the suggestions in the audit log, and refuses a patient of another clinic", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-4" }));
    await loadPatientOverview(world.actors.reader, p.id);
    const rows = await db.auditEvent.findMany({ where: { patientId: p.id, userId: world.users.reader.id }, select: { action: true, details: true } });
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["PATIENT_VIEW", "ASSESSMENT_VIEW", "EPISODE_LIST", "VISIT_LIST", "TRENDS_VIEW"]));
    const error = await loadPatientOverview(world.actors.outsider, p.id).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe("NOT_FOUND");
  });

  it("carries the allergies in the header: recorded with their text, none known, or not recorded; refused field by field", async () => {
    const fresh = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-5" }));
    expect((await loadChartHeader(world.actors.reader, fresh.id)).allergyStatus).toBe("NOT_RECORDED");
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-6", allergyStatus: "RECORDED", allergies: "Penicillin (rash)" }));
    const header = await loadChartHeader(world.actors.reader, p.id);
    expect([header.allergyStatus, header.allergies]).toEqual(["RECORDED", "Penicillin (rash)"]);
    const noText = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-7", allergyStatus: "RECORDED", allergies: "  " })).then(() => null, (e) => e);
    expect((noText as DataError).code).toBe("VALIDATION");
    expect((noText as DataError).fields.allergies).toMatch(/Name the allergies/);
    const textWithoutStatus = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-8", allergies: "Latex" })).then(() => null, (e) => e);
    expect((textWithoutStatus as DataError).fields.allergies).toMatch(/allergies recorded/);
    const tooLong = await createPatient(world.actors.clinician, validPatient({ mrn: "CH-9", allergyStatus: "RECORDED", allergies: "x".repeat(1001) })).then(() => null, (e) => e);
    expect((tooLong as DataError).fields.allergies).toMatch(/1,000/);
    expect(await db.patient.count({ where: { mrn: { in: ["CH-7", "CH-8", "CH-9"] } } })).toBe(0);
    // Choosing "none known" clears the text; the version moves on.
    const before = await getPatient(world.actors.clinician, p.id);
    await updatePatient(world.actors.clinician, p.id, { version: before.version, allergyStatus: "NONE_KNOWN" });
    const after = await getPatient(world.actors.clinician, p.id);
    expect([after.allergyStatus, after.allergies, after.version]).toEqual(["NONE_KNOWN", "", before.version + 1]);
    const refused = await updatePatient(world.actors.clinician, p.id, { version: after.version, allergies: "Aspirin" }).then(() => null, (e) => e);
    expect((refused as DataError).fields.allergies).toMatch(/allergies recorded/);
  });
});
