import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { derivePostgresSchema } from "../../lib/ops/migrations/pg-schema";
import { runPrisma } from "../../lib/ops/migrations/prisma-cli";
import { listMigrations, migrateDatabase } from "../../lib/ops/migrations/runner";

const sqliteSchema = fs.readFileSync("prisma/schema.prisma", "utf8");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "schema-drift-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("derivePostgresSchema", () => {
  it("matches the checked-in prisma/postgresql/schema.prisma (run `npm run db:pg-schema`)", () => {
    expect(fs.readFileSync("prisma/postgresql/schema.prisma", "utf8")).toBe(derivePostgresSchema(sqliteSchema));
  });

  it("switches the provider and stores every DateTime with its zone", () => {
    const out = derivePostgresSchema(
      [
        "// source comment",
        'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}',
        "model A {",
        "  id  Int       @id",
        "  at  DateTime  @default(now()) // when",
        "  end DateTime?",
        "  note String // DateTime in a comment",
        "}",
      ].join("\n"),
    );
    expect(out).toMatch(/^\/\/ GENERATED FILE: do not edit\. Regenerate with `npm run db:pg-schema`/);
    expect(out).not.toContain("source comment");
    expect(out).toContain('provider = "postgresql"');
    expect(out).toContain('url      = "postgresql://localhost:5432/clinic"');
    expect(out).toContain("  at  DateTime  @default(now()) @db.Timestamptz(3) // when");
    expect(out).toContain("  end DateTime? @db.Timestamptz(3)\n");
    expect(out).toContain("  note String // DateTime in a comment\n");
  });

  it("refuses a schema that is not SQLite", () => {
    expect(() => derivePostgresSchema(derivePostgresSchema(sqliteSchema))).toThrow(/not sqlite/);
  });
});

describe("migrations", () => {
  it("hold the same migration names for both providers", () => {
    const sqlite = listMigrations("sqlite").map((m) => m.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(listMigrations("postgresql").map((m) => m.name)).toEqual(sqlite);
    for (const name of sqlite) expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/);
    for (const kind of ["sqlite", "postgresql"]) {
      expect(fs.readFileSync(`prisma/migrations/${kind}/migration_lock.toml`, "utf8")).toContain(`provider = "${kind}"`);
    }
  });

  // `migrate diff --from-migrations` needs a shadow database, which Prisma's driver-adapter mode
  // cannot provide here; so apply the migrations with our runner to a temp file, introspect it
  // with `prisma db pull` and diff that against the schema. A schema change without a migration
  // makes the diff non-empty.
  it("applied in order, SQLite migrations produce exactly prisma/schema.prisma (`npm run db:diff -- <name>`)", async () => {
    const dbFile = path.join(tmp, "migrated.db");
    await migrateDatabase(`file:${dbFile}`);
    const pulled = path.join(tmp, "pulled.prisma");
    fs.writeFileSync(pulled, 'datasource db {\n  provider = "sqlite"\n  url      = "file:./unused.db"\n}\n');
    const pull = runPrisma(["db", "pull", "--schema", pulled], { DATABASE_URL: `file:${dbFile}` });
    expect(pull.status, pull.stderr).toBe(0);
    expect(fs.readFileSync(pulled, "utf8")).toContain('model AuditEvent');

    const diff = (to: string) =>
      runPrisma(["migrate", "diff", "--from-schema-datamodel", pulled, "--to-schema-datamodel", to, "--exit-code"]);
    const current = diff("prisma/schema.prisma");
    expect(current.status, `schema change without a migration:\n${current.stdout}${current.stderr}`).toBe(0);

    // The same check must fail for a schema with one more column than the migrations create.
    const changed = path.join(tmp, "changed.prisma");
    fs.writeFileSync(changed, sqliteSchema.replace(/^model Patient \{\n/m, "model Patient {\n  driftProbe String?\n"));
    const probe = diff(changed);
    expect(probe.status, probe.stderr).toBe(2);
    expect(probe.stdout).toContain("driftProbe");
  }, 60_000);
});
