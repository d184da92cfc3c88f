// Prisma has one provider per schema, so the PostgreSQL schema is derived from the SQLite source
// (prisma/schema.prisma) instead of being maintained by hand. Pure: text in, text out.

export const PG_SCHEMA_HEADER = [
  "// GENERATED FILE: do not edit. Regenerate with `npm run db:pg-schema`.",
  "// Derived from prisma/schema.prisma (the SQLite source schema) by lib/migrations/pg-schema.ts;",
  "// used only for `prisma migrate diff` to write PostgreSQL migrations.",
].join("\n");

// Any syntactically valid URL: when Prisma cannot parse the schema's config it falls back to
// downloading a native engine, which fails here. Real connections take DATABASE_URL instead.
const PG_DATASOURCE = (name: string) =>
  `datasource ${name} {\n  provider = "postgresql"\n  url      = "postgresql://localhost:5432/clinic"\n}`;

// Store instants with their zone: a plain `timestamp` is read back in the server's zone.
const DATETIME_NATIVE_TYPE = "@db.Timestamptz(3)";

export function derivePostgresSchema(sqliteSchemaText: string): string {
  const text = sqliteSchemaText.replace(/\r\n/g, "\n");

  const datasources = [...text.matchAll(/^datasource\s+(\w+)\s*\{[^}]*\}/gm)];
  if (datasources.length !== 1) throw new Error(`expected one datasource block, found ${datasources.length}`);
  const [block, name] = datasources[0];
  if (!/provider\s*=\s*"sqlite"/.test(block)) throw new Error("source schema's datasource is not sqlite");

  // The source's leading comment describes the SQLite file; replace it with the generated header.
  const body = text.replace(/^(\s*\/\/.*\n)*\s*/, "").replace(block, PG_DATASOURCE(name));
  // The PostgreSQL client is generated beside the SQLite one; lib/db.ts picks one by DATABASE_URL.
  const withOutput = body.replace(/^(\s*output\s*=\s*)"[^"]*"/m, '$1"../../generated/postgresql"');
  const lines = withOutput.split("\n").map(addTimestamptz);
  return `${PG_SCHEMA_HEADER}\n\n${lines.join("\n").trimEnd()}\n`;
}

/** `at DateTime @default(now()) // c` -> `at DateTime @default(now()) @db.Timestamptz(3) // c` */
function addTimestamptz(line: string): string {
  if (!/^\s+\w+\s+DateTime\??(\s|$)/.test(line) || line.includes("@db.")) return line;
  const comment = line.indexOf("//");
  const code = comment === -1 ? line : line.slice(0, comment);
  const rest = comment === -1 ? "" : " " + line.slice(comment);
  return `${code.trimEnd()} ${DATETIME_NATIVE_TYPE}${rest}`;
}
