// `npm run db:pg-schema`: regenerates prisma/postgresql/schema.prisma from prisma/schema.prisma.
import fs from "node:fs";
import path from "node:path";
import { derivePostgresSchema } from "../lib/ops/migrations/pg-schema";

const SQLITE_SCHEMA = path.join("prisma", "schema.prisma");
const PG_SCHEMA = path.join("prisma", "postgresql", "schema.prisma");

const out = derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
fs.mkdirSync(path.dirname(PG_SCHEMA), { recursive: true });
fs.writeFileSync(PG_SCHEMA, out);
console.log(`wrote ${PG_SCHEMA}`);
