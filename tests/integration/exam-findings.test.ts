/**
 * Clinical spec v2, sections 3 and 4: what a visit's examination found raises red flags and
 * checklist suggestions, in the assessment and in the stored attention list (PatientAttention is
 * recomputed by every visit write, in its transaction).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { getAssessment } from "@/lib/features/assessment/data";
import { listNeedsAttention } from "@/lib/features/attention/data";
import { createEpisode } from "@/lib/features/episodes/data";
import { createPatient } from "@/lib/features/patients/data";
import { createVisit, deleteVisit, updateVisit } from "@/lib/features/visits/data";
import { DataError } from "@/lib/server/errors";
import { barePatient, createWorld, plainEpisode } from "../factories/world";

const DAY = 86_400_000;
let world: Awaited<ReturnType<typeof createWorld>>;
let now: Date;
beforeAll(async () => {
  world = await createWorld(db);
  now = new Date();
});

const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
/** The stored answer, read without recomputing anything. */
const storedFlags = async (patientId: string) => (await db.patientAttention.findUnique({ where: { patientId } }))?.flagCodes ?? "";
const listedFlags = async (patientId: string) => (await listNeedsAttention(world.actors.clinician)).items.find((i) => i.patientId === patientId)?.redFlags;

describe("calf swelling", () => {
  it("raises CALF_SWELLING (urgent) and suggests deep vein thrombosis first, in the assessment and the attention list; deleting the visit takes it away", async () => {
    const p = await createPatient(world.actors.clinician, barePatient("EXAM-DVT", "Swelling"));
    const v = await createVisit(world.actors.clinician, p.id, { occurredAt: ago(3), examFindings: ["CALF_SWELLING_RIGHT"] });
    expect(v.examFindings).toEqual(["CALF_SWELLING_RIGHT"]);
    // Stored by the visit write itself, before anyone reads the list.
    expect(await storedFlags(p.id)).toBe("CALF_SWELLING");

    const a = await getAssessment(world.actors.reader, p.id);
    expect(a.redFlags).toHaveLength(1);
    expect(a.redFlags[0]).toMatchObject({
      code: "CALF_SWELLING",
      urgency: "URGENT",
      advice: expect.stringMatching(/deep vein thrombosis the same day/),
      evidence: { episodeIds: [], visitIds: [v.id] },
    });
    expect(a.redFlags[0].evidence.summary).toMatch(/right calf swollen, warm or red: found at 1 visit/);
    expect(a.checklist[0]).toMatchObject({ causeId: "deep_vein_thrombosis", suggested: true, source: "literature", citation: expect.stringMatching(/NICE guideline NG158/) });
    expect(a.checklist[0].reasons).toEqual([expect.stringMatching(/^examination: right calf swollen, warm or red at the visit on \d{4}-\d\d-\d\d$/)]);
    expect(a.checklist.filter((c) => c.suggested).map((c) => c.causeId)).toEqual(["deep_vein_thrombosis"]);

    // Urgent calf swelling is listed before a patient with more flags of lower urgency.
    const cramps = await createPatient(world.actors.clinician, barePatient("EXAM-CRAMPS", "Cramps"));
    for (const k of [1, 2, 3]) await createEpisode(world.actors.clinician, cramps.id, plainEpisode(new Date(ago(k)), { durationSeconds: 700, muscleGroup: "THIGH" }));
    const order = (await listNeedsAttention(world.actors.clinician)).items.map((i) => i.mrn).filter((m) => m.startsWith("EXAM-"));
    expect(order.indexOf("EXAM-DVT")).toBeLessThan(order.indexOf("EXAM-CRAMPS"));
    expect(await listedFlags(p.id)).toEqual(["CALF_SWELLING"]);

    await deleteVisit(world.actors.clinician, v.id, v.version);
    expect(await storedFlags(p.id)).toBe("");
    expect(await listedFlags(p.id)).toBeUndefined();
    const after = await getAssessment(world.actors.reader, p.id);
    expect(after.redFlags).toEqual([]);
    // Always listed, so that it is ruled out; no longer suggested.
    expect(after.checklist.find((c) => c.causeId === "deep_vein_thrombosis")).toMatchObject({ suggested: false, reasons: [] });
  });

  it("a finding added by an edit raises the flag, and one removed clears it", async () => {
    const p = await createPatient(world.actors.clinician, barePatient("EXAM-EDIT", "Edited"));
    const v = await createVisit(world.actors.clinician, p.id, { occurredAt: ago(1) });
    expect(await storedFlags(p.id)).toBe("");
    const found = await updateVisit(world.actors.clinician, v.id, { version: v.version, examFindings: ["CALF_SWELLING_LEFT", "VARICOSE_VEINS_SEEN"] });
    expect(found.examFindings).toEqual(["CALF_SWELLING_LEFT", "VARICOSE_VEINS_SEEN"]);
    expect(await storedFlags(p.id)).toBe("CALF_SWELLING");
    const suggested = (await getAssessment(world.actors.reader, p.id)).checklist.filter((c) => c.suggested).map((c) => c.causeId);
    expect(suggested.sort()).toEqual(["deep_vein_thrombosis", "varicose_veins"]);
    // An edit that leaves the findings out keeps them.
    const noted = await updateVisit(world.actors.clinician, found.id, { version: found.version, notes: "seen again" });
    expect(noted.examFindings).toEqual(["CALF_SWELLING_LEFT", "VARICOSE_VEINS_SEEN"]);
    await updateVisit(world.actors.clinician, v.id, { version: noted.version, examFindings: [] });
    expect(await storedFlags(p.id)).toBe("");
    expect(await listedFlags(p.id)).toBeUndefined();
  });

  it("a visit more than 30 days old raises no flag and suggests no thrombosis; the answer holds until the visit leaves the window", async () => {
    const old = await createPatient(world.actors.clinician, barePatient("EXAM-OLD", "Old"));
    await createVisit(world.actors.clinician, old.id, { occurredAt: ago(31), examFindings: ["CALF_SWELLING_LEFT"] });
    expect(await storedFlags(old.id)).toBe("");
    const a = await getAssessment(world.actors.reader, old.id);
    expect(a.redFlags).toEqual([]);
    expect(a.checklist.find((c) => c.causeId === "deep_vein_thrombosis")?.suggested).toBe(false);
    expect(await listedFlags(old.id)).toBeUndefined();

    const recent = await createPatient(world.actors.clinician, barePatient("EXAM-29", "Recent"));
    const at = ago(29);
    await createVisit(world.actors.clinician, recent.id, { occurredAt: at, examFindings: ["CALF_SWELLING_LEFT"] });
    const row = await db.patientAttention.findUniqueOrThrow({ where: { patientId: recent.id } });
    expect(row.flagCodes).toBe("CALF_SWELLING");
    expect(row.validUntil).toEqual(new Date(new Date(at).getTime() + 30 * DAY + 1));
    const leaves = row.validUntil!;
    expect((await listNeedsAttention(world.actors.clinician, new Date(leaves.getTime() - 1))).items.map((i) => i.patientId)).toContain(recent.id);
    expect((await listNeedsAttention(world.actors.clinician, leaves)).items.map((i) => i.patientId)).not.toContain(recent.id);
  });
});

describe("weakness, wasting, fasciculations", () => {
  it("muscle wasting raises WEAKNESS_OR_WASTING (high) and suggests neuropathy or motor neuron disease", async () => {
    const p = await createPatient(world.actors.clinician, barePatient("EXAM-WASTE", "Wasting"));
    const v = await createVisit(world.actors.clinician, p.id, { occurredAt: ago(2), examFindings: ["MUSCLE_WASTING"] });
    expect(await storedFlags(p.id)).toBe("WEAKNESS_OR_WASTING");
    const a = await getAssessment(world.actors.reader, p.id);
    expect(a.redFlags.map((f) => [f.code, f.urgency])).toEqual([["WEAKNESS_OR_WASTING", "HIGH"]]);
    expect(a.redFlags[0]).toMatchObject({ advice: expect.stringMatching(/neurological assessment/), evidence: { visitIds: [v.id], episodeIds: [] } });
    const item = a.checklist.find((c) => c.causeId === "neuromuscular")!;
    expect(item).toMatchObject({ suggested: true, source: "literature" });
    expect(item.reasons).toEqual([expect.stringMatching(/^examination: muscle wasting at the visit on /)]);
    expect(a.checklist[0].causeId).toBe("neuromuscular");
    expect(await listedFlags(p.id)).toEqual(["WEAKNESS_OR_WASTING"]);
  });

  it("an older finding of wasting still suggests the cause (any visit), but the flag reads the 30-day window only", async () => {
    const p = await createPatient(world.actors.clinician, barePatient("EXAM-WASTE-OLD", "Wasted"));
    await createVisit(world.actors.clinician, p.id, { occurredAt: ago(45), examFindings: ["FASCICULATIONS", "REDUCED_FOOT_PULSES"] });
    const a = await getAssessment(world.actors.reader, p.id);
    expect(a.redFlags).toEqual([]);
    expect(a.checklist.filter((c) => c.suggested).map((c) => c.causeId).sort()).toEqual(["neuromuscular", "peripheral_arterial_disease"]);
  });

  it("refuses an unknown or repeated finding and saves nothing", async () => {
    const p = await createPatient(world.actors.clinician, barePatient("EXAM-BAD", "Bad"));
    const before = await db.visit.count();
    const error = await createVisit(world.actors.clinician, p.id, { occurredAt: ago(1), examFindings: ["MUSCLE_WASTING", "GOUT"] }).catch((e) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error.fields).toEqual({ "examFindings.1": "Unknown exam finding" });
    const twice = await createVisit(world.actors.clinician, p.id, { occurredAt: ago(1), examFindings: ["MUSCLE_WASTING", "MUSCLE_WASTING"] }).catch((e) => e);
    expect(twice.fields).toEqual({ examFindings: "A finding is listed twice" });
    expect(await db.visit.count()).toBe(before);
    expect(await storedFlags(p.id)).toBe("");
  });
});
