/**
 * Columns of the CSV exports. Each export carries every column its screen table shows (under the
 * same heading), then the fields behind them, so a spreadsheet can redo what the screen did.
 * Pure: rows in, cells out.
 */
import "server-only";
import { ageInYears } from "@/lib/core/clinical/age";
import { codesForEpisode } from "@/lib/core/clinical/codes";
import { formatDuration } from "@/lib/core/clinical/red-flags";
import { formatValue, MEASURE_DEFS } from "@/lib/core/clinical/units";
import { CONDITION_LABELS, type Classification, type Condition, type MuscleGroup } from "@/lib/core/clinical/vocabulary";
import { EPISODE_FIELD_NAMES, EPISODE_FIELDS, type EpisodeField, type EpisodeFieldWithHeading, type StoredEpisode } from "@/lib/core/fields/episode";
import type { FieldDef } from "@/lib/core/fields/field";
import { PATIENT_FIELDS, type Medication, type Patient, type PatientField, type StoredPatient } from "@/lib/core/fields/patient";
import { csvCell, csvLine } from "@/lib/core/csv";
import { codeInWords } from "@/lib/core/labels";
import { instantMs, isoTimeFormatter, localTimeFormatter } from "@/lib/core/local-time";

type Cell = string | number | null;

/** Read for the review mark (whether a differing label was confirmed), which has no column of its own. */
const ALSO_READ = ["labelConfirmedAt"] as const satisfies readonly EpisodeField[];
type EpisodeCsvEpisodeField = EpisodeFieldWithHeading | (typeof ALSO_READ)[number];

/**
 * The stored fields behind the episode columns: an export reads them in this order (the episode's
 * fields with a CSV column, in the field list's order, and those read for another column; then the
 * patient's), and a row is their values in that order.
 */
export const EPISODE_CSV_EPISODE_FIELDS: readonly EpisodeCsvEpisodeField[] = EPISODE_FIELD_NAMES.filter(
  (f): f is EpisodeCsvEpisodeField => "heading" in EPISODE_FIELDS[f] || (ALSO_READ as readonly string[]).includes(f),
);
export const EPISODE_CSV_PATIENT_FIELDS = ["mrn", "givenName", "familyName"] as const satisfies readonly PatientField[];
type EpisodeCsvPatientField = (typeof EPISODE_CSV_PATIENT_FIELDS)[number];
export type EpisodeCsvField = EpisodeCsvEpisodeField | EpisodeCsvPatientField;
const FIELDS: readonly EpisodeCsvField[] = [...EPISODE_CSV_EPISODE_FIELDS, ...EPISODE_CSV_PATIENT_FIELDS];

/** Where each field sits in a row. */
export const EPISODE_CSV_FIELD = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Readonly<Record<EpisodeCsvField, number>>;
const F = EPISODE_CSV_FIELD;

const isPatientField = (f: EpisodeCsvField): f is EpisodeCsvPatientField => (EPISODE_CSV_PATIENT_FIELDS as readonly string[]).includes(f);
const csvFieldDef = (f: EpisodeCsvField): FieldDef => (isPatientField(f) ? PATIENT_FIELDS[f] : EPISODE_FIELDS[f]);

/**
 * One episode as the database gives it: the fields' values in the order above. Instants as a
 * Date, epoch milliseconds or stored text (see `instantMs`); flags as booleans or SQLite's 0/1.
 */
export type EpisodeCsvValues = readonly unknown[];

/** An episode as stored (lists comma-separated), with its patient for the clinic-wide export. */
export type EpisodeCsvRow = Pick<StoredEpisode, EpisodeCsvEpisodeField> & { patient?: Pick<Patient, EpisodeCsvPatientField> };

/** An episode object as a row (the patient's fields from `patient`, when there is one). */
export function episodeCsvValues(e: EpisodeCsvRow): unknown[] {
  return [
    ...EPISODE_CSV_EPISODE_FIELDS.map((f) => e[f]),
    ...EPISODE_CSV_PATIENT_FIELDS.map((f) => e.patient?.[f]),
  ];
}

const yesNo = (b: unknown) => (b ? "yes" : "no");
// A code no vocabulary knows (old data) is still shown in words, never as the bare code.
const label = <K extends string>(labels: Record<K, string>, value: unknown): string => (value ? (labels[value as K] ?? codeInWords(value as string)) : "");
const labelList = <K extends string>(labels: Record<K, string>, stored: string): string =>
  stored ? stored.split(",").map((v) => labels[v as K] ?? codeInWords(v)).join(", ") : "";

/** A stored field's value in words: a vocabulary's values by their labels, flags as yes or no, measures with their unit. */
function storedCell(def: FieldDef): (value: unknown) => Cell {
  switch (def.kind) {
    case "choice":
      return (v) => label(def.labels, v);
    case "choices":
      return (v) => labelList(def.labels, v as string);
    case "boolean":
      return yesNo;
    case "measure": {
      const unit = MEASURE_DEFS[def.measure].canonicalUnit;
      return (v) => (v === null ? "" : formatValue(def.measure, v as number, unit));
    }
    default:
      return (v) => v as Cell;
  }
}

/**
 * The codes of an episode, computed once per distinct input (a few dozen), looked up by its four
 * values without building a key per row.
 */
const codeCache = new Map<unknown, Map<unknown, Map<unknown, string[]>>>();
let codeCacheSize = 0;
function codeText(classification: unknown, suggestedClassification: unknown, muscleGroup: unknown, duringSleep: boolean): string {
  let bySuggested = codeCache.get(classification ?? null);
  if (!bySuggested) codeCache.set(classification ?? null, (bySuggested = new Map()));
  let byMuscle = bySuggested.get(suggestedClassification ?? null);
  if (!byMuscle) bySuggested.set(suggestedClassification ?? null, (byMuscle = new Map()));
  let bySleep = byMuscle.get(muscleGroup);
  if (!bySleep) {
    if (++codeCacheSize > 10_000) {
      codeCache.clear();
      codeCacheSize = 0;
    }
    byMuscle.set(muscleGroup, (bySleep = []));
  }
  const i = duringSleep ? 1 : 0;
  return (bySleep[i] ??= codesForEpisode({
    classification: (classification || null) as Classification | null,
    suggestedClassification: (suggestedClassification || null) as Classification | null,
    muscleGroup: muscleGroup as MuscleGroup,
    duringSleep,
  })
    .map((c) => `${c.system} ${c.code}`)
    .join("; "));
}

/** What a cell sees besides its row: the clinic's zone and clock, and the row's instant. */
interface EpisodeCsvContext {
  timeZone: string;
  clock: (at: number) => string;
  /** Epoch milliseconds as `toISOString` writes them. */
  iso: (at: number) => string;
  /** The row's `occurredAt` in epoch milliseconds. */
  at: number;
}

/**
 * One column: its heading and its cell, and for the writer how the cell is escaped (`text`):
 * - "repeats": the cell takes few distinct values, each escaped once: per value of `field` when
 *   the cell is made of that one stored field (the cell is then not even computed again), else
 *   per value of the cell;
 * - "instant": the digits of the row's instant, which need neither quotes nor a formula guard
 *   (in years 1 to 9998; other instants are escaped);
 * - otherwise every cell goes through `csvCell`.
 * The unit tests hold the writer to `csvCell` on every cell.
 */
interface EpisodeCsvColumn {
  heading: string;
  cell: (r: EpisodeCsvValues, c: EpisodeCsvContext) => Cell;
  field?: EpisodeCsvField;
  text?: "repeats" | "instant";
}

/**
 * A column made of one stored field: by default headed and worded as the field list says, its cells
 * escaped once per value but for ids and free text.
 */
function fieldColumn(field: EpisodeCsvField, own: { heading?: string; value?: (v: unknown) => Cell } = {}): EpisodeCsvColumn {
  const def = csvFieldDef(field);
  const value = own.value ?? storedCell(def);
  const i = F[field];
  const text = def.kind === "id" || def.kind === "text" ? undefined : "repeats";
  return { heading: own.heading ?? headingOf(def), field, text, cell: (r) => value(r[i]) };
}

const headingOf = (def: FieldDef): string => {
  if (def.heading === undefined) throw new Error(`No CSV heading for ${def.label}`);
  return def.heading;
};

/** Instants whose texts are digits only, whatever the zone: years 1 to 9998 (see "instant"). */
const PLAIN_FROM = new Date(0).setUTCFullYear(1, 0, 1);
const PLAIN_TO = new Date(0).setUTCFullYear(9999, 0, 1);

/** The patient page's episode table (same headings), then the detail columns. */
const EPISODE_COLUMNS: readonly EpisodeCsvColumn[] = [
  { heading: "Date and time", text: "instant", cell: (_, c) => c.clock(c.at) },
  // The screen table's duration, in words.
  fieldColumn("durationSeconds", { heading: "Duration", value: (s) => formatDuration(Number(s)) }),
  ...(["side", "classification", "suggestedClassification", "painScore", "triggers", "source"] as const).map((f) => fieldColumn(f)),
  // Awaiting review, or a differing label a clinician confirmed on review (only its presence is read).
  { heading: EPISODE_FIELDS.needsReview.heading, text: "repeats", cell: (r) => (r[F.needsReview] ? "yes" : r[F.labelConfirmedAt] != null ? "label confirmed" : "") },
  fieldColumn("id"),
  { heading: EPISODE_FIELDS.occurredAt.heading, text: "instant", cell: (_, c) => c.iso(c.at) },
  { heading: "Time zone", text: "repeats", cell: (_, c) => c.timeZone },
  ...(
    [
      ...["durationSeconds", "muscleGroup", "movement", "rhythm", "voluntaryControl", "urgeToMove", "worseAtRest", "worseInEvening"],
      ...["reliefByMovement", "consciousnessImpaired", "duringSleep", "relief", "witnessed", "tongueBitten", "wetThemselves"],
    ] as const
  ).map((f) => fieldColumn(f)),
  {
    heading: "Suggested codes",
    text: "repeats",
    cell: (r) => codeText(r[F.classification], r[F.suggestedClassification], r[F.muscleGroup], !!r[F.duringSleep]),
  },
  ...(["notes", "visitId", "diaryLinkId", "patientId"] as const).map((f) => fieldColumn(f)),
];

/** The clinic-wide export also names the patient of each episode. */
const PATIENT_EPISODE_COLUMNS: readonly EpisodeCsvColumn[] = [
  {
    heading: "Patient",
    cell: (r) => (r[F.familyName] == null && r[F.givenName] == null ? "" : `${r[F.familyName] as string}, ${r[F.givenName] as string}`),
  },
  fieldColumn("mrn", { value: (v) => (v as string | undefined) ?? "" }),
];

const episodeColumns = (withPatient: boolean) => (withPatient ? [...PATIENT_EPISODE_COLUMNS, ...EPISODE_COLUMNS] : EPISODE_COLUMNS);

export function episodeCsvHeader(withPatient: boolean): string {
  return csvLine(episodeColumns(withPatient).map((c) => c.heading));
}

/** Writes episode records batch by batch. */
export interface EpisodeCsvWriter {
  /** Adds one episode's record, its local time on `timeZone`'s clock. */
  add(r: EpisodeCsvValues, timeZone: string): void;
  /** The records added since the last call, as UTF-8 bytes. */
  take(): Uint8Array;
}

/**
 * The episode records of an export, the same text as `episodeCsvLine` (a unit test holds them
 * together) but built for a million rows: the rows are the database's arrays, repeated values are
 * escaped once, one clock per time zone serves the whole export, and each record is joined once
 * and written at once as UTF-8 into a buffer outside V8's heap.
 *
 * Why bytes and not a batch's text: text waiting to be handed on survives the young generation's
 * collections, and once a few megabytes have survived V8 doubles the young generation (two 8 MB
 * semi-spaces become two 16 MB ones) for the rest of the process. Held as bytes, about 2 MB
 * survives a million-row export instead of enough to double it twice, and the export peaks near
 * 125 to 138 MB instead of 143 to 155 (BENCHMARKS.md, fifth run).
 */
export function episodeCsvRecords(withPatient: boolean): EpisodeCsvWriter {
  const columns = episodeColumns(withPatient);
  const last = columns.length - 1;
  const separators = columns.map((_, i) => (i === last ? "\r\n" : ","));
  // Per repeating column: value (of its field, or of the cell) -> escaped text and separator.
  const cached = columns.map((c) => (c.text === "repeats" ? new Map<unknown, string>() : null));
  const fieldAt = columns.map((c) => (c.field === undefined ? -1 : F[c.field]));
  const clocks = new Map<string, (at: number) => string>();
  const context: EpisodeCsvContext = { timeZone: "", clock: () => "", iso: isoTimeFormatter(), at: 0 };
  // A record's texts and separators (the array is kept from record to record), and the bytes of
  // the records added since the last take().
  const parts: string[] = [];
  let bytes = Buffer.allocUnsafe(64 * 1024);
  let used = 0;
  return {
    add(r, timeZone) {
      if (timeZone !== context.timeZone) {
        let clock = clocks.get(timeZone);
        if (!clock) clocks.set(timeZone, (clock = localTimeFormatter(timeZone)));
        context.timeZone = timeZone;
        context.clock = clock;
      }
      const at = (context.at = instantMs(r[F.occurredAt]));
      const plainInstant = at >= PLAIN_FROM && at < PLAIN_TO;
      let n = 0;
      for (let i = 0; i <= last; i++) {
        const column = columns[i];
        const cache = cached[i];
        if (cache !== null) {
          const field = fieldAt[i];
          const key = field < 0 ? column.cell(r, context) : r[field];
          let text = cache.get(key);
          if (text === undefined) {
            if (cache.size >= 10_000) cache.clear();
            cache.set(key, (text = csvCell(field < 0 ? (key as Cell) : column.cell(r, context)) + separators[i]));
          }
          parts[n++] = text;
        } else {
          const value = column.cell(r, context);
          parts[n++] = column.text === "instant" && plainInstant && typeof value === "string" ? value : csvCell(value);
          parts[n++] = separators[i];
        }
      }
      if (n < parts.length) parts.length = n;
      const record = parts.join("");
      // A UTF-16 code unit takes at most 3 bytes in UTF-8.
      if (used + record.length * 3 > bytes.length) {
        const larger = Buffer.allocUnsafe(Math.max(2 * bytes.length, used + record.length * 3));
        bytes.copy(larger, 0, 0, used);
        bytes = larger;
      }
      used += bytes.write(record, used);
    },
    take() {
      const out = Buffer.allocUnsafe(used);
      bytes.copy(out, 0, 0, used);
      used = 0;
      return out;
    },
  };
}

const utf8 = new TextDecoder();

/** One record from an episode object (through the same writer). */
export function episodeCsvWriter(withPatient: boolean): (e: EpisodeCsvRow, timeZone: string) => string {
  const records = episodeCsvRecords(withPatient);
  return (e, timeZone) => {
    records.add(episodeCsvValues(e), timeZone);
    return utf8.decode(records.take());
  };
}

/** The same record cell by cell through `csvLine` (the reference the writer is tested against). */
export function episodeCsvLine(e: EpisodeCsvRow, timeZone: string, withPatient: boolean): string {
  const r = episodeCsvValues(e);
  const context: EpisodeCsvContext = { timeZone, clock: localTimeFormatter(timeZone), iso: (at) => new Date(at).toISOString(), at: instantMs(e.occurredAt) };
  return csvLine(episodeColumns(withPatient).map((c) => c.cell(r, context)));
}

/** A patient with what the patient list shows and the problem list behind it. */
export type PatientCsvRow = Pick<StoredPatient, "id" | "mrn" | "givenName" | "familyName" | "birthDate" | "sex" | "pregnant" | "heightCm" | "lifestyle" | "createdAt"> & {
  /** As entered when that was another unit than the canonical (cm). */
  heightEnteredValue: number | null;
  heightEnteredUnit: string | null;
  clinic: { name: string };
  conditions: { code: string }[];
  medications: Pick<Medication, "name" | "active">[];
};

interface PatientCsvColumn {
  heading: string;
  cell: (p: PatientCsvRow, today: Date) => Cell;
}

/** A column of one of the patient's own fields, headed and worded as the field list says. */
function patientColumn(field: keyof PatientCsvRow & PatientField): PatientCsvColumn {
  const value = storedCell(PATIENT_FIELDS[field]);
  return { heading: headingOf(PATIENT_FIELDS[field]), cell: (p) => value(p[field]) };
}

/** The height in the unit the clinician entered it in (entered values are kept only when not canonical). */
function heightAsEntered(p: PatientCsvRow): string {
  if (p.heightCm === null) return "";
  if (p.heightEnteredValue === null || p.heightEnteredUnit === null) return formatValue("HEIGHT", p.heightCm, "cm");
  return formatValue("HEIGHT", p.heightEnteredValue, p.heightEnteredUnit);
}

/** The patient list table's columns (date of birth and age split in two), then the details. */
const PATIENT_COLUMNS: readonly PatientCsvColumn[] = [
  { heading: "Name", cell: (p) => `${p.familyName}, ${p.givenName}` },
  patientColumn("mrn"),
  patientColumn("birthDate"),
  { heading: "Age", cell: (p, today) => ageInYears(p.birthDate, today) },
  patientColumn("sex"),
  patientColumn("pregnant"),
  { heading: PATIENT_FIELDS.clinicName.heading, cell: (p) => p.clinic.name },
  // The day the patient was added.
  { heading: PATIENT_FIELDS.createdAt.heading, cell: (p) => p.createdAt.toISOString().slice(0, 10) },
  patientColumn("id"),
  patientColumn("familyName"),
  patientColumn("givenName"),
  patientColumn("heightCm"),
  { heading: PATIENT_FIELDS.heightEntered.heading, cell: heightAsEntered },
  { heading: PATIENT_FIELDS.conditions.heading, cell: (p) => p.conditions.map((c) => CONDITION_LABELS[c.code as Condition] ?? codeInWords(c.code)).join(", ") },
  patientColumn("lifestyle"),
  { heading: PATIENT_FIELDS.medications.heading, cell: (p) => p.medications.filter((m) => m.active).map((m) => m.name).join(", ") },
];

export const PATIENT_HEADERS: readonly string[] = PATIENT_COLUMNS.map((c) => c.heading);

export function patientCsvHeader(): string {
  return csvLine([...PATIENT_HEADERS]);
}

export function patientCsvLine(p: PatientCsvRow, today: Date = new Date()): string {
  return csvLine(PATIENT_COLUMNS.map((c) => c.cell(p, today)));
}
