/**
 * The patient's diary entry (docs/api.md, "Patient diary"): the episode observation of the clinical
 * spec section 1 in questions a patient can answer. Pure: the diary page checks an entry with it
 * before queueing, and the server checks it again before storing. Messages are keys of the diary's
 * messages (lib/core/diary/messages), so each side words them in the patient's language.
 */
import { MOVEMENTS, MUSCLE_GROUPS, RELIEFS, SIDES, TRIGGERS, type Movement, type MuscleGroup, type Relief, type Side, type Trigger } from "@/lib/core/clinical/vocabulary";
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
  | "unknownField"
  | "notAnEntry"
  | "idempotencyKey";

/** The entry once checked: what the phone queues and the server stores. */
export interface DiaryEntry {
  occurredAt: string;
  durationSeconds: number;
  side: Side;
  muscleGroup: MuscleGroup;
  movement: Movement | null;
  urgeToMove: boolean;
  worseAtRest: boolean;
  worseInEvening: boolean;
  reliefByMovement: boolean;
  voluntaryControl: boolean;
  duringSleep: boolean;
  painScore: number | null;
  triggers: Trigger[];
  relief: Relief[];
  notes: string;
  witnessed: boolean;
  lostAwareness: boolean;
  tongueBitten: boolean;
  wetThemselves: boolean;
}

const YES_NO_FIELDS = [
  "urgeToMove",
  "worseAtRest",
  "worseInEvening",
  "reliefByMovement",
  "voluntaryControl",
  "duringSleep",
  "witnessed",
  "lostAwareness",
  "tongueBitten",
  "wetThemselves",
] as const;
const FIELDS = new Set<string>(["occurredAt", "durationSeconds", "side", "muscleGroup", "movement", "painScore", "triggers", "relief", "notes", ...YES_NO_FIELDS]);

/** An instant with its offset, seconds required, as JSON writes it: 2026-06-15T10:00:00Z or ...+02:00. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

function occurredAtProblem(value: unknown): DiaryErrorKey | null {
  const m = typeof value === "string" ? INSTANT.exec(value) : null;
  if (!m) return "occurredAtRequired";
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return "occurredAtRequired"; // 30 February
  const at = Date.parse(value as string);
  if (at > Date.now() + FUTURE_TOLERANCE_MS) return "occurredAtFuture";
  if (new Date(at).getUTCFullYear() < 1900) return "occurredAtTooOld";
  return null;
}

function wholeNumberProblem(value: unknown, min: number, max: number, keys: { missing: DiaryErrorKey; fraction: DiaryErrorKey; low: DiaryErrorKey; high: DiaryErrorKey }) {
  if (typeof value !== "number" || !Number.isFinite(value)) return keys.missing;
  if (!Number.isInteger(value)) return keys.fraction;
  if (value < min) return keys.low;
  if (value > max) return keys.high;
  return null;
}

function choiceList<T extends string>(value: unknown, allowed: readonly T[]): DiaryErrorKey | null {
  if (!Array.isArray(value) || value.some((v) => !allowed.includes(v))) return "choiceUnknown";
  return new Set(value).size === value.length ? null : "listTwice";
}

/**
 * Checks a diary entry: the checked entry with its defaults, or one error key per field ("_form"
 * when the body is not an object at all; "unknownField" for each field the diary does not have). A
 * `classification` sent with an entry is dropped, not refused and not stored: a diary never sets
 * the clinician's label. Plain code rather than a schema library: the phone downloads this, and
 * it has to fit the diary page's JavaScript budget (scripts/check-bundle.ts).
 */
export function checkDiaryEntry(input: unknown): { ok: true; entry: DiaryEntry } | { ok: false; errors: Record<string, DiaryErrorKey> } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { ok: false, errors: { _form: "notAnEntry" } };
  const body = input as Record<string, unknown>;
  const given = (field: string) => body[field] !== undefined;
  const errors: Record<string, DiaryErrorKey> = {};
  const problem = (field: string, key: DiaryErrorKey | null) => {
    if (key) errors[field] = key;
  };

  problem("occurredAt", occurredAtProblem(body.occurredAt));
  problem(
    "durationSeconds",
    wholeNumberProblem(body.durationSeconds, T.durationSecondsMin, T.durationSecondsMax, { missing: "durationRequired", fraction: "durationWhole", low: "durationMin", high: "durationMax" }),
  );
  problem("side", SIDES.includes(body.side as Side) ? null : "sideRequired");
  if (given("muscleGroup")) problem("muscleGroup", MUSCLE_GROUPS.includes(body.muscleGroup as MuscleGroup) ? null : "choiceUnknown");
  if (given("movement") && body.movement !== null) problem("movement", MOVEMENTS.includes(body.movement as Movement) ? null : "choiceUnknown");
  for (const field of YES_NO_FIELDS) if (given(field)) problem(field, typeof body[field] === "boolean" ? null : "yesNo");
  if (given("painScore") && body.painScore !== null) {
    const range = "painRange" as const;
    problem("painScore", wholeNumberProblem(body.painScore, T.painScoreMin, T.painScoreMax, { missing: range, fraction: range, low: range, high: range }));
  }
  if (given("triggers")) problem("triggers", choiceList(body.triggers, TRIGGERS));
  if (given("relief")) problem("relief", choiceList(body.relief, RELIEFS));
  if (given("notes")) problem("notes", typeof body.notes === "string" && body.notes.length <= DIARY_NOTES_MAX ? null : "notesTooLong");
  for (const field of Object.keys(body)) if (!FIELDS.has(field) && field !== "classification") errors[field] = "unknownField";
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const yesNo = Object.fromEntries(YES_NO_FIELDS.map((f) => [f, body[f] === true])) as Record<(typeof YES_NO_FIELDS)[number], boolean>;
  return {
    ok: true,
    entry: {
      occurredAt: body.occurredAt as string,
      durationSeconds: body.durationSeconds as number,
      side: body.side as Side,
      muscleGroup: (body.muscleGroup as MuscleGroup | undefined) ?? "CALF",
      movement: (body.movement as Movement | null | undefined) ?? null,
      painScore: (body.painScore as number | null | undefined) ?? null,
      triggers: (body.triggers as Trigger[] | undefined) ?? [],
      relief: (body.relief as Relief[] | undefined) ?? [],
      notes: (body.notes as string | undefined) ?? "",
      ...yesNo,
    },
  };
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
