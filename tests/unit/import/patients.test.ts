import { describe, expect, it } from "vitest";
import {
  IMPORT_LIMITS,
  allergyStatusFromWord,
  duplicateMrnIssues,
  importTemplateCsv,
  normaliseRow,
  readImportFile,
  refusedRowsCsv,
  sexFromWord,
  type SourceRow,
} from "@/lib/core/import/patients";
import { checkRows } from "@/lib/features/import/schema";

const HEADER = "mrn,given_name,family_name,birth_date,sex\r\n";

function csv(text: string) {
  const read = readImportFile(text);
  if (!read.ok) throw new Error(read.message);
  return read.file;
}

const row = (cells: SourceRow["cells"], rowNumber = 2): SourceRow => ({ row: rowNumber, cells, issues: {} });

describe("sex and allergy words", () => {
  it.each([
    ["female", "FEMALE"],
    ["Female", "FEMALE"],
    ["F", "FEMALE"],
    ["woman", "FEMALE"],
    ["MALE", "MALE"],
    ["m", "MALE"],
    ["Other", "OTHER"],
    ["unknown", "UNKNOWN"],
    ["u", "UNKNOWN"],
    ["robot", null],
    ["", null],
    ["fem", null],
  ])("sex %j is %j", (word, code) => expect(sexFromWord(word)).toBe(code));

  it.each([
    ["not recorded", "NOT_RECORDED"],
    ["NOT_RECORDED", "NOT_RECORDED"],
    ["No known allergies", "NONE_KNOWN"],
    ["NKDA", "NONE_KNOWN"],
    ["allergies recorded", "RECORDED"],
    ["Recorded", "RECORDED"],
    ["maybe", null],
  ])("allergy status %j is %j", (word, code) => expect(allergyStatusFromWord(word)).toBe(code));
});

describe("reading the file", () => {
  it.each([
    ["an empty file", "", /empty/],
    ["a header without the required columns", "mrn,given_name\r\nA-1,Anna\r\n", /missing family_name, birth_date, sex/],
    ["an unknown column", `${HEADER.trim()},shoe_size\r\n`, /unknown column: shoe_size/],
    ["a column twice", "mrn,mrn,given_name,family_name,birth_date,sex\r\n", /mrn given twice/],
    ["an unclosed quote", `${HEADER}A-1,"Anna,Novak,1985-04-12,female\r\n`, /not valid CSV/],
    ["JSON that is not a Bundle", `{"resourceType":"Patient"}`, /FHIR R4 Bundle/],
    ["broken JSON", `{"resourceType":`, /not valid JSON/],
  ])("refuses %s as a whole", (_what, text, message) => {
    const read = readImportFile(text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message).toMatch(message);
  });

  it("refuses a file over the size cap before parsing it", () => {
    const read = readImportFile(HEADER + "x".repeat(IMPORT_LIMITS.maxFileBytes));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message).toMatch(/at most 20\.0 MB/);
  });

  it("takes header spellings, a byte order mark, quoted commas and blank rows, numbering rows as a spreadsheet does", () => {
    const file = csv(`\uFEFFMRN,Given Name,Surname,DOB,Gender\r\nA-1,"Anna, Maria",Novak,1985-04-12,F\r\n,,,,\r\nA-2,Jonas,Berg,1962-11-30,male\r\n`);
    expect(file.format).toBe("csv");
    expect(file.skipped).toBe(1);
    expect(file.rows.map((r) => [r.row, r.cells.givenName])).toEqual([
      [2, "Anna, Maria"],
      [4, "Jonas"],
    ]);
  });

  it("refuses a row with the wrong number of cells by its row number", () => {
    const checked = checkRows(csv(`${HEADER}A-1,Anna,Novak,1985-04-12,female,extra\r\n`));
    expect(checked.refused[0].row).toBe(2);
    expect(checked.refused[0].reasons[0]).toMatchObject({ field: "_row", message: expect.stringMatching(/6 cells and the header 5/) });
  });

  it("reads a FHIR Bundle's Patients (MRN from the MR identifier) and skips other resources", () => {
    const bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          resource: {
            resourceType: "Patient",
            identifier: [{ system: "urn:x", value: "not-this" }, { type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR" }] }, value: "F-1" }],
            name: [{ use: "nickname", given: ["Annie"] }, { use: "official", family: "Novak", given: ["Anna", "Maria"] }],
            gender: "female",
            birthDate: "1985-04-12",
          },
        },
        { resource: { resourceType: "Observation" } },
        { resource: { resourceType: "Patient", name: [{ family: "Berg", given: ["Jonas"] }], gender: "male", birthDate: "1962-11-30" } },
      ],
    };
    const file = readImportFile(JSON.stringify(bundle));
    expect(file.ok).toBe(true);
    if (!file.ok) return;
    expect(file.file).toMatchObject({ format: "fhir", skipped: 1 });
    expect(file.file.rows[0]).toMatchObject({ row: 1, cells: { mrn: "F-1", givenName: "Anna Maria", familyName: "Novak", sex: "female" } });
    const checked = checkRows(file.file);
    expect(checked.candidates.map((c) => c.data.mrn)).toEqual(["F-1"]);
    expect(checked.refused[0]).toMatchObject({ row: 3, reasons: [{ field: "mrn", message: expect.stringMatching(/type MR/) }] });
  });
});

describe("one row", () => {
  const good = { mrn: "A-1", givenName: "Anna", familyName: "Novak", birthDate: "1985-04-12", sex: "female" };
  it.each([
    ["a missing MRN", { mrn: "" }, "mrn", /Enter the MRN/],
    ["an MRN with spaces inside", { mrn: "A 1" }, "mrn", /Letters, digits/],
    ["a day-first date", { birthDate: "12/04/1985" }, "birthDate", /YYYY-MM-DD/],
    ["an impossible date", { birthDate: "2001-02-30" }, "birthDate", /Not a real date/],
    ["a future date", { birthDate: "2999-01-01" }, "birthDate", /future/],
    ["an unknown sex", { sex: "robot" }, "sex", /"robot" is not a sex/],
    ["a missing sex", { sex: "" }, "sex", /Enter the sex/],
    ["a formula in the given name", { givenName: "=HYPERLINK(\"x\")" }, "givenName", /Starts with "="/],
    ["a formula in the family name", { familyName: "+1+2" }, "familyName", /formula/],
    ["a leading minus", { familyName: "-Novak" }, "familyName", /formula/],
    ["a leading @", { givenName: "@SUM(A1)" }, "givenName", /formula/],
    ["a name over the patient limit", { familyName: "X".repeat(101) }, "familyName", /at most 100 characters \(this has 101\)/],
    ["a 10 MB cell", { givenName: "x".repeat(10 * 1024 * 1024) }, "givenName", /10,485,760 characters; a cell takes at most 2,000/],
    ["a height in words", { heightCm: "tall" }, "heightCm", /not a height/],
    ["an implausible height", { heightCm: "1680" }, "heightCm", /not plausible/],
    ["an unknown allergy status", { allergyStatus: "maybe" }, "allergyStatus", /not an allergy status/],
    ["allergies without the recorded status", { allergies: "Penicillin" }, "allergies", /Choose allergies recorded/],
    ["recorded allergies without the text", { allergyStatus: "recorded" }, "allergies", /Name the allergies/],
  ])("refuses %s, naming the field", (_what, change, field, message) => {
    const checked = checkRows({ format: "csv", fields: ["mrn", "givenName", "familyName", "birthDate", "sex", "heightCm", "allergyStatus", "allergies"], rows: [row({ ...good, ...change })], skipped: 0 });
    expect(checked.candidates).toEqual([]);
    const reason = checked.refused[0].reasons.find((r) => r.field === field);
    expect(reason?.message).toMatch(message);
  });

  it("takes a good row, trimming and turning words into codes", () => {
    const checked = checkRows({
      format: "csv",
      fields: ["mrn", "givenName", "familyName", "birthDate", "sex", "heightCm", "allergyStatus", "allergies"],
      rows: [row({ ...good, givenName: "  Anna ", heightCm: "168.5", allergyStatus: "Allergies recorded", allergies: "Penicillin: rash" })],
      skipped: 0,
    });
    expect(checked.refused).toEqual([]);
    // Stored as the patient form stores it: canonical centimetres, rounded by the height's own precision.
    expect(checked.candidates[0].data).toMatchObject({ mrn: "A-1", givenName: "Anna", sex: "FEMALE", heightCm: 169, allergyStatus: "RECORDED", allergies: "Penicillin: rash" });
    expect(checked.candidates[0].gives).toEqual({ heightCm: true, allergyStatus: true });
  });

  it("leaves empty optional cells as not given", () => {
    const n = normaliseRow(row({ ...good, heightCm: " ", allergyStatus: "" }));
    expect(n.issues).toEqual({});
    expect(n.input).not.toHaveProperty("heightCm");
    expect(n.input).not.toHaveProperty("allergyStatus");
  });
});

describe("MRNs repeated within the file", () => {
  it.each([
    ["no repeats", [["A", 2], ["B", 3]], []],
    ["one repeat: both rows", [["A", 2], ["B", 3], ["A", 7]], [2, 7]],
    ["spaces around do not hide a repeat", [["A", 2], [" A ", 3]], [2, 3]],
    ["case counts (the database's unique index does)", [["a", 2], ["A", 3]], []],
    ["empty MRNs are not repeats", [["", 2], ["", 3]], []],
  ] as const)("%s", (_what, rows, refused) => {
    const issues = duplicateMrnIssues(rows.map(([mrn, r]) => ({ mrn, row: r })), "csv");
    expect([...issues.keys()]).toEqual(refused);
  });

  it("names the other rows", () => {
    const checked = checkRows(csv(`${HEADER}A-1,Anna,Novak,1985-04-12,female\r\nA-1,Anna,Novak,1985-04-12,female\r\n`));
    expect(checked.candidates).toEqual([]);
    expect(checked.refused.map((r) => r.reasons[0].message)).toEqual(["The same MRN is on rows 2, 3: each MRN once per file", "The same MRN is on rows 2, 3: each MRN once per file"]);
  });
});

describe("the CSVs the page offers", () => {
  it("the template passes the import's own rules", () => {
    const checked = checkRows(csv(importTemplateCsv()));
    expect(checked.refused).toEqual([]);
    expect(checked.candidates).toHaveLength(2);
  });

  it("the refused rows CSV carries the reason in words and neutralises formulas, cutting long cells", () => {
    const out = refusedRowsCsv("csv", [
      { row: 5, reasons: [{ field: "givenName", message: "Starts with \"=\"" }, { field: "sex", message: "Bad" }], cells: { givenName: "=cmd", familyName: "y".repeat(5000) } },
    ]);
    const [header, line] = out.trim().split("\r\n");
    expect(header).toBe("row,reason,mrn,given_name,family_name,birth_date,sex,height_cm,allergy_status,allergies");
    expect(line).toContain(`5,"Given name: Starts with ""=""; Sex: Bad",,'=cmd,`);
    expect(line).toContain("(cut: 5,000 characters)");
    expect(line.length).toBeLessThan(500);
  });
});
