/**
 * The patient list that triages (/patients, and the dashboard's "Patients to see first"): each
 * patient's highest red-flag urgency, episodes awaiting review, last episode, episodes in the last
 * 30 days and last visit, sortable and filterable on each, keyset-paged.
 *
 * The columns are the patient's stored attention row (lib/features/attention/data.ts: every patient
 * has one, recomputed when it runs out), so a page reads one index range per sort column instead
 * of every patient's episodes. A page after a cursor is a few index ranges, one per sort key
 * ("same urgency, same review count, later id", then "same urgency, fewer reviews", then "less
 * urgent"), read in that order in index order until the page is full: every page costs what the
 * first one does, whatever the mix of directions, and NULLs (no episode, no visit) sort as the
 * smallest value on both databases.
 */
import "server-only";
import { Prisma } from "@/generated/prisma/client";
import type { Actor } from "@/lib/server/permissions";
import { appendAudit } from "@/lib/server/audit";
import { invalid } from "@/lib/server/errors";
import { LIST_COUNT_CAP, type CappedCount, type Page } from "@/lib/server/pagination";
import { asBool, asDateOrNull, splitList } from "@/lib/server/sql-values";
import { guarded } from "@/lib/server/transaction";
import type { Tx } from "@/lib/server/db";
import { currentDatabaseKind } from "@/lib/server/db-adapter";
import { RED_FLAG_URGENCIES, type RedFlagCode, type RedFlagUrgency } from "@/lib/core/clinical/red-flags";
import { DEFAULT_THRESHOLDS } from "@/lib/core/clinical/thresholds";
import type { Sex } from "@/lib/core/clinical/vocabulary";
import { refreshOutOfDate } from "@/lib/features/attention/data";
import { patientTriageQuerySchema, type PatientTriageQuery, type PatientTriageSort } from "./schema";

const DAY_MS = 24 * 3600 * 1000;
/** The window of the stored episode count and of the sparkline: the red-flag rules' (30 days). */
export const TRIAGE_WINDOW_DAYS = DEFAULT_THRESHOLDS.windowDays;

export interface TriagePatient {
  id: string;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: Sex;
  pregnant: boolean;
  clinicName: string;
  timeZone: string;
  /** The most urgent active red flag's urgency; null without red flags. */
  urgency: RedFlagUrgency | null;
  /** Active red flags, most urgent first. */
  redFlags: RedFlagCode[];
  /** Episodes marked for review, whatever their date. */
  awaitingReview: number;
  lastEpisodeAt: Date | null;
  /** Episodes in the last TRIAGE_WINDOW_DAYS days (up to the read's `asOf`). */
  recentEpisodes: number;
  /** The same episodes per day, oldest first: [0] is 30 to 29 days before `asOf`, the last the 24 hours up to it. */
  daily: number[];
  lastVisitAt: Date | null;
}

export interface TriagePage extends Page<TriagePatient>, CappedCount {
  /** The instant the columns hold at. */
  asOf: Date;
  /** The actor's clinics, for the clinic filter. */
  clinics: { id: string; name: string }[];
}

type Kind = "text" | "int" | "date";
type Dir = "asc" | "desc";
interface Part {
  column: string;
  kind: Kind;
  /** The part's direction when the list is read "asc" (urgency: the least urgent first). */
  asc: Dir;
  nullable?: boolean;
}
interface SortPlan {
  /** The table whose index gives the order: the patient's own, or its stored attention row. */
  source: "patient" | "attention";
  /** Sort keys, the unique id last; only the first may be NULL. */
  parts: Part[];
  /** The index that holds the keys in order (prisma/schema.prisma), the clinic after them (the scope read from the index). */
  index: string;
}

const idOf = (source: SortPlan["source"]): Part => ({
  column: source === "patient" ? `p."id"` : `a."patientId"`,
  kind: "text",
  asc: "asc",
});

/** Each sort, its keys, and the index that holds them in order. */
const SORTS: Record<PatientTriageSort, SortPlan> = {
  name: {
    source: "patient",
    parts: [{ column: `p."searchText"`, kind: "text", asc: "asc" }, idOf("patient")],
    index: "Patient_deletedAt_searchText_id_idx",
  },
  mrn: {
    source: "patient",
    parts: [{ column: `p."mrn"`, kind: "text", asc: "asc" }, idOf("patient")],
    index: "Patient_deletedAt_mrn_id_idx",
  },
  // "desc", the most urgent first: urgent before high before routine before none, then the most episodes awaiting review.
  urgency: {
    source: "attention",
    parts: [
      { column: `a."urgencyRank"`, kind: "int", asc: "desc" },
      { column: `a."reviewCount"`, kind: "int", asc: "asc" },
      idOf("attention"),
    ],
    index: "PatientAttention_urgencyRank_reviewCount_patientId_clinicId_idx",
  },
  awaitingReview: {
    source: "attention",
    parts: [{ column: `a."reviewCount"`, kind: "int", asc: "asc" }, idOf("attention")],
    index: "PatientAttention_reviewCount_patientId_clinicId_idx",
  },
  episodes30d: {
    source: "attention",
    parts: [{ column: `a."episodesInWindow"`, kind: "int", asc: "asc" }, idOf("attention")],
    index: "PatientAttention_episodesInWindow_patientId_clinicId_idx",
  },
  lastEpisode: {
    source: "attention",
    parts: [{ column: `a."latestEpisodeAt"`, kind: "date", asc: "asc", nullable: true }, idOf("attention")],
    index: "PatientAttention_latestEpisodeAt_patientId_clinicId_idx",
  },
  lastVisit: {
    source: "attention",
    parts: [{ column: `a."lastVisitAt"`, kind: "date", asc: "asc", nullable: true }, idOf("attention")],
    index: "PatientAttention_lastVisitAt_patientId_clinicId_idx",
  },
};

/** PatientAttention.urgencyRank: the index in RED_FLAG_URGENCIES (urgent 0, high 1, routine 2), 3 without red flags. */
const urgencyOfRank = (rank: number): RedFlagUrgency | null => RED_FLAG_URGENCIES[rank] ?? null;
const rankOfUrgency = (u: RedFlagUrgency) => RED_FLAG_URGENCIES.indexOf(u);

// --- The cursor: the sort keys of the row at a page edge, and which way to read ----------------

type Key = string | number | null;
interface TriageCursor {
  sort: PatientTriageSort;
  keys: Key[];
  back: boolean;
}

function encodeTriageCursor(c: TriageCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.keys, c.back ? 1 : 0])).toString("base64url");
}

function decodeTriageCursor(raw: string | undefined, sort: PatientTriageSort): TriageCursor | null {
  if (!raw) return null;
  const refuse = () => invalid({ cursor: "Not a valid cursor: start again from the first page" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw refuse();
  }
  const parts = SORTS[sort].parts;
  if (!Array.isArray(parsed) || parsed[0] !== sort || !Array.isArray(parsed[1]) || parsed[1].length !== parts.length) throw refuse();
  const keys = parsed[1] as unknown[];
  parts.forEach((part, i) => {
    const k = keys[i];
    const ok =
      (k === null && part.nullable) ||
      (part.kind === "int" && Number.isInteger(k)) ||
      (part.kind === "text" && typeof k === "string") ||
      (part.kind === "date" && typeof k === "string" && !Number.isNaN(Date.parse(k)));
    if (!ok) throw refuse();
  });
  return { sort, keys: keys as Key[], back: parsed[2] === 1 };
}

// --- The SQL ------------------------------------------------------------------------------------

const bind = (kind: Kind, v: Key) => (kind === "date" ? new Date(v as string) : v);
const col = (p: Part) => Prisma.raw(p.column);
const flip = (d: Dir): Dir => (d === "asc" ? "desc" : "asc");

/**
 * The conditions of the index ranges that together hold the rows after the cursor (all rows
 * without one), each range wholly before the next in `dirs` order; NULL is the smallest value.
 */
function ranges(parts: Part[], dirs: Dir[], keys: Key[] | null): Prisma.Sql[] {
  const first = col(parts[0]);
  if (!keys) {
    if (!parts[0].nullable) return [Prisma.sql`1 = 1`];
    const [isNull, notNull] = [Prisma.sql`${first} IS NULL`, Prisma.sql`${first} IS NOT NULL`];
    return dirs[0] === "asc" ? [isNull, notNull] : [notNull, isNull];
  }
  const out: Prisma.Sql[] = [];
  // The rows tied with the cursor on the most keys come first: the same keys and a later id, …, a later first key.
  for (let k = parts.length - 1; k >= 0; k--) {
    const same = parts
      .slice(0, k)
      .map((p, j) => (keys[j] === null ? Prisma.sql`${col(p)} IS NULL` : Prisma.sql`${col(p)} = ${bind(p.kind, keys[j])}`));
    const c = col(parts[k]);
    const v = keys[k];
    const beyond: Prisma.Sql[] =
      dirs[k] === "asc"
        ? [v === null ? Prisma.sql`${c} IS NOT NULL` : Prisma.sql`${c} > ${bind(parts[k].kind, v)}`]
        : v === null
          ? []
          : [Prisma.sql`${c} < ${bind(parts[k].kind, v)}`, ...(parts[k].nullable ? [Prisma.sql`${c} IS NULL`] : [])];
    for (const b of beyond) out.push(Prisma.join([...same, b], " AND "));
  }
  return out;
}

interface Scope {
  clinicIds: string[];
  filters: Prisma.Sql[];
  /** A filter reads the attention row. */
  readsAttention: boolean;
  /** A filter reads the patient's row (the search text). */
  needsPatient: boolean;
}

function scopeOf(actor: Actor, query: PatientTriageQuery, asOf: Date): Scope {
  const clinicIds = query.clinic ? actor.clinicIds.filter((id) => id === query.clinic) : actor.clinicIds;
  const filters: Prisma.Sql[] = [];
  if (query.q)
    filters.push(Prisma.sql`p."searchText" LIKE ${`%${query.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`} ESCAPE '\\'`);
  const attention: Prisma.Sql[] = [];
  if (query.urgency) attention.push(Prisma.sql`a."urgencyRank" <= ${rankOfUrgency(query.urgency)}`);
  if (query.review) attention.push(Prisma.sql`a."reviewCount" > 0`);
  if (query.within) attention.push(Prisma.sql`a."latestEpisodeAt" >= ${new Date(asOf.getTime() - query.within * DAY_MS)}`);
  return { clinicIds, filters: [...filters, ...attention], readsAttention: attention.length > 0, needsPatient: filters.length > 0 };
}

interface FromOptions {
  /** The sort keys read the patient's own columns. */
  joinPatient: boolean;
  /** Read in the order of this index (a sort's): SQLite is told so (INDEXED BY), PostgreSQL finds it. */
  inOrderOf?: string;
}

/** FROM and WHERE of the patients in scope, read through `driver`'s table. */
function fromScope(driver: SortPlan["source"], scope: Scope, opts: FromOptions): Prisma.Sql {
  const where = scope.filters.length ? Prisma.sql` AND ${Prisma.join(scope.filters, " AND ")}` : Prisma.empty;
  const clinics = Prisma.join(scope.clinicIds);
  // With its statistics SQLite prefers the clinic index and sorts every patient of the clinics
  // over reading 26 rows in sort order (about 250 ms against 1 at 100,000 patients).
  const table = (name: string, alias: string) =>
    Prisma.raw(`"${name}" ${alias}${opts.inOrderOf && currentDatabaseKind() === "sqlite" ? ` INDEXED BY "${opts.inOrderOf}"` : ""}`);
  if (driver === "attention") {
    // Deleted patients are a short list (their index range); joining Patient costs a lookup per row.
    return opts.joinPatient || scope.needsPatient
      ? // CROSS JOIN: SQLite keeps the written join order, so the attention table drives the read.
        Prisma.sql`FROM ${table("PatientAttention", "a")} CROSS JOIN "Patient" p
          WHERE p."id" = a."patientId" AND p."deletedAt" IS NULL AND a."clinicId" IN (${clinics})${where}`
      : Prisma.sql`FROM ${table("PatientAttention", "a")}
          WHERE a."clinicId" IN (${clinics}) AND a."patientId" NOT IN (SELECT "id" FROM "Patient" WHERE "deletedAt" IS NOT NULL)${where}`;
  }
  const join = scope.readsAttention ? Prisma.sql`LEFT JOIN "PatientAttention" a ON a."patientId" = p."id"` : Prisma.empty;
  return Prisma.sql`FROM ${table("Patient", "p")} ${join} WHERE p."deletedAt" IS NULL AND p."clinicId" IN (${clinics})${where}`;
}

type PageRow = Record<string, unknown>;
/** A listed patient's row: its sort keys (s0, s1, …, the id last), its columns, and its episodes of the window. */
type ListedRow = PageRow & { episodesAt: unknown[] };

/**
 * The page's rows: its index ranges read one after another, in index order, until the page is
 * full (a range with few rows, such as patients without episodes, is read only when reached).
 * One statement a range: the range's keys read in index order up to the rows still wanted, then
 * for those rows only the patient's, clinic's and attention columns and the episodes of the
 * sparkline's window (one row per episode, one for a patient without). When an attention filter
 * leaves few patients (`few`: counted below the cap) and the order is the patient's own (name,
 * MRN), they are read through the filter's index and sorted instead: a name-order walk would pass
 * every patient to find them.
 */
async function readPage(
  tx: Tx,
  plan: SortPlan,
  dir: Dir,
  scope: Scope,
  cursor: TriageCursor | null,
  limit: number,
  few: boolean,
  asOf: Date,
): Promise<ListedRow[]> {
  const readDir = cursor?.back ? flip(dir) : dir;
  const dirs = plan.parts.map((p) => (readDir === "asc" ? p.asc : flip(p.asc)));
  const throughFilter = plan.source === "patient" && scope.readsAttention && few;
  // PostgreSQL reads Patient(deletedAt, …) in order only when deletedAt leads the ORDER BY (it is NULL throughout).
  const prefix = plan.source === "patient" && !throughFilter ? [Prisma.sql`p."deletedAt" ${Prisma.raw(dirs[0].toUpperCase())}`] : [];
  // Within one range a nullable key is all NULL or all set, so a plain ORDER BY means the same on both databases.
  const order = Prisma.join([...prefix, ...plan.parts.map((p, i) => Prisma.sql`${col(p)} ${Prisma.raw(dirs[i].toUpperCase())}`)]);
  const keys = Prisma.join(plan.parts.map((p, i) => Prisma.sql`${col(p)} AS ${Prisma.raw(`"s${i}"`)}`));
  const from = throughFilter
    ? fromScope("attention", scope, { joinPatient: true })
    : fromScope(plan.source, scope, { joinPatient: plan.source === "patient", inOrderOf: plan.index });
  const idKey = `s${plan.parts.length - 1}`;
  // The same order over the range's rows once read (the id last: a patient's episode rows stay together).
  const again = Prisma.join(plan.parts.map((_, i) => Prisma.raw(`k."s${i}" ${dirs[i].toUpperCase()}`)));
  const windowStart = new Date(asOf.getTime() - TRIAGE_WINDOW_DAYS * DAY_MS);
  const listed: ListedRow[] = [];
  for (const range of ranges(plan.parts, dirs, cursor?.keys ?? null)) {
    if (listed.length > limit) break;
    // The keys' LIMIT inside: neither database merges a limited subquery into the joins around it.
    // CROSS JOIN: SQLite keeps the written order, so the range's few rows drive the lookups.
    // The window is the stored count's (lib/features/attention/data.ts): from its start to asOf, both included.
    const found = await tx.$queryRaw<PageRow[]>`
      SELECT k.*, lp."mrn", lp."givenName", lp."familyName", lp."birthDate", lp."sex", lp."pregnant", lc."name" AS "clinicName", lc."timeZone",
        la."flagCodes", la."urgencyRank", la."reviewCount", la."episodesInWindow", la."latestEpisodeAt", la."lastVisitAt", le."occurredAt" AS "episodeAt"
      FROM (SELECT ${keys} ${from} AND ${range} ORDER BY ${order} LIMIT ${limit + 1 - listed.length}) k
        CROSS JOIN "Patient" lp CROSS JOIN "Clinic" lc
        LEFT JOIN "PatientAttention" la ON la."patientId" = lp."id"
        LEFT JOIN "Episode" le ON le."patientId" = lp."id" AND le."deletedAt" IS NULL AND le."occurredAt" >= ${windowStart} AND le."occurredAt" <= ${asOf}
      WHERE lp."id" = ${Prisma.raw(`k."${idKey}"`)} AND lc."id" = lp."clinicId"
      ORDER BY ${again}`;
    for (const row of found) {
      const last = listed[listed.length - 1];
      if (last && String(last[idKey]) === String(row[idKey])) {
        if (row.episodeAt != null) last.episodesAt.push(row.episodeAt);
      } else listed.push({ ...row, episodesAt: row.episodeAt == null ? [] : [row.episodeAt] });
    }
  }
  return listed;
}

/**
 * The actor's clinics (for the clinic filter) and how many patients match, counted up to
 * LIST_COUNT_CAP + 1 through the index of the filter that narrows most: one statement.
 */
async function clinicsAndCount(
  tx: Tx,
  actor: Actor,
  scope: Scope,
): Promise<{ clinics: { id: string; name: string }[]; count: CappedCount }> {
  if (!actor.clinicIds.length) return { clinics: [], count: { total: 0, totalCapped: false } };
  // A search alone is counted through the search text's index: LIKE is tested in the index, and
  // only the matches' rows are read (for the clinic), not every patient's of the clinics.
  const from = () =>
    scope.readsAttention
      ? fromScope("attention", scope, { joinPatient: false })
      : fromScope("patient", scope, { joinPatient: false, inOrderOf: scope.needsPatient ? SORTS.name.index : undefined });
  // No clinic in scope (a clinic filter outside the actor's): nobody to count.
  const counted = scope.clinicIds.length
    ? Prisma.sql`(SELECT COUNT(*) FROM (SELECT 1 AS "one" ${from()} LIMIT ${LIST_COUNT_CAP + 1}) t)`
    : Prisma.sql`0`;
  const rows = await tx.$queryRaw<{ id: string; name: string; n: number | bigint }[]>`
    SELECT cl."id", cl."name", ${counted} AS "n" FROM "Clinic" cl WHERE cl."id" IN (${Prisma.join(actor.clinicIds)}) ORDER BY cl."name"`;
  // No clinic row: no clinic, so no patient either.
  const n = Number(rows[0]?.n ?? 0);
  return {
    clinics: rows.map((r) => ({ id: r.id, name: r.name })),
    count: n > LIST_COUNT_CAP ? { total: LIST_COUNT_CAP, totalCapped: true } : { total: n, totalCapped: false },
  };
}

/** The listed patient's episodes of the window, per 24 hours before `asOf`, oldest first. */
function dailyOf(episodesAt: unknown[], asOf: Date): number[] {
  const daily = new Array<number>(TRIAGE_WINDOW_DAYS).fill(0);
  for (const at of episodesAt) {
    const daysAgo = Math.min(TRIAGE_WINDOW_DAYS - 1, Math.floor((asOf.getTime() - asDateOrNull(at)!.getTime()) / DAY_MS));
    daily[TRIAGE_WINDOW_DAYS - 1 - daysAgo]++;
  }
  return daily;
}

/** The keys of a row, as the cursor holds them. */
function keysOf(plan: SortPlan, row: PageRow): Key[] {
  return plan.parts.map((p, i) => {
    const v = row[`s${i}`];
    if (v === null || v === undefined) return null;
    return p.kind === "date" ? asDateOrNull(v)!.toISOString() : p.kind === "int" ? Number(v) : String(v);
  });
}

/**
 * One page of the triage list, in the actor's clinics (narrowed to `clinic` when given); audited as
 * the patient list (PATIENT_LIST). Stored attention rows that ran out are recomputed first.
 */
export async function listPatientTriage(actor: Actor, rawQuery: Record<string, unknown>): Promise<TriagePage> {
  const query = patientTriageQuerySchema.parse(rawQuery);
  const plan = SORTS[query.sort];
  const cursor = decodeTriageCursor(query.cursor, query.sort);
  return guarded(actor, "clinical:read", { action: "PATIENT_LIST" }, async (tx) => {
    const asOf = new Date();
    const scope = scopeOf(actor, query, asOf);
    if (scope.clinicIds.length) await refreshOutOfDate(tx, scope.clinicIds, asOf);
    const { clinics, count } = await clinicsAndCount(tx, actor, scope);
    const rows = scope.clinicIds.length ? await readPage(tx, plan, query.dir, scope, cursor, query.limit, !count.totalCapped, asOf) : [];
    const hasMore = rows.length > query.limit;
    const listed = rows.slice(0, query.limit);
    if (cursor?.back) listed.reverse();
    const edge = (row: PageRow | undefined, back: boolean) =>
      row ? encodeTriageCursor({ sort: query.sort, keys: keysOf(plan, row), back }) : null;
    const first = listed[0];
    const last = listed[listed.length - 1];
    const [nextCursor, prevCursor] = cursor?.back
      ? [edge(last, false), hasMore ? edge(first, true) : null]
      : [hasMore ? edge(last, false) : null, cursor ? edge(first, true) : null];
    await appendAudit(tx, actor, {
      action: "PATIENT_LIST",
      details: {
        q: query.q ?? null,
        sort: query.sort,
        dir: query.dir,
        urgency: query.urgency ?? null,
        review: query.review ?? null,
        within: query.within ?? null,
        clinic: query.clinic ?? null,
        returned: listed.length,
      },
    });
    const items = listed.map((r): TriagePatient => {
      const id = String(r[`s${plan.parts.length - 1}`]);
      return {
        id,
        mrn: String(r.mrn),
        givenName: String(r.givenName),
        familyName: String(r.familyName),
        birthDate: String(r.birthDate),
        sex: r.sex as Sex,
        pregnant: asBool(r.pregnant),
        clinicName: String(r.clinicName),
        timeZone: String(r.timeZone),
        urgency: r.urgencyRank == null ? null : urgencyOfRank(Number(r.urgencyRank)),
        redFlags: splitList(String(r.flagCodes ?? "")) as RedFlagCode[],
        awaitingReview: Number(r.reviewCount ?? 0),
        lastEpisodeAt: asDateOrNull(r.latestEpisodeAt),
        recentEpisodes: Number(r.episodesInWindow ?? 0),
        daily: dailyOf(r.episodesAt, asOf),
        lastVisitAt: asDateOrNull(r.lastVisitAt),
      };
    });
    return { items, nextCursor, prevCursor, ...count, asOf, clinics };
  });
}

export interface PatientListPageData {
  query: PatientTriageQuery;
  page: TriagePage;
}

/** /patients: the search, filters, sort and page the URL asks for, and that page of patients. */
export async function loadPatientListPage(actor: Actor, searchParams: Record<string, string | undefined>): Promise<PatientListPageData> {
  const query = patientTriageQuerySchema.parse(searchParams);
  return { query, page: await listPatientTriage(actor, query) };
}

/** The dashboard's "Patients to see first": the ten most urgent, then most awaiting review; patients with neither left out. */
export async function loadPatientsToSeeFirst(actor: Actor, limit = 10): Promise<TriagePage> {
  const page = await listPatientTriage(actor, { sort: "urgency", dir: "desc", limit });
  return { ...page, items: page.items.filter((p) => p.urgency !== null || p.awaitingReview > 0) };
}
