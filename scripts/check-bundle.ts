/**
 * `npm run check:bundle [-- --budget 200] [-- --dir .next] [-- --json <file>]`
 *
 * Fails (exit 1) when the first-load JavaScript of any page route is over the budget (kB of
 * gzip, 1 kB = 1,000 bytes), naming each such route; prints every route's size either way. Run it
 * after `npm run build`.
 *
 * Where Next 16 (Turbopack) records what a route loads first, read from the build output:
 * - .next/server/app/<route>/page_client-reference-manifest.js sets
 *   globalThis.__RSC_MANIFEST["/<route>/page"]; its `entryJSFiles` lists, for every segment of the
 *   route's tree (root layout, error and not-found boundaries, the page), the client chunks the
 *   browser loads for it before the page is interactive;
 * - .next/server/app/<route>/page/build-manifest.json `rootMainFiles`: the framework runtime
 *   every page loads (React, the router). Polyfills load only in browsers without modules and
 *   are left out, as Next itself does.
 * The route's first-load JS is the union of those files, each gzipped (zlib, level 9) and summed.
 * Chunks loaded later (next/dynamic, import()) are not in entryJSFiles and do not count.
 *
 * It also says which routes load chart code (recharts) or PDF code (pdfkit) up front, found by
 * their own strings in the chunk text, so "charts and PDF only where used" can be checked at a
 * glance; PDF code in any browser chunk fails the check (the PDFs are made on the server).
 */
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};

const BUDGET_KB = Number(opt("budget", "200"));
const DIST = path.resolve(opt("dir", ".next"));
const APP = path.join(DIST, "server", "app");

// Strings only the libraries' own code contains (class names they set at run time, PDF syntax).
const MARKERS = { charts: ["recharts-surface", "recharts-wrapper"], pdf: ["%PDF-", "PDFDocument"] } as const;

interface RouteSize {
  route: string;
  files: number;
  gzipBytes: number;
  rawBytes: number;
  charts: boolean;
  pdf: boolean;
}

function manifests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...manifests(p));
    else if (e.name === "page_client-reference-manifest.js") out.push(p);
  }
  return out;
}

/** Runs the manifest script in a sandbox and returns what it assigns. */
function readManifest(file: string): { route: string; entryJSFiles: Record<string, string[]> } {
  const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
  const entries = Object.entries(sandbox.__RSC_MANIFEST ?? {});
  if (entries.length !== 1) throw new Error(`${file}: expected one route in __RSC_MANIFEST, found ${entries.length}`);
  const [key, m] = entries[0];
  return { route: key.replace(/\/page$/, "") || "/", entryJSFiles: m.entryJSFiles ?? {} };
}

function rootMainFiles(manifestFile: string): string[] {
  const own = path.join(path.dirname(manifestFile), "page", "build-manifest.json");
  const file = fs.existsSync(own) ? own : path.join(DIST, "build-manifest.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { rootMainFiles?: string[] }).rootMainFiles ?? [];
}

const fileCache = new Map<string, { gzip: number; raw: number; charts: boolean; pdf: boolean }>();
function measure(rel: string) {
  let hit = fileCache.get(rel);
  if (!hit) {
    const full = path.join(DIST, rel.replace(/^\/?_next\//, ""));
    const bytes = fs.readFileSync(full);
    const text = bytes.toString("utf8");
    hit = {
      gzip: zlib.gzipSync(bytes, { level: 9 }).length,
      raw: bytes.length,
      charts: MARKERS.charts.some((m) => text.includes(m)),
      pdf: MARKERS.pdf.some((m) => text.includes(m)),
    };
    fileCache.set(rel, hit);
  }
  return hit;
}

function main() {
  if (!fs.existsSync(path.join(DIST, "BUILD_ID"))) {
    console.error(`No build in ${DIST}: run npm run build first.`);
    process.exit(2);
  }
  const sizes: RouteSize[] = [];
  for (const file of manifests(APP)) {
    const { route, entryJSFiles } = readManifest(file);
    const files = new Set([...rootMainFiles(file), ...Object.values(entryJSFiles).flat()]);
    const m = [...files].map(measure);
    sizes.push({
      route,
      files: files.size,
      gzipBytes: m.reduce((s, x) => s + x.gzip, 0),
      rawBytes: m.reduce((s, x) => s + x.raw, 0),
      charts: m.some((x) => x.charts),
      pdf: m.some((x) => x.pdf),
    });
  }
  if (sizes.length === 0) {
    console.error(`No page_client-reference-manifest.js under ${APP}: is this a Next 16 build?`);
    process.exit(2);
  }
  sizes.sort((a, b) => b.gzipBytes - a.gzipBytes || a.route.localeCompare(b.route));
  const kb = (b: number) => (b / 1000).toFixed(1);
  console.log(`First-load JavaScript per route (gzip level 9; budget ${BUDGET_KB} kB), from ${path.relative(process.cwd(), DIST) || "."}:\n`);
  console.log("| route | files | gzip kB | raw kB | charts | PDF | within budget |");
  console.log("|---|---:|---:|---:|:---:|:---:|:---:|");
  for (const s of sizes)
    console.log(`| ${s.route} | ${s.files} | ${kb(s.gzipBytes)} | ${kb(s.rawBytes)} | ${s.charts ? "yes" : ""} | ${s.pdf ? "yes" : ""} | ${s.gzipBytes <= BUDGET_KB * 1000 ? "yes" : "**no**"} |`);
  const json = opt("json", "");
  if (json) fs.writeFileSync(json, JSON.stringify({ budgetKb: BUDGET_KB, routes: sizes }, null, 2));
  const over = sizes.filter((s) => s.gzipBytes > BUDGET_KB * 1000);
  const pdf = sizes.filter((s) => s.pdf);
  if (over.length || pdf.length) {
    console.error("");
    for (const s of over) console.error(`Over budget: ${s.route} loads ${kb(s.gzipBytes)} kB of JavaScript (gzip) first; the budget is ${BUDGET_KB} kB.`);
    for (const s of pdf) console.error(`PDF code in the browser: ${s.route} loads pdfkit; PDFs are made on the server.`);
    process.exit(1);
  }
  console.log(`\nEvery route is within ${BUDGET_KB} kB.`);
}

main();
