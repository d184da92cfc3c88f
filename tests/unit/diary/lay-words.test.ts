import { describe, expect, it } from "vitest";
import { checkDiaryEntry } from "@/lib/core/diary/entry";
import {
  DURATION_PRESETS,
  IDEMPOTENCY_KEY_PATTERN,
  durationSecondsOf,
  emptyDraft,
  entryOfDraft,
  localDateTime,
  localIsoString,
  newIdempotencyKey,
  occurredAtOf,
  presetOfSeconds,
  splitDuration,
  stepOfField,
  storagePrefix,
  toggleChoice,
  warningSignsOfDraft,
  type DiaryDraft,
} from "@/lib/core/diary/lay-words";

const started = new Date(2026, 2, 14, 9, 30, 15);
const draft = (patch: Partial<DiaryDraft> = {}): DiaryDraft => ({ ...emptyDraft(started), ...patch });

describe("local time with the phone's offset", () => {
  it("writes the local clock and the offset, and means the same instant", () => {
    const text = localIsoString(started);
    expect(text).toMatch(/^2026-03-14T09:30:15[+-]\d{2}:\d{2}$/);
    expect(Date.parse(text)).toBe(started.getTime());
  });

  it("reads a date and a time typed on the phone, refusing impossible ones", () => {
    expect(localDateTime("2026-03-14", "07:05")?.getTime()).toBe(new Date(2026, 2, 14, 7, 5).getTime());
    expect(localDateTime("2026-02-31", "07:05")).toBeNull();
    expect(localDateTime("2026-03-14", "")).toBeNull();
    expect(localDateTime("", "07:05")).toBeNull();
    expect(localDateTime("2026-03-14", "25:00")).toBeNull();
  });

  it("'just now' is when the entry was begun; 'earlier today' that day at the time given; another day as typed", () => {
    expect(occurredAtOf(draft())).toBe(localIsoString(started));
    expect(Date.parse(occurredAtOf(draft({ when: "earlier", earlierTime: "06:45" })))).toBe(new Date(2026, 2, 14, 6, 45).getTime());
    expect(Date.parse(occurredAtOf(draft({ when: "pick", pickDate: "2026-03-10", pickTime: "22:10" })))).toBe(new Date(2026, 2, 10, 22, 10).getTime());
    expect(occurredAtOf(draft({ when: "earlier", earlierTime: "" }))).toBe("");
    expect(occurredAtOf(draft({ when: "pick", pickDate: "2026-03-10", pickTime: "" }))).toBe("");
  });
});

describe("how long", () => {
  it("each preset stands for seconds inside its range; under and over five minutes are told apart", () => {
    const seconds = Object.fromEntries(DURATION_PRESETS.map((p) => [p.id, p.seconds]));
    expect(seconds.under30s).toBeLessThan(30);
    expect(seconds.about1min).toBe(60);
    expect(seconds.twoToFiveMin).toBeGreaterThanOrEqual(120);
    expect(seconds.twoToFiveMin).toBeLessThanOrEqual(300);
    expect(seconds.fiveToTenMin).toBeGreaterThan(300);
    expect(seconds.fiveToTenMin).toBeLessThanOrEqual(600);
    expect(seconds.over10min).toBeGreaterThan(600);
    for (const p of DURATION_PRESETS) expect(presetOfSeconds(p.seconds)).toBe(p.id);
    expect(presetOfSeconds(61)).toBeNull();
  });

  it("exact minutes and seconds add up; nothing typed is no answer; letters are not a number", () => {
    expect(durationSecondsOf({ duration: "exact", exactMinutes: "2", exactSeconds: "30" })).toBe(150);
    expect(durationSecondsOf({ duration: "exact", exactMinutes: "", exactSeconds: "45" })).toBe(45);
    expect(durationSecondsOf({ duration: "exact", exactMinutes: "3", exactSeconds: "" })).toBe(180);
    expect(durationSecondsOf({ duration: "exact", exactMinutes: "", exactSeconds: "" })).toBeUndefined();
    expect(durationSecondsOf({ duration: "exact", exactMinutes: "two", exactSeconds: "" })).toBeNaN();
    expect(durationSecondsOf({ duration: null, exactMinutes: "5", exactSeconds: "" })).toBeUndefined();
    expect(durationSecondsOf({ duration: "about1min", exactMinutes: "5", exactSeconds: "" })).toBe(60);
  });

  it("splits a duration into hours, minutes and seconds", () => {
    expect(splitDuration(3725)).toEqual({ hours: 1, minutes: 2, seconds: 5 });
    expect(splitDuration(60)).toEqual({ hours: 0, minutes: 1, seconds: 0 });
  });
});

describe("the entry a draft makes", () => {
  it("the commonest entry (a calf cramp now, about a minute, left leg, pain) passes the diary's schema", () => {
    const entry = entryOfDraft(draft({ movement: "SUSTAINED_CONTRACTION", duration: "about1min", side: "LEFT", pain: 6 }));
    const checked = checkDiaryEntry(entry);
    expect(checked.ok && checked.entry).toMatchObject({ durationSeconds: 60, side: "LEFT", muscleGroup: "CALF", movement: "SUSTAINED_CONTRACTION", painScore: 6, lostAwareness: false });
  });

  it("'not sure', 'rather not say' and 'I don't know' are sent as no movement, no pain score and no", () => {
    const entry = entryOfDraft(draft({ movement: "UNSURE", duration: "under30s", side: "BOTH", pain: "skip", answers: { witnessed: "unsure", tongueBitten: "yes" } }));
    expect(entry).toMatchObject({ movement: null, painScore: null, witnessed: false, tongueBitten: true });
    expect(checkDiaryEntry(entry).ok).toBe(true);
  });

  it("what is missing or wrong is refused field by field, each field sent back to its screen", () => {
    const checked = checkDiaryEntry(entryOfDraft(draft({ when: "pick", pickDate: "", duration: "exact", exactMinutes: "0", exactSeconds: "0" })));
    expect(checked.ok).toBe(false);
    const errors = checked.ok ? {} : checked.errors;
    expect(errors).toMatchObject({ occurredAt: "occurredAtRequired", durationSeconds: "durationMin", side: "sideRequired" });
    expect(Object.keys(errors).map(stepOfField)).toEqual(expect.arrayContaining(["when", "duration", "where"]));
  });

  it("a time still to come is refused", () => {
    const future = new Date(Date.now() + 2 * 3600_000);
    const d = { ...emptyDraft(future), duration: "about1min" as const, side: "LEFT" as const };
    const checked = checkDiaryEntry(entryOfDraft(d));
    expect(checked.ok ? {} : checked.errors).toMatchObject({ occurredAt: "occurredAtFuture" });
  });

  it("maps every field to the screen that asks for it", () => {
    expect(stepOfField("muscleGroup")).toBe("where");
    expect(stepOfField("painScore")).toBe("pain");
    expect(stepOfField("wetThemselves")).toBe("wetThemselves");
    expect(stepOfField("_form")).toBeNull();
  });
});

describe("warning signs", () => {
  it("appear for lost awareness, a bitten tongue, wetting oneself and over five minutes, not otherwise", () => {
    expect(warningSignsOfDraft(draft({ duration: "about1min" }))).toEqual([]);
    expect(warningSignsOfDraft(draft({ duration: "twoToFiveMin" }))).toEqual([]);
    expect(warningSignsOfDraft(draft({ duration: "fiveToTenMin" }))).toEqual(["longEpisode"]);
    expect(warningSignsOfDraft(draft({ duration: "exact", exactMinutes: "5", exactSeconds: "1" }))).toEqual(["longEpisode"]);
    expect(warningSignsOfDraft(draft({ duration: "exact", exactMinutes: "5", exactSeconds: "" }))).toEqual([]);
    expect(warningSignsOfDraft(draft({ answers: { lostAwareness: "yes", tongueBitten: "no", wetThemselves: "yes" } }))).toEqual(["lostAwareness", "wetThemselves"]);
    expect(warningSignsOfDraft(draft({ answers: { lostAwareness: "unsure" } }))).toEqual([]);
  });
});

describe("multi-select", () => {
  it("ticks and unticks; an exclusive answer clears the others and is cleared by them", () => {
    expect(toggleChoice(["COLD"], "STRESS")).toEqual(["COLD", "STRESS"]);
    expect(toggleChoice(["COLD", "STRESS"], "COLD")).toEqual(["STRESS"]);
    expect(toggleChoice(["COLD", "STRESS"], "UNKNOWN", ["UNKNOWN"])).toEqual(["UNKNOWN"]);
    expect(toggleChoice(["UNKNOWN"], "COLD", ["UNKNOWN"])).toEqual(["COLD"]);
  });
});

describe("what the page keeps on the phone", () => {
  it("names storage by a hash of the token, never the token, the same for the same token", () => {
    const token = "cd_" + "A".repeat(43);
    const prefix = storagePrefix(token);
    expect(prefix).toMatch(/^diary:[0-9a-f]{16}$/);
    expect(prefix).not.toContain(token);
    expect(storagePrefix(token)).toBe(prefix);
    expect(storagePrefix(token + "B")).not.toBe(prefix);
  });

  it("makes idempotency keys the server accepts, different each time, with or without randomUUID", () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).toMatch(IDEMPOTENCY_KEY_PATTERN);
    expect(a).not.toBe(b);
    const noUuid = { getRandomValues: <T extends ArrayBufferView | null>(array: T) => globalThis.crypto.getRandomValues(array as Uint8Array) as unknown as T };
    const c = newIdempotencyKey(noUuid as Pick<Crypto, "getRandomValues">);
    expect(c).toMatch(IDEMPOTENCY_KEY_PATTERN);
    expect(c).toMatch(/^diary:[0-9a-f]{32}$/);
  });
});
