/**
 * How many `next start` workers `npm start` runs (scripts/start.js): one per core on PostgreSQL,
 * or WEB_CONCURRENCY when it is a positive whole number; always one on SQLite (a single writer).
 */
export function workerCount(databaseUrl, webConcurrency, cores) {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl ?? "")) return 1;
  const requested = Number(webConcurrency);
  return webConcurrency && Number.isInteger(requested) && requested > 0 ? requested : cores;
}
