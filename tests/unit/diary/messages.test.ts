import { describe, expect, it } from "vitest";
import { DIARY_MESSAGES } from "@/lib/core/diary/messages";
import { MOVEMENTS, MUSCLE_GROUPS, RELIEFS, SIDES, TRIGGERS } from "@/lib/core/clinical/vocabulary";
import { DURATION_PRESETS, YES_NO_FIELDS } from "@/lib/core/diary/lay-words";

/** Every key path of a messages object, e.g. "home.record". */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

const en = DIARY_MESSAGES.en;
const es = DIARY_MESSAGES.es;

describe("diary messages", () => {
  it("Spanish has exactly the keys of English", () => {
    expect(keyPaths(es).sort()).toEqual(keyPaths(en).sort());
  });

  it("no text is empty, and Spanish is translated (not a copy of English) apart from names", () => {
    const same = new Set(["languages.en", "languages.es", "answers.no"]);
    for (const path of keyPaths(en)) {
      const get = (m: unknown) => path.split(".").reduce((o, k) => (o as Record<string, unknown>)[k], m) as string;
      expect(get(en).trim(), path).not.toBe("");
      expect(get(es).trim(), path).not.toBe("");
      if (!same.has(path)) expect(get(es), path).not.toBe(get(en));
    }
  });

  it("words every choice the diary offers, each with a description of each movement", () => {
    for (const m of MOVEMENTS) {
      expect(en.movement[m]).toBeTruthy();
      expect(en.movement[`${m}_hint`]).toBeTruthy();
    }
    for (const s of SIDES) expect(en.where[s] && en.entry[s]).toBeTruthy();
    for (const g of MUSCLE_GROUPS) expect(en.where[g]).toBeTruthy();
    for (const t of TRIGGERS) expect(en.triggers[t]).toBeTruthy();
    for (const r of RELIEFS) expect(en.relief[r]).toBeTruthy();
    for (const p of DURATION_PRESETS) expect(en.duration[p.id]).toBeTruthy();
    for (const f of YES_NO_FIELDS) {
      expect(en.questions[f]).toBeTruthy();
      expect(en.questions[`${f}_hint`]).toBeTruthy();
    }
    for (const sign of ["lostAwareness", "tongueBitten", "wetThemselves", "longEpisode"] as const) expect(en.warning[sign]).toBeTruthy();
  });

  it("keeps the error keys the server words its refusals with", () => {
    for (const key of ["occurredAtRequired", "occurredAtFuture", "durationRequired", "durationMin", "durationMax", "sideRequired", "painRange", "notesTooLong", "notFound", "rateLimited", "problems", "body", "tooLarge"]) {
      expect(en.errors).toHaveProperty(key);
      expect(es.errors).toHaveProperty(key);
    }
  });
});
