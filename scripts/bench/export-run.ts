/**
 * Runs scripts/bench/export-child.ts in a process of its own and returns its result.
 *
 * The child runs as compiled JavaScript, as the export does in the built server: bundled by
 * esbuild (tsx's own compiler) into tmp/bench/, packages left external. Under tsx the process
 * would carry the TypeScript loader's memory as well (about 30 MB more).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ExportResult } from "./export-child";

export type { ExportResult };

let bundled: string | null = null;

/**
 * Bundles the child and, beside it, the export's worker thread (lib/data/export-worker.ts): the
 * built server's bundler compiles `new Worker(new URL("./export-worker.ts", import.meta.url))` to
 * the worker's own bundle, and so does this (esbuild leaves the URL alone, so it is pointed at the
 * compiled file here).
 */
async function childEntry(): Promise<string> {
  if (bundled) return bundled;
  const { build } = await import("esbuild");
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, "..", "..");
  const outdir = path.join(root, "tmp", "bench");
  await build({
    entryPoints: { "export-child": path.join(here, "export-child.ts"), "export-worker": path.join(root, "lib", "data", "export-worker.ts") },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    alias: { "@": root },
    plugins: [
      {
        name: "export-worker-url",
        setup(b) {
          b.onLoad({ filter: /lib[\\/]data[\\/]export-thread\.ts$/ }, async (args) => ({
            contents: (await fs.promises.readFile(args.path, "utf8")).replace('"./export-worker.ts"', '"./export-worker.mjs"'),
            loader: "ts",
            resolveDir: path.dirname(args.path),
          }));
        },
      },
    ],
  });
  return (bundled = path.join(outdir, "export-child.mjs"));
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
  const args = [...(opts.nodeArgs ?? []), await childEntry(), "--mode", opts.mode, "--out", opts.out ?? "/dev/null", ...(opts.batch ? ["--batch", String(opts.batch)] : [])];
  const child = spawnSync(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: opts.url, BENCH_CLINIC_IDS: opts.clinicIds.join(","), NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (child.status !== 0 || !line) throw new Error(`export child failed (${child.status}):\n${child.stderr}\n${child.stdout}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as ExportResult;
}
