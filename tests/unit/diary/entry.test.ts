/**
 * The diary entry's rules (lib/core/diary/entry.ts), at, below and above every threshold: the
 * error key each field gets (the server and the page word it in the patient's language), the
 * defaults, the dropped `classification`, the warning signs and the episode fields stored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DIARY_NOTES_MAX,
  DIARY_URGENT_SECONDS,
  checkDiaryEntry,
  episodeFieldsOfEntry,
  seizureWarningSigns,
  type DiaryEntry,
} from "@/lib/core/diary/entry";
import en from "@/lib/core/diary/messages/en.json";
import es from "@/lib/core/diary/messages/es.json";

const NOW = Date.parse("2026-06-15T12:00:00.000Z");
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

const base = () => ({ occurredAt: "2026-06-15T10:00:00Z", durationSeconds: 60, side: "LEFT" });
/** The error keys of an entry with `overrides`, or {} when it is valid. */
function errorsOf(overrides: Record<string, unknown>): Record<string, string> {
  const r = checkDiaryEntry({ ...base(), ...overrides });
  return r.ok ? {} : r.errors;
}
/** The checked entry of a body the test knows is valid. */
function entryOf(body: Record<string, unknown>): DiaryEntry {
  const r = checkDiaryEntry(body);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r.entry;
}
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

describe("checkDiaryEntry thresholds", () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ["duration 0 s", { durationSeconds: 0 }, { durationSeconds: "durationMin" }],
    ["duration 1 s (the least)", { durationSeconds: 1 }, {}],
    ["duration 86400 s (24 h, the most)", { durationSeconds: 86_400 }, {}],
    ["duration 86401 s", { durationSeconds: 86_401 }, { durationSeconds: "durationMax" }],
    ["duration -5 s", { durationSeconds: -5 }, { durationSeconds: "durationMin" }],
    ["duration 1.5 s", { durationSeconds: 1.5 }, { durationSeconds: "durationWhole" }],
    ["duration as text", { durationSeconds: "60" }, { durationSeconds: "durationRequired" }],
    ["duration missing", { durationSeconds: undefined }, { durationSeconds: "durationRequired" }],
    ["pain -1", { painScore: -1 }, { painScore: "painRange" }],
    ["pain 0", { painScore: 0 }, {}],
    ["pain 10", { painScore: 10 }, {}],
    ["pain 11", { painScore: 11 }, { painScore: "painRange" }],
    ["pain 5.5", { painScore: 5.5 }, { painScore: "painRange" }],
    ["pain not given (null)", { painScore: null }, {}],
    [`notes of ${DIARY_NOTES_MAX} characters`, { notes: "n".repeat(2000) }, {}],
    ["notes of 2001 characters", { notes: "n".repeat(2001) }, { notes: "notesTooLong" }],
    ["notes of 100 KB", { notes: "n".repeat(100 * 1024) }, { notes: "notesTooLong" }],
    ["notes not text", { notes: 5 }, { notes: "notesTooLong" }],
    ["occurredAt 5 min ahead (the clock-skew tolerance)", { occurredAt: iso(NOW + 5 * MIN) }, {}],
    ["occurredAt 5 min and 1 ms ahead", { occurredAt: iso(NOW + 5 * MIN + 1) }, { occurredAt: "occurredAtFuture" }],
    ["occurredAt 4 min ahead", { occurredAt: iso(NOW + 4 * MIN) }, {}],
    ["occurredAt tomorrow", { occurredAt: iso(NOW + 86_400_000) }, { occurredAt: "occurredAtFuture" }],
    ["occurredAt now, with an offset", { occurredAt: "2026-06-15T14:00:00+02:00" }, {}],
    ["occurredAt 1900-01-01", { occurredAt: "1900-01-01T00:00:00Z" }, {}],
    ["occurredAt 1899-12-31", { occurredAt: "1899-12-31T23:59:59Z" }, { occurredAt: "occurredAtTooOld" }],
    ["occurredAt a date without a time", { occurredAt: "2026-06-15" }, { occurredAt: "occurredAtRequired" }],
    ["occurredAt empty", { occurredAt: "" }, { occurredAt: "occurredAtRequired" }],
    ["occurredAt missing", { occurredAt: undefined }, { occurredAt: "occurredAtRequired" }],
    ["occurredAt 30 February", { occurredAt: "2026-02-30T10:00:00Z" }, { occurredAt: "occurredAtRequired" }],
    ["occurredAt 29 February of a leap year", { occurredAt: "2024-02-29T10:00:00Z" }, {}],
    ["occurredAt without seconds", { occurredAt: "2026-06-15T10:00Z" }, { occurredAt: "occurredAtRequired" }],
    ["occurredAt without an offset", { occurredAt: "2026-06-15T10:00:00" }, { occurredAt: "occurredAtRequired" }],
    ["occurredAt with milliseconds", { occurredAt: "2026-06-15T10:00:00.123Z" }, {}],
    ["occurredAt 1900 locally but 1899 in UTC", { occurredAt: "1900-01-01T00:30:00+01:00" }, { occurredAt: "occurredAtTooOld" }],
    ["occurredAt a number", { occurredAt: 1781517600000 }, { occurredAt: "occurredAtRequired" }],
    ["a yes/no as null", { witnessed: null }, { witnessed: "yesNo" }],
    ["a list as text", { triggers: "COLD" }, { triggers: "choiceUnknown" }],
    ["duration not a number (Infinity)", { durationSeconds: Infinity }, { durationSeconds: "durationRequired" }],
    ["side unknown", { side: "MIDDLE" }, { side: "sideRequired" }],
    ["side missing", { side: undefined }, { side: "sideRequired" }],
    ["movement unknown", { movement: "DANCING" }, { movement: "choiceUnknown" }],
    ["movement not known (null)", { movement: null }, {}],
    ["muscle group unknown", { muscleGroup: "NECK" }, { muscleGroup: "choiceUnknown" }],
    ["a trigger unknown", { triggers: ["COLD", "MOONLIGHT"] }, { triggers: "choiceUnknown" }],
    ["a trigger twice", { triggers: ["COLD", "COLD"] }, { triggers: "listTwice" }],
    ["triggers not a list", { triggers: "COLD" }, { triggers: "choiceUnknown" }],
    ["a relief twice", { relief: ["MASSAGE", "MASSAGE"] }, { relief: "listTwice" }],
    ["yes/no as text", { lostAwareness: "yes" }, { lostAwareness: "yesNo" }],
    ["yes/no as 1", { tongueBitten: 1 }, { tongueBitten: "yesNo" }],
    ["a field the diary does not have", { mrn: "X-1" }, { mrn: "unknownField" }],
    ["two fields the diary does not have", { mrn: "X-1", rhythm: "REGULAR" }, { mrn: "unknownField", rhythm: "unknownField" }],
  ])("%s", (_name, overrides, expected) => {
    expect(errorsOf(overrides)).toEqual(expected);
  });

  it("names every field's first problem at once", () => {
    expect(errorsOf({ durationSeconds: 0, painScore: 11, side: "UP", occurredAt: iso(NOW + 3600_000), notes: "n".repeat(2001) })).toEqual({
      durationSeconds: "durationMin",
      painScore: "painRange",
      side: "sideRequired",
      occurredAt: "occurredAtFuture",
      notes: "notesTooLong",
    });
  });

  it.each([null, [], "entry", 42, undefined])("a body that is not an object (%j) is one _form problem", (body) => {
    expect(checkDiaryEntry(body)).toEqual({ ok: false, errors: { _form: "notAnEntry" } });
  });

  it("fills the defaults: calf, no movement, every yes/no false, no pain score, empty lists and note", () => {
    const r = checkDiaryEntry(base());
    expect(r.ok && r.entry).toEqual({
      ...base(),
      muscleGroup: "CALF",
      movement: null,
      urgeToMove: false,
      worseAtRest: false,
      worseInEvening: false,
      reliefByMovement: false,
      voluntaryControl: false,
      duringSleep: false,
      painScore: null,
      triggers: [],
      relief: [],
      notes: "",
      witnessed: false,
      lostAwareness: false,
      tongueBitten: false,
      wetThemselves: false,
    });
  });

  it.each(["CLONIC", "NOT_A_TYPE", null, 7, { nested: true }])("drops a classification (%j): not an error, not kept", (classification) => {
    const r = checkDiaryEntry({ ...base(), classification });
    expect(r.ok).toBe(true);
    expect(r.ok && r.entry).not.toHaveProperty("classification");
  });

  it("every error key has words in English and in Spanish, and they differ", () => {
    const keys = new Set<string>();
    for (const o of [{ durationSeconds: 0 }, { durationSeconds: 86_401 }, { durationSeconds: 1.5 }, { durationSeconds: "x" }, { painScore: 11 }, { notes: "n".repeat(2001) },
      { occurredAt: iso(NOW + 3600_000) }, { occurredAt: "1800-01-01T00:00:00Z" }, { occurredAt: "" }, { side: "X" }, { movement: "X" }, { triggers: ["COLD", "COLD"] }, { witnessed: "x" }, { x: 1 }]) {
      for (const k of Object.values(errorsOf(o))) keys.add(k);
    }
    expect(keys.size).toBe(14);
    for (const k of keys) {
      const words = [(en.errors as Record<string, string>)[k], (es.errors as Record<string, string>)[k]];
      expect(words[0], k).toMatch(/\w{3}/);
      expect(words[1], k).toMatch(/\w{3}/);
      expect(words[0], k).not.toBe(words[1]);
    }
  });
});

describe("seizureWarningSigns", () => {
  const signs = (o: Partial<DiaryEntry>) => seizureWarningSigns({ lostAwareness: false, tongueBitten: false, wetThemselves: false, durationSeconds: 60, ...o });
  it.each<[string, Partial<DiaryEntry>, string[]]>([
    ["none", {}, []],
    ["lost awareness", { lostAwareness: true }, ["lostAwareness"]],
    ["tongue bitten", { tongueBitten: true }, ["tongueBitten"]],
    ["wet themselves", { wetThemselves: true }, ["wetThemselves"]],
    [`exactly ${DIARY_URGENT_SECONDS} s`, { durationSeconds: 300 }, []],
    ["301 s", { durationSeconds: 301 }, ["longEpisode"]],
    ["all of them", { lostAwareness: true, tongueBitten: true, wetThemselves: true, durationSeconds: 900 }, ["lostAwareness", "tongueBitten", "wetThemselves", "longEpisode"]],
  ])("%s", (_name, o, expected) => {
    expect(signs(o)).toEqual(expected);
  });
});

describe("episodeFieldsOfEntry", () => {
  it("lost awareness is stored as consciousnessImpaired; no label, no rhythm; the seizure signs kept", () => {
    const entry = entryOf({ ...base(), lostAwareness: true, tongueBitten: true, witnessed: true, classification: "CLONIC" });
    const fields = episodeFieldsOfEntry(entry);
    expect(fields).toMatchObject({ consciousnessImpaired: true, tongueBitten: true, wetThemselves: false, witnessed: true, classification: null, rhythm: null });
    expect(fields).not.toHaveProperty("lostAwareness");
    expect(episodeFieldsOfEntry(entryOf(base())).consciousnessImpaired).toBe(false);
  });
});
