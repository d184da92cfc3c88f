/**
 * Reads the batches of a long export through a database connection of its own, with the bare
 * driver (better-sqlite3 or pg) instead of the Prisma client.
 *
 * Only for exports of up to millions of rows, after the caller has checked the scope and written
 * the audit row through the Prisma client (lib/data/exports.ts). At that length the client's
 * per-row work dominates: the bare driver gives about a third more rows per second and about
 * half the peak memory (BENCHMARKS.md, "Performance"). The statements are the same; each batch
 * is one statement (its own short read, as before), and the connection closes when the export
 * ends or its reader goes away.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { databaseKind, DEFAULT_DATABASE_URL, sqlitePath, type DatabaseKind } from "@/lib/db-adapter";

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
  /** Rows of one statement, built by `build` with its values bound through `p.v(...)`. */
  all<T>(build: (p: SqlParams) => string): Promise<T[]>;
  close(): Promise<void>;
}

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
      all: async <T>(build: (p: SqlParams) => string) => {
        const p = new SqlParams(kind);
        const text = build(p);
        let st = statements.get(text);
        if (!st) statements.set(text, (st = conn.prepare(text)));
        return st.all(...p.values) as T[];
      },
      close: async () => void conn.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind,
    all: async <T>(build: (p: SqlParams) => string) => {
      const p = new SqlParams(kind);
      const text = build(p);
      // Rows as arrays, made into objects here: pg's own row objects cost more than half the
      // export's time (103,000 against 64,000 rows per CPU-second, measured).
      const res = await client.query({ text, values: p.values, rowMode: "array" });
      const names = res.fields.map((f) => f.name);
      const out: T[] = new Array(res.rows.length);
      for (let i = 0; i < res.rows.length; i++) {
        const a = res.rows[i] as unknown[];
        const o: Record<string, unknown> = {};
        for (let j = 0; j < names.length; j++) o[names[j]] = a[j];
        out[i] = o as T;
      }
      return out;
    },
    close: () => client.end(),
  };
}
