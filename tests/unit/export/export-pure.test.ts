import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { instantToWallClock } from "@/lib/core/clinical/time";
import {
  episodeCsvHeader,
  episodeCsvLine,
  episodeCsvWriter,
  patientCsvHeader,
  patientCsvLine,
  type EpisodeCsvRow,
  type PatientCsvRow,
} from "@/lib/features/exports/columns";
import { localTimeFormatter } from "@/lib/core/local-time";
import { addDays, periodBounds, resolvePeriod } from "@/lib/features/exports/period";
import { summarize, type ReportEpisode } from "@/lib/features/exports/report-data";
import { reportQuerySchema } from "@/lib/features/exports/schema";
import { syntheticEpisodeCsvRow } from "../../helpers/episode-csv-row";

const TYPES = [null, "TONIC", "CLONIC", "MYOCLONIC", "TONIC_CLONIC", "RLS"];
const NOTES = ["", "a, b", 'say "hi"', "x\r\ny", "=1+1", "-3", "@a", "\tt", "ok"];

function row(i: number): EpisodeCsvRow {
  return syntheticEpisodeCsvRow(i, {
    patientId: `p${i % 3}`,
    occurredAt: new Date(Date.UTC(2026, 2, 28, 0, 0) + i * 37 * 60_000),
    triggers: ["", "COLD", "COLD,EXERTION", "STRESS"][i % 4],
    classification: TYPES[i % TYPES.length],
    suggestedClassification: TYPES[(i + 1) % TYPES.length],
    notes: NOTES[i % NOTES.length],
    patient: { mrn: i % 2 ? "M-1" : "=M", givenName: 'Jo "J"', familyName: "Smith, Jr" },
  });
}

describe("episode CSV writer", () => {
  it("writes exactly what the cell-by-cell reference writes, for every kind of value", () => {
    for (const withPatient of [false, true]) {
      const write = episodeCsvWriter(withPatient);
      for (let i = 0; i < 500; i++) for (const tz of ["Europe/Berlin", "UTC", "America/New_York"]) expect(write(row(i), tz)).toBe(episodeCsvLine(row(i), tz, withPatient));
    }
  });

  it("gives one record per row with the header's column count, read back by a CSV parser", () => {
    const write = episodeCsvWriter(true);
    const text = episodeCsvHeader(true) + Array.from({ length: 60 }, (_, i) => write(row(i), "Europe/Berlin")).join("");
    const records: string[][] = parse(text);
    expect(records).toHaveLength(61);
    expect(new Set(records.map((r) => r.length)).size).toBe(1);
    expect(records[4][records[0].indexOf("Notes")]).toBe("x\r\ny");
    expect(records[5][records[0].indexOf("Notes")]).toBe("'=1+1");
    // Review: awaiting (row 0, 9, …), a label confirmed on review (row 4, 13, …), or nothing.
    const review = records.slice(1).map((r) => r[records[0].indexOf("Review")]);
    expect([review[0], review[4], review[1], review[9], review[13]]).toEqual(["yes", "label confirmed", "", "yes", "label confirmed"]);
  });

  it("has the two v2 criteria in columns of their own, each from its own field, and triggers in words", () => {
    const write = episodeCsvWriter(false);
    const rows = Array.from({ length: 30 }, (_, i) => ({ ...row(i), triggers: i % 2 ? "WALKING" : "COLD,WALKING" }));
    const [header, ...records]: string[][] = parse(episodeCsvHeader(false) + rows.map((r) => write(r, "UTC")).join(""));
    expect(header).not.toContain("Worse at rest or evening");
    const at = (h: string) => header.indexOf(h);
    expect(at("Worse at rest")).toBeGreaterThan(-1);
    expect(at("Worse in the evening or at night")).toBe(at("Worse at rest") + 1);
    const yes = (b: boolean) => (b ? "yes" : "no");
    // The two flags differ on most rows (i % 5 and i % 3 patterns), so a swapped column fails.
    expect(records.map((r) => r[at("Worse at rest")])).toEqual(rows.map((r) => yes(r.worseAtRest)));
    expect(records.map((r) => r[at("Worse in the evening or at night")])).toEqual(rows.map((r) => yes(r.worseInEvening)));
    expect(records[0][at("Triggers")]).toBe("Cold, Walking a distance");
    expect(records[1][at("Triggers")]).toBe("Walking a distance");
  });
});

describe("patient CSV", () => {
  const patient = (over: Partial<PatientCsvRow>): PatientCsvRow => ({
    id: "p1",
    mrn: "M-1",
    givenName: "Ana",
    familyName: "Ng",
    birthDate: "1980-01-01",
    sex: "FEMALE",
    pregnant: false,
    heightCm: 170,
    heightEnteredValue: null,
    heightEnteredUnit: null,
    lifestyle: "",
    createdAt: new Date("2026-01-01T00:00:00Z"),
    clinic: { name: "Clinic" },
    conditions: [],
    medications: [],
    ...over,
  });
  const cells = (p: PatientCsvRow) => {
    const [header, record]: string[][] = parse(patientCsvHeader() + patientCsvLine(p, new Date("2026-06-01T00:00:00Z")));
    return Object.fromEntries(header.map((h, i) => [h, record[i]]));
  };

  it("writes the height with its unit, canonical and as entered", () => {
    expect(cells(patient({}))).toMatchObject({ Height: "170 cm", "Height as entered": "170 cm" });
    expect(cells(patient({ heightCm: 170, heightEnteredValue: 67, heightEnteredUnit: "in" }))).toMatchObject({ Height: "170 cm", "Height as entered": "67.0 in" });
    expect(cells(patient({ heightCm: null }))).toMatchObject({ Height: "", "Height as entered": "" });
  });
});

describe("local time formatter", () => {
  it("agrees with the Intl-based clock every 7 minutes across both daylight-saving changes", () => {
    for (const tz of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]) {
      const clock = localTimeFormatter(tz);
      for (const start of [Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23), Date.UTC(2026, 3, 3)])
        for (let t = start; t < start + 4 * 86_400_000; t += 7 * 60_000 + 13_000)
          expect(clock(new Date(t)), `${tz} ${new Date(t).toISOString()}`).toBe(instantToWallClock(new Date(t), tz).replace("T", " "));
    }
  });
});

describe("periods", () => {
  it("fills in the default period and covers whole clinic-local days", () => {
    expect(resolvePeriod({}, "2026-11-29", 90)).toEqual({ from: "2026-09-01", to: "2026-11-29" });
    expect(resolvePeriod({ from: "2026-11-01" }, "2026-11-29", 90)).toEqual({ from: "2026-11-01", to: "2026-11-29" });
    expect(resolvePeriod({ to: "2026-02-10" }, "2026-11-29", 10)).toEqual({ from: "2026-02-01", to: "2026-02-10" });
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    // Berlin is UTC+1 in winter: the day starts at 23:00 UTC the evening before.
    expect(periodBounds({ from: "2026-11-02", to: "2026-11-02" }, "Europe/Berlin")).toEqual({
      gte: new Date("2026-11-01T23:00:00Z"),
      lt: new Date("2026-11-02T23:00:00Z"),
    });
    // The day the clocks go forward has 23 hours.
    const b = periodBounds({ from: "2026-03-29", to: "2026-03-29" }, "Europe/Berlin");
    expect(b.lt!.getTime() - b.gte!.getTime()).toBe(23 * 3600_000);
  });

  it("parses report sections in the report's order and refuses unknown ones", () => {
    expect(reportQuerySchema.parse({ sections: "checklist,patient" }).sections).toEqual(["patient", "checklist"]);
    expect(reportQuerySchema.parse({}).sections).toHaveLength(8);
    expect(reportQuerySchema.safeParse({ sections: "patient,gossip" }).success).toBe(false);
    expect(reportQuerySchema.safeParse({ sections: "," }).success).toBe(false);
    expect(reportQuerySchema.safeParse({ from: "2026-05-02", to: "2026-05-01" }).success).toBe(false);
  });
});

describe("report summary", () => {
  const ep = (over: Partial<ReportEpisode>): ReportEpisode => ({
    id: "e",
    occurredAt: new Date("2026-11-02T10:00:00Z"),
    durationSeconds: 60,
    side: "LEFT",
    muscleGroup: "CALF",
    movement: null,
    painScore: null,
    triggers: [],
    classification: null,
    suggestedClassification: null,
    duringSleep: false,
    consciousnessImpaired: false,
    needsReview: false,
    labelConfirmed: false,
    notes: "",
    source: "CLINICIAN",
    witnessed: false,
    tongueBitten: false,
    wetThemselves: false,
    ...over,
  });
  it("counts by effective type, averages only recorded pain, buckets weeks and day parts in the clinic's zone", () => {
    const s = summarize(
      [
        ep({ classification: "TONIC", painScore: 8, durationSeconds: 100 }),
        ep({ suggestedClassification: "RLS", painScore: 3, durationSeconds: 200, occurredAt: new Date("2026-11-09T22:30:00Z") }),
        ep({ durationSeconds: 300, occurredAt: new Date("2026-11-15T23:30:00Z") }),
      ],
      { from: "2026-11-01", to: "2026-11-16" },
      "Europe/Berlin",
      2,
    );
    expect(s.total).toBe(3);
    expect(Object.fromEntries(s.byType.map((t) => [t.type, t.count]))).toMatchObject({ TONIC: 1, RLS: 1, UNCLASSIFIED: 1, CLONIC: 0 });
    expect(s.meanPain).toBe(5.5);
    expect(s.painRecorded).toBe(2);
    expect(s.meanDurationSeconds).toBe(200);
    expect(s.redFlagCount).toBe(2);
    // 16 days: weeks of 7, 7 and 2 days. 2026-11-15 23:30 UTC is 16 Nov 00:30 in Berlin: week 3, at night.
    expect(s.weekly.map((w) => [w.from, w.to, w.count])).toEqual([["2026-11-01", "2026-11-07", 1], ["2026-11-08", "2026-11-14", 1], ["2026-11-15", "2026-11-16", 1]]);
    expect(Object.fromEntries(s.byDayPart.map((p) => [p.part, p.count]))).toEqual({ NIGHT: 1, MORNING: 1, AFTERNOON: 0, EVENING: 1 });
  });
});
