/**
 * The patient report and handout PDFs, end to end below the route: loaded as an actor through
 * lib/features/exports/data.ts, built by lib/features/exports, then opened as a reader of the file would: every
 * page rendered and its words extracted (tests/helpers/pdf.ts, in JavaScript).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient } from "@/lib/features/patients/data";
import { confirmEpisodeLabel, createEpisode } from "@/lib/features/episodes/data";
import { createVisit } from "@/lib/features/visits/data";
import { setChecklistStatus } from "@/lib/features/assessment/data";
import { setClinicUnitSystem } from "@/lib/features/clinics/data";
import { getHandout, getPatientReport } from "@/lib/features/exports/data";
import { DataError } from "@/lib/server/errors";
import { buildReportPdf } from "@/lib/features/exports/report-pdf";
import { buildHandoutPdf } from "@/lib/features/exports/handout-pdf";
import { addDays, todayIn } from "@/lib/features/exports/period";
import { HANDOUT_SECTIONS, handoutRedFlagText } from "@/lib/core/clinical/handout";
import { CAUSES_BY_ID } from "@/lib/core/clinical/checklist";
import { CALF_SWELLING_ADVICE, WEAKNESS_OR_WASTING_ADVICE } from "@/lib/core/clinical/red-flags";
import { REPORT_SECTION_LABELS, REPORT_SECTIONS, type ReportSection } from "@/lib/features/exports/schema";
import { barePatient, createWorld, validPatient } from "../factories/world";
import { openPdf, type PdfPage } from "../helpers/pdf";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-pdf-"));
const TZ = "Europe/Berlin";
const DAY = 86_400_000;
const today = todayIn(TZ);
const from = addDays(today, -20);

beforeAll(async () => {
  world = await createWorld(db);
  // Letters outside Latin-1 in the name: the embedded font has to carry them.
  const p = await createPatient(world.actors.clinician, validPatient({ mrn: "RPT-1", givenName: "Zofia", familyName: "Wiśniewska-Łęcka" }));
  patientId = p.id;
  const visit = await createVisit(world.actors.clinician, patientId, {
    occurredAt: new Date(Date.now() - 3 * DAY).toISOString(),
    systolic: 150,
    diastolic: 95,
    weightKg: 82,
    temperatureC: 38.4,
    labs: [{ analyte: "MAGNESIUM", value: 0.61, unit: "mmol/L" }],
  });
  const at = (daysAgo: number, hour = 2) => new Date(Date.now() - daysAgo * DAY - hour * 3600_000).toISOString();
  for (const d of [1, 2, 3])
    await createEpisode(world.actors.clinician, patientId, { occurredAt: at(d), durationSeconds: 120, side: "RIGHT", movement: "SUSTAINED_CONTRACTION", duringSleep: true, painScore: 8, triggers: ["COLD"], classification: "TONIC", visitId: visit.id });
  await createEpisode(world.actors.clinician, patientId, { occurredAt: at(5, 10), durationSeconds: 420, side: "BOTH", muscleGroup: "THIGH", movement: "SUSTAINED_THEN_TREMBLING", consciousnessImpaired: true, painScore: 6, triggers: ["UNKNOWN"], notes: "≥ 7 min, 38.4 °C, µ-test" });
  await createEpisode(world.actors.clinician, patientId, { occurredAt: at(8, 20), durationSeconds: 900, side: "BOTH", movement: "URGE_TO_MOVE", voluntaryControl: true, urgeToMove: true, worseAtRest: true, worseInEvening: true, reliefByMovement: true, painScore: 3, classification: "RLS" });
  // Outside the period: must not be counted.
  await createEpisode(world.actors.clinician, patientId, { occurredAt: at(40), durationSeconds: 30, side: "LEFT", movement: "TWITCHES", painScore: 1 });
  await setChecklistStatus(world.actors.clinician, patientId, "hypothermia", { status: "SUSPECTED", note: "cold bedroom, no heating", version: 0 });
});

// KEEP_EXPORT_FILES=1 keeps the PDFs and page images for a look (the folder is printed).
afterAll(() => (process.env.KEEP_EXPORT_FILES ? console.log(`PDFs kept in ${dir}`) : fs.rmSync(dir, { recursive: true, force: true })));

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

/** Writes the PDF and its pages as PNG, checks that every page renders and draws, and extracts its text (wrapped phrases with single spaces). */
async function open(pdf: Buffer, name: string): Promise<{ text: string; pages: PdfPage[] }> {
  fs.writeFileSync(path.join(dir, `${name}.pdf`), pdf);
  const { text, pages } = await openPdf(pdf);
  pages.forEach((page, i) => {
    fs.writeFileSync(path.join(dir, `${name}-${i + 1}.png`), page.png);
    expect(page.png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // More than a line of text at 60 dpi: the page is not blank.
    expect(page.inkedPixels, `${name} page ${i + 1}`).toBeGreaterThan(1000);
  });
  return { text, pages };
}

const auditRows = (where: Record<string, unknown>) => db.auditEvent.findMany({ where, orderBy: { seq: "asc" } });

describe("patient report PDF", () => {
  it("opens, renders every page, and holds the patient, the period and every section when all are chosen", async () => {
    const data = await getPatientReport(world.actors.clinician, patientId, { from, to: today });
    expect(data.sections).toEqual([...REPORT_SECTIONS]);
    expect(data.episodes).toHaveLength(5); // the one 40 days ago is outside the period
    const { text, pages } = await open(await buildReportPdf(data), "all");
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain("Wiśniewska-Łęcka, Zofia");
    expect(text).toContain("MRN RPT-1");
    expect(text).toContain(`${from} to ${today}`);
    for (const s of REPORT_SECTIONS) expect(text).toContain(REPORT_SECTION_LABELS[s]);
    // Summary figures: mean pain (8+8+8+6+3)/5 = 6.6; mean duration (3x120+420+900)/5 = 336 s.
    expect(text).toContain("6.6 (from 5 recorded scores)");
    expect(text).toContain("5 min 36 s");
    expect(text).toMatch(/7 \(over the 30 days up to/);
    // Episodes by type with the spec's codes: sleep-related tonic cramps, RLS, the seizure-like one.
    expect(text).toContain("G47.62");
    expect(text).toContain("G25.81");
    expect(text).toContain("R56.9");
    // Red flags from the assessment, with their urgency in words (not colour), most urgent first.
    expect(text).toContain("[Urgent] Impaired consciousness");
    expect(text).toContain("[Urgent] Prolonged seizure-like episode");
    expect(text).toContain("[High] Outside calf and foot");
    expect(text).toContain("[Routine] Days in a row");
    expect(text.indexOf("[Urgent] Prolonged seizure-like episode")).toBeLessThan(text.indexOf("[High] Outside calf and foot"));
    expect(text.indexOf("[High] Outside calf and foot")).toBeLessThan(text.indexOf("[Routine] Days in a row"));
    // Version 2: RLS counts for no duration flag (the 15-minute RLS episode raises none).
    expect(text).not.toContain("Prolonged cramp");
    // The visit's vitals and lab with units, flagged against the reference ranges.
    expect(text).toContain("150/95 mmHg");
    expect(text).toContain("82.0 kg (180.8 lb)");
    expect(text).toMatch(/38\.4 °C \(101\.1 °F\) High \(reference below 38\.0 °C\)/);
    // (A text tool may read a table row's first cells apart from the rest, as poppler does.)
    expect(text).toContain("Magnesium");
    expect(text).toMatch(/0\.61 mmol\/L \(1\.5 mg\/dL\) Low 0\.70 to 1\.00 mmol\/L/);
    // The checklist with the clinician's status and note.
    expect(text).toContain("Suspected");
    expect(text).toContain("cold bedroom, no heating");
    // Produced by whom, on every page the patient is named.
    expect(text).toContain("clinician (clinician@test.clinic)");
    expect(text).toMatch(/Page 1 of \d/);
    // Signs outside Latin-1 print as written.
    expect(text).toContain("≥ 7 min, 38.4 °C, µ-test");
  });

  it("tells an episode awaiting review from a differing label a clinician confirmed on review", async () => {
    const reviewed = await createPatient(world.actors.clinician, validPatient({ mrn: "RPT-REVIEW" }));
    const episode = (hoursAgo: number, notes: string) =>
      createEpisode(world.actors.clinician, reviewed.id, { occurredAt: new Date(Date.now() - hoursAgo * 3600_000).toISOString(), durationSeconds: 50, side: "LEFT", movement: "RHYTHMIC_JERKS", classification: "TONIC", notes });
    const confirmed = await episode(30, "first episode");
    await confirmEpisodeLabel(world.actors.clinician, confirmed.id, confirmed.version);
    await episode(10, "second episode");
    const data = await getPatientReport(world.actors.clinician, reviewed.id, { from, to: today, sections: "episodes" });
    const { text } = await open(await buildReportPdf(data), "review");
    expect(text).toMatch(/label confirmed on review; first episode/);
    expect(text).toMatch(/REVIEW: label differs from suggestion; second episode/);
  });

  it("holds the sections chosen and none of the others", async () => {
    const chosen: ReportSection[] = ["period", "charts", "checklist"];
    const data = await getPatientReport(world.actors.reader, patientId, { from, to: today, sections: "checklist,period,charts" });
    expect(data.sections).toEqual(chosen);
    const { text } = await open(await buildReportPdf(data), "some");
    expect(text).toContain("Wiśniewska-Łęcka, Zofia");
    expect(text).toContain(`${from} to ${today}`);
    for (const s of REPORT_SECTIONS) {
      if (chosen.includes(s)) expect(text, s).toContain(REPORT_SECTION_LABELS[s]);
      else expect(text, s).not.toContain(REPORT_SECTION_LABELS[s]);
    }
    expect(text).toContain("Episodes per week");
    expect(text).not.toContain("clinician@test.clinic");
  });

  it("defaults to the last 90 days and records the export with who, which patient, period, sections and count", async () => {
    const before = await db.auditEvent.count();
    const data = await getPatientReport(world.actors.clinician, patientId, { sections: "summary" });
    expect(data.period).toEqual({ from: addDays(today, -89), to: today });
    const rows = await auditRows({ action: "EXPORT_PDF", patientId, outcome: "SUCCESS" });
    const last = rows[rows.length - 1];
    expect(last.userId).toBe(world.users.clinician.id);
    expect(JSON.parse(last.details)).toMatchObject({ what: "patient-report", from: addDays(today, -89), to: today, sections: ["summary"], episodes: 6 });
    expect(await db.auditEvent.count()).toBeGreaterThan(before);
  });

  it("refuses bad parameters field by field", async () => {
    const bad = await refusal(getPatientReport(world.actors.clinician, patientId, { from: "2026-13-01", to: "2026-01-01", sections: "summary,gossip" }));
    expect(bad.code).toBe("VALIDATION");
    expect(Object.keys(bad.fields).sort()).toEqual(["from", "sections"]);
    const backwards = await refusal(getPatientReport(world.actors.clinician, patientId, { from: "2026-05-02", to: "2026-05-01" }));
    expect(backwards.fields).toHaveProperty("to");
    const unknown = await refusal(getPatientReport(world.actors.clinician, patientId, { colour: "red" }));
    expect(unknown.fields).toHaveProperty("colour");
  });

  it("answers not-found to a user of another clinic and records only the refusal", async () => {
    const before = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    const error = await refusal(getPatientReport(world.actors.outsider, patientId, { sections: "patient,redFlags,checklist" }));
    expect(error.code).toBe("NOT_FOUND");
    const written = await auditRows({ seq: { gt: before!.seq } });
    expect(written.map((r) => [r.action, r.outcome, r.userId, r.patientId])).toEqual([["EXPORT_PDF", "DENIED", world.users.outsider.id, patientId]]);
    expect(JSON.parse(written[0].details)).toMatchObject({ reason: "NOT_FOUND", what: "patient-report" });
  });
});

describe("patient report PDF: values entered in US units (clinical spec section 7)", () => {
  let usId: string;
  beforeAll(async () => {
    const p = await createPatient(world.actors.clinician, { ...barePatient("RPT-US", "Okafor"), givenName: "Ray", heightCm: undefined, heightIn: 67 });
    usId = p.id;
    await createVisit(world.actors.clinician, usId, {
      occurredAt: new Date(Date.now() - 2 * DAY).toISOString(),
      weightLb: 176,
      temperatureF: 100.4,
      examFindings: ["MUSCLE_WEAKNESS", "CALF_SWELLING_LEFT"],
      labs: [
        { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" },
        { analyte: "GLUCOSE", value: 126, unit: "mg/dL" },
      ],
    });
  });

  const report = async (name: string) => open(await buildReportPdf(await getPatientReport(world.actors.clinician, usId, { from, to: today })), name);

  it("shows each value in the clinic's units with the other system's in brackets, flagged Low or High with the range", async () => {
    const { text } = await report("us-in-si");
    expect(text).toContain("Values in SI units");
    expect(text).toContain("170 cm (67.0 in)");
    expect(text).toContain("79.8 kg (176.0 lb)");
    expect(text).toMatch(/38\.0 °C \(100\.4 °F\) High \(reference below 38\.0 °C\)/);
    expect(text).toContain("Glucose (fasting)");
    expect(text).toMatch(/0\.66 mmol\/L \(1\.6 mg\/dL\) Low 0\.70 to 1\.00 mmol\/L/);
    expect(text).toMatch(/7\.00 mmol\/L \(126 mg\/dL\) High 3\.9 to 5\.5 mmol\/L/);
    // Exam findings in words, never codes.
    expect(text).toContain("Muscle weakness, Left calf swollen, warm or red");
    expect(text).not.toMatch(/CALF_SWELLING|MUSCLE_WEAKNESS/);
  });

  it("in a clinic on US units, shows the US unit first and the canonical one in brackets", async () => {
    await setClinicUnitSystem(world.actors.admin, world.clinic.id, "US");
    try {
      const { text } = await report("us-in-us");
      expect(text).toContain("Values in US conventional units");
      expect(text).toContain("67.0 in (170 cm)");
      expect(text).toContain("176.0 lb (79.8 kg)");
      expect(text).toMatch(/100\.4 °F \(38\.0 °C\) High \(reference below 100\.4 °F\)/);
      expect(text).toMatch(/1\.6 mg\/dL \(0\.66 mmol\/L\) Low 1\.7 to 2\.4 mg\/dL/);
      expect(text).toMatch(/126 mg\/dL \(7\.00 mmol\/L\) High 70 to 99 mg\/dL/);
    } finally {
      await setClinicUnitSystem(world.actors.admin, world.clinic.id, "SI");
    }
  });

  it("lists the exam-finding red flags urgent first with their advice, and the checklist suggested first with citations", async () => {
    const { text } = await report("us-flags");
    const flags = text.slice(text.lastIndexOf(REPORT_SECTION_LABELS.redFlags), text.lastIndexOf(REPORT_SECTION_LABELS.checklist));
    expect(flags).toContain("[Urgent] Calf swelling");
    expect(flags).toContain("[High] Weakness or wasting");
    expect(flags.indexOf("[Urgent] Calf swelling")).toBeLessThan(flags.indexOf("[High] Weakness or wasting"));
    expect(flags).toContain(`Advice: ${CALF_SWELLING_ADVICE}`);
    expect(flags).toContain(`Advice: ${WEAKNESS_OR_WASTING_ADVICE}`);
    const checklist = text.slice(text.lastIndexOf(REPORT_SECTION_LABELS.checklist));
    const dvt = CAUSES_BY_ID.deep_vein_thrombosis;
    expect(checklist).toContain(dvt.label);
    expect(checklist).toContain(CAUSES_BY_ID.neuromuscular.label);
    // Suggested items (DVT, neuromuscular, deficiency, ...) come before the unsuggested varicose veins,
    // the first item of the spec's table.
    expect(checklist.indexOf(dvt.label)).toBeLessThan(checklist.indexOf(CAUSES_BY_ID.varicose_veins.label));
    expect(checklist).toContain("NICE guideline NG158");
    expect(checklist).toContain('Source article, section "Possible causes"');
  });

  it("gives the handout the new warning signs", async () => {
    const { text } = await open(await buildHandoutPdf(await getHandout(world.actors.clinician, usId, "pdf")), "us-handout");
    expect(text).toContain("Your warning signs");
    expect(text).toContain(handoutRedFlagText("CALF_SWELLING"));
    expect(text).toContain(handoutRedFlagText("WEAKNESS_OR_WASTING"));
    expect(text.indexOf(handoutRedFlagText("CALF_SWELLING"))).toBeLessThan(text.indexOf(handoutRedFlagText("WEAKNESS_OR_WASTING")));
  });
});

describe("patient handout PDF", () => {
  it("has the advice in plain language and the patient's own warning signs", async () => {
    const data = await getHandout(world.actors.clinician, patientId, "pdf");
    const { text } = await open(await buildHandoutPdf(data), "handout");
    expect(text).toContain("For Zofia Wiśniewska-Łęcka");
    for (const s of HANDOUT_SECTIONS) expect(text).toContain(s.title);
    expect(text).toContain("Your warning signs");
    expect(text).toContain("nerve specialist"); // impaired consciousness, in the patient's words
    expect(text).toContain("days in a row");
    const row = (await auditRows({ action: "EXPORT_HANDOUT", patientId, outcome: "SUCCESS" })).pop()!;
    expect(JSON.parse(row.details)).toMatchObject({ format: "pdf" });
    expect(JSON.parse(row.details).redFlags).toContain("IMPAIRED_CONSCIOUSNESS");
  });

  it("has no warning section for a patient without red flags", async () => {
    const calm = await createPatient(world.actors.clinician, validPatient({ mrn: "RPT-2", givenName: "Ida", familyName: "Berg" }));
    const { text } = await open(await buildHandoutPdf(await getHandout(world.actors.reader, calm.id, "html")), "calm");
    expect(text).toContain("For Ida Berg");
    expect(text).not.toContain("Your warning signs");
  });

  it("answers not-found to a user of another clinic and records only the refusal", async () => {
    const before = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    expect((await refusal(getHandout(world.actors.outsider, patientId, "pdf"))).code).toBe("NOT_FOUND");
    const written = await auditRows({ seq: { gt: before!.seq } });
    expect(written.map((r) => [r.action, r.outcome])).toEqual([["EXPORT_HANDOUT", "DENIED"]]);
  });
});
