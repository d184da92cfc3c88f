/**
 * Names of exported files and the Content-Disposition that carries them. A patient's file is named
 * by the MRN a clinician files it under and the day (on the clinic's clock) it was made:
 * `MRN123-report-2026-12-07.pdf`; a clinic-wide one by the clinic: `demo-clinic-episodes-2026-12-07.csv`.
 * An MRN or a clinic name is text a person typed: whatever it holds, the name stays one safe file
 * name (no path, no quote, no control character) and the header stays one valid header. Pure.
 */
import { localDate } from "./clinical/red-flags";

export type PatientExportKind = "report" | "handout" | "episodes" | "fhir";
export type ClinicExportKind = "episodes" | "patients";

/** Longest part taken from typed text, so a name stays well under file systems' 255 bytes. */
const PART_MAX = 80;

/**
 * What no file name may hold on common systems (paths, quotes, wildcards), white space, and the
 * invisible: controls, format characters (bidi overrides could make "MRN…fdp.exe" read as a PDF),
 * unassigned and private-use code points, and halves of a surrogate pair (not encodable).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}/\\:*?"<>|\s]+/gu;

/**
 * Typed text as part of a file name: letters of any script kept, anything unsafe as "_", no
 * leading dot (a hidden file) and at most PART_MAX characters (whole code points).
 */
export function fileNamePart(text: string): string {
  return Array.from(safeFileName(text)).slice(0, PART_MAX).join("") || "_";
}

/** A whole name made safe the same way (not shortened). */
export const safeFileName = (name: string): string => name.normalize("NFC").replace(UNSAFE, "_").replace(/^\.+/, "_");

/** A clinic's name as a slug: "Demo Clinic" → "demo-clinic", "Zürich Süd" → "zurich-sud". */
export function slugOf(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, PART_MAX)
    .replace(/-+$/, "");
  return slug || "clinic";
}

/** The day of `at` on the clinic's clock, as the file name carries it. */
export const fileDate = (at: Date, timeZone: string): string => localDate(at, timeZone);

const EXTENSIONS: Record<PatientExportKind | ClinicExportKind, string> = {
  report: "pdf",
  handout: "pdf",
  episodes: "csv",
  patients: "csv",
  fhir: "json",
};

/** `MRN<mrn>-<kind>-<YYYY-MM-DD>.<ext>` for one patient's export. */
export function patientExportFileName(mrn: string, kind: PatientExportKind, at: Date, timeZone: string): string {
  return `MRN${fileNamePart(mrn)}-${kind}-${fileDate(at, timeZone)}.${EXTENSIONS[kind]}`;
}

/**
 * `<clinic-slug>-<kind>-<YYYY-MM-DD>.<ext>` for a clinic-wide export. Over several clinics: named
 * by their number ("3-clinics-…"), dated on their clock when they share one, else in UTC.
 */
export function clinicExportFileName(clinics: readonly { name: string; timeZone: string }[], kind: ClinicExportKind, at: Date): string {
  const zones = new Set(clinics.map((c) => c.timeZone));
  const who = clinics.length === 1 ? slugOf(clinics[0].name) : `${clinics.length}-clinics`;
  const zone = zones.size === 1 ? [...zones][0] : "UTC";
  return `${who}-${kind}-${fileDate(at, zone)}.${EXTENSIONS[kind]}`;
}

/** The name as plain ASCII for the header's `filename=` (accents dropped, other letters as "_"). */
export function asciiFileName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^A-Za-z0-9._-]/gu, "_")
    .replace(/^\.+/, "_");
}

/** RFC 5987 value-chars: percent-encoded UTF-8 of everything but attr-char. */
const rfc5987 = (text: string) => encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="MRN123-report-2026-12-07.pdf"`, with `filename*=UTF-8''…` (RFC 6266 and
 * 5987) after it when the name holds more than the ASCII fallback can say.
 */
export function contentDisposition(name: string, disposition: "attachment" | "inline" = "attachment"): string {
  const full = safeFileName(name) || "download";
  const ascii = asciiFileName(full);
  return ascii === full ? `${disposition}; filename="${ascii}"` : `${disposition}; filename="${ascii}"; filename*=UTF-8''${rfc5987(full)}`;
}
