import { describe, expect, it } from "vitest";
import { codeInWords, LABEL_TABLES, labelOf, type LabelTable } from "@/lib/core/labels";

const tables = Object.entries(LABEL_TABLES) as [LabelTable, { codes: readonly string[]; labels: Readonly<Record<string, string>> }][];

describe("the label table", () => {
  it.each(tables)("%s: every code has words of its own", (_name, { codes, labels }) => {
    expect(codes.length).toBeGreaterThan(0);
    expect(Object.keys(labels).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const label = labels[code];
      expect(label.trim(), code).not.toBe("");
      expect(label, code).not.toBe(code);
      // Words, not another code: no SCREAMING_CASE or snake_case word in a label.
      expect(label, code).not.toMatch(/\b[A-Z]{2,}_[A-Z_]+\b|\b[a-z]+_[a-z_]+\b/);
    }
  });

  it("names a stored code by its label, and an unknown code in words", () => {
    expect(labelOf("redFlag", "IMPAIRED_CONSCIOUSNESS")).toBe("Impaired consciousness");
    expect(labelOf("checklistItem", "deep_vein_thrombosis")).toMatch(/thrombosis/i);
    expect(labelOf("analyte", "VITAMIN_D")).toBe("Vitamin D (25-OH)");
    expect(labelOf("redFlag", "SOME_NEW_FLAG")).toBe("Some new flag");
    expect(labelOf("sex", "__proto__")).toBe("Proto");
    expect(codeInWords("RULED_OUT")).toBe("Ruled out");
  });
});
