/**
 * The one label table: every vocabulary whose codes reach a person (pages, the PDF report and
 * handout, CSV headings and cells), each code with the words shown for it. The vocabularies are
 * written where they are defined (clinical/vocabulary.ts, red-flags.ts, checklist.ts, units.ts);
 * this table gathers them so a unit test can hold every code to a label, and so code shown from a
 * stored value goes through `labelOf`. The API keeps the codes (it is read by programs). Pure.
 */
import { CAUSE_IDS, CAUSES_BY_ID, type CauseId } from "./clinical/checklist";
import { RED_FLAG_CODES, RED_FLAG_LABELS, RED_FLAG_URGENCIES, RED_FLAG_URGENCY_LABELS } from "./clinical/red-flags";
import { REFERENCE_FLAG_LABELS, UNIT_SYSTEM_LABELS, UNIT_SYSTEMS } from "./clinical/units";
import * as v from "./clinical/vocabulary";

/** A checklist item's words, by its id. */
export const CAUSE_LABELS = Object.freeze(Object.fromEntries(CAUSE_IDS.map((id) => [id, CAUSES_BY_ID[id].label]))) as Readonly<Record<CauseId, string>>;

const table = <C extends string>(codes: readonly C[], labels: Readonly<Record<C, string>>) => ({ codes, labels });

export const LABEL_TABLES = {
  sex: table(v.SEXES, v.SEX_LABELS),
  side: table(v.SIDES, v.SIDE_LABELS),
  muscleGroup: table(v.MUSCLE_GROUPS, v.MUSCLE_GROUP_LABELS),
  movement: table(v.MOVEMENTS, v.MOVEMENT_LABELS),
  rhythm: table(v.RHYTHMS, v.RHYTHM_LABELS),
  trigger: table(v.TRIGGERS, v.TRIGGER_LABELS),
  relief: table(v.RELIEFS, v.RELIEF_LABELS),
  classification: table(v.CLASSIFICATIONS, v.CLASSIFICATION_LABELS),
  condition: table(v.CONDITIONS, v.CONDITION_LABELS),
  lifestyleFlag: table(v.LIFESTYLE_FLAGS, v.LIFESTYLE_FLAG_LABELS),
  analyte: table(v.ANALYTES, v.ANALYTE_LABELS),
  examFinding: table(v.EXAM_FINDINGS, v.EXAM_FINDING_LABELS),
  checklistStatus: table(v.CHECKLIST_STATUSES, v.CHECKLIST_STATUS_LABELS),
  checklistItem: table(CAUSE_IDS, CAUSE_LABELS),
  role: table(v.ROLES, v.ROLE_LABELS),
  dayPart: table(v.DAY_PARTS, v.DAY_PART_LABELS),
  redFlag: table(RED_FLAG_CODES, RED_FLAG_LABELS),
  redFlagUrgency: table(RED_FLAG_URGENCIES, RED_FLAG_URGENCY_LABELS),
  unitSystem: table(UNIT_SYSTEMS, UNIT_SYSTEM_LABELS),
  referenceFlag: table(["L", "H"] as const, REFERENCE_FLAG_LABELS),
} as const;

export type LabelTable = keyof typeof LABEL_TABLES;

/** A code as "IMPAIRED_CONSCIOUSNESS" → "Impaired consciousness", for a stored code no table knows (yet). */
export function codeInWords(code: string): string {
  const words = code.toLowerCase().replaceAll("_", " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A stored code in words: its label, or (an unknown code from old data) the code itself in words, never the bare code. */
export function labelOf(name: LabelTable, code: string): string {
  const labels: Readonly<Record<string, string>> = LABEL_TABLES[name].labels;
  return Object.hasOwn(labels, code) ? labels[code] : codeInWords(code);
}
