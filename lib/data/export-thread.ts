/**
 * Where an episodes CSV export runs: on PostgreSQL in a worker thread with a heap of its own, on
 * SQLite in the request's own thread.
 *
 * A million-row export allocates gigabytes of short-lived rows and text. pg receives each batch
 * over several socket reads, so its rows outlive two scavenges and V8 promotes about 1.4 MB per
 * scavenge to the server's old generation, which it lets grow to four times the live heap before
 * collecting (peak 195 MB, live heap 20 MB). A worker's heap has limits of its own
 * (`resourceLimits`), so the same garbage is collected there at 24 MB (peak 140 MB, measured).
 * On SQLite (read synchronously) the export promotes next to nothing, and the worker did not lower
 * the peak (172 to 180 MB against 155 to 175 MB in the thread) while costing CPU (strings
 * copied between threads), so it is not used there. Figures: BENCHMARKS.md, "CSV export of every
 * episode of the network".
 */
import { Worker } from "node:worker_threads";
import { databaseKind, DEFAULT_DATABASE_URL, sqlitePath } from "@/lib/db-adapter";
import type { CsvChunk } from "@/lib/export/stream";
import type { BatchSource } from "./export-reader";
import { episodeCsvText, type EpisodeCsvJob } from "./episode-csv";
import type { ExportWorkerMessage } from "./export-worker";

/**
 * The worker's heap, in MB. What is alive there is the modules and one or two batches (under
 * 10 MB). A young generation of 12 MB holds a 500-row batch's garbage (smaller ones promoted
 * every batch and cost twice the CPU in collections); an export that outgrew the limits would
 * fail as a broken download, not harm the server.
 */
export const EXPORT_WORKER_LIMITS = { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 12 };

/** The database of DATABASE_URL, as the worker's reader opens it. */
export function batchSource(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): BatchSource {
  return databaseKind(url) === "sqlite" ? { kind: "sqlite", file: sqlitePath(url) } : { kind: "postgresql", url };
}

function startWorker(job: EpisodeCsvJob): Worker {
  const options = { workerData: job, resourceLimits: EXPORT_WORKER_LIMITS };
  // The built server runs the worker as the bundler compiled it (this exact form is what it looks for).
  if (process.env.NODE_ENV === "production") return new Worker(new URL("./export-worker.ts", import.meta.url), options);
  // From TypeScript source (tests, scripts, next dev) the worker loads its entry through tsx, a
  // development dependency: a worker's own loader flags are not applied to its entry on Node 20.
  const entry = import.meta.url.replace(/export-thread\.ts$/, "export-worker.ts");
  const boot = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { ...options, eval: true });
}

/** The export's text, batch by batch, as the reader takes them. */
export function episodeCsvChunks(job: EpisodeCsvJob): AsyncGenerator<CsvChunk, void, undefined> {
  return job.source.kind === "sqlite" ? episodeCsvText(job) : inWorker(job);
}

/**
 * The worker is let send the next batch only when this generator is asked for it, so at most two
 * batches exist at a time. Batches come as text: bytes moved into this thread would be freed only
 * by its garbage collector, which an idle server's thread runs rarely (they piled up to 70 MB).
 */
async function* inWorker(job: EpisodeCsvJob): AsyncGenerator<string, void, undefined> {
  const worker = startWorker(job);
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const inbox: ExportWorkerMessage[] = [];
  let failure: unknown = null;
  let notify: (() => void) | null = null;
  const wake = () => {
    notify?.();
    notify = null;
  };
  worker.on("message", (m: ExportWorkerMessage) => {
    inbox.push(m);
    wake();
  });
  worker.on("error", (error) => {
    failure = error;
    wake();
  });
  // Messages sent before the thread ended are still in the inbox; an end without "done" fails.
  worker.on("exit", (code) => {
    failure ??= new Error(`The export's worker stopped (exit code ${code})`);
    wake();
  });
  try {
    for (;;) {
      while (inbox.length === 0 && failure === null) await new Promise<void>((resolve) => (notify = resolve));
      const m = inbox.shift();
      if (!m) throw failure;
      if ("done" in m) return;
      yield m.chunk;
      worker.postMessage("more");
    }
  } finally {
    // A cancelled download: the worker closes its connection after the batch it is reading.
    worker.postMessage("stop");
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
