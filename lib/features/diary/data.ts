import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "@/lib/server/permissions";
import type { Tx } from "@/lib/server/db";
import { appendAudit } from "@/lib/server/audit";
import { DataError, invalid, notFound } from "@/lib/server/errors";
import { checkIdempotencyKey, createOnce, retryOnKeyConflict } from "@/lib/server/idempotency";
import { guarded, inTransaction } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { parseWith } from "@/lib/core/validation/common";
import { countDiarySubmission } from "@/lib/server/metrics";
import { insertEpisode } from "@/lib/features/episodes/data";
import {
  DIARY_LANGUAGES,
  checkDiaryEntry,
  episodeFieldsOfEntry,
  type DiaryLanguage,
} from "@/lib/core/diary/entry";
import { asDiaryLanguage, diaryErrorText } from "@/lib/core/diary/messages";
import { splitList } from "@/lib/server/sql-values";

/**
 * The patient diary (docs/api.md, "Patient diary"). A clinician gives a patient a link; its token
 * is the only credential, shown once and stored as a sha256. A token grants nothing but adding
 * this patient's episodes and reading back the patient's own diary entries; an unknown, expired or
 * revoked token gets the same NOT_FOUND. Every use of a link is audited with the link's id.
 */

/** The token's prefix makes a leaked diary link recognisable; 32 random bytes follow (256 bits). */
export const DIARY_TOKEN_PREFIX = "cd_";
const TOKEN_BYTES = 32;
export const DIARY_LINK_MAX_DAYS = 365;
/** The most entries GET /api/diary/{token}/episodes answers. */
export const DIARY_ENTRIES_SHOWN = 50;

export function diaryTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The path of a diary link; the page and the API put the origin in front. */
export const diaryPath = (token: string) => `/diary/${token}`;

const linkInputSchema = z
  .object({
    expiresInDays: z
      .number({ error: "Give the number of days the link works" })
      .int("Whole days only")
      .min(1, "At least 1 day")
      .max(DIARY_LINK_MAX_DAYS, `At most ${DIARY_LINK_MAX_DAYS} days`)
      .optional(),
    language: z.enum(DIARY_LANGUAGES, { error: "Choose English (en) or Spanish (es)" }).optional(),
  })
  .strict();

export interface DiaryLinkView {
  id: string;
  language: DiaryLanguage;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  entries: number;
  /** Works now: not revoked and not expired. */
  active: boolean;
}

export interface NewDiaryLink {
  id: string;
  /** The page's path with the token: shown once, never stored. */
  path: string;
  token: string;
  expiresAt: Date;
  language: DiaryLanguage;
}

/** Creates a diary link for the patient; the answer is the only time the token is seen. */
export async function createDiaryLink(actor: Actor, patientId: string, input: unknown): Promise<NewDiaryLink> {
  const parsed = parseWith(linkInputSchema, input ?? {});
  return guarded(actor, "clinical:write", { action: "DIARY_LINK_CREATE", patientId, targetType: "DiaryLink" }, async (tx) => {
    const patient = await requirePatientInScope(tx, actor, patientId);
    if (!parsed.ok) throw invalid(parsed.fields);
    const clinic = await tx.clinic.findUniqueOrThrow({ where: { id: patient.clinicId }, select: { diaryLinkDays: true } });
    const days = parsed.data.expiresInDays ?? clinic.diaryLinkDays;
    const language = parsed.data.language ?? "en";
    const token = DIARY_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString("base64url");
    const expiresAt = new Date(Date.now() + days * 86_400_000);
    const link = await tx.diaryLink.create({
      data: { patientId, clinicId: patient.clinicId, tokenHash: diaryTokenHash(token), language, createdById: actor.userId, expiresAt },
    });
    await appendAudit(tx, actor, {
      action: "DIARY_LINK_CREATE",
      patientId,
      targetType: "DiaryLink",
      targetId: link.id,
      details: { expiresInDays: days, language },
    });
    return { id: link.id, path: diaryPath(token), token, expiresAt, language };
  });
}

/** The patient's links, newest first, without tokens. */
export async function listDiaryLinks(actor: Actor, patientId: string): Promise<DiaryLinkView[]> {
  return guarded(actor, "clinical:read", { action: "DIARY_LINK_LIST", patientId, targetType: "Patient", targetId: patientId }, async (tx) => {
    await requirePatientInScope(tx, actor, patientId);
    const rows = await tx.diaryLink.findMany({ where: { patientId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    const creators = await tx.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } }, select: { id: true, name: true } });
    const names = new Map(creators.map((u) => [u.id, u.name]));
    await appendAudit(tx, actor, { action: "DIARY_LINK_LIST", patientId, targetType: "Patient", targetId: patientId, details: { returned: rows.length } });
    const now = Date.now();
    return rows.map((r) => ({
      id: r.id,
      language: asDiaryLanguage(r.language),
      createdAt: r.createdAt,
      createdBy: names.get(r.createdById) ?? null,
      expiresAt: r.expiresAt,
      revokedAt: r.revokedAt,
      lastUsedAt: r.lastUsedAt,
      entries: r.entries,
      active: r.revokedAt === null && r.expiresAt.getTime() > now,
    }));
  });
}

/** Stops a link at once; revoking a revoked link changes nothing. Returns the patient's id. */
export async function revokeDiaryLink(actor: Actor, linkId: string): Promise<{ patientId: string }> {
  return guarded(actor, "clinical:write", { action: "DIARY_LINK_REVOKE", targetType: "DiaryLink", targetId: linkId }, async (tx) => {
    const link = await tx.diaryLink.findFirst({
      where: { id: linkId, clinicId: { in: actor.clinicIds }, patient: { deletedAt: null } },
      select: { id: true, patientId: true, revokedAt: true },
    });
    if (!link) throw notFound("Diary link");
    if (!link.revokedAt) await tx.diaryLink.update({ where: { id: linkId }, data: { revokedAt: new Date(), revokedById: actor.userId } });
    await appendAudit(tx, actor, {
      action: "DIARY_LINK_REVOKE",
      patientId: link.patientId,
      targetType: "DiaryLink",
      targetId: linkId,
      details: { wasRevoked: link.revokedAt !== null },
    });
    return { patientId: link.patientId };
  });
}

/** A working link as its holder may know it: the patient's given name and nothing else of the record. */
export interface DiaryHolder {
  linkId: string;
  patientId: string;
  givenName: string;
  language: DiaryLanguage;
  expiresAt: Date;
}

/** Who is using a link: the address the request came from, for the audit row. */
export interface DiaryRequest {
  ip: string | null;
}

/** Unknown, expired, revoked, or the patient deleted: one answer for each, naming none, in both languages. */
export const DIARY_NOT_FOUND_MESSAGE = `${diaryErrorText("en", "notFound")} / ${diaryErrorText("es", "notFound")}`;
const linkNotFound = () => new DataError("NOT_FOUND", DIARY_NOT_FOUND_MESSAGE);

/** The link a token opens, or NOT_FOUND; marks it used. */
async function holderOf(tx: Tx, token: string): Promise<DiaryHolder> {
  if (typeof token !== "string" || !token.startsWith(DIARY_TOKEN_PREFIX) || token.length > 100) throw linkNotFound();
  const now = new Date();
  const link = await tx.diaryLink.findFirst({
    where: { tokenHash: diaryTokenHash(token), revokedAt: null, expiresAt: { gt: now }, patient: { deletedAt: null } },
    select: { id: true, patientId: true, language: true, expiresAt: true, patient: { select: { givenName: true } } },
  });
  if (!link) throw linkNotFound();
  await tx.diaryLink.update({ where: { id: link.id }, data: { lastUsedAt: now } });
  return { linkId: link.id, patientId: link.patientId, givenName: link.patient.givenName, language: asDiaryLanguage(link.language), expiresAt: link.expiresAt };
}

/** The audit row of a use of a link: no user, the link as the target, the address it came from. */
const linkUse = (holder: DiaryHolder, request: DiaryRequest, details: Record<string, unknown> = {}) => ({
  patientId: holder.patientId,
  targetType: "DiaryLink",
  targetId: holder.linkId,
  ip: request.ip,
  details: { via: "diary link", ...details },
});

/** Opens the diary page: the link's holder, audited as a use of the link. */
export async function openDiary(token: string, request: DiaryRequest): Promise<DiaryHolder> {
  return inTransaction(async (tx) => {
    const holder = await holderOf(tx, token);
    await appendAudit(tx, null, { action: "DIARY_OPEN", ...linkUse(holder, request) });
    return holder;
  });
}

/** A diary entry as the patient reads it back: what they sent, and when it arrived. */
export interface DiaryEntryView {
  id: string;
  occurredAt: Date;
  durationSeconds: number;
  side: string;
  muscleGroup: string;
  movement: string | null;
  painScore: number | null;
  triggers: string[];
  relief: string[];
  lostAwareness: boolean;
  tongueBitten: boolean;
  wetThemselves: boolean;
  witnessed: boolean;
  notes: string;
  receivedAt: Date;
}

const ENTRY_SELECT = {
  id: true,
  occurredAt: true,
  durationSeconds: true,
  side: true,
  muscleGroup: true,
  movement: true,
  painScore: true,
  triggers: true,
  relief: true,
  consciousnessImpaired: true,
  tongueBitten: true,
  wetThemselves: true,
  witnessed: true,
  notes: true,
  createdAt: true,
} as const;

type EntryRow = { [K in keyof typeof ENTRY_SELECT]: K extends "createdAt" | "occurredAt" ? Date : unknown };

function toEntryView(row: EntryRow): DiaryEntryView {
  return {
    id: row.id as string,
    occurredAt: row.occurredAt,
    durationSeconds: row.durationSeconds as number,
    side: row.side as string,
    muscleGroup: row.muscleGroup as string,
    movement: (row.movement as string | null) ?? null,
    painScore: (row.painScore as number | null) ?? null,
    triggers: splitList(row.triggers as string),
    relief: splitList(row.relief as string),
    lostAwareness: row.consciousnessImpaired as boolean,
    tongueBitten: row.tongueBitten as boolean,
    wetThemselves: row.wetThemselves as boolean,
    witnessed: row.witnessed as boolean,
    notes: row.notes as string,
    receivedAt: row.createdAt,
  };
}

/** A refusal of a diary entry, worded in the link's language field by field. */
function refusedEntry(language: DiaryLanguage, fields: Record<string, string>) {
  return invalid(fields, diaryErrorText(language, "problems"));
}

/**
 * Stores a diary entry as an episode reported by the patient (source PATIENT), with its suggestion
 * computed as for any episode and awaiting a clinician's review. A `classification` in the body is
 * dropped. A repeat with the same Idempotency-Key answers the first entry and creates nothing.
 */
export async function submitDiaryEntry(
  token: string,
  body: unknown,
  request: DiaryRequest & { idempotencyKey: string | null },
): Promise<{ entry: DiaryEntryView; replayed: boolean; language: DiaryLanguage }> {
  const run = () =>
    inTransaction(async (tx) => {
      const holder = await holderOf(tx, token);
      const key = keyOrRefusal(holder.language, request.idempotencyKey);
      const checked = checkDiaryEntry(body);
      if (!checked.ok) {
        throw refusedEntry(holder.language, Object.fromEntries(Object.entries(checked.errors).map(([f, k]) => [f, diaryErrorText(holder.language, k)])));
      }
      // Keys are per link: one phone's queue cannot replay another link's entries.
      const once = await createOnce(tx, `diary:${holder.linkId}`, key, "Episode", async () => {
        const fields = episodeFieldsOfEntry(checked.entry);
        const created = await insertEpisode(
          tx,
          { id: holder.patientId, clinicId: (await tx.patient.findUniqueOrThrow({ where: { id: holder.patientId }, select: { clinicId: true } })).clinicId },
          { ...fields, occurredAt: new Date(fields.occurredAt), visitId: null },
          { source: "PATIENT", diaryLinkId: holder.linkId },
        );
        await tx.diaryLink.update({ where: { id: holder.linkId }, data: { entries: { increment: 1 } } });
        return created.id;
      });
      await appendAudit(tx, null, { action: "DIARY_ENTRY_CREATE", ...linkUse(holder, request, { episodeId: once.id, replayed: once.replayed }) });
      const row = await tx.episode.findUniqueOrThrow({ where: { id: once.id }, select: ENTRY_SELECT });
      return { entry: toEntryView(row), replayed: once.replayed, language: holder.language };
    });
  const result = await retryOnKeyConflict(run, request.idempotencyKey !== null && request.idempotencyKey !== "");
  if (!result.replayed) countDiarySubmission();
  return result;
}

function keyOrRefusal(language: DiaryLanguage, key: string | null): string | null {
  try {
    return checkIdempotencyKey(key);
  } catch {
    throw refusedEntry(language, { idempotencyKey: diaryErrorText(language, "idempotencyKey") });
  }
}

/** The entries sent through any of this patient's links, newest first, at most 50. */
export async function listDiaryEntries(token: string, request: DiaryRequest): Promise<{ holder: DiaryHolder; entries: DiaryEntryView[] }> {
  return inTransaction(async (tx) => {
    const holder = await holderOf(tx, token);
    const rows = await tx.episode.findMany({
      where: { patientId: holder.patientId, source: "PATIENT", deletedAt: null },
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      take: DIARY_ENTRIES_SHOWN,
      select: ENTRY_SELECT,
    });
    await appendAudit(tx, null, { action: "DIARY_ENTRIES_READ", ...linkUse(holder, request, { returned: rows.length }) });
    return { holder, entries: rows.map(toEntryView) };
  });
}

/**
 * The working link a token opens (its id and language), or null; reads only. The diary's routes
 * use it to count requests per link and to word refusals in the link's language.
 */
export async function workingDiaryLink(token: string): Promise<{ linkId: string; language: DiaryLanguage } | null> {
  if (typeof token !== "string" || !token.startsWith(DIARY_TOKEN_PREFIX) || token.length > 100) return null;
  const link = await inTransaction((tx) =>
    tx.diaryLink.findFirst({
      where: { tokenHash: diaryTokenHash(token), revokedAt: null, expiresAt: { gt: new Date() }, patient: { deletedAt: null } },
      select: { id: true, language: true },
    }),
  );
  return link ? { linkId: link.id, language: asDiaryLanguage(link.language) } : null;
}
