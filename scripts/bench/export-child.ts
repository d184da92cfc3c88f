/**
 * The CSV export measured in a process of its own (started by scripts/bench/export-run.ts), so the
 * peak memory it reports is the export's and not the benchmark's or the bulk insert's.
 *
 *   --mode app    lib/features/exports/data.ts exportEpisodesCsv, read through the same ReadableStream the
 *                 route returns (lib/features/exports/stream.ts byteStream), written to --out;
 *   --mode floor  the same rows through the bare driver (SQLite: one statement, iterated;
 *                 PostgreSQL: keyset batches of --batch rows with a row-value bound, rows as
 *                 arrays, as pg has no cursor without another package), formatted by the same CSV
 *                 writer, written to --out.
 *
 * Env: DATABASE_URL, BENCH_CLINIC_IDS (comma-separated). Prints one line `BENCH_RESULT {json}`.
 */
import fs from "node:fs";

export interface ExportResult {
  mode: "app" | "floor";
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  /** Rows per second of the process's own CPU time (user + system): the rate one free core gives. */
  rowsPerCpuSecond: number;
  peakRssMb: number;
  /** RSS of the fresh process, and before the export (app: with the Prisma client warmed up). */
  startRssMb: number;
  baselineRssMb: number;
  /** V8's figures at the peak: where the memory was. */
  atPeakMb: { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main() {
  const mode = arg("mode", "app") as ExportResult["mode"];
  const out = fs.openSync(arg("out", "/dev/null"), "w");
  const batch = Number(arg("batch", "0")) || undefined;
  const clinicIds = (process.env.BENCH_CLINIC_IDS ?? "").split(",").filter(Boolean);
  const started = process.memoryUsage().rss;
  if (mode === "app") {
    // The app's client as a running server has it: loaded and past its first query (the Prisma
    // query compiler is instantiated then), so "before" is a server's idle state, not a cold start.
    const { db } = await import("../../lib/server/db");
    await db.$queryRawUnsafe("SELECT 1");
  }
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const parts = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peak) {
      peak = m.rss;
      Object.assign(parts, { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
    }
  };
  const sampler = setInterval(sample, 10);
  let bytes = 0;
  let records = 0;
  const write = (chunk: Uint8Array | string) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    bytes += buf.byteLength;
    // Records end in CRLF; a line break inside a quoted note is a lone LF, so CR counts records.
    for (let i = 0; i < buf.length; i++) if (buf[i] === 13) records++;
    fs.writeSync(out, buf);
    sample();
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let expected: number | null = null;
  if (mode === "app") {
    const { exportEpisodesCsv } = await import("../../lib/features/exports/data");
    const { byteStream } = await import("../../lib/features/exports/stream");
    const actor = { userId: "bench-clinician-01", email: "bench-clinician-01@bench.invalid", name: "Bench", role: "CLINICIAN" as const, clinicIds, via: "system" as const, ip: null };
    const exp = await exportEpisodesCsv(actor, {}, batch ? { batchSize: batch } : {});
    expected = exp.rows;
    const reader = byteStream(exp.chunks).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      write(value);
    }
  } else {
    await floorExport(clinicIds, batch ?? 500, write);
  }
  fs.closeSync(out);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const rows = records - 1; // less the header
  if (expected !== null && rows !== expected) throw new Error(`exported ${rows} rows, the audit row says ${expected}`);
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  const result: ExportResult = {
    mode,
    rows,
    bytes,
    seconds,
    rowsPerSecond: Math.round(rows / seconds),
    rowsPerCpuSecond: Math.round(rows / ((cpu.user + cpu.system) / 1e6)),
    peakRssMb: mb(peak),
    startRssMb: mb(started),
    baselineRssMb: mb(baseline),
    atPeakMb: { heapUsed: mb(parts.heapUsed), heapTotal: mb(parts.heapTotal), external: mb(parts.external), arrayBuffers: mb(parts.arrayBuffers) },
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

type Row = Record<string, unknown>;

/** The same rows and bytes as the app's export, through the bare driver. */
async function floorExport(clinicIds: string[], batch: number, write: (chunk: Uint8Array | string) => void): Promise<void> {
  const { EPISODE_CSV_EPISODE_FIELDS, EPISODE_CSV_FIELD, EPISODE_CSV_PATIENT_FIELDS, episodeCsvHeader, episodeCsvRecords } = await import("../../lib/features/exports/columns");
  const { databaseKind, sqlitePath } = await import("../../lib/server/db-adapter");
  // The columns' own fields, in their order: the writer reads rows as these arrays.
  const columns = [...EPISODE_CSV_EPISODE_FIELDS.map((f) => `e."${f}"`), ...EPISODE_CSV_PATIENT_FIELDS.map((f) => `p."${f}"`)].join(", ");
  const url = process.env.DATABASE_URL!;
  const csv = episodeCsvRecords(true);
  const now = new Date();
  write("\uFEFF" + episodeCsvHeader(true));
  if (databaseKind(url) === "sqlite") {
    const { adapterSqlite, sqliteInstant } = await import("./synthetic");
    const Database = adapterSqlite();
    const db = new Database(sqlitePath(url), { readonly: true });
    const zones = db.prepare(`SELECT "id", "timeZone" FROM "Clinic" WHERE "id" IN (${clinicIds.map(() => "?").join(",")}) ORDER BY "id"`).all(...clinicIds) as Row[];
    const st = db
      .prepare(
        `SELECT ${columns} FROM "Episode" e CROSS JOIN "Patient" p
      WHERE p."id" = e."patientId" AND e."clinicId" = ? AND e."deletedAt" IS NULL AND p."deletedAt" IS NULL AND e."createdAt" <= ?
      ORDER BY e."deletedAt", e."occurredAt", e."id"`,
      )
      .raw(true);
    for (const z of zones) {
      let n = 0;
      for (const r of st.iterate(z.id, sqliteInstant(now)) as IterableIterator<unknown[]>) {
        csv.add(r, String(z.timeZone));
        if (++n === batch) {
          write(csv.take());
          n = 0;
        }
      }
      if (n) write(csv.take());
    }
    db.close();
    return;
  }
  const pg = (await import("pg")).default;
  // Instants as text, as the app's reader has them.
  const client = new pg.Client({ connectionString: url, types: { getTypeParser: ((oid: number, format?: string) => (oid === 1184 ? (t: string) => t : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser } });
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  const zones = (await client.query(`SELECT "id", "timeZone" FROM "Clinic" WHERE "id" = ANY($1) ORDER BY "id"`, [clinicIds])).rows as Row[];
  for (const z of zones) {
    let edge: unknown[] | null = null;
    for (;;) {
      const params: unknown[] = [z.id, now, batch];
      if (edge) params.push(edge[EPISODE_CSV_FIELD.occurredAt], edge[EPISODE_CSV_FIELD.id]);
      const res: import("pg").QueryArrayResult = await client.query({
        text: `SELECT ${columns} FROM "Episode" e JOIN "Patient" p ON p."id" = e."patientId"
           WHERE e."clinicId" = $1 AND e."deletedAt" IS NULL AND p."deletedAt" IS NULL AND e."createdAt" <= $2
           ${edge ? `AND (e."occurredAt", e."id") > ($4, $5)` : ""}
           ORDER BY e."deletedAt", e."occurredAt", e."id" LIMIT $3`,
        values: params,
        rowMode: "array",
      });
      // Taken off pg's result (left there, each batch stays reachable until a full collection).
      const rows = res.rows;
      res.rows = [];
      for (const r of rows) csv.add(r, String(z.timeZone));
      if (rows.length) write(csv.take());
      if (rows.length < batch) break;
      edge = rows[rows.length - 1];
    }
  }
  await client.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
