/**
 * The rules of a patient import that need the patient schema but no database: each row is the
 * patient form's input (lib/features/patients/schema.ts patientCreateSchema), so the import and the
 * form refuse the same things in the same words; and, given the patient the clinic already has
 * under the row's MRN, whether the row creates, updates, leaves unchanged or is refused.
 */
import "server-only";
import { z } from "zod";
import { allergyIssue, patientCreateSchema, type PatientCreateInput } from "@/lib/features/patients/schema";
import { fieldErrors } from "@/lib/core/validation/common";
import {
  IMPORT_FIELDS,
  IMPORT_LIMITS,
  cut,
  duplicateMrnIssues,
  normaliseRow,
  type ImportField,
  type ImportFile,
  type RefusedRow,
} from "@/lib/core/import/patients";

/** What the upload routes send: the clinic and the file's text. */
export const importRequestSchema = z
  .object({
    clinicId: z.string({ error: "Choose the clinic" }).trim().min(1, "Choose the clinic").max(100),
    // JSON escaping can lengthen the text; the byte cap itself is checked on the text (readImportFile).
    content: z.string({ error: "Choose a file" }).max(IMPORT_LIMITS.maxFileBytes + 1, "The file is too large"),
  })
  .strict();

/** A row that passed the patient rules, ready to be matched on its MRN. */
export interface ImportCandidate {
  row: number;
  data: PatientCreateInput;
  /** Optional fields the row gives: the others stay as they are on an update. */
  gives: { heightCm: boolean; allergyStatus: boolean };
  cells: RefusedRow["cells"];
}

export interface CheckedFile {
  file: ImportFile;
  candidates: ImportCandidate[];
  /** Rows refused by the rules alone (before the database is asked). */
  refused: RefusedRow[];
}

const ORDER: readonly string[] = ["_row", ...IMPORT_FIELDS];
const byField = (a: { field: string }, b: { field: string }) => (ORDER.indexOf(a.field) + 1 || 99) - (ORDER.indexOf(b.field) + 1 || 99);

/** Runs every row through the patient rules and the file's own (an MRN once per file). */
export function checkRows(file: ImportFile): CheckedFile {
  const checked: CheckedFile = { file, candidates: [], refused: [] };
  checkRowRange(checked, fileDuplicates(file), 0, file.rows.length);
  return checked;
}

/** The same, a slice at a time, letting the server answer other requests between slices (100,000 rows take seconds). */
export async function checkRowsInSlices(file: ImportFile, slice = 2_000): Promise<CheckedFile> {
  const checked: CheckedFile = { file, candidates: [], refused: [] };
  const duplicates = fileDuplicates(file);
  for (let i = 0; i < file.rows.length; i += slice) {
    checkRowRange(checked, duplicates, i, Math.min(i + slice, file.rows.length));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return checked;
}

const fileDuplicates = (file: ImportFile) =>
  duplicateMrnIssues(
    file.rows.map((r) => ({ row: r.row, mrn: r.cells.mrn ?? "" })),
    file.format,
  );

function checkRowRange(checked: CheckedFile, duplicates: Map<number, string>, from: number, to: number): void {
  const { candidates, refused } = checked;
  for (const source of checked.file.rows.slice(from, to)) {
    const { input, issues } = normaliseRow(source);
    const duplicate = duplicates.get(source.row);
    if (duplicate) issues.mrn ??= duplicate;
    const parsed = patientCreateSchema.safeParse(input);
    if (parsed.success && !Object.keys(issues).length) {
      candidates.push({
        row: source.row,
        data: parsed.data,
        gives: { heightCm: input.heightCm !== undefined, allergyStatus: input.allergyStatus !== undefined },
        cells: source.cells,
      });
      continue;
    }
    // The reading's own reasons first; the schema's for the fields they do not already name.
    const reasons = new Map(Object.entries(issues));
    if (!parsed.success) for (const [field, message] of Object.entries(fieldErrors(parsed.error))) if (!reasons.has(field)) reasons.set(field, message);
    refused.push({ row: source.row, reasons: [...reasons].map(([field, message]) => ({ field, message })).sort(byField), cells: source.cells });
  }
}

/** The patient already filed under a row's MRN in the clinic (deleted ones included: the MRN stays taken). */
export interface ExistingPatient {
  id: string;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: string;
  pregnant: boolean;
  heightCm: number | null;
  allergyStatus: string;
  allergies: string;
  version: number;
  deletedAt: Date | null;
}

/** The fields an update writes (the others stay as they are). */
export interface PatientChanges {
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: string;
  heightCm?: number | null;
  allergyStatus?: string;
  allergies?: string;
}

export type PlannedRow =
  | { kind: "create"; candidate: ImportCandidate }
  | { kind: "update"; candidate: ImportCandidate; existing: ExistingPatient; changes: PatientChanges; changed: ImportField[] }
  | { kind: "unchanged"; candidate: ImportCandidate; existing: ExistingPatient }
  | { kind: "refuse"; refused: RefusedRow };

// Heights are stored to the centimetre's tenths at most; a row giving what is stored is no change.
const sameHeight = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? a === b : Math.abs(a - b) < 0.05);

export function planRow(candidate: ImportCandidate, existing: ExistingPatient | undefined): PlannedRow {
  if (!existing) return { kind: "create", candidate };
  const d = candidate.data;
  const refuse = (field: ImportField, message: string): PlannedRow => ({
    kind: "refuse",
    refused: { row: candidate.row, reasons: [{ field, message }], cells: candidate.cells },
  });
  if (existing.deletedAt)
    return refuse("mrn", "A deleted patient has this MRN: restore it under Deleted records first, or give this patient another MRN");
  if (d.sex === "MALE" && existing.pregnant)
    return refuse("sex", "This patient is recorded as pregnant: change that on the patient's page before recording the sex as male");
  const changes: PatientChanges = { givenName: d.givenName, familyName: d.familyName, birthDate: d.birthDate, sex: d.sex };
  const changed: ImportField[] = [];
  if (d.givenName !== existing.givenName) changed.push("givenName");
  if (d.familyName !== existing.familyName) changed.push("familyName");
  if (d.birthDate !== existing.birthDate) changed.push("birthDate");
  if (d.sex !== existing.sex) changed.push("sex");
  if (candidate.gives.heightCm) {
    changes.heightCm = d.heightCm ?? null;
    if (!sameHeight(existing.heightCm, d.heightCm)) changed.push("heightCm");
  }
  if (candidate.gives.allergyStatus) {
    const issue = allergyIssue(d.allergyStatus, d.allergies);
    if (issue) return refuse("allergies", issue);
    changes.allergyStatus = d.allergyStatus;
    changes.allergies = d.allergies;
    if (d.allergyStatus !== existing.allergyStatus) changed.push("allergyStatus");
    if (d.allergies !== existing.allergies) changed.push("allergies");
  }
  return changed.length ? { kind: "update", candidate, existing, changes, changed } : { kind: "unchanged", candidate, existing };
}

/** "Novak, Anna" as the preview names a row's patient (cut, since it is the admin's own text shown back). */
export const rowName = (cells: RefusedRow["cells"]) => cut([cells.familyName?.trim(), cells.givenName?.trim()].filter(Boolean).join(", "), 100);
