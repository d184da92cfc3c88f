import { describe, expect, it } from "vitest";
import { episodeCsvLine, episodeCsvRecords, episodeCsvValues, EPISODE_CSV_FIELD, type EpisodeCsvRow } from "@/lib/features/exports/columns";
import { instantMs, isoTimeFormatter, localTimeFormatter } from "@/lib/core/local-time";
import { syntheticEpisodeCsvRow } from "../../helpers/episode-csv-row";

/** The writer's bytes as text (it writes UTF-8). */
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const TYPES = [null, "TONIC", "CLONIC", "MYOCLONIC", "TONIC_CLONIC", "RLS", "UNKNOWN_TYPE"];
const NOTES = ["", "a, b", 'say "hi"', "x\r\ny", "=1+1", "-3", "@a", "\tt", "ok", "Müller – ü", "🦵 at night"];

function episode(i: number, occurredAt: Date): EpisodeCsvRow {
  return syntheticEpisodeCsvRow(i, {
    patientId: `p${i % 7}`,
    occurredAt,
    triggers: ["", "COLD", "COLD,EXERTION", "STRESS,NEW_TRIGGER"][i % 4],
    classification: TYPES[i % TYPES.length],
    suggestedClassification: TYPES[(i + 3) % TYPES.length],
    notes: NOTES[i % NOTES.length],
    patient: { mrn: i % 2 ? `M-${i % 7}` : "=M", givenName: ['Jo "J"', "Ana", "Zoë"][i % 3], familyName: ["Smith, Jr", "Ng", "@Home"][i % 3] },
  });
}

/** Instants with seconds and milliseconds, across both daylight-saving changes of 2026. */
const instant = (i: number) => new Date(Date.UTC(2026, 2, 27) + i * 4_999_373);

/** The row as SQLite gives it: instants as Prisma stores them, flags as 0/1. */
function sqliteRow(e: EpisodeCsvRow): unknown[] {
  const r = episodeCsvValues(e);
  r[EPISODE_CSV_FIELD.occurredAt] = e.occurredAt.toISOString().replace("Z", "+00:00");
  for (const f of ["voluntaryControl", "urgeToMove", "worseAtRest", "worseInEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep", "needsReview"] as const)
    r[EPISODE_CSV_FIELD[f]] = e[f] ? 1 : 0;
  r[EPISODE_CSV_FIELD.labelConfirmedAt] = e.labelConfirmedAt?.toISOString().replace("Z", "+00:00") ?? null;
  return r;
}

/** The row as pg gives it with instants left as text: a timestamptz printed in UTC, trailing zeros of the fraction dropped. */
function postgresRow(e: EpisodeCsvRow): unknown[] {
  const r = episodeCsvValues(e);
  r[EPISODE_CSV_FIELD.occurredAt] = pgText(e.occurredAt);
  r[EPISODE_CSV_FIELD.labelConfirmedAt] = e.labelConfirmedAt ? pgText(e.labelConfirmedAt) : null;
  return r;
}

const pgText = (d: Date) => d.toISOString().replace("T", " ").replace(/\.?0*Z$/, "+00");

describe("episode CSV records over database rows", () => {
  it("write what the cell-by-cell reference writes, for SQLite's and PostgreSQL's rows, in one batch", () => {
    for (const withPatient of [true, false])
      for (const toRow of [sqliteRow, postgresRow]) {
        const records = episodeCsvRecords(withPatient);
        let expected = "";
        for (let i = 0; i < 400; i++) {
          const tz = ["Europe/Berlin", "America/New_York", "Asia/Kathmandu"][Math.floor(i / 150)];
          const e = episode(i, instant(i));
          records.add(toRow(e), tz);
          expected += episodeCsvLine(e, tz, withPatient);
        }
        // 400 records outgrow the writer's first 64 KB buffer.
        expect(text(records.take())).toBe(expected);
        expect(records.take().byteLength).toBe(0);
      }
  });

  it("escape instants whose text is not digits only (years before 1 and from 9999), as the reference does", () => {
    const records = episodeCsvRecords(true);
    const far = [new Date("+010000-01-01T00:00:00.000Z"), new Date("0000-06-01T12:00:00.000Z"), new Date("-000001-01-01T00:00:00.000Z")];
    const expected = far.map((d, i) => episodeCsvLine(episode(i, d), "Europe/Berlin", true)).join("");
    for (const [i, d] of far.entries()) records.add(episodeCsvValues(episode(i, d)), "Europe/Berlin");
    expect(text(records.take())).toBe(expected);
    expect(expected).toContain(",'+010000-01-01T00:00:00.000Z,");
  });
});

describe("instants as stored", () => {
  it("reads SQLite's and PostgreSQL's text as Date does", () => {
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Date.UTC(1901, 0, 1) + i * 3_155_760_123 + (i % 1000));
      expect(instantMs(d.toISOString().replace("Z", "+00:00"))).toBe(d.getTime());
      expect(instantMs(pgText(d))).toBe(d.getTime());
      expect(instantMs(d)).toBe(d.getTime());
      expect(instantMs(d.getTime())).toBe(d.getTime());
    }
  });

  it("reads offsets, fractions of any length, Z and no zone at all (UTC)", () => {
    const t = Date.parse("2026-03-29T01:30:15.123Z");
    expect(instantMs("2026-03-29 03:30:15.123+02")).toBe(t);
    expect(instantMs("2026-03-29 07:00:15.123456+05:30")).toBe(t);
    expect(instantMs("2026-03-28 17:30:15.1239-08:00")).toBe(t);
    expect(instantMs("2026-03-29 01:30:15.123+00:00:00")).toBe(t);
    expect(instantMs("2026-03-29T01:30:15.123Z")).toBe(t);
    expect(instantMs("2026-03-29T01:30:15.123")).toBe(t);
    expect(instantMs("2026-03-29 01:30:15.5+00")).toBe(t - 123 + 500);
    expect(instantMs("2026-03-29 01:30:15+00")).toBe(t - 123);
  });

  it("refuses what is not an instant", () => {
    expect(() => instantMs("not a date")).toThrow(RangeError);
    expect(() => instantMs("2026-13-45 99:99:99+00")).toThrow(RangeError);
  });
});

describe("ISO text of an instant", () => {
  it("is toISOString's, every 28 minutes 53.457 seconds over two years and beyond the four-digit years", () => {
    const iso = isoTimeFormatter();
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 1_733_457) expect(iso(t)).toBe(new Date(t).toISOString());
    for (const d of ["+010000-01-01T00:00:00.000Z", "0000-03-01T10:11:12.013Z", "-000001-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"]) expect(iso(Date.parse(d))).toBe(d);
  });

  it("local time accepts epoch milliseconds as well as a Date", () => {
    const clock = localTimeFormatter("Europe/Berlin");
    expect(clock(Date.UTC(2026, 2, 29, 1, 30))).toBe("2026-03-29 03:30");
    expect(clock(new Date(Date.UTC(2026, 2, 29, 0, 59)))).toBe("2026-03-29 01:59");
  });
});
