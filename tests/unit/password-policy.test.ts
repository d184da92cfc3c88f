import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isCommonPassword } from "@/lib/server/auth/common-passwords";
import { parseWith } from "@/lib/core/validation/common";
import { changePasswordSchema, passwordSchema, userCreateSchema } from "@/lib/features/accounts/user-schema";

const problem = (password: string) => {
  const result = parseWith(passwordSchema, password);
  return result.ok ? null : result.fields._form;
};

describe("passwordSchema", () => {
  it("takes 12 to 128 characters", () => {
    expect(problem("a".repeat(5) + "bcdef")).toBe("At least 12 characters"); // 10
    expect(problem("tulip quartz")).toBeNull(); // 12
    expect(problem("tulip quart")).toBe("At least 12 characters"); // 11
    expect(problem("x7".repeat(64))).toBeNull(); // 128
    expect(problem("x7".repeat(64) + "q")).toBe("At most 128 characters"); // 129
  });

  it("refuses common passwords whatever their case", () => {
    for (const p of ["password1234", "Password1234!", "QWERTYUIOP123", "123456789012", "iloveyou1234", "Summer2024!!", "January2024!", "1qaz2wsx3edc", "hospital2025!", "correct horse battery staple"]) {
      expect(problem(p), p).toBe("This password is too common");
    }
    // Near misses are not on the list: the check is a list, not a guess.
    expect(problem("password1234 tulip")).toBeNull();
    expect(problem("my own passphrase for cramps")).toBeNull();
  });

  it("reports the problem on the field that holds the password", () => {
    const create = parseWith(userCreateSchema, { email: "a@b.clinic", name: "A", role: "CLINICIAN", clinicIds: ["c1"], temporaryPassword: "Welcome2026!" });
    expect(create).toEqual({ ok: false, fields: { temporaryPassword: "This password is too common" } });
    const change = parseWith(changePasswordSchema, { currentPassword: "whatever it was", newPassword: "qwertyuiop12345" });
    expect(change).toEqual({ ok: false, fields: { newPassword: "This password is too common" } });
  });
});

describe("the shipped common-password list", () => {
  it("holds thousands of lower-case entries, each long enough to pass the length rule", () => {
    const text = fs.readFileSync(path.join(process.cwd(), "lib", "server", "auth", "common-passwords.txt"), "utf8");
    expect(text.endsWith("\n")).toBe(true);
    const COMMON_PASSWORDS = text.slice(0, -1).split("\n");
    expect(COMMON_PASSWORDS.length).toBeGreaterThan(3000);
    expect(new Set(COMMON_PASSWORDS).size).toBe(COMMON_PASSWORDS.length);
    for (const p of COMMON_PASSWORDS) {
      expect(p.length).toBeGreaterThanOrEqual(12);
      expect(p).toBe(p.toLowerCase());
    }
    expect(isCommonPassword("PASSWORD1234")).toBe(true);
    expect(isCommonPassword("")).toBe(false);
  });
});
