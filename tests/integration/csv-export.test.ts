/**
 * The CSV exports, read back with a real CSV parser (csv-parse): values with commas, quotes and
 * line breaks survive the round trip, spreadsheet formulas are neutralised, every on-screen column
 * is there, batches neither repeat nor skip rows, scope and periods hold, and a refused export
 * writes nothing but its refusal.
 */
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient, deletePatient } from "@/lib/features/patients/data";
import { confirmEpisodeLabel, createEpisode, deleteEpisode } from "@/lib/features/episodes/data";
import { exportEpisodesCsv, exportPatientEpisodesCsv, exportPatientsCsv, type CsvExport } from "@/lib/features/exports/data";
import { DataError } from "@/lib/server/errors";
import { byteStream } from "@/lib/features/exports/stream";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
const DAY = 86_400_000;
const NOW = Date.now();

/** Text a person might type that breaks naive CSV or runs as a spreadsheet formula. */
const NASTY_NOTES = [
  "plain note",
  "comma, inside",
  'quote " inside and "quoted"',
  "line\nbreak",
  "windows\r\nbreak",
  "=HYPERLINK(\"http://evil.example\",\"click\")",
  "+1 234",
  "-2 sugar",
  "@SUM(A1)",
  "\tTAB first",
  "\rCR first",
  "ünïcödé ≥ 5 °C µ",
  "",
];

beforeAll(async () => {
  world = await createWorld(db);
  const p = await createPatient(world.actors.clinician, validPatient({ mrn: "CSV-1", givenName: "Eve, \"Q\"", familyName: "=cmd|' /C calc'!A0" }));
  patientId = p.id;
  for (const [i, notes] of NASTY_NOTES.entries())
    await createEpisode(world.actors.clinician, patientId, {
      occurredAt: new Date(NOW - (i + 1) * DAY).toISOString(),
      durationSeconds: 30 + i,
      side: "LEFT",
      movement: "SUSTAINED_CONTRACTION",
      painScore: i % 11,
      triggers: ["COLD", "HEAT_SWEATING"],
      classification: i % 2 ? "CLONIC" : "TONIC",
      notes,
    });
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

/** Reads the export through the same byte stream the route sends, then parses it. */
async function read(exp: CsvExport): Promise<{ header: string[]; rows: Record<string, string>[]; raw: string }> {
  // ignoreBOM keeps the byte-order mark in the text, to check it is there.
  const raw = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(byteStream(exp.chunks)).arrayBuffer());
  expect(raw.startsWith("\uFEFF")).toBe(true);
  const records: string[][] = parse(raw, { bom: true, relax_column_count: false });
  const [header, ...body] = records;
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))), raw };
}

/** What a spreadsheet shows for a cell we wrote: the formula guard's quote removed. */
const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe("CSV export of a patient's episodes", () => {
  it("round-trips commas, quotes and line breaks through a CSV parser, and guards formulas", async () => {
    const exp = await exportPatientEpisodesCsv(world.actors.clinician, patientId, {});
    expect(exp.rows).toBe(NASTY_NOTES.length);
    const { rows, raw } = await read(exp);
    expect(rows).toHaveLength(NASTY_NOTES.length);
    // Oldest first: the last note was written furthest back.
    const notes = rows.map((r) => r.Notes);
    expect(notes.map(unguard)).toEqual([...NASTY_NOTES].reverse());
    for (const cell of notes) if (/^[=+\-@\t\r]/.test(unguard(cell))) expect(cell.startsWith("'")).toBe(true);
    expect(notes).toContain("'=HYPERLINK(\"http://evil.example\",\"click\")");
    expect(notes).toContain("'\tTAB first");
    // Records end in CRLF (RFC 4180); no cell starts with a formula character unguarded.
    expect(raw.endsWith("\r\n")).toBe(true);
    for (const r of rows) for (const v of Object.values(r)) expect(/^[=+@\t\r]/.test(v), v).toBe(false);
  });

  it("has every column of the patient page's episode table, with the values it shows", async () => {
    const { header, rows } = await read(await exportPatientEpisodesCsv(world.actors.reader, patientId, {}));
    for (const h of ["Date and time", "Duration", "Side", "Type (clinician)", "Suggested", "Pain", "Triggers", "Review"]) expect(header).toContain(h);
    const first = rows.find((r) => r.Notes === "plain note")!;
    expect(first).toMatchObject({ Duration: "30 seconds", Side: "Left", "Type (clinician)": "Tonic", Suggested: "Tonic", Pain: "0", Triggers: "Cold, Heat or sweating", Review: "" });
    expect(first["Date and time"]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(first["Suggested codes"]).toBe("ICD-10-CM M62.831; SNOMED-CT 449918009");
    const disputed = rows.find((r) => r.Notes === "comma, inside")!;
    expect(disputed).toMatchObject({ "Type (clinician)": "Clonic", Suggested: "Tonic", Review: "yes" });
  });

  it("says 'label confirmed' in Review for a differing label a clinician confirmed on review", async () => {
    // A patient of its own, so the other tests' counts stay as they are.
    const reviewed = await createPatient(world.actors.clinician, validPatient({ mrn: "CSV-REVIEW" }));
    const episode = (classification: string, notes: string) =>
      createEpisode(world.actors.clinician, reviewed.id, { occurredAt: new Date(NOW - DAY).toISOString(), durationSeconds: 41, side: "RIGHT", movement: "RHYTHMIC_JERKS", classification, notes });
    const confirmed = await episode("TONIC", "confirmed on review");
    await confirmEpisodeLabel(world.actors.clinician, confirmed.id, confirmed.version);
    await episode("TONIC", "awaiting review");
    await episode("CLONIC", "agrees");
    const { rows } = await read(await exportPatientEpisodesCsv(world.actors.reader, reviewed.id, {}));
    expect(Object.fromEntries(rows.map((r) => [r.Notes, r.Review]))).toEqual({ "confirmed on review": "label confirmed", "awaiting review": "yes", agrees: "" });
  });

  it("reads in batches by keyset: small batches give every row once, in order, even at equal instants", async () => {
    const twin = await createPatient(world.actors.clinician, validPatient({ mrn: "CSV-2" }));
    const at = new Date(NOW - 2 * DAY).toISOString();
    for (let i = 0; i < 7; i++) await createEpisode(world.actors.clinician, twin.id, { occurredAt: at, durationSeconds: 10 + i, side: "RIGHT" });
    await createEpisode(world.actors.clinician, twin.id, { occurredAt: new Date(NOW - 3 * DAY).toISOString(), durationSeconds: 99, side: "RIGHT" });
    const exp = await exportPatientEpisodesCsv(world.actors.clinician, twin.id, {}, { batchSize: 3 });
    const chunks: Uint8Array[] = [];
    for await (const c of exp.chunks) chunks.push(c);
    expect(chunks).toHaveLength(1 + 3); // header, then 3 + 3 + 2 rows
    const { rows } = await read({ ...exp, chunks: (async function* () { yield* chunks; })() });
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r["Episode ID"])).size).toBe(8);
    // Equal instants are ordered by id, so the batch edge between them loses and repeats nothing.
    const twins = rows.slice(1).map((r) => r["Episode ID"]);
    expect([...twins].sort()).toEqual(twins);
    expect(rows.slice(1).map((r) => r["Duration (seconds)"]).sort()).toEqual(["10", "11", "12", "13", "14", "15", "16"]);
    expect(rows[0]["Duration (seconds)"]).toBe("99"); // the older one first
  });

  it("round-trips the two version 2 criteria in columns of their own, and the walking trigger in words", async () => {
    const v2 = await createPatient(world.actors.clinician, validPatient({ mrn: "CSV-V2" }));
    const cases = [
      { notes: "rest only", worseAtRest: true, worseInEvening: false },
      { notes: "evening only", worseAtRest: false, worseInEvening: true },
      { notes: "both", worseAtRest: true, worseInEvening: true },
      { notes: "neither", worseAtRest: false, worseInEvening: false },
      // API v1's deprecated field still sets both.
      { notes: "deprecated field", worseAtRestOrEvening: true },
    ];
    for (const [i, c] of cases.entries())
      await createEpisode(world.actors.clinician, v2.id, { occurredAt: new Date(NOW - (i + 1) * 3600_000).toISOString(), durationSeconds: 60, side: "LEFT", triggers: ["WALKING"], relief: ["REST"], ...c });
    for (const exp of [await exportPatientEpisodesCsv(world.actors.reader, v2.id, {}), await exportEpisodesCsv(world.actors.reader, {})]) {
      const { header, rows } = await read(exp);
      expect(header).not.toContain("Worse at rest or evening");
      const mine = rows.filter((r) => r["Patient ID"] === v2.id);
      const cells = Object.fromEntries(mine.map((r) => [r.Notes, [r["Worse at rest"], r["Worse in the evening or at night"]]]));
      expect(cells).toEqual({ "rest only": ["yes", "no"], "evening only": ["no", "yes"], both: ["yes", "yes"], neither: ["no", "no"], "deprecated field": ["yes", "yes"] });
      expect(new Set(mine.map((r) => `${r.Triggers} | ${r.Relief}`))).toEqual(new Set(["Walking a distance | Rest"]));
    }
  });

  it("takes a period of clinic-local days, leaves out deleted episodes, and records the export", async () => {
    const victim = await createEpisode(world.actors.clinician, patientId, { occurredAt: new Date(NOW - 30 * DAY).toISOString(), durationSeconds: 5, side: "BOTH", notes: "to be deleted" });
    await deleteEpisode(world.actors.clinician, victim.id, victim.version);
    const all = await read(await exportPatientEpisodesCsv(world.actors.clinician, patientId, {}));
    expect(all.rows.map((r) => r.Notes)).not.toContain("to be deleted");
    const local = (ms: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(ms));
    const from = local(NOW - 5 * DAY);
    const to = local(NOW - 3 * DAY);
    const exp = await exportPatientEpisodesCsv(world.actors.clinician, patientId, { from, to });
    const { rows } = await read(exp);
    expect(rows.length).toBe(exp.rows);
    expect(rows.every((r) => r["Date and time"].slice(0, 10) >= from && r["Date and time"].slice(0, 10) <= to)).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const audit = await db.auditEvent.findFirst({ where: { action: "EXPORT_CSV", patientId, outcome: "SUCCESS" }, orderBy: { seq: "desc" } });
    expect(audit!.userId).toBe(world.users.clinician.id);
    expect(JSON.parse(audit!.details)).toMatchObject({ what: "patient-episodes", from, to, rows: rows.length, timeZone: "Europe/Berlin" });
  });

  it("refuses a bad period field by field", async () => {
    const error = await refusal(exportPatientEpisodesCsv(world.actors.clinician, patientId, { from: "yesterday", to: "2026-02-30", extra: "1" }));
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(error.fields)).toEqual(expect.arrayContaining(["extra", "from", "to"]));
  });

  it("answers not-found to a user of another clinic, reads nothing and records only the refusal", async () => {
    const before = await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    const error = await refusal(exportPatientEpisodesCsv(world.actors.outsider, patientId, {}));
    expect(error.code).toBe("NOT_FOUND");
    const written = await db.auditEvent.findMany({ where: { seq: { gt: before!.seq } } });
    expect(written.map((r) => [r.action, r.outcome, r.userId, r.patientId])).toEqual([["EXPORT_CSV", "DENIED", world.users.outsider.id, patientId]]);
    expect(JSON.parse(written[0].details)).toMatchObject({ what: "patient-episodes", reason: "NOT_FOUND" });
  });
});

describe("CSV export of all episodes a user may see", () => {
  it("holds the actor's clinics only, names each episode's patient, and skips deleted patients", async () => {
    const foreign = await createPatient(world.actors.outsider, validPatient({ mrn: "CSV-X" }));
    await createEpisode(world.actors.outsider, foreign.id, { occurredAt: new Date(NOW - DAY).toISOString(), durationSeconds: 60, side: "LEFT", notes: "other clinic" });
    const gone = await createPatient(world.actors.clinician, validPatient({ mrn: "CSV-GONE" }));
    await createEpisode(world.actors.clinician, gone.id, { occurredAt: new Date(NOW - DAY).toISOString(), durationSeconds: 60, side: "LEFT", notes: "deleted patient" });
    await deletePatient(world.actors.clinician, gone.id, 1);

    const exp = await exportEpisodesCsv(world.actors.reader, {}, { batchSize: 4 });
    const { header, rows } = await read(exp);
    expect(header.slice(0, 2)).toEqual(["Patient", "MRN"]);
    expect(rows.length).toBe(exp.rows);
    expect(rows.map((r) => r.Notes)).not.toContain("other clinic");
    expect(rows.map((r) => r.Notes)).not.toContain("deleted patient");
    const mine = rows.filter((r) => r["Patient ID"] === patientId);
    expect(mine).toHaveLength(NASTY_NOTES.length);
    // A patient name that is a formula is guarded too, and a comma or quote in it survives.
    expect(mine[0].Patient).toBe(`'=cmd|' /C calc'!A0, Eve, "Q"`);
    expect(mine[0].MRN).toBe("CSV-1");
    // Oldest first across patients.
    const times = rows.map((r) => r["Occurred at (UTC)"]);
    expect([...times].sort()).toEqual(times);

    const outsider = await read(await exportEpisodesCsv(world.actors.outsider, {}));
    expect(outsider.rows.map((r) => r.Notes)).toEqual(["other clinic"]);
  });

  it("filters by period (both ends included) and records who exported which period and how many rows", async () => {
    const local = (ms: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(ms));
    const day = local(NOW - 4 * DAY);
    const exp = await exportEpisodesCsv(world.actors.clinician, { from: day, to: day });
    const { rows } = await read(exp);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r["Date and time"].startsWith(day))).toBe(true);
    const audit = await db.auditEvent.findFirst({ where: { action: "EXPORT_CSV", userId: world.users.clinician.id }, orderBy: { seq: "desc" } });
    expect(audit!.patientId).toBeNull();
    expect(JSON.parse(audit!.details)).toMatchObject({ what: "episodes", from: day, to: day, rows: rows.length, clinics: [world.clinic.id] });
  });
});

describe("CSV export of the patient list", () => {
  it("has every column of the patient list, in name order, in the actor's clinics, with the list's search", async () => {
    await createPatient(world.actors.clinician, validPatient({ mrn: "CSV-IN", heightCm: undefined, heightIn: 67 }));
    const exp = await exportPatientsCsv(world.actors.clinician, {}, { batchSize: 2 });
    const { header, rows } = await read(exp);
    for (const h of ["Name", "MRN", "Date of birth", "Age", "Sex", "Pregnant", "Clinic", "Added"]) expect(header).toContain(h);
    expect(rows.length).toBe(exp.rows);
    expect(rows.map((r) => r.MRN)).not.toContain("CSV-X");
    expect(rows.map((r) => r.MRN)).not.toContain("CSV-GONE");
    const names = rows.map((r) => `${r["Family name"]} ${r["Given name"]} ${r.MRN}`.toLowerCase());
    expect([...names].sort()).toEqual(names);
    const odd = rows.find((r) => r.MRN === "CSV-1")!;
    expect(odd).toMatchObject({ Name: `'=cmd|' /C calc'!A0, Eve, "Q"`, Sex: "Female", Pregnant: "yes", Clinic: "Test Clinic", Conditions: "Varicose veins", "Current medications": "Omeprazole 20 mg" });
    // The height with its unit: canonical, and as the clinician entered it.
    expect(odd).toMatchObject({ Height: "168 cm", "Height as entered": "168 cm" });
    expect(rows.find((r) => r.MRN === "CSV-IN")).toMatchObject({ Height: "170 cm", "Height as entered": "67.0 in" });
    const searched = await read(await exportPatientsCsv(world.actors.clinician, { q: "csv-2" }));
    expect(searched.rows.map((r) => r.MRN)).toEqual(["CSV-2"]);
    const audit = await db.auditEvent.findFirst({ where: { action: "EXPORT_CSV", userId: world.users.clinician.id }, orderBy: { seq: "desc" } });
    expect(JSON.parse(audit!.details)).toMatchObject({ what: "patients", q: "csv-2", rows: 1 });
  });
});

describe("the streamed response", () => {
  it("pulls one batch at a time: nothing is read before the reader asks", async () => {
    let produced = 0;
    async function* batches() {
      for (let i = 0; i < 100; i++) {
        produced += 1;
        yield new TextEncoder().encode(`row ${i}\r\n`);
      }
    }
    const reader = byteStream(batches()).getReader();
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBeLessThanOrEqual(2);
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBeLessThanOrEqual(4);
    await reader.cancel();
  });
});
