import { db } from "@/lib/server/db";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { DEFAULT_MIGRATIONS_ROOT, listMigrations, type Migration } from "@/lib/ops/migrations/runner";

/**
 * Readiness for load balancers and monitoring (GET /api/ready): the database takes a query, and
 * every migration in the app's migrations folder is applied and none failed. Answers with a
 * reason word only: no versions, no names of migrations, no data.
 */
export type Readiness = { ready: true } | { ready: false; reason: "database" | "migrations" };

/** A probe that hangs is as bad as one that fails: the load balancer must hear back in time. */
const PROBE_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Answers whether the database takes a query. */
export async function databaseReachable(timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  try {
    await withTimeout(db.$queryRawUnsafe("SELECT 1"), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

// The folder ships with the app and does not change while it runs: read (and hashed) once.
const localMigrations = new Map<string, Migration[]>();
function migrationsIn(root: string): Migration[] {
  const kind = currentDatabaseKind();
  const key = `${kind}:${root}`;
  let list = localMigrations.get(key);
  if (!list) {
    list = listMigrations(kind, root);
    localMigrations.set(key, list);
  }
  return list;
}

type Row = { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown };

/**
 * True when each local migration has a finished, not rolled back row with the file's checksum,
 * and no row is left started but unfinished (a failed `prisma migrate` run). Rows of
 * migrations this build does not know (a newer release migrated the database) do not count
 * against it, as the migration runner only warns about them.
 */
export function migrationsCurrent(local: Migration[], rows: Row[]): boolean {
  const live = rows.filter((r) => r.rolled_back_at == null);
  if (live.some((r) => r.finished_at == null)) return false;
  const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
  return local.every((m) => applied.get(m.name) === m.checksum);
}

export async function readiness(opts: { migrationsRoot?: string; timeoutMs?: number } = {}): Promise<Readiness> {
  const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  if (!(await databaseReachable(timeoutMs))) return { ready: false, reason: "database" };
  let rows: Row[];
  try {
    rows = await withTimeout(
      db.$queryRawUnsafe<Row[]>("SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations"),
      timeoutMs,
    );
  } catch {
    // The database answered SELECT 1 a moment ago: no migrations table means never migrated.
    return { ready: false, reason: "migrations" };
  }
  let local: Migration[];
  try {
    local = migrationsIn(opts.migrationsRoot ?? DEFAULT_MIGRATIONS_ROOT);
  } catch {
    return { ready: false, reason: "migrations" };
  }
  if (local.length === 0 || !migrationsCurrent(local, rows)) return { ready: false, reason: "migrations" };
  return { ready: true };
}
