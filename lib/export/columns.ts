/**
 * Columns of the CSV exports. Each export carries every column its screen table shows (under the
 * same heading), then the fields behind them, so a spreadsheet can redo what the screen did.
 * Pure: rows in, cells out.
 */
import { ageInYears } from "@/lib/clinical/age";
import { codesForEpisode } from "@/lib/clinical/codes";
import { formatDuration } from "@/lib/clinical/red-flags";
import {
  CLASSIFICATION_LABELS,
  CONDITION_LABELS,
  LIFESTYLE_FLAG_LABELS,
  MOVEMENT_LABELS,
  MUSCLE_GROUP_LABELS,
  RELIEF_LABELS,
  RHYTHM_LABELS,
  SEX_LABELS,
  SIDE_LABELS,
  TRIGGER_LABELS,
  type Classification,
  type Condition,
  type LifestyleFlag,
  type Movement,
  type MuscleGroup,
  type Relief,
  type Rhythm,
  type Sex,
  type Side,
  type Trigger,
} from "@/lib/clinical/vocabulary";
import { csvCell, csvLine } from "./csv";
import { localTimeFormatter } from "./local-time";

type Cell = string | number | null;

/** An episode as stored (lists comma-separated), with its patient for the clinic-wide export. */
export interface EpisodeCsvRow {
  id: string;
  patientId: string;
  visitId: string | null;
  occurredAt: Date;
  durationSeconds: number;
  side: string;
  muscleGroup: string;
  movement: string | null;
  rhythm: string | null;
  voluntaryControl: boolean;
  urgeToMove: boolean;
  worseAtRestOrEvening: boolean;
  reliefByMovement: boolean;
  consciousnessImpaired: boolean;
  duringSleep: boolean;
  painScore: number | null;
  triggers: string;
  relief: string;
  classification: string | null;
  suggestedClassification: string | null;
  needsReview: boolean;
  notes: string;
  patient?: { mrn: string; givenName: string; familyName: string };
}

const yesNo = (b: boolean) => (b ? "yes" : "no");
const label = <K extends string>(labels: Record<K, string>, value: string | null): string => (value ? (labels[value as K] ?? value) : "");
const labelList = <K extends string>(labels: Record<K, string>, stored: string): string =>
  stored ? stored.split(",").map((v) => labels[v as K] ?? v).join(", ") : "";

/** Headings of the patient page's episode table, then the detail columns. */
const EPISODE_HEADERS = [
  "Date and time",
  "Duration",
  "Side",
  "Type (clinician)",
  "Suggested",
  "Pain",
  "Triggers",
  "Review",
  "Episode ID",
  "Occurred at (UTC)",
  "Time zone",
  "Duration (seconds)",
  "Muscle group",
  "Movement",
  "Rhythm",
  "Voluntary control",
  "Urge to move",
  "Worse at rest or evening",
  "Relief by movement",
  "Impaired consciousness",
  "During sleep",
  "Relief",
  "Suggested codes",
  "Notes",
  "Visit ID",
  "Patient ID",
] as const;

/** The clinic-wide export also names the patient of each episode. */
const PATIENT_EPISODE_HEADERS = ["Patient", "MRN"] as const;

export function episodeCsvHeader(withPatient: boolean): string {
  return csvLine(withPatient ? [...PATIENT_EPISODE_HEADERS, ...EPISODE_HEADERS] : [...EPISODE_HEADERS]);
}

/**
 * Values that repeat across rows (label lists, durations, codes) are computed once per distinct
 * input: a million-row export sees only a few hundred of each.
 */
function memo<T>(compute: (key: string) => T, max = 10_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= max) cache.clear();
      cache.set(key, (v = compute(key)));
    }
    return v;
  };
}

const triggerText = memo((stored) => labelList<Trigger>(TRIGGER_LABELS, stored));
const reliefText = memo((stored) => labelList<Relief>(RELIEF_LABELS, stored));
const durationText = memo((seconds) => formatDuration(Number(seconds)));
const codeText = memo((key) => {
  const [classification, suggestedClassification, muscleGroup, duringSleep] = key.split("|");
  return codesForEpisode({
    classification: (classification || null) as Classification | null,
    suggestedClassification: (suggestedClassification || null) as Classification | null,
    muscleGroup: muscleGroup as MuscleGroup,
    duringSleep: duringSleep === "1",
  })
    .map((c) => `${c.system} ${c.code}`)
    .join("; ");
});

/** The cells of one episode; `localTime` formats an instant on the clinic's clock. */
export function episodeCsvCells(e: EpisodeCsvRow, timeZone: string, localTime: (at: Date) => string): Cell[] {
  return [
    localTime(e.occurredAt),
    durationText(String(e.durationSeconds)),
    label<Side>(SIDE_LABELS, e.side),
    label<Classification>(CLASSIFICATION_LABELS, e.classification),
    label<Classification>(CLASSIFICATION_LABELS, e.suggestedClassification),
    e.painScore,
    triggerText(e.triggers),
    e.needsReview ? "yes" : "",
    e.id,
    e.occurredAt.toISOString(),
    timeZone,
    e.durationSeconds,
    label<MuscleGroup>(MUSCLE_GROUP_LABELS, e.muscleGroup),
    label<Movement>(MOVEMENT_LABELS, e.movement),
    label<Rhythm>(RHYTHM_LABELS, e.rhythm),
    yesNo(e.voluntaryControl),
    yesNo(e.urgeToMove),
    yesNo(e.worseAtRestOrEvening),
    yesNo(e.reliefByMovement),
    yesNo(e.consciousnessImpaired),
    yesNo(e.duringSleep),
    reliefText(e.relief),
    codeText(`${e.classification ?? ""}|${e.suggestedClassification ?? ""}|${e.muscleGroup}|${e.duringSleep ? 1 : 0}`),
    e.notes,
    e.visitId,
    e.patientId,
  ];
}

const escaped = memo((text) => csvCell(text));
const num = (n: number | null) => (n === null ? "" : String(n));

/**
 * Writes episode records, the same text as `csvLine(episodeCsvCells(...))` (a unit test holds
 * them together) but built for a million rows: repeated values are escaped once, and one clock
 * formatter per time zone serves the whole export.
 */
export function episodeCsvWriter(withPatient: boolean): (e: EpisodeCsvRow, timeZone: string) => string {
  const clocks = new Map<string, (at: Date) => string>();
  return (e, timeZone) => {
    let clock = clocks.get(timeZone);
    if (!clock) clocks.set(timeZone, (clock = localTimeFormatter(timeZone)));
    const p = e.patient;
    const head = withPatient ? `${csvCell(p ? `${p.familyName}, ${p.givenName}` : "")},${csvCell(p?.mrn ?? "")},` : "";
    return (
      head +
      `${csvCell(clock(e.occurredAt))},${escaped(durationText(String(e.durationSeconds)))},${escaped(label<Side>(SIDE_LABELS, e.side))},` +
      `${escaped(label<Classification>(CLASSIFICATION_LABELS, e.classification))},${escaped(label<Classification>(CLASSIFICATION_LABELS, e.suggestedClassification))},` +
      `${num(e.painScore)},${escaped(triggerText(e.triggers))},${e.needsReview ? "yes" : ""},${csvCell(e.id)},${e.occurredAt.toISOString()},${escaped(timeZone)},` +
      `${e.durationSeconds},${escaped(label<MuscleGroup>(MUSCLE_GROUP_LABELS, e.muscleGroup))},${escaped(label<Movement>(MOVEMENT_LABELS, e.movement))},` +
      `${escaped(label<Rhythm>(RHYTHM_LABELS, e.rhythm))},${yesNo(e.voluntaryControl)},${yesNo(e.urgeToMove)},${yesNo(e.worseAtRestOrEvening)},` +
      `${yesNo(e.reliefByMovement)},${yesNo(e.consciousnessImpaired)},${yesNo(e.duringSleep)},${escaped(reliefText(e.relief))},` +
      `${escaped(codeText(`${e.classification ?? ""}|${e.suggestedClassification ?? ""}|${e.muscleGroup}|${e.duringSleep ? 1 : 0}`))},` +
      `${csvCell(e.notes)},${csvCell(e.visitId)},${csvCell(e.patientId)}\r\n`
    );
  };
}

/** The same record through the plain cell-by-cell path (the reference the fast writer is tested against). */
export function episodeCsvLine(e: EpisodeCsvRow, timeZone: string, withPatient: boolean): string {
  const cells = episodeCsvCells(e, timeZone, localTimeFormatter(timeZone));
  const p = e.patient;
  return csvLine(withPatient ? [p ? `${p.familyName}, ${p.givenName}` : "", p?.mrn ?? "", ...cells] : cells);
}

/** A patient with what the patient list shows and the problem list behind it. */
export interface PatientCsvRow {
  id: string;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: string;
  pregnant: boolean;
  heightCm: number | null;
  lifestyle: string;
  createdAt: Date;
  clinic: { name: string };
  conditions: { code: string }[];
  medications: { name: string; active: boolean }[];
}

/** Headings of the patient list table (date of birth and age split in two), then the details. */
export const PATIENT_HEADERS = [
  "Name",
  "MRN",
  "Date of birth",
  "Age",
  "Sex",
  "Pregnant",
  "Clinic",
  "Added",
  "Patient ID",
  "Family name",
  "Given name",
  "Height (cm)",
  "Conditions",
  "Lifestyle",
  "Current medications",
] as const;

export function patientCsvHeader(): string {
  return csvLine([...PATIENT_HEADERS]);
}

export function patientCsvLine(p: PatientCsvRow, today: Date = new Date()): string {
  return csvLine([
    `${p.familyName}, ${p.givenName}`,
    p.mrn,
    p.birthDate,
    ageInYears(p.birthDate, today),
    label<Sex>(SEX_LABELS, p.sex),
    yesNo(p.pregnant),
    p.clinic.name,
    p.createdAt.toISOString().slice(0, 10),
    p.id,
    p.familyName,
    p.givenName,
    p.heightCm,
    p.conditions.map((c) => CONDITION_LABELS[c.code as Condition] ?? c.code).join(", "),
    labelList<LifestyleFlag>(LIFESTYLE_FLAG_LABELS, p.lifestyle),
    p.medications.filter((m) => m.active).map((m) => m.name).join(", "),
  ]);
}
