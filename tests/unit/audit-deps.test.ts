import { describe, expect, it } from "vitest";
import { judgeAudit } from "../../scripts/audit-deps";

// What npm 11 prints with --json when the registry (or a mirror) refuses the advisory POST.
const UNREACHABLE = JSON.stringify({
  message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  method: "POST",
  uri: "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  headers: { allow: ["GET,HEAD"] },
  statusCode: 405,
  body: "",
  error: { summary: "", detail: "" },
});

const report = (counts: Record<string, number>, vulnerabilities: Record<string, unknown> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }, dependencies: { prod: 120, total: 120 } },
  });

describe("npm audit verdict for CI", () => {
  it("passes a clean report, and one with only moderate or low advisories", () => {
    expect(judgeAudit(report({}), 0)).toMatchObject({ kind: "clean" });
    expect(judgeAudit(report({ moderate: 2, low: 1 }), 1)).toEqual({ kind: "clean", summary: "0 critical, 0 high, 2 moderate, 1 low, 0 info" });
  });

  it("fails on high or critical, naming the package and the advisory", () => {
    const verdict = judgeAudit(
      report(
        { critical: 1, moderate: 1 },
        {
          next: {
            name: "next",
            severity: "critical",
            range: "15.0.0 - 15.2.2",
            via: [{ title: "Authorization Bypass in Next.js Middleware", url: "https://github.com/advisories/GHSA-f82v-jwr5-mffw" }],
            fixAvailable: { name: "next", version: "15.2.4" },
          },
          other: { name: "other", severity: "moderate", via: ["x"] },
        },
      ),
      1,
    );
    expect(verdict).toEqual({
      kind: "findings",
      summary: "1 critical, 0 high, 1 moderate, 0 low, 0 info",
      lines: ["critical next 15.0.0 - 15.2.2 — Authorization Bypass in Next.js Middleware https://github.com/advisories/GHSA-f82v-jwr5-mffw (fix available)"],
    });
  });

  it("tells an unreachable audit service apart from a finding", () => {
    expect(judgeAudit(UNREACHABLE, 1)).toEqual({ kind: "unreachable", reason: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk" });
    expect(judgeAudit(JSON.stringify({ error: { code: "ENOTFOUND", summary: "getaddrinfo ENOTFOUND registry.npmjs.org" } }), 1)).toMatchObject({ kind: "unreachable" });
  });

  it("does not pass output it cannot read", () => {
    expect(judgeAudit("npm ERR! something else", 1)).toMatchObject({ kind: "broken" });
    expect(judgeAudit(JSON.stringify({ error: { code: "ELOCKVERIFY", summary: "lockfile out of date" } }), 1)).toMatchObject({ kind: "broken" });
  });
});
