import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "@/lib/core/csv";

describe("csvCell", () => {
  it("quotes cells holding commas, quotes or line breaks, doubling the quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line 1\nline 2")).toBe('"line 1\nline 2"');
    expect(csvCell("line 1\r\nline 2")).toBe('"line 1\r\nline 2"');
  });

  it("writes empty cells for null and undefined, numbers as numbers, dates in ISO form", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(-42)).toBe("-42");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(new Date("2026-03-01T10:00:00Z"))).toBe("2026-03-01T10:00:00.000Z");
  });

  it("defuses text that a spreadsheet would run as a formula", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+1-555-0100")).toBe("'+1-555-0100");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvCell("\t=cmd")).toBe("'\t=cmd");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("a=1")).toBe("a=1");
  });
});

describe("csvLine", () => {
  it("joins cells and ends the record with CRLF", () => {
    expect(csvLine([1, "a,b", null, "=x"])).toBe(`1,"a,b",,'=x\r\n`);
  });
});
