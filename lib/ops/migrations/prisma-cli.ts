// Runs the project's Prisma CLI from the project root: it must find prisma.config.ts there,
// otherwise it tries to download a native engine (see ../../../shared/stack.md).
import { spawnSync } from "node:child_process";
import path from "node:path";

export type CliResult = { status: number; stdout: string; stderr: string };

export function runPrisma(args: string[], env: Record<string, string> = {}, cwd = process.cwd()): CliResult {
  const cli = path.join(cwd, "node_modules", "prisma", "build", "index.js");
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `prisma migrate diff` between two datamodels as a SQL script; `empty` when nothing changed.
 * `from` null means the empty schema.
 */
export function diffScript(from: string | null, to: string): { sql: string; empty: boolean } {
  const fromArgs = from === null ? ["--from-empty"] : ["--from-schema-datamodel", from];
  const r = runPrisma(["migrate", "diff", ...fromArgs, "--to-schema-datamodel", to, "--script", "--exit-code"]);
  // --exit-code: 0 = no difference, 2 = difference, anything else = error.
  if (r.status !== 0 && r.status !== 2) throw new Error(`prisma migrate diff failed:\n${r.stderr}${r.stdout}`);
  return { sql: r.stdout, empty: r.status === 0 };
}
