/**
 * `npm test`: unit tests, then the same integration suite on SQLite and on PostgreSQL
 * (127.0.0.1:5432, or TEST_PG_ADMIN_URL), each test file in a fresh database of its own.
 * Ends with one "N passed, N failed" line over all runs.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const runs: { label: string; args: string[]; env?: Record<string, string> }[] = [
  { label: "unit", args: ["--project", "unit"] },
  { label: "integration (SQLite)", args: ["--project", "integration"], env: { TEST_DB: "sqlite" } },
  { label: "integration (PostgreSQL)", args: ["--project", "integration"], env: { TEST_DB: "postgresql" } },
];

// The PDF tests render every page with poppler's pdftoppm and read it back with pdftotext.
const missingTools = ["pdftoppm", "pdftotext"].filter((tool) => spawnSync(tool, ["-v"], { stdio: "ignore" }).error);
if (missingTools.length) {
  console.error(`npm test needs ${missingTools.join(" and ")} (Debian: apt-get install -y poppler-utils).`);
  process.exit(1);
}

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "cramp-vitest-"));
const failedRuns: string[] = [];
let passed = 0;
let failed = 0;
let skipped = 0;
runs.forEach((run, i) => {
  console.log(`\n=== ${run.label} ===`);
  const report = path.join(reportDir, `run-${i}.json`);
  const result = spawnSync(
    "npx",
    ["vitest", "run", ...run.args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
    { stdio: "inherit", env: { ...process.env, ...run.env } },
  );
  if (result.status !== 0) failedRuns.push(run.label);
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else {
    if (!failedRuns.includes(run.label)) failedRuns.push(run.label);
  }
});
fs.rmSync(reportDir, { recursive: true, force: true });
if (failedRuns.length) console.log(`\nFailed runs: ${failedRuns.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedRuns.length || failed ? 1 : 0);
