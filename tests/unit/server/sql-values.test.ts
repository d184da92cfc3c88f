import { describe, expect, it } from "vitest";
import { asBool, asDate, asDateOrNull, asNumberOrNull } from "@/lib/server/sql-values";

describe("values of plain-SQL rows", () => {
  it.each([
    [true, true],
    [1, true],
    [1n, true],
    ["1", true],
    ["t", true],
    [false, false],
    [0, false],
    [0n, false],
    ["0", false],
    ["f", false],
    [null, false],
  ])("asBool(%s) is %s", (value, expected) => {
    expect(asBool(value)).toBe(expected);
  });

  it("reads an instant from a Date, ISO text or epoch milliseconds alike", () => {
    const instant = new Date("2026-12-05T09:30:00.000Z");
    expect(asDate(instant)).toBe(instant);
    expect(asDate("2026-12-05T09:30:00.000Z").getTime()).toBe(instant.getTime());
    expect(asDate(instant.getTime()).getTime()).toBe(instant.getTime());
    expect(asDate(BigInt(instant.getTime())).getTime()).toBe(instant.getTime());
    expect(asDateOrNull(null)).toBeNull();
  });

  it("keeps a missing number missing and reads a bigint count", () => {
    expect(asNumberOrNull(null)).toBeNull();
    expect(asNumberOrNull(0)).toBe(0);
    expect(asNumberOrNull(3334n)).toBe(3334);
  });
});
