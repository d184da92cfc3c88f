/**
 * Reads the batches of a long export through a database connection of its own, with the bare
 * driver (better-sqlite3 or pg) instead of the Prisma client.
 *
 * Only for exports of up to millions of rows, after the caller has checked the scope and written
 * the audit row through the Prisma client (lib/features/exports/data.ts). At that length the client's
 * per-row work dominates: the bare driver gives about a third more rows per second and about
 * half the peak memory (BENCHMARKS.md, "Performance"). The statements are the same; each batch
 * is one statement (its own short read, as before), and the connection closes when the export
 * ends or its reader goes away.
 */
import "server-only";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind, DEFAULT_DATABASE_URL, sqlitePath, type DatabaseKind } from "@/lib/server/db-adapter";

/** A statement's text per dialect comes from one builder: `v(x)` appends a value and gives its placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(readonly kind: DatabaseKind) {}
  v(x: unknown): string {
    // The text Prisma's SQLite adapter stores for a DateTime, so comparisons in SQL hold.
    this.values.push(this.kind === "sqlite" && x instanceof Date ? x.toISOString().replace("Z", "+00:00") : x);
    return this.kind === "sqlite" ? "?" : `$${this.values.length}`;
  }
}

export interface BatchReader {
  kind: DatabaseKind;
  /**
   * Runs one statement, built by `build` with its values bound through `p.v(...)`, and hands each
   * row to `onRow` as it is read: an array of the selected values in the statement's order. No
   * batch of rows is held (each row can be let go as soon as it is written). Instants come as the
   * database's text (SQLite: as stored; PostgreSQL: a timestamptz printed in UTC), to be read by
   * `instantMs` (lib/core/local-time.ts) and bound again as they are; flags as SQLite's 0/1 or
   * booleans. Rejects with the first error `onRow` throws, after the statement has ended.
   */
  each(build: (p: SqlParams) => string, onRow: (row: unknown[]) => void): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL's timestamp and timestamptz types: left as text (a Date per row costs more than the rest of the row). */
const PG_INSTANT_TYPES = new Set([1114, 1184]);

export async function openBatchReader(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<BatchReader> {
  const kind = databaseKind(url);
  if (kind === "sqlite") {
    const conn = new Database(sqlitePath(url), { readonly: true, fileMustExist: true, timeout: 10_000 });
    // A forward scan gains nothing from better-sqlite3's 16 MB page cache; 2 MB keeps the
    // patients' pages (the join) and leaves the rest of the memory to the app.
    conn.pragma("cache_size = -2000");
    const statements = new Map<string, Database.Statement>();
    return {
      kind,
      each: async (build, onRow) => {
        const p = new SqlParams(kind);
        const text = build(p);
        let st = statements.get(text);
        // Rows as arrays: better-sqlite3's row objects cost about as much as reading the rows
        // (7.6 against 15.9 s of CPU for a million episodes, measured).
        if (!st) statements.set(text, (st = conn.prepare(text).raw(true)));
        // Stepped to the end here, synchronously: the read is over when this returns.
        for (const row of st.iterate(...p.values) as IterableIterator<unknown[]>) onRow(row);
      },
      close: async () => void conn.close(),
    };
  }
  const client = new pg.Client({
    connectionString: url,
    types: { getTypeParser: ((oid: number, format?: string) => (PG_INSTANT_TYPES.has(oid) ? (text: string) => text : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
  });
  await client.connect();
  // Instants printed in UTC whatever the server's zone (the text is read as it is).
  await client.query("SET TIME ZONE 'UTC'");
  return {
    kind,
    each: (build, onRow) =>
      new Promise<void>((resolve, reject) => {
        const p = new SqlParams(kind);
        // Rows as arrays (pg's own row objects cost more than half the export's time: 103,000
        // against 64,000 rows per CPU-second, measured), each handed on as it is parsed: with a
        // row listener pg keeps no result rows. Left in pg's result, nearly every row read was
        // promoted to the old generation (473 MB over a million rows, against 9 MB when taken off
        // the result at once; bare reads, --trace-gc-nvp), which is what filled PostgreSQL's
        // export with 60 to 80 MB of old generation before each full collection.
        const config: pg.QueryArrayConfig = { text: build(p), values: p.values, rowMode: "array" };
        const query = new pg.Query(config);
        let failed: { error: unknown } | null = null;
        query.on("row", (row: unknown[]) => {
          // A throw here would unwind into pg's socket handler: kept until the statement ends.
          if (failed) return;
          try {
            onRow(row);
          } catch (error) {
            failed = { error };
          }
        });
        query.on("error", reject);
        query.on("end", () => (failed ? reject(failed.error) : resolve()));
        client.query(query);
      }),
    close: () => client.end(),
  };
}
