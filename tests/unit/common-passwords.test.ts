import fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";

// A fresh copy of the module each time, so that "the first check" is the first in the test.
async function freshModules() {
  vi.resetModules();
  const schema = await import("@/lib/features/accounts/user-schema");
  const { isCommonPassword } = await import("@/lib/server/auth/common-passwords");
  return { ...schema, isCommonPassword };
}

const listReads = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.filter(([file]) => String(file).endsWith("common-passwords.txt")).length;

afterEach(() => vi.restoreAllMocks());

describe("the common-password list is read on first use", () => {
  it("is not read by importing the password schema", async () => {
    const read = vi.spyOn(fs, "readFileSync");
    await freshModules();
    expect(listReads(read)).toBe(0);
  });

  it("is read from the data file by the first check, once, and then refuses a common password and accepts an uncommon one", async () => {
    const read = vi.spyOn(fs, "readFileSync");
    const { isCommonPassword, passwordSchema } = await freshModules();
    expect(isCommonPassword("Password1234")).toBe(true);
    expect(listReads(read)).toBe(1);
    expect(isCommonPassword("tulip quartz harbour")).toBe(false);
    expect(passwordSchema.safeParse("Hospital2025!").success).toBe(false);
    expect(passwordSchema.safeParse("tulip quartz harbour").success).toBe(true);
    expect(listReads(read)).toBe(1);
  });
});
