/**
 * Reading a patient import file (CSV or a FHIR R4 Bundle of Patient resources) into rows of
 * cells, and the checks that need no database and no schema: the size caps, the column names,
 * words for codes ("female", "no known allergies"), formula-like text, and MRNs repeated within
 * the file. The patient rules themselves (MRN shape, name lengths, dates, plausible height) are
 * the patient schema's (lib/features/patients/schema.ts): lib/features/import runs every row
 * through it, so an imported patient passes exactly what the patient form would accept.
 * Pure: no I/O, runs in the browser too.
 */
import { parse } from "csv-parse/sync";
import { ALLERGY_STATUSES, ALLERGY_STATUS_LABELS, SEXES, SEX_LABELS, type AllergyStatus, type Sex } from "@/lib/core/clinical/vocabulary";
import { csvLine } from "@/lib/core/csv";
import { formatCount } from "@/lib/core/validation/text-limits";

/** The caps of one import, in bytes, rows and characters. */
export const IMPORT_LIMITS = {
  /** The largest file taken (UTF-8 bytes): 100,000 patients are about 7 MB of CSV. */
  maxFileBytes: 20 * 1024 * 1024,
  /** The most patients in one file. */
  maxRows: 200_000,
  /**
   * The longest cell read at all, in characters; the patient rules then apply their own limits
   * (names 100, allergies 1,000). A longer cell refuses its row without being looked at further.
   */
  maxCellChars: 2_000,
  /** Patients written per transaction. */
  batchSize: 1_000,
} as const;

export const IMPORT_FIELDS = ["mrn", "givenName", "familyName", "birthDate", "sex", "heightCm", "allergyStatus", "allergies"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ["mrn", "givenName", "familyName", "birthDate", "sex"];

/** Each field's CSV column (as the template writes it), its words, and what it takes. */
export const IMPORT_COLUMNS: Record<ImportField, { column: string; label: string; takes: string }> = {
  mrn: { column: "mrn", label: "MRN", takes: "Medical record number, unique in the clinic: letters, digits, '-', '/' and '.'; at most 40 characters" },
  givenName: { column: "given_name", label: "Given name", takes: "At most 100 characters" },
  familyName: { column: "family_name", label: "Family name", takes: "At most 100 characters" },
  birthDate: { column: "birth_date", label: "Birth date", takes: "YYYY-MM-DD, from 1900-01-01 to today" },
  sex: { column: "sex", label: "Sex", takes: "female, male, other or unknown (or F, M, O, U)" },
  heightCm: { column: "height_cm", label: "Height (cm)", takes: "Optional. In centimetres, for example 168 (kept to the whole centimetre, as the patient form keeps it)" },
  allergyStatus: { column: "allergy_status", label: "Allergy status", takes: "Optional. not recorded, no known allergies, or allergies recorded" },
  allergies: { column: "allergies", label: "Allergies", takes: "Optional. The substances and reactions, when allergies are recorded; at most 1,000 characters" },
};

export const fieldLabel = (field: string): string => (IMPORT_COLUMNS as Record<string, { label: string }>)[field]?.label ?? field;

/** Header spellings taken for each field: lower-case, letters and digits only. */
const HEADER_ALIASES: Record<string, ImportField> = {
  mrn: "mrn", medicalrecordnumber: "mrn",
  givenname: "givenName", firstname: "givenName", given: "givenName",
  familyname: "familyName", lastname: "familyName", surname: "familyName", family: "familyName",
  birthdate: "birthDate", dateofbirth: "birthDate", dob: "birthDate",
  sex: "sex", gender: "sex",
  heightcm: "heightCm", height: "heightCm",
  allergystatus: "allergyStatus", allergiesstatus: "allergyStatus",
  allergies: "allergies", allergy: "allergies",
};

const headerKey = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, "");

/** One row of the file: its number as the admin finds it (spreadsheet row, or Bundle entry) and its cells. */
export interface SourceRow {
  row: number;
  cells: Partial<Record<ImportField, string>>;
  /** Problems found while reading the row (a wrong number of cells, an entry that is not a Patient). */
  issues: Partial<Record<ImportField | "_row", string>>;
}

export interface ImportFile {
  format: "csv" | "fhir";
  /** The fields the file gives; an optional field it does not give is left as it is on an update. */
  fields: ImportField[];
  rows: SourceRow[];
  /** Blank CSV rows, and Bundle entries that are not Patient resources (an exported bundle carries Observations, Encounters, …). */
  skipped: number;
}

export type ReadResult = { ok: true; file: ImportFile } | { ok: false; message: string };

/** "Row 5" of a CSV (the header is row 1, as a spreadsheet numbers it) or "Entry 3" of a Bundle. */
export const rowWord = (format: ImportFile["format"], row: number) => `${format === "csv" ? "Row" : "Entry"} ${formatCount(row)}`;

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** Reads a CSV or a FHIR Bundle (told apart by the first character: a Bundle is a JSON object). */
export function readImportFile(content: string): ReadResult {
  const bytes = utf8Length(content);
  if (bytes > IMPORT_LIMITS.maxFileBytes)
    return { ok: false, message: `The file is ${megabytes(bytes)}; the import takes at most ${megabytes(IMPORT_LIMITS.maxFileBytes)}. Split it into smaller files.` };
  const text = content.replace(/^\uFEFF/, "");
  if (!text.trim()) return { ok: false, message: "The file is empty." };
  return text.trimStart().startsWith("{") ? readFhirBundle(text) : readCsv(text);
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

function tooManyRows(n: number): ReadResult {
  return { ok: false, message: `The file has ${formatCount(n)} patients; the import takes at most ${formatCount(IMPORT_LIMITS.maxRows)} at a time. Split it into smaller files.` };
}

export function readCsv(text: string): ReadResult {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    const where = typeof e.lines === "number" ? ` near line ${formatCount(e.lines)}` : "";
    return { ok: false, message: `The file is not valid CSV${where}: ${String(e.message ?? "").slice(0, 200)}. Nothing was imported.` };
  }
  if (!records.length) return { ok: false, message: "The file is empty." };
  const header = records[0];
  const fields: (ImportField | null)[] = [];
  const unknown: string[] = [];
  for (const h of header) {
    const field = HEADER_ALIASES[headerKey(h)] ?? null;
    if (!field && h.trim()) unknown.push(h.trim().slice(0, 50));
    fields.push(field);
  }
  const given = fields.filter((f): f is ImportField => f !== null);
  const twice = given.filter((f, i) => given.indexOf(f) !== i);
  const missing = REQUIRED_IMPORT_FIELDS.filter((f) => !given.includes(f));
  const problems: string[] = [];
  if (unknown.length) problems.push(`unknown ${unknown.length === 1 ? "column" : "columns"}: ${unknown.join(", ")}`);
  if (twice.length) problems.push(`${[...new Set(twice)].map((f) => IMPORT_COLUMNS[f].column).join(", ")} given twice`);
  if (missing.length) problems.push(`missing ${missing.map((f) => IMPORT_COLUMNS[f].column).join(", ")}`);
  if (problems.length)
    return {
      ok: false,
      message: `The first row must name the columns (${IMPORT_FIELDS.map((f) => IMPORT_COLUMNS[f].column).join(", ")}): ${problems.join("; ")}. Nothing was imported.`,
    };
  if (records.length - 1 > IMPORT_LIMITS.maxRows) return tooManyRows(records.length - 1);

  const rows: SourceRow[] = [];
  let skipped = 0;
  for (let i = 1; i < records.length; i++) {
    const record = records[i];
    if (record.every((c) => c.trim() === "")) {
      skipped++;
      continue;
    }
    const cells: SourceRow["cells"] = {};
    fields.forEach((f, j) => {
      if (f && record[j] !== undefined) cells[f] = record[j];
    });
    const issues: SourceRow["issues"] = {};
    if (record.length !== header.length)
      issues._row = `This row has ${formatCount(record.length)} cells and the header ${formatCount(header.length)}: a comma inside a value needs the value in double quotes`;
    rows.push({ row: i + 1, cells, issues });
  }
  return { ok: true, file: { format: "csv", fields: given, rows, skipped } };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The medical record number: the identifier typed MR (HL7 v2 table 0203), as this app's own FHIR export writes it. */
function fhirMrn(identifiers: unknown): string | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  const mr = identifiers.find(
    (id) => isObject(id) && isObject(id.type) && Array.isArray(id.type.coding) && id.type.coding.some((c) => isObject(c) && c.code === "MR"),
  );
  return isObject(mr) ? str(mr.value) : undefined;
}

function fhirName(names: unknown): { given?: string; family?: string } {
  if (!Array.isArray(names) || !names.length) return {};
  const name = (names.find((n) => isObject(n) && n.use === "official") ?? names[0]) as unknown;
  if (!isObject(name)) return {};
  const given = Array.isArray(name.given) ? name.given.filter((g): g is string => typeof g === "string").join(" ") : undefined;
  return { given, family: str(name.family) };
}

export function readFhirBundle(text: string): ReadResult {
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch {
    return { ok: false, message: "The file starts like JSON but is not valid JSON. Nothing was imported." };
  }
  if (!isObject(bundle) || bundle.resourceType !== "Bundle" || !Array.isArray(bundle.entry))
    return { ok: false, message: "A JSON file must be a FHIR R4 Bundle (resourceType \"Bundle\") with its Patient resources in \"entry\". Nothing was imported." };
  const entries = bundle.entry;
  const patients = entries.filter((e) => isObject(e) && isObject(e.resource) && e.resource.resourceType === "Patient").length;
  if (patients > IMPORT_LIMITS.maxRows) return tooManyRows(patients);
  const rows: SourceRow[] = [];
  let skipped = 0;
  entries.forEach((entry, i) => {
    const resource = isObject(entry) ? entry.resource : undefined;
    if (!isObject(resource) || resource.resourceType !== "Patient") {
      skipped++;
      return;
    }
    const issues: SourceRow["issues"] = {};
    const mrn = fhirMrn(resource.identifier);
    if (mrn === undefined) issues.mrn = "No identifier of type MR (medical record number) in this Patient";
    const { given, family } = fhirName(resource.name);
    const gender = str(resource.gender);
    rows.push({
      row: i + 1,
      cells: { mrn: mrn ?? "", givenName: given ?? "", familyName: family ?? "", birthDate: str(resource.birthDate) ?? "", sex: gender ?? "" },
      issues,
    });
  });
  return { ok: true, file: { format: "fhir", fields: ["mrn", "givenName", "familyName", "birthDate", "sex"], rows, skipped } };
}

const wordKey = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");

const SEX_WORDS: Record<string, Sex> = {
  ...Object.fromEntries(SEXES.flatMap((code) => [[wordKey(code), code], [wordKey(SEX_LABELS[code]), code]])),
  f: "FEMALE", woman: "FEMALE", m: "MALE", man: "MALE", o: "OTHER", u: "UNKNOWN",
};

const ALLERGY_WORDS: Record<string, AllergyStatus> = {
  ...Object.fromEntries(ALLERGY_STATUSES.flatMap((code) => [[wordKey(code), code], [wordKey(ALLERGY_STATUS_LABELS[code]), code]])),
  nonerecorded: "NOT_RECORDED", unknown: "NOT_RECORDED",
  none: "NONE_KNOWN", noneknown: "NONE_KNOWN", nka: "NONE_KNOWN", nkda: "NONE_KNOWN", noknowndrugallergies: "NONE_KNOWN",
  recorded: "RECORDED", yes: "RECORDED",
};

export function sexFromWord(word: string): Sex | null {
  return SEX_WORDS[wordKey(word)] ?? null;
}

export function allergyStatusFromWord(word: string): AllergyStatus | null {
  return ALLERGY_WORDS[wordKey(word)] ?? null;
}

/**
 * Text a spreadsheet could run as a formula (OWASP "CSV injection"). Such names are refused, not
 * neutralised: a quote put in front would become part of the stored name, no real name starts
 * with these characters, and the admin learns which rows of the source system are odd. (The
 * MRN's own rule already refuses them; every CSV this app writes neutralises cells again.)
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const TEXT_FIELDS: readonly ImportField[] = ["givenName", "familyName", "allergies"];

/** A row's cells as the patient schema takes them, and what is wrong with them before the schema runs. */
export interface NormalisedRow {
  input: Record<string, unknown>;
  issues: Record<string, string>;
}

export function normaliseRow(source: SourceRow): NormalisedRow {
  const input: Record<string, unknown> = {};
  const issues: Record<string, string> = {};
  for (const [key, message] of Object.entries(source.issues)) if (message) issues[key] = message;
  for (const field of IMPORT_FIELDS) {
    const raw = source.cells[field];
    if (raw === undefined) continue;
    if (raw.length > IMPORT_LIMITS.maxCellChars) {
      issues[field] ??= `The cell has ${formatCount(raw.length)} characters; a cell takes at most ${formatCount(IMPORT_LIMITS.maxCellChars)}`;
      continue;
    }
    const value = raw.trim();
    if (TEXT_FIELDS.includes(field) && FORMULA_START.test(value)) {
      issues[field] ??= `Starts with "${value[0] === "\t" ? "tab" : value[0]}": text starting with =, +, - or @ is refused, since a spreadsheet could run it as a formula`;
      continue;
    }
    const optional = !REQUIRED_IMPORT_FIELDS.includes(field);
    if (optional && value === "") continue; // an empty optional cell: not given
    if (value === "") {
      issues[field] ??= `Enter the ${field === "mrn" ? "MRN" : fieldLabel(field).toLowerCase()}`;
      continue;
    }
    if (field === "sex") {
      const sex = sexFromWord(value);
      if (sex) input.sex = sex;
      else issues.sex ??= `"${value.slice(0, 20)}" is not a sex: use female, male, other or unknown`;
    } else if (field === "heightCm") {
      if (/^\d{1,4}(\.\d{1,3})?$/.test(value)) input.heightCm = Number(value);
      else issues.heightCm ??= `"${value.slice(0, 20)}" is not a height: enter centimetres as a number, for example 168 or 168.5`;
    } else if (field === "allergyStatus") {
      const status = allergyStatusFromWord(value);
      if (status) input.allergyStatus = status;
      else issues.allergyStatus ??= `"${value.slice(0, 30)}" is not an allergy status: use not recorded, no known allergies or allergies recorded`;
    } else {
      input[field] = value;
    }
  }
  return { input, issues };
}

/** Rows whose MRN another row of the file also has: every one of them is refused (which is right is not ours to guess). */
export function duplicateMrnIssues(rows: readonly { row: number; mrn: string }[], format: ImportFile["format"]): Map<number, string> {
  const byMrn = new Map<string, number[]>();
  for (const { row, mrn } of rows) {
    const key = mrn.trim();
    if (!key) continue;
    const list = byMrn.get(key);
    if (list) list.push(row);
    else byMrn.set(key, [row]);
  }
  const out = new Map<number, string>();
  for (const list of byMrn.values()) {
    if (list.length < 2) continue;
    const words = list.slice(0, 5).map((r) => formatCount(r)).join(", ") + (list.length > 5 ? ` and ${formatCount(list.length - 5)} more` : "");
    for (const row of list) out.set(row, `The same MRN is on ${format === "csv" ? "rows" : "entries"} ${words}: each MRN once per file`);
  }
  return out;
}

/** A cell as shown back to the admin (preview, refused rows): at most `max` characters. */
export function cut(text: string | undefined, max = 200): string {
  if (!text) return "";
  return text.length > max ? `${text.slice(0, max)}… (cut: ${formatCount(text.length)} characters)` : text;
}

/** The template to fill in: the header and one example row. */
export function importTemplateCsv(): string {
  return (
    csvLine(IMPORT_FIELDS.map((f) => IMPORT_COLUMNS[f].column)) +
    csvLine(["MRN-1001", "Anna", "Novak", "1985-04-12", "female", "168", "allergies recorded", "Penicillin: rash"]) +
    csvLine(["MRN-1002", "Jonas", "Berg", "1962-11-30", "male", "", "no known allergies", ""])
  );
}

/** A refused row as the refused-rows CSV writes it. */
export interface RefusedRow {
  row: number;
  reasons: { field: string; message: string }[];
  cells: Partial<Record<ImportField, string>>;
}

export function reasonsInWords(reasons: RefusedRow["reasons"]): string {
  return reasons.map((r) => (r.field === "_row" || r.field === "_form" ? r.message : `${fieldLabel(r.field)}: ${r.message}`)).join("; ");
}

/** The refused rows: row number, the reasons in words, then the row's cells (cut to 200 characters). */
export function refusedRowsCsv(format: ImportFile["format"], refused: readonly RefusedRow[]): string {
  const header = csvLine([format === "csv" ? "row" : "entry", "reason", ...IMPORT_FIELDS.map((f) => IMPORT_COLUMNS[f].column)]);
  return header + refused.map((r) => csvLine([r.row, reasonsInWords(r.reasons), ...IMPORT_FIELDS.map((f) => cut(r.cells[f]))])).join("");
}
