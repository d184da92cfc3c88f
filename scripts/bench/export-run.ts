/**
 * Runs scripts/bench/export-child.ts in a process of its own and returns its result.
 *
 * The child runs as compiled JavaScript, as the export does in the built server: bundled by
 * esbuild (tsx's own compiler) into tmp/bench/, packages left external. Under tsx the process
 * would carry the TypeScript loader's memory as well (about 30 MB more).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ExportResult } from "./export-child";

export type { ExportResult };

let bundled: string | null = null;

async function childEntry(): Promise<string> {
  if (bundled) return bundled;
  const { build } = await import("esbuild");
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = path.resolve(here, "..", "..", "tmp", "bench", "export-child.mjs");
  await build({
    entryPoints: [path.join(here, "export-child.ts")],
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    alias: { "@": path.resolve(here, "..", "..") },
  });
  return (bundled = out);
}

export interface ExportRunOptions {
  url: string;
  clinicIds: string[];
  mode: "app" | "floor";
  batch?: number;
  out?: string;
  /** Extra node flags for the child, e.g. ["--max-semi-space-size=2"]. */
  nodeArgs?: string[];
}

export async function runExport(opts: ExportRunOptions): Promise<ExportResult> {
  // The app modules it bundles import "server-only": resolved as on the server (its empty entry).
  const args = ["--conditions=react-server", ...(opts.nodeArgs ?? []), await childEntry(), "--mode", opts.mode, "--out", opts.out ?? "/dev/null", ...(opts.batch ? ["--batch", String(opts.batch)] : [])];
  const child = spawnSync(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: opts.url, BENCH_CLINIC_IDS: opts.clinicIds.join(","), NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (child.status !== 0 || !line) throw new Error(`export child failed (${child.status}):\n${child.stderr}\n${child.stdout}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as ExportResult;
}
