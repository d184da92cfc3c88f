/**
 * Pure helpers of the patient diary page (app/diary/[token]): the answers a patient gives on the
 * phone (a draft), the diary entry they make (lib/core/diary/entry.ts checks it), duration presets,
 * the local time with the phone's offset, and the names of what the page keeps on the phone.
 * No browser or server imports: the page and the unit tests use them alike.
 */
import type { Movement, MuscleGroup, Relief, Side, Trigger } from "@/lib/core/clinical/vocabulary";
import { DIARY_URGENT_SECONDS, seizureWarningSigns } from "./entry";

/** "How long did it last?": each preset stands for one representative number of seconds. */
export const DURATION_PRESETS = [
  { id: "under30s", seconds: 20 },
  { id: "about1min", seconds: 60 },
  { id: "twoToFiveMin", seconds: 180 },
  { id: "fiveToTenMin", seconds: 420 },
  { id: "over10min", seconds: 900 },
] as const;
export type DurationPresetId = (typeof DURATION_PRESETS)[number]["id"];

/** The yes/no questions, in the order the diary asks them after the essentials. */
export const YES_NO_FIELDS = [
  "lostAwareness",
  "tongueBitten",
  "wetThemselves",
  "witnessed",
  "duringSleep",
  "urgeToMove",
  "worseAtRest",
  "worseInEvening",
  "reliefByMovement",
  "voluntaryControl",
] as const;
export type YesNoField = (typeof YES_NO_FIELDS)[number];
export type YesNoAnswer = "yes" | "no" | "unsure";

/** The questions a patient answers first: enough for an entry (a calf cramp now, about a minute, left leg, pain). */
export const ESSENTIAL_STEPS = ["movement", "when", "duration", "where", "pain"] as const;
/** The questions after the essentials, all optional; the warning signs come first. */
export const EXTRA_STEPS = [...YES_NO_FIELDS, "triggers", "relief", "notes"] as const;
export const ALL_STEPS = [...ESSENTIAL_STEPS, ...EXTRA_STEPS] as const;
export type DiaryStep = (typeof ALL_STEPS)[number];

export type WhenChoice = "now" | "earlier" | "pick";

/** What the patient has answered so far; kept on the phone while they go back and forth. */
export interface DiaryDraft {
  /** When the patient began the entry: "just now" means this moment (ISO, UTC). */
  startedAt: string;
  /** null: not answered yet; "UNSURE": the patient is not sure (sent as no movement). */
  movement: Movement | "UNSURE" | null;
  when: WhenChoice;
  /** "HH:MM" on the day the entry was begun. */
  earlierTime: string;
  /** "YYYY-MM-DD" and "HH:MM" of another day. */
  pickDate: string;
  pickTime: string;
  duration: DurationPresetId | "exact" | null;
  exactMinutes: string;
  exactSeconds: string;
  side: Side | null;
  muscleGroup: MuscleGroup;
  /** A number from 0 to 10, "skip" when the patient would rather not say, null when not answered. */
  pain: number | "skip" | null;
  answers: Partial<Record<YesNoField, YesNoAnswer>>;
  triggers: Trigger[];
  relief: Relief[];
  notes: string;
}

export function emptyDraft(now: Date = new Date()): DiaryDraft {
  return {
    startedAt: now.toISOString(),
    movement: null,
    when: "now",
    earlierTime: "",
    pickDate: "",
    pickTime: "",
    duration: null,
    exactMinutes: "",
    exactSeconds: "",
    side: null,
    muscleGroup: "CALF",
    pain: null,
    answers: {},
    triggers: [],
    relief: [],
    notes: "",
  };
}

const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, "0");

/** The phone's local date and time with its offset, e.g. "2026-03-01T14:05:00+01:00" (seconds kept). */
export function localIsoString(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}

/** "YYYY-MM-DD" of a date on the phone's calendar (for a date input's value and max). */
export function localDateString(date: Date): string {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "HH:MM" of a date on the phone's clock. */
export function localTimeString(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A local date ("YYYY-MM-DD") and time ("HH:MM") as a Date, or null when either is missing or malformed. */
export function localDateTime(dateText: string, timeText: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateText);
  const t = /^(\d{2}):(\d{2})$/.exec(timeText);
  if (!d || !t) return null;
  const [year, month, day, hours, minutes] = [+d[1], +d[2], +d[3], +t[1], +t[2]];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59) return null;
  const date = new Date(year, month - 1, day, hours, minutes, 0, 0);
  // 31 February rolls over into March: not a date the patient meant.
  if (date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  date.setFullYear(year);
  return date;
}

/** When it happened, as the entry sends it (local time with the phone's offset); "" when not given. */
export function occurredAtOf(draft: DiaryDraft): string {
  const started = new Date(draft.startedAt);
  if (draft.when === "now") return Number.isNaN(started.getTime()) ? "" : localIsoString(started);
  const date = draft.when === "earlier" ? localDateTime(localDateString(started), draft.earlierTime) : localDateTime(draft.pickDate, draft.pickTime);
  return date ? localIsoString(date) : "";
}

/** A whole number typed by the patient: "" is 0 when the other part is given; anything else not a number is NaN. */
function typedNumber(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") return 0;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** How long it lasted in seconds: the preset's seconds, the exact minutes and seconds, or undefined when not answered. */
export function durationSecondsOf(draft: Pick<DiaryDraft, "duration" | "exactMinutes" | "exactSeconds">): number | undefined {
  if (draft.duration === null) return undefined;
  if (draft.duration !== "exact") return DURATION_PRESETS.find((p) => p.id === draft.duration)?.seconds;
  if (draft.exactMinutes.trim() === "" && draft.exactSeconds.trim() === "") return undefined;
  return typedNumber(draft.exactMinutes) * 60 + typedNumber(draft.exactSeconds);
}

/** The diary entry the draft makes, for checkDiaryEntry (which refuses what is missing or wrong). */
export function entryOfDraft(draft: DiaryDraft): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    occurredAt: occurredAtOf(draft),
    durationSeconds: durationSecondsOf(draft),
    side: draft.side ?? undefined,
    muscleGroup: draft.muscleGroup,
    movement: draft.movement === null || draft.movement === "UNSURE" ? null : draft.movement,
    painScore: typeof draft.pain === "number" ? draft.pain : null,
    triggers: draft.triggers,
    relief: draft.relief,
    notes: draft.notes,
  };
  // "I don't know" and no answer are sent as no (the entry has only yes and no).
  for (const field of YES_NO_FIELDS) entry[field] = draft.answers[field] === "yes";
  for (const key of Object.keys(entry)) if (entry[key] === undefined) delete entry[key];
  return entry;
}

/** The warning signs the answers so far show (lost awareness, tongue bitten, wet, over five minutes). */
export function warningSignsOfDraft(draft: DiaryDraft): string[] {
  const seconds = durationSecondsOf(draft);
  return seizureWarningSigns({
    lostAwareness: draft.answers.lostAwareness === "yes",
    tongueBitten: draft.answers.tongueBitten === "yes",
    wetThemselves: draft.answers.wetThemselves === "yes",
    durationSeconds: typeof seconds === "number" && Number.isFinite(seconds) ? seconds : 0,
  });
}

/** True when a number of seconds is past the diary's urgent threshold (five minutes). */
export const isUrgentDuration = (seconds: number) => seconds > DIARY_URGENT_SECONDS;

/** The screen that asks for a field of the entry, to send the patient back to it when it needs a change. */
export function stepOfField(field: string): DiaryStep | null {
  switch (field) {
    case "occurredAt":
      return "when";
    case "durationSeconds":
      return "duration";
    case "side":
    case "muscleGroup":
      return "where";
    case "movement":
      return "movement";
    case "painScore":
      return "pain";
    case "triggers":
    case "relief":
    case "notes":
      return field;
    default:
      return (YES_NO_FIELDS as readonly string[]).includes(field) ? (field as YesNoField) : null;
  }
}

/**
 * Ticks or unticks a choice of a multi-select. An "exclusive" choice ("Nothing helped", "I don't
 * know") clears the others, and ticking another choice clears it.
 */
export function toggleChoice<T extends string>(list: readonly T[], code: T, exclusive: readonly T[] = []): T[] {
  if (list.includes(code)) return list.filter((c) => c !== code);
  if (exclusive.includes(code)) return [code];
  return [...list.filter((c) => !exclusive.includes(c)), code];
}

/** Hours, minutes and seconds of a duration, for words such as "1 min 30 s". */
export function splitDuration(totalSeconds: number): { hours: number; minutes: number; seconds: number } {
  const s = Math.max(0, Math.round(totalSeconds));
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

/** The preset a number of seconds stands for, or null when it was typed exactly. */
export function presetOfSeconds(seconds: number): DurationPresetId | null {
  return DURATION_PRESETS.find((p) => p.seconds === seconds)?.id ?? null;
}

/**
 * The prefix of what the page keeps on the phone for one link: a short hash of the token, so the
 * token itself is not written as a storage key (FNV-1a, twice with different seeds; not a secret).
 */
export function storagePrefix(token: string): string {
  const fnv = (seed: number) => {
    let h = seed >>> 0;
    for (let i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, "0");
  };
  return `diary:${fnv(0x811c9dc5)}${fnv(0x01234567)}`;
}

/** The shape the server accepts for an Idempotency-Key. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,200}$/;

/** A new idempotency key for one entry: "diary:" and a random UUID (random bytes where randomUUID is missing). */
export function newIdempotencyKey(random: Pick<Crypto, "getRandomValues"> & Partial<Pick<Crypto, "randomUUID">> = globalThis.crypto): string {
  if (typeof random.randomUUID === "function") return `diary:${random.randomUUID()}`;
  const bytes = random.getRandomValues(new Uint8Array(16));
  return `diary:${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
