/**
 * `npm run audit:deps`: `npm audit --omit=dev` for the production dependencies, as CI runs it.
 *
 * Fails (exit 1) on any advisory of severity high or critical. When the registry's audit service
 * cannot be reached — no network, or a registry mirror that only serves GET (the advisory check
 * is a POST) — it says so plainly and passes: no answer is not a finding, and the build should not
 * depend on that service being up. Set AUDIT_REQUIRED=1 to fail in that case too.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export type AuditVerdict =
  | { kind: "clean"; summary: string }
  | { kind: "findings"; summary: string; lines: string[] }
  | { kind: "unreachable"; reason: string }
  | { kind: "broken"; reason: string };

const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED", "EPROTO"]);
const BLOCKING = new Set(["high", "critical"]);

interface AuditJson {
  message?: string;
  statusCode?: number;
  code?: string;
  uri?: string;
  error?: { code?: string; summary?: string; detail?: string } | string;
  vulnerabilities?: Record<string, { name?: string; severity?: string; range?: string; fixAvailable?: unknown; via?: (string | { title?: string; url?: string })[] }>;
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: { prod?: number; total?: number } };
}

/** Reads `npm audit --json` output (and its exit status) into a verdict. */
export function judgeAudit(stdout: string, status: number | null): AuditVerdict {
  let report: AuditJson;
  try {
    report = JSON.parse(stdout) as AuditJson;
  } catch {
    return { kind: "broken", reason: `npm audit printed no JSON (exit ${status}): ${stdout.slice(0, 300)}` };
  }
  if (report.metadata?.vulnerabilities) {
    const counts = report.metadata.vulnerabilities;
    const summary = ["critical", "high", "moderate", "low", "info"].map((s) => `${counts[s] ?? 0} ${s}`).join(", ");
    const lines = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => BLOCKING.has(v.severity ?? ""))
      .map(([name, v]) => {
        const titles = (v.via ?? []).map((x) => (typeof x === "string" ? `via ${x}` : `${x.title ?? ""} ${x.url ?? ""}`.trim()));
        const fix = v.fixAvailable === false ? "no fix available" : v.fixAvailable ? "fix available" : "";
        return `${v.severity} ${name} ${v.range ?? ""} — ${titles.join("; ")}${fix ? ` (${fix})` : ""}`;
      });
    const blocking = (counts.high ?? 0) + (counts.critical ?? 0);
    return blocking > 0 ? { kind: "findings", summary, lines } : { kind: "clean", summary };
  }
  const code = report.code ?? (typeof report.error === "object" ? report.error?.code : undefined) ?? "";
  // The audit endpoint answered with an HTTP error, or could not be reached at all.
  if (typeof report.statusCode === "number" || NETWORK_CODES.has(code) || /^E\d{3}$/.test(code)) {
    return { kind: "unreachable", reason: report.message ?? `${code} ${report.uri ?? ""}`.trim() };
  }
  return { kind: "broken", reason: `unexpected npm audit output (exit ${status}): ${stdout.slice(0, 300)}` };
}

function main(): number {
  const run = spawnSync("npm", ["audit", "--omit=dev", "--audit-level=high", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const verdict = judgeAudit(run.stdout ?? "", run.status);
  switch (verdict.kind) {
    case "clean":
      console.log(`npm audit (production dependencies): nothing high or critical (${verdict.summary}).`);
      return 0;
    case "findings":
      console.error(`npm audit (production dependencies): ${verdict.summary}. High or critical:`);
      for (const line of verdict.lines) console.error(`  ${line}`);
      console.error("Upgrade the affected packages (npm audit fix --omit=dev, or a newer version within the stack's pins).");
      return 1;
    case "unreachable":
      if (process.env.AUDIT_REQUIRED === "1") {
        console.error(`npm audit: the registry's audit service could not be reached (${verdict.reason}), and AUDIT_REQUIRED=1.`);
        return 1;
      }
      console.log("WARNING: npm audit NOT PERFORMED: the registry's audit service could not be reached from this machine");
      console.log(`  (${verdict.reason}).`);
      console.log("  The build continues; run `npm run audit:deps` where the registry's audit endpoint is reachable.");
      return 0;
    case "broken":
      console.error(`npm audit failed: ${verdict.reason}`);
      if (run.stderr) console.error(run.stderr.slice(0, 2000));
      return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main());
