/**
 * What a person reads in the exports shows each vocabulary in words (issue 22): the patient
 * report and handout PDFs and the CSV exports, for a patient whose record touches most codes
 * (red flags of every urgency, exam findings, labs, checklist statuses, conditions, lifestyle).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient } from "@/lib/features/patients/data";
import { createEpisode } from "@/lib/features/episodes/data";
import { createVisit } from "@/lib/features/visits/data";
import { setChecklistStatus } from "@/lib/features/assessment/data";
import { exportEpisodesCsv, exportPatientEpisodesCsv, exportPatientsCsv, getHandout, getPatientReport, type CsvExport } from "@/lib/features/exports/data";
import { buildReportPdf } from "@/lib/features/exports/report-pdf";
import { buildHandoutPdf } from "@/lib/features/exports/handout-pdf";
import { LABEL_TABLES } from "@/lib/core/labels";
import { createWorld, validPatient } from "../factories/world";
import { openPdf } from "../helpers/pdf";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
const DAY = 86_400_000;

/**
 * Every code a person must not read bare: those with an underscore, and those of four letters or
 * more (shorter ones, as SI or L, are also plain abbreviations in the words themselves).
 */
const CODES = [...new Set(Object.values(LABEL_TABLES).flatMap((t) => [...t.codes]))].filter((c) => /^[A-Z0-9_]+$/.test(c) && (c.includes("_") || c.length >= 4));
/** Checklist item ids of more than one word ("deep_vein_thrombosis"; "footwear" is a word). */
const CHECKLIST_IDS = LABEL_TABLES.checklistItem.codes.filter((c) => c.includes("_"));

function codesIn(text: string): string[] {
  const upper = CODES.filter((c) => new RegExp(`(?<![A-Za-z0-9_])${c}(?![A-Za-z0-9_])`).test(text));
  const ids = CHECKLIST_IDS.filter((c) => new RegExp(`(?<![A-Za-z0-9_])${c}(?![A-Za-z0-9_])`).test(text));
  const screaming = text.match(/\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b/g) ?? [];
  return [...new Set([...upper, ...ids, ...screaming])];
}

async function csvText(exp: CsvExport): Promise<string> {
  let text = "";
  for await (const chunk of exp.chunks) text += Buffer.from(chunk).toString("utf8");
  return text;
}

beforeAll(async () => {
  world = await createWorld(db);
  const actor = world.actors.clinician;
  const p = await createPatient(actor, validPatient({ mrn: "WORDS-1", conditions: ["VARICOSE_VEINS", "THYROID_DISORDER"], lifestyle: ["HIGH_HEELS", "HIGH_PROTEIN_DIET"] }));
  patientId = p.id;
  const at = (daysAgo: number, hour = 2) => new Date(Date.now() - daysAgo * DAY - hour * 3600_000).toISOString();
  const visit = await createVisit(actor, patientId, {
    occurredAt: at(2, 0),
    systolic: 150,
    diastolic: 95,
    examFindings: ["CALF_SWELLING_LEFT", "MUSCLE_WEAKNESS", "REDUCED_FOOT_PULSES"],
    labs: [
      { analyte: "MAGNESIUM", value: 0.61, unit: "mmol/L" },
      { analyte: "VITAMIN_D", value: 30, unit: "nmol/L" },
    ],
  });
  for (const d of [1, 2, 3, 4])
    await createEpisode(actor, patientId, { occurredAt: at(d, d * 5), durationSeconds: 700, side: "RIGHT", muscleGroup: "THIGH", movement: "SUSTAINED_CONTRACTION", duringSleep: true, triggers: ["HEAT_SWEATING", "TIGHT_FOOTWEAR"], relief: ["COLD_SURFACE"], classification: "TONIC", visitId: visit.id });
  await createEpisode(actor, patientId, { occurredAt: at(5, 10), durationSeconds: 420, side: "BOTH", movement: "SUSTAINED_THEN_TREMBLING", rhythm: "IRREGULAR", consciousnessImpaired: true, triggers: ["PROLONGED_REST"] });
  await createEpisode(actor, patientId, { occurredAt: at(6, 20), durationSeconds: 900, side: "BOTH", movement: "URGE_TO_MOVE", urgeToMove: true, worseAtRest: true, worseInEvening: true, reliefByMovement: true, classification: "RLS" });
  await setChecklistStatus(actor, patientId, "hypothermia", { status: "SUSPECTED", note: "cold bedroom", version: 0 });
  await setChecklistStatus(actor, patientId, "deep_vein_thrombosis", { status: "RULED_OUT", note: "", version: 0 });
  await setChecklistStatus(actor, patientId, "footwear", { status: "CONFIRMED", note: "", version: 0 });
});

describe("exports in words", () => {
  it("the patient report shows every vocabulary in words", async () => {
    const { text } = await openPdf(await buildReportPdf(await getPatientReport(world.actors.clinician, patientId, {})));
    // The record is rich enough to test: flags of each urgency and the findings are in it, in words.
    for (const words of ["Impaired consciousness", "Calf swelling", "Thyroid disorder", "Wears high heels", "Vitamin D (25-OH)", "Ruled out", "Heat or sweating"]) expect(text).toContain(words);
    expect(codesIn(text)).toEqual([]);
  });

  it("the handout shows its red flags in words", async () => {
    const { text } = await openPdf(await buildHandoutPdf(await getHandout(world.actors.clinician, patientId, "pdf")));
    expect(codesIn(text)).toEqual([]);
  });

  it("the CSV exports head and fill their columns in words", async () => {
    const texts = [
      await csvText(await exportPatientEpisodesCsv(world.actors.clinician, patientId, {})),
      await csvText(await exportEpisodesCsv(world.actors.clinician, {})),
      await csvText(await exportPatientsCsv(world.actors.clinician, {})),
    ];
    expect(texts[0]).toContain("Tight footwear");
    expect(texts[2]).toContain("Thyroid disorder");
    for (const text of texts) expect(codesIn(text)).toEqual([]);
  });
});
