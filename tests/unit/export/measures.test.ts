import { describe, expect, it } from "vitest";
import { toCanonical } from "@/lib/core/clinical/units";
import { flagText, measureText, referenceRangeText, valueText } from "@/lib/features/exports/measures";

describe("values as the exports print them", () => {
  it("shows the clinic's unit first and the other system's in brackets, keeping the entered digits", () => {
    // 176 lb is 79.8 kg, and 79.8 kg converted back would read 175.9 lb: the entered value is printed.
    const kg = toCanonical("WEIGHT", 176, "lb");
    expect(kg).toBe(79.8);
    expect(measureText("WEIGHT", kg, { value: 176, unit: "lb" }, "US")).toBe("176.0 lb (79.8 kg)");
    expect(measureText("WEIGHT", kg, { value: 176, unit: "lb" }, "SI")).toBe("79.8 kg (176.0 lb)");
    expect(measureText("TEMPERATURE", 38, { value: 100.4, unit: "°F" }, "US")).toBe("100.4 °F (38.0 °C)");
    // Entered canonical (null): converted for the other system.
    expect(measureText("TEMPERATURE", 38, null, "SI")).toBe("38.0 °C (100.4 °F)");
    expect(measureText("MAGNESIUM", 0.66, { value: 1.6, unit: "mg/dL" }, "SI")).toBe("0.66 mmol/L (1.6 mg/dL)");
    expect(measureText("GLUCOSE", 7, { value: 126, unit: "mg/dL" }, "US")).toBe("126 mg/dL (7.00 mmol/L)");
    expect(measureText("HEIGHT", 170, { value: 67, unit: "in" }, "SI")).toBe("170 cm (67.0 in)");
  });

  it("adds the entered value when it was in neither system's unit", () => {
    // Magnesium 1.3 mEq/L is 0.65 mmol/L; a US clinic shows mg/dL.
    expect(measureText("MAGNESIUM", 0.65, { value: 1.3, unit: "mEq/L" }, "US")).toBe("1.6 mg/dL (0.65 mmol/L), entered as 1.30 mEq/L");
  });

  it("says the flag in words and gives the reference range in the clinic's units", () => {
    expect([flagText("L"), flagText("H"), flagText(null)]).toEqual(["Low", "High", "In range"]);
    expect(referenceRangeText("MAGNESIUM", "SI")).toBe("0.70 to 1.00 mmol/L");
    expect(referenceRangeText("MAGNESIUM", "US")).toMatch(/ mg\/dL$/);
    expect(referenceRangeText("TEMPERATURE", "US")).toBe("below 100.4 °F");
    expect(referenceRangeText("WEIGHT", "SI")).toBe("");
  });

  it("prints a unit it does not know as stored rather than failing the export", () => {
    expect(valueText("HEIGHT", 67, "in")).toBe("67.0 in");
    expect(valueText("HEIGHT", 2, "furlong")).toBe("2 furlong");
  });
});
