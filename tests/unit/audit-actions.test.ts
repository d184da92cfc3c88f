/**
 * The audit log's words (lib/core/audit-actions.ts): every action code the app records has a
 * label, found by reading the source of lib/, so a new action cannot reach the log as a bare code.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  AUDIT_ACTION_CODES,
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTIONS,
  AUDIT_OUTCOME_LABELS,
  auditActionLabel,
  codeInWords,
  describeAuditDetails,
  detailReferenceIds,
} from "@/lib/core/audit-actions";
import { AUDIT_OUTCOMES } from "@/lib/features/audit-log/schema";

const LIB = path.resolve("lib");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/**
 * The codes a file gives as an audit action: string literals in the value of `action: …` or
 * `action = …` (a literal or a choice between literals), up to the next comma, semicolon or brace.
 * A type (`action: "UPDATE" | "DELETE"`, the episode history's own actions) is not a value.
 */
function actionCodesIn(source: string): string[] {
  const codes: string[] = [];
  for (const m of source.matchAll(/\baction\s*(?::|=(?!=))\s*([^,;}\n]+)/g)) {
    const value = m[1];
    if (/"\s*\|(?!\|)/.test(value)) continue;
    for (const lit of value.matchAll(/"([A-Z][A-Z0-9_]*)"/g)) codes.push(lit[1]);
  }
  return codes;
}

describe("audit action labels", () => {
  const written = new Map<string, string>();
  for (const file of sourceFiles(LIB)) {
    if (file.endsWith(path.join("core", "audit-actions.ts"))) continue;
    for (const code of actionCodesIn(fs.readFileSync(file, "utf8"))) written.set(code, path.relative(process.cwd(), file));
  }

  it("finds the action codes in the source, in each way they are written", () => {
    expect(written.size).toBeGreaterThan(50);
    // action: "…", const action = "…", a choice, and the lockout's { action: "SIGN_IN", reason }.
    for (const code of ["PATIENT_VIEW", "TWO_FACTOR_RESET", "USER_DEACTIVATE", "USER_REACTIVATE", "SIGN_IN", "ACCOUNT_LOCKED"]) expect(written.has(code), code).toBe(true);
    // Not a type's literals, nor another field's on the same line.
    for (const code of ["UPDATE", "LABEL_CONFIRM", "DENIED", "WRONG_PASSWORD"]) expect(written.has(code), code).toBe(false);
  });

  it("has words for every action code written anywhere in lib/", () => {
    const missing = [...written].filter(([code]) => !(code in AUDIT_ACTIONS)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it("labels only codes the app writes (a removed action leaves no stale label)", () => {
    expect(AUDIT_ACTION_CODES.filter((code) => !written.has(code))).toEqual([]);
  });

  it("labels each code once, in one of the filter's groups, in words", () => {
    const labels = AUDIT_ACTION_CODES.map((c) => AUDIT_ACTIONS[c].label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const code of AUDIT_ACTION_CODES) {
      expect(AUDIT_ACTION_GROUPS).toContain(AUDIT_ACTIONS[code].group);
      expect(AUDIT_ACTIONS[code].label).not.toMatch(/[A-Z]{2,}_|_/);
    }
    expect(auditActionLabel("PATIENT_VIEW")).toBe("Viewed patient");
  });

  it("has words for every outcome, and for codes no table names", () => {
    expect(Object.keys(AUDIT_OUTCOME_LABELS).sort()).toEqual([...AUDIT_OUTCOMES].sort());
    expect(auditActionLabel("TEST_BULK")).toBe("Test bulk");
    expect(codeInWords("WRONG_CODE")).toBe("Wrong code");
  });
});

describe("describeAuditDetails", () => {
  it("gives keys and codes in words, nested objects as nested entries, ids by name", () => {
    const json = JSON.stringify({
      reason: "WRONG_PASSWORD",
      filters: { action: "PATIENT_VIEW", patientId: "p1", outcome: "DENIED" },
      from: "CLINICIAN",
      to: "ADMIN",
      q: "novak",
      wasEnabled: true,
      redFlags: ["IMPAIRED_CONSCIOUSNESS"],
      clinics: ["c1", "c2"],
      format: "SI",
      broken: null,
    });
    const refs = { patients: new Map([["p1", "Novak, Anna, MRN 1"]]), clinics: new Map([["c1", "North"]]) };
    expect(describeAuditDetails(json, refs)).toEqual([
      { label: "Reason", value: "Wrong password" },
      {
        label: "Filters",
        value: [
          { label: "Action", value: "Viewed patient" },
          { label: "Patient", value: "Novak, Anna, MRN 1" },
          { label: "Outcome", value: "Refused" },
        ],
      },
      { label: "From", value: "Clinician" },
      { label: "To", value: "Administrator" },
      { label: "Search", value: "novak" },
      { label: "Two-factor sign-in was on", value: "Yes" },
      { label: "Red flags", value: "Impaired consciousness" },
      { label: "Clinics", value: "North, c2" },
      { label: "Format", value: "SI" },
      { label: "Broken", value: "none" },
    ]);
  });

  it("finds the ids the details name, by kind", () => {
    const json = JSON.stringify({ filters: { patientId: "p1", user: "u@x" }, userId: "u1", ownerId: "u2", clinicId: "c1", clinics: ["c2"] });
    expect(detailReferenceIds(json)).toEqual({ patients: ["p1"], users: ["u1", "u2"], clinics: ["c1", "c2"] });
    expect(detailReferenceIds("not json")).toEqual({ patients: [], users: [], clinics: [] });
  });

  it("keeps details that are not an object readable", () => {
    expect(describeAuditDetails("not json")).toEqual([{ label: "Details", value: "not json" }]);
    expect(describeAuditDetails("{}")).toEqual([]);
  });
});
