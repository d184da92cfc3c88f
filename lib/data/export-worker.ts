/**
 * The episodes CSV export's worker thread (started by ./export-thread.ts): reads the batches,
 * writes the CSV and hands each batch's text to the main thread, one batch ahead at most.
 *
 * Messages in: "more" (the main thread passed a batch on: one more may be sent), "stop" (the
 * download was cancelled). Out: { chunk } (a batch's text), then { done }.
 * An error ends the thread, and the main thread sees it as the worker's "error" event.
 */
import { parentPort, workerData } from "node:worker_threads";
import { episodeCsvText, type EpisodeCsvJob } from "./episode-csv";

export type ExportWorkerMessage = { chunk: string } | { done: true };

const port = parentPort!;
let credit = 1;
let stopped = false;
let wake: (() => void) | null = null;
port.on("message", (m: "more" | "stop") => {
  if (m === "stop") stopped = true;
  else credit += 1;
  wake?.();
  wake = null;
});

async function run() {
  for await (const text of episodeCsvText(workerData as EpisodeCsvJob)) {
    while (credit === 0 && !stopped) await new Promise<void>((resolve) => (wake = resolve));
    if (stopped) break;
    credit -= 1;
    port.postMessage({ chunk: text } satisfies ExportWorkerMessage);
  }
  if (!stopped) port.postMessage({ done: true } satisfies ExportWorkerMessage);
  port.close();
}

// Thrown outside the promise, so the thread ends with the error and the main thread gets it.
run().catch((error: unknown) =>
  setImmediate(() => {
    throw error;
  }),
);
