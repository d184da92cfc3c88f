/**
 * The diary's words in each of its languages (use-intl messages: lib/core/diary/messages/*.json).
 * The diary page gives them to use-intl's provider; the server words its refusals with the same
 * keys, in the language of the link. The clinician's pages stay in English.
 */
import { createTranslator } from "use-intl/core";
import en from "./messages/en.json";
import es from "./messages/es.json";
import type { DiaryErrorKey, DiaryLanguage } from "./entry";

export const DIARY_MESSAGES = { en, es } satisfies Record<DiaryLanguage, typeof en>;
export type DiaryMessages = typeof en;

/** Keys under `errors` that the server itself uses besides the entry's fields. */
export type DiaryRefusalKey = DiaryErrorKey | "body" | "tooLarge" | "notFound" | "rateLimited" | "problems";

export function diaryErrorText(language: DiaryLanguage, key: DiaryRefusalKey): string {
  const t = createTranslator({ locale: language, messages: DIARY_MESSAGES[language], namespace: "errors" });
  return t(key);
}

/** The language a link or a request names, English unless it is one the diary speaks. */
export function asDiaryLanguage(value: unknown): DiaryLanguage {
  return value === "es" ? "es" : "en";
}
