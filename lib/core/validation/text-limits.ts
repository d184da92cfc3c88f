/**
 * The longest text each limited field takes, and the words for it: the form's counter
 * (app/_components/limited-text.tsx) and the server's refusal count the same way, so what the
 * counter says fits is what the server keeps. Nothing is ever cut: over the limit is refused.
 * No zod here: every form page downloads these limits (the schema helper is limitedText in
 * ./common.ts, on the server).
 */
import { DEFAULT_THRESHOLDS } from "@/lib/core/clinical/thresholds";

/** In characters as JavaScript counts them (UTF-16 code units), in the browser and on the server alike. */
export const TEXT_LIMITS = {
  /** Episode and visit notes. */
  notes: DEFAULT_THRESHOLDS.notesMaxLength,
  checklistNote: 2000,
  mrn: 40,
  personName: 100,
  medicationName: 200,
  /** The patient's allergies: substances and reactions. */
  allergies: 1000,
  purgeReason: 1000,
  tokenName: 100,
} as const;

/** The fewest characters a reason for purging a deleted record takes (the erasure request's reference, say). */
export const PURGE_REASON_MIN_LENGTH = 10;

const count = new Intl.NumberFormat("en-GB");
/** A count as the forms write it ("2,000"), the same on the server and in the browser. */
export const formatCount = (n: number): string => count.format(n);
const characters = (n: number) => `${formatCount(n)} ${n === 1 ? "character" : "characters"}`;

/** The refusal of an over-long text: "Notes can be at most 2,000 characters (this has 2,001)". */
export function overLimitMessage(what: string, max: number, length: number): string {
  return `${what} can be at most ${characters(max)} (this has ${formatCount(length)})`;
}

/** What the counter under a field says: "1,990 characters left", or "1 character over the limit of 2,000". */
export function remainingMessage(max: number, length: number): string {
  return length <= max ? `${characters(max - length)} left` : `${characters(length - max)} over the limit of ${formatCount(max)}`;
}
