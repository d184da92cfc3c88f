/**
 * What a field of a record is (its kind, the words for it, where it shows), and the TypeScript types
 * a field list gives: a record's fields are declared once (episode.ts, patient.ts, visit.ts) and its
 * view types, history and exports derive from that list. Pure.
 */
import type { Measure } from "@/lib/core/clinical/units";

/** A value as the clinician entered it, when not in the canonical unit. */
export interface EnteredValue {
  value: number;
  unit: string;
}

/** Marks the type of a field whose value is made of records of its own (a patient's problem list). */
export interface Nested<T> {
  readonly value?: T;
}
export const nested = <T>(): Nested<T> => ({});

interface FieldCommon {
  /** The field in words a clinician reads. */
  label: string;
  /** Null when not recorded. */
  nullable?: true;
  /** Its column heading in the CSV export (and its FHIR component's display where fhir.ts names none). */
  heading?: string;
}

type FieldKind =
  /** A record's id, or the id of the record it belongs to. */
  | { kind: "id" }
  | { kind: "text" }
  /** A calendar date, as YYYY-MM-DD. */
  | { kind: "date" }
  | { kind: "instant" }
  | { kind: "boolean" }
  /** A whole number, in `unit` where there is one. */
  | { kind: "count"; unit?: string }
  /** A measured value in the measure's canonical unit (clinical spec section 7). */
  | { kind: "measure"; measure: Measure }
  /** One value of a vocabulary. */
  | { kind: "choice"; values: readonly string[]; labels: Readonly<Record<string, string>> }
  /** Any of a vocabulary's values, stored comma-separated. */
  | { kind: "choices"; values: readonly string[]; labels: Readonly<Record<string, string>> }
  /** Sentences, stored as a JSON list. */
  | { kind: "texts" }
  /** A measured value as entered, kept only when entered in another unit than the canonical one. */
  | { kind: "entered" }
  | { kind: "nested"; of: Nested<unknown> };

export type FieldDef = FieldCommon & FieldKind;

type PlainValue<F> = F extends { kind: "id" | "text" | "date" }
  ? string
  : F extends { kind: "instant" }
    ? Date
    : F extends { kind: "boolean" }
      ? boolean
      : F extends { kind: "count" | "measure" }
        ? number
        : F extends { kind: "choice"; values: readonly (infer V)[] }
          ? V
          : F extends { kind: "choices"; values: readonly (infer V)[] }
            ? V[]
            : F extends { kind: "texts" }
              ? string[]
              : F extends { kind: "entered" }
                ? EnteredValue
                : F extends { kind: "nested"; of: Nested<infer T> }
                  ? T
                  : never;

/** A field's value as the app reads it. */
export type FieldValue<F> = PlainValue<F> | (F extends { nullable: true } ? null : never);

/** A record of a field list's fields, as the app reads it. */
export type FieldValues<L> = { -readonly [K in keyof L]: FieldValue<L[K]> };

/** A field's value as the database gives it: vocabulary values as text, lists as one comma-separated or JSON text. */
export type StoredValue<F> = F extends { kind: "choice" | "choices" | "texts" }
  ? string | (F extends { nullable: true } ? null : never)
  : FieldValue<F>;
export type StoredValues<L> = { -readonly [K in keyof L]: StoredValue<L[K]> };

/** The names of a field list, in its order. */
export const fieldNames = <L extends Record<string, FieldDef>>(list: L) => Object.keys(list) as (keyof L & string)[];
