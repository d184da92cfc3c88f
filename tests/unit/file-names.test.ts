import { describe, expect, it } from "vitest";
import { asciiFileName, clinicExportFileName, contentDisposition, fileNamePart, patientExportFileName, slugOf } from "@/lib/core/file-names";

/** What a client makes of the header: the UTF-8 `filename*` when there is one, else `filename`. */
function nameFromHeader(header: string): string {
  const extended = /filename\*=UTF-8''([^;\s]+)/.exec(header);
  return extended ? decodeURIComponent(extended[1]) : /filename="([^"]*)"/.exec(header)![1];
}

/** One header value of visible ASCII (no line break, no control character), as HTTP requires. */
const HEADER_SAFE = /^[\x20-\x7e]+$/;

const HOSTILE_MRNS = [
  "MRN 12 34",
  'A"B',
  "a/b\\c",
  "../../etc/passwd",
  "..",
  "x\r\nSet-Cookie: a=b",
  "tab\there",
  "Müller-Øst",
  "患者-42",
  "😀💊",
  "a\u202Efdp.exe",
  "zero\u200Bwidth",
  "lone\uD800half",
  "semi;colon=1, comma",
  "per%cent'quote(1)*",
  "x".repeat(500),
  "",
];

describe("export file names", () => {
  const at = new Date("2026-12-07T23:30:00Z");

  it("names a patient's files by MRN and the day on the clinic's clock", () => {
    expect(patientExportFileName("123", "report", at, "UTC")).toBe("MRN123-report-2026-12-07.pdf");
    expect(patientExportFileName("123", "handout", at, "UTC")).toBe("MRN123-handout-2026-12-07.pdf");
    expect(patientExportFileName("D-10018", "episodes", at, "UTC")).toBe("MRND-10018-episodes-2026-12-07.csv");
    expect(patientExportFileName("123", "fhir", at, "UTC")).toBe("MRN123-fhir-2026-12-07.json");
    // 23:30 UTC is already the next day in Berlin, still the same day in New York.
    expect(patientExportFileName("123", "report", at, "Europe/Berlin")).toBe("MRN123-report-2026-12-08.pdf");
    expect(patientExportFileName("123", "report", at, "America/New_York")).toBe("MRN123-report-2026-12-07.pdf");
    expect(patientExportFileName("2024/0012", "report", at, "UTC")).toBe("MRN2024_0012-report-2026-12-07.pdf");
  });

  it("names clinic-wide files by the clinic, or by the number of clinics", () => {
    expect(clinicExportFileName([{ name: "Demo Clinic", timeZone: "UTC" }], "episodes", at)).toBe("demo-clinic-episodes-2026-12-07.csv");
    expect(clinicExportFileName([{ name: "Zürich Süd", timeZone: "Europe/Zurich" }], "patients", at)).toBe("zurich-sud-patients-2026-12-08.csv");
    const two = [
      { name: "A", timeZone: "Europe/Berlin" },
      { name: "B", timeZone: "Europe/Berlin" },
    ];
    expect(clinicExportFileName(two, "episodes", at)).toBe("2-clinics-episodes-2026-12-08.csv");
    expect(clinicExportFileName([two[0], { name: "C", timeZone: "UTC" }], "episodes", at)).toBe("2-clinics-episodes-2026-12-07.csv");
    expect(clinicExportFileName([], "episodes", at)).toBe("0-clinics-episodes-2026-12-07.csv");
    expect(slugOf("¿¡!")).toBe("clinic");
    expect(slugOf("Klinik 東京")).toBe("klinik");
  });

  it.each(HOSTILE_MRNS.map((m) => [JSON.stringify(m).slice(0, 40), m]))("keeps a hostile MRN %s one safe name in one valid header", (_shown, mrn) => {
    const name = patientExportFileName(mrn, "report", at, "UTC");
    expect(name).toMatch(/^MRN.+-report-2026-12-07\.pdf$/u);
    // No path, quote, wildcard, white space or invisible character; not hidden; short enough for any file system.
    expect(name).not.toMatch(/[/\\:*?"<>|\s\p{Cc}\p{Cf}\p{Cs}]/u);
    expect(name.startsWith(".")).toBe(false);
    expect(Buffer.byteLength(name)).toBeLessThan(255);
    for (const disposition of ["attachment", "inline"] as const) {
      const header = contentDisposition(name, disposition);
      expect(header).toMatch(HEADER_SAFE);
      expect(header.startsWith(`${disposition}; filename="`)).toBe(true);
      // The ASCII name holds only letters, digits, dot, dash and underscore; the full name comes back whole.
      expect(/filename="([^"]*)"/.exec(header)![1]).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(nameFromHeader(header)).toBe(name);
      expect(() => new Headers({ "Content-Disposition": header })).not.toThrow();
    }
  });

  it("adds filename* only when the ASCII name cannot say it all", () => {
    expect(contentDisposition("MRN123-report-2026-12-07.pdf")).toBe('attachment; filename="MRN123-report-2026-12-07.pdf"');
    const name = patientExportFileName("Müller", "report", at, "UTC");
    expect(contentDisposition(name, "inline")).toBe(
      `inline; filename="MRNMuller-report-2026-12-07.pdf"; filename*=UTF-8''MRNM%C3%BCller-report-2026-12-07.pdf`,
    );
    // "*" is no file name's; quote and brackets are, and are percent-encoded in filename*.
    expect(contentDisposition("MRN'(x)*.pdf")).toBe(`attachment; filename="MRN__x__.pdf"; filename*=UTF-8''MRN%27%28x%29_.pdf`);
  });

  it("cuts typed text to whole characters and never leaves a part empty", () => {
    expect(Array.from(fileNamePart("😀".repeat(200)))).toHaveLength(80);
    expect(fileNamePart("")).toBe("_");
    expect(asciiFileName("Øst😀.pdf")).toBe("_st_.pdf");
  });
});
