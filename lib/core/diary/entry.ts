/**
 * The patient's diary entry (docs/api.md, "Patient diary"): the episode observation of the clinical
 * spec section 1 in questions a patient can answer. Pure: the diary page checks an entry with it
 * before queueing, and the server checks it again before storing. Messages are keys of the diary's
 * messages (lib/core/diary/messages), so each side words them in the patient's language.
 */
import { z } from "zod";
import { MOVEMENTS, MUSCLE_GROUPS, RELIEFS, SIDES, TRIGGERS } from "@/lib/core/clinical/vocabulary";
import { DEFAULT_THRESHOLDS as T } from "@/lib/core/clinical/thresholds";

export const DIARY_LANGUAGES = ["en", "es"] as const;
export type DiaryLanguage = (typeof DIARY_LANGUAGES)[number];

/** A little clock skew between a phone and the server is not "the future". */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** An episode over this many seconds is a warning sign the diary answers with urgent advice. */
export const DIARY_URGENT_SECONDS = 5 * 60;
export const DIARY_NOTES_MAX = T.notesMaxLength;

/** Keys under `errors` in the diary's messages. */
export type DiaryErrorKey =
  | "occurredAtRequired"
  | "occurredAtFuture"
  | "occurredAtTooOld"
  | "durationRequired"
  | "durationWhole"
  | "durationMin"
  | "durationMax"
  | "sideRequired"
  | "choiceUnknown"
  | "yesNo"
  | "painRange"
  | "listTwice"
  | "notesTooLong"
  | "unknownField";

const e = (key: DiaryErrorKey) => ({ error: key });
const yesNo = z.boolean(e("yesNo")).default(false);
const unique = <S extends z.ZodTypeAny>(item: S) =>
  z.array(item, e("choiceUnknown")).refine((a) => new Set(a).size === a.length, e("listTwice")).default([]);

const occurredAt = z
  .string(e("occurredAtRequired"))
  .min(1, e("occurredAtRequired"))
  .pipe(z.iso.datetime({ offset: true, ...e("occurredAtRequired") }))
  .refine((s) => Date.parse(s) <= Date.now() + FUTURE_TOLERANCE_MS, e("occurredAtFuture"))
  .refine((s) => new Date(s).getUTCFullYear() >= 1900, e("occurredAtTooOld"));

const entryObject = z
  .object({
    occurredAt,
    durationSeconds: z
      .number(e("durationRequired"))
      .int(e("durationWhole"))
      .min(T.durationSecondsMin, e("durationMin"))
      .max(T.durationSecondsMax, e("durationMax")),
    side: z.enum(SIDES, e("sideRequired")),
    muscleGroup: z.enum(MUSCLE_GROUPS, e("choiceUnknown")).default("CALF"),
    movement: z.enum(MOVEMENTS, e("choiceUnknown")).nullable().default(null),
    urgeToMove: yesNo,
    worseAtRest: yesNo,
    worseInEvening: yesNo,
    reliefByMovement: yesNo,
    voluntaryControl: yesNo,
    duringSleep: yesNo,
    painScore: z.number(e("painRange")).int(e("painRange")).min(T.painScoreMin, e("painRange")).max(T.painScoreMax, e("painRange")).nullable().default(null),
    triggers: unique(z.enum(TRIGGERS, e("choiceUnknown"))),
    relief: unique(z.enum(RELIEFS, e("choiceUnknown"))),
    notes: z.string(e("notesTooLong")).max(DIARY_NOTES_MAX, e("notesTooLong")).default(""),
    witnessed: yesNo,
    lostAwareness: yesNo,
    tongueBitten: yesNo,
    wetThemselves: yesNo,
  })
  .strict();

/** A diary never sets the clinician's label: a `classification` sent with an entry is dropped, not stored. */
function withoutClassification(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !Object.hasOwn(input, "classification")) return input;
  const { classification: _ignored, ...rest } = input as Record<string, unknown>;
  return rest;
}

export const diaryEntrySchema = z.preprocess(withoutClassification, entryObject);
export type DiaryEntry = z.infer<typeof entryObject>;

/** Field -> error key, for the first problem of each field ("_form" when the body is not an object). */
export function diaryEntryErrors(error: z.ZodError): Record<string, DiaryErrorKey> {
  const out = new Map<string, DiaryErrorKey>();
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) out.set([...issue.path, k].join("."), "unknownField");
      continue;
    }
    const key = issue.path.length ? String(issue.path[0]) : "_form";
    if (!out.has(key)) out.set(key, (issue.message as DiaryErrorKey) || "choiceUnknown");
  }
  return Object.fromEntries(out);
}

/**
 * The warning signs that make the diary tell the patient, at once, to seek urgent care: lost
 * awareness, a bitten tongue, incontinence, or an episode over five minutes.
 */
export function seizureWarningSigns(entry: Pick<DiaryEntry, "lostAwareness" | "tongueBitten" | "wetThemselves" | "durationSeconds">): string[] {
  const signs: string[] = [];
  if (entry.lostAwareness) signs.push("lostAwareness");
  if (entry.tongueBitten) signs.push("tongueBitten");
  if (entry.wetThemselves) signs.push("wetThemselves");
  if (entry.durationSeconds > DIARY_URGENT_SECONDS) signs.push("longEpisode");
  return signs;
}

/** The episode fields a diary entry stores (clinical spec section 1); lost awareness is impaired consciousness. */
export function episodeFieldsOfEntry(entry: DiaryEntry) {
  const { lostAwareness, ...rest } = entry;
  return { ...rest, consciousnessImpaired: lostAwareness, rhythm: null, classification: null };
}
