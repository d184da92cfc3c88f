import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { suggestClassification, type LabelConfirmation } from "@/lib/core/clinical/classification";
import { CLASSIFICATIONS, isOneOf } from "@/lib/core/clinical/vocabulary";
import type { Classification, EpisodeSource, Movement, MuscleGroup, Relief, Rhythm, Side, Trigger } from "@/lib/core/clinical/vocabulary";
import { parseWith } from "@/lib/core/validation/common";
import { episodeCreateSchema, episodeListQuerySchema, episodeUpdateSchema, type EpisodeCreateInput, type EpisodeListQuery } from "@/lib/features/episodes/schema";
import type { Prisma } from "@/generated/prisma/client";
import { wallClockToInstant } from "@/lib/core/clinical/time";
import { refreshAttention } from "@/lib/features/attention/data";
import { countEpisodeChanges } from "./day-counts";
import { appendAudit } from "@/lib/server/audit";
import { conflict, invalid, notFound, STALE_VERSION_MESSAGE } from "@/lib/server/errors";
import {
  cappedCount,
  decodeCursor,
  finishKeysetPage,
  keysetQuery,
  type CappedCount,
  type Cursor,
  type Page,
} from "@/lib/server/pagination";
import { checkIdempotencyKey, createOnce, retryOnKeyConflict, type CreateOptions } from "@/lib/server/idempotency";
import { guarded } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { splitList } from "@/lib/server/sql-values";
import { EPISODE_HISTORY_FIELDS, type Episode, type EpisodeHistoryField } from "@/lib/core/fields/episode";
import type { Tx } from "@/lib/server/db";

/** An episode as the pages and the API read it: its fields as lib/core/fields/episode.ts declares them. */
export type EpisodeView = Episode;

type EpisodeRow = Prisma.EpisodeGetPayload<object>;

/** The fields an episode's history shows before and after each change, in the order it lists them. */
export const REVISION_FIELDS = EPISODE_HISTORY_FIELDS;
export type RevisionField = EpisodeHistoryField;
/** Field -> [before, after], instants as ISO text, lists as stored (comma-separated). */
export type EpisodeChanges = Partial<Record<RevisionField, [unknown, unknown]>>;

export interface EpisodeRevisionView {
  action: "UPDATE" | "LABEL_CONFIRM" | "DELETE" | "RESTORE" | "MIGRATE";
  version: number;
  changes: EpisodeChanges;
  changedAt: Date;
  changedByName: string | null;
}

const revisionValue = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

function changedFields(before: EpisodeRow, after: EpisodeRow): EpisodeChanges {
  const changes: EpisodeChanges = {};
  for (const field of REVISION_FIELDS) {
    const [from, to] = [revisionValue(before[field]), revisionValue(after[field])];
    if (from !== to) changes[field] = [from, to];
  }
  return changes;
}

/**
 * Keeps a change of an episode in the change's transaction: one entry for every new version (a save
 * that changed nothing too), so the history accounts for each version since it began.
 */
export async function recordRevision(
  tx: Tx,
  actor: Actor,
  action: EpisodeRevisionView["action"],
  episode: { id: string; patientId: string; version: number },
  changes: EpisodeChanges = {},
) {
  await tx.episodeRevision.create({
    data: { episodeId: episode.id, patientId: episode.patientId, version: episode.version, action, changes: JSON.stringify(changes), changedById: actor.userId },
  });
}

export function toEpisodeView(e: EpisodeRow): EpisodeView {
  return {
    id: e.id,
    patientId: e.patientId,
    visitId: e.visitId,
    occurredAt: e.occurredAt,
    durationSeconds: e.durationSeconds,
    side: e.side as Side,
    muscleGroup: e.muscleGroup as MuscleGroup,
    movement: e.movement as Movement | null,
    rhythm: e.rhythm as Rhythm | null,
    voluntaryControl: e.voluntaryControl,
    urgeToMove: e.urgeToMove,
    worseAtRest: e.worseAtRest,
    worseInEvening: e.worseInEvening,
    reliefByMovement: e.reliefByMovement,
    consciousnessImpaired: e.consciousnessImpaired,
    duringSleep: e.duringSleep,
    painScore: e.painScore,
    triggers: splitList(e.triggers) as Trigger[],
    relief: splitList(e.relief) as Relief[],
    classification: e.classification as Classification | null,
    suggestedClassification: e.suggestedClassification as Classification | null,
    suggestionRationale: JSON.parse(e.suggestionRationale),
    warnings: JSON.parse(e.warnings),
    needsReview: e.needsReview,
    labelConfirmedAt: e.labelConfirmedAt,
    labelConfirmedById: e.labelConfirmedById,
    notes: e.notes,
    source: e.source as EpisodeSource,
    diaryLinkId: e.diaryLinkId,
    witnessed: e.witnessed,
    tongueBitten: e.tongueBitten,
    wetThemselves: e.wetThemselves,
    version: e.version,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

/**
 * The stored suggestion columns, always recomputed by the one rule function from the saved fields.
 * A confirmation on review survives only while the label and the suggestion stay as confirmed.
 */
function suggestionColumns(e: {
  movement?: string | null;
  rhythm?: string | null;
  voluntaryControl: boolean;
  urgeToMove: boolean;
  worseAtRest: boolean;
  worseInEvening: boolean;
  reliefByMovement: boolean;
  consciousnessImpaired: boolean;
  classification?: string | null;
  source?: string;
}, labelConfirmedFor: LabelConfirmation | null = null) {
  const result = suggestClassification({
    movement: (e.movement ?? null) as Movement | null,
    rhythm: (e.rhythm ?? null) as Rhythm | null,
    voluntaryControl: e.voluntaryControl,
    urgeToMove: e.urgeToMove,
    worseAtRest: e.worseAtRest,
    worseInEvening: e.worseInEvening,
    reliefByMovement: e.reliefByMovement,
    consciousnessImpaired: e.consciousnessImpaired,
    classification: (e.classification ?? null) as Classification | null,
    labelConfirmedFor,
    reportedByPatient: e.source === "PATIENT",
  });
  return {
    suggestedClassification: result.suggestion,
    suggestionRationale: JSON.stringify(result.rationale),
    warnings: JSON.stringify(result.warnings),
    needsReview: result.needsReview,
    ...(result.labelConfirmed ? {} : { labelConfirmedAt: null, labelConfirmedById: null }),
  };
}

/** The episode's label and suggestion, when it has both: what a confirmation on review is given for. */
function labelAndSuggestion(row: EpisodeRow): LabelConfirmation | null {
  if (!row.classification || !row.suggestedClassification) return null;
  return { classification: row.classification as Classification, suggestion: row.suggestedClassification as Classification };
}

/** A stored confirmation is for the row's own label and suggestion, as any change of them clears it. */
const storedConfirmation = (row: EpisodeRow) => (row.labelConfirmedAt ? labelAndSuggestion(row) : null);

async function requireVisitOfPatient(tx: Tx, patientId: string, visitId: string | null | undefined) {
  if (!visitId) return;
  const visit = await tx.visit.findFirst({ where: { id: visitId, patientId, deletedAt: null }, select: { id: true } });
  if (!visit) throw invalid({ visitId: "This visit does not belong to the patient" });
}

async function loadEpisodeInScope(tx: Tx, actor: Actor, id: string) {
  const row = await tx.episode.findFirst({
    where: { id, deletedAt: null, clinicId: { in: actor.clinicIds }, patient: { deletedAt: null } },
  });
  if (!row) throw notFound("Episode");
  return row;
}

/** The observation a new episode stores (clinical spec section 1), as the schemas give it. */
export type NewEpisodeFields = Omit<EpisodeCreateInput, "visitId"> & {
  visitId: string | null;
  witnessed?: boolean;
  tongueBitten?: boolean;
  wetThemselves?: boolean;
};

/** Who reported a new episode: a user of the clinic, or the patient through a diary link. */
export type EpisodeProvenance = { createdById: string } | { source: "PATIENT"; diaryLinkId: string };

/**
 * Stores a new episode with its suggestion, and keeps the patient's attention row and the day
 * counts in step: the one way an episode is created, by a clinician or from a patient's diary.
 */
export async function insertEpisode(tx: Tx, patient: { id: string; clinicId: string }, e: NewEpisodeFields, by: EpisodeProvenance) {
  const created = await tx.episode.create({
    data: {
      patientId: patient.id,
      clinicId: patient.clinicId,
      visitId: e.visitId,
      occurredAt: e.occurredAt,
      durationSeconds: e.durationSeconds,
      side: e.side,
      muscleGroup: e.muscleGroup,
      movement: e.movement ?? null,
      rhythm: e.rhythm ?? null,
      voluntaryControl: e.voluntaryControl,
      urgeToMove: e.urgeToMove,
      worseAtRest: e.worseAtRest,
      worseInEvening: e.worseInEvening,
      reliefByMovement: e.reliefByMovement,
      consciousnessImpaired: e.consciousnessImpaired,
      duringSleep: e.duringSleep,
      painScore: e.painScore ?? null,
      triggers: e.triggers.join(","),
      relief: e.relief.join(","),
      classification: e.classification ?? null,
      notes: e.notes,
      witnessed: e.witnessed ?? false,
      tongueBitten: e.tongueBitten ?? false,
      wetThemselves: e.wetThemselves ?? false,
      ...("createdById" in by ? { createdById: by.createdById } : { source: by.source, diaryLinkId: by.diaryLinkId }),
      ...suggestionColumns({ ...e, source: "source" in by ? by.source : "CLINICIAN" }),
    },
  });
  await refreshAttention(tx, [patient.id]);
  await countEpisodeChanges(tx, created, [], [created]);
  return created;
}

export async function createEpisode(actor: Actor, patientId: string, input: unknown, options: CreateOptions = {}): Promise<EpisodeView> {
  const parsed = parseWith(episodeCreateSchema, input);
  const key = checkIdempotencyKey(options.idempotencyKey);
  return retryOnKeyConflict(
    () =>
      guarded(actor, "clinical:write", { action: "EPISODE_CREATE", patientId, targetType: "Episode" }, async (tx) => {
        const patient = await requirePatientInScope(tx, actor, patientId);
        if (!parsed.ok) throw invalid(parsed.fields);
        const e = parsed.data;
        await requireVisitOfPatient(tx, patientId, e.visitId);
        const once = await createOnce(tx, actor.userId, key, "Episode", async () => {
          const created = await insertEpisode(tx, patient, { ...e, visitId: e.visitId ?? null }, { createdById: actor.userId });
          await appendAudit(tx, actor, { action: "EPISODE_CREATE", patientId, targetType: "Episode", targetId: created.id });
          return created.id;
        });
        return toEpisodeView(await tx.episode.findUniqueOrThrow({ where: { id: once.id } }));
      }),
    key !== null,
  );
}

export async function updateEpisode(actor: Actor, id: string, input: unknown): Promise<EpisodeView> {
  const parsed = parseWith(episodeUpdateSchema, input);
  return guarded(actor, "clinical:write", { action: "EPISODE_UPDATE", targetType: "Episode", targetId: id }, async (tx) => {
    const current = await loadEpisodeInScope(tx, actor, id);
    if (!parsed.ok) throw invalid(parsed.fields);
    const { version, ...changes } = parsed.data;
    await requireVisitOfPatient(tx, current.patientId, changes.visitId);
    const merged = {
      movement: changes.movement === undefined ? current.movement : changes.movement,
      rhythm: changes.rhythm === undefined ? current.rhythm : changes.rhythm,
      voluntaryControl: changes.voluntaryControl ?? current.voluntaryControl,
      urgeToMove: changes.urgeToMove ?? current.urgeToMove,
      worseAtRest: changes.worseAtRest ?? current.worseAtRest,
      worseInEvening: changes.worseInEvening ?? current.worseInEvening,
      reliefByMovement: changes.reliefByMovement ?? current.reliefByMovement,
      consciousnessImpaired: changes.consciousnessImpaired ?? current.consciousnessImpaired,
      classification: changes.classification === undefined ? current.classification : changes.classification,
    };
    const data: Prisma.EpisodeUncheckedUpdateManyInput = {
      ...merged,
      ...suggestionColumns({ ...merged, source: current.source }, storedConfirmation(current)),
      version: { increment: 1 },
    };
    if (changes.occurredAt) data.occurredAt = changes.occurredAt;
    if (changes.durationSeconds !== undefined) data.durationSeconds = changes.durationSeconds;
    if (changes.side) data.side = changes.side;
    if (changes.muscleGroup) data.muscleGroup = changes.muscleGroup;
    if (changes.duringSleep !== undefined) data.duringSleep = changes.duringSleep;
    if (changes.painScore !== undefined) data.painScore = changes.painScore;
    if (changes.triggers) data.triggers = changes.triggers.join(",");
    if (changes.relief) data.relief = changes.relief.join(",");
    if (changes.notes !== undefined) data.notes = changes.notes;
    if (changes.visitId !== undefined) data.visitId = changes.visitId;
    const { count } = await tx.episode.updateMany({ where: { id, version, deletedAt: null }, data });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    const updated = await tx.episode.findUniqueOrThrow({ where: { id } });
    await recordRevision(tx, actor, "UPDATE", updated, changedFields(current, updated));
    await refreshAttention(tx, [current.patientId]);
    await countEpisodeChanges(tx, current, [current], [updated]);
    await appendAudit(tx, actor, {
      action: "EPISODE_UPDATE",
      patientId: current.patientId,
      targetType: "Episode",
      targetId: id,
      details: { fields: Object.keys(changes) },
    });
    return toEpisodeView(updated);
  });
}

export async function deleteEpisode(actor: Actor, id: string, version: number): Promise<void> {
  return guarded(actor, "clinical:write", { action: "EPISODE_DELETE", targetType: "Episode", targetId: id }, async (tx) => {
    const current = await loadEpisodeInScope(tx, actor, id);
    const { count } = await tx.episode.updateMany({
      where: { id, version, deletedAt: null },
      data: { deletedAt: new Date(), deletedById: actor.userId, version: { increment: 1 } },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    await recordRevision(tx, actor, "DELETE", { id, patientId: current.patientId, version: version + 1 });
    await refreshAttention(tx, [current.patientId]);
    await countEpisodeChanges(tx, current, [current], []);
    await appendAudit(tx, actor, { action: "EPISODE_DELETE", patientId: current.patientId, targetType: "Episode", targetId: id });
  });
}

/**
 * A clinician confirms, on review, a label that differs from the suggestion: the episode leaves the
 * review queue until its label or suggestion changes. Who and when are kept on the episode and audited.
 */
export async function confirmEpisodeLabel(actor: Actor, id: string, version: number): Promise<EpisodeView> {
  return guarded(actor, "clinical:write", { action: "EPISODE_LABEL_CONFIRM", targetType: "Episode", targetId: id }, async (tx) => {
    const current = await loadEpisodeInScope(tx, actor, id);
    if (!Number.isInteger(version)) throw invalid({ version: "Missing or not a whole number" });
    if (current.version !== version) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    const confirmed = labelAndSuggestion(current);
    if (!current.needsReview || !confirmed) {
      throw conflict("This episode is not awaiting review: its label agrees with the suggestion or was already confirmed.");
    }
    const columns = suggestionColumns(current, confirmed);
    // The stored suggestion predates a change of the rules: the clinician should see the new one first.
    if (columns.suggestedClassification !== current.suggestedClassification) throw conflict("The suggestion for this episode has changed since it was saved: save the episode again, then review it.");
    const { count } = await tx.episode.updateMany({
      where: { id, version, deletedAt: null, needsReview: true },
      data: { ...columns, labelConfirmedAt: new Date(), labelConfirmedById: actor.userId, version: { increment: 1 } },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    const updated = await tx.episode.findUniqueOrThrow({ where: { id } });
    await recordRevision(tx, actor, "LABEL_CONFIRM", updated);
    await refreshAttention(tx, [current.patientId]);
    await appendAudit(tx, actor, {
      action: "EPISODE_LABEL_CONFIRM",
      patientId: current.patientId,
      targetType: "Episode",
      targetId: id,
      details: { classification: confirmed.classification, suggestedClassification: confirmed.suggestion },
    });
    return toEpisodeView(updated);
  });
}

/**
 * Reviews an episode in one step from the review queue: the clinician gives it a label with the
 * suggestion beside it. A label that differs from the suggestion is confirmed by this same review,
 * so the episode leaves the queue either way. For a patient's diary entry this is what makes it
 * trusted; for any other episode it is the same as labelling and confirming.
 */
export async function reviewEpisode(actor: Actor, id: string, input: { version: unknown; classification: unknown }): Promise<EpisodeView> {
  return guarded(actor, "clinical:write", { action: "EPISODE_REVIEW", targetType: "Episode", targetId: id }, async (tx) => {
    const current = await loadEpisodeInScope(tx, actor, id);
    const version = input.version;
    if (typeof version !== "number" || !Number.isInteger(version)) throw invalid({ version: "Missing or not a whole number" });
    const classification = input.classification;
    if (!isOneOf(CLASSIFICATIONS, classification)) throw invalid({ classification: "Choose the episode's type" });
    if (current.version !== version) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    const suggestion = current.suggestedClassification as Classification | null;
    const confirmation = suggestion && suggestion !== classification ? { classification, suggestion } : null;
    const columns = suggestionColumns({ ...current, classification }, confirmation);
    if (columns.suggestedClassification !== current.suggestedClassification) {
      throw conflict("The suggestion for this episode has changed since it was saved: open the episode, save it again, then review it.");
    }
    const { count } = await tx.episode.updateMany({
      where: { id, version, deletedAt: null },
      data: {
        classification,
        ...columns,
        ...(confirmation ? { labelConfirmedAt: new Date(), labelConfirmedById: actor.userId } : {}),
        version: { increment: 1 },
      },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    const updated = await tx.episode.findUniqueOrThrow({ where: { id } });
    await recordRevision(tx, actor, confirmation ? "LABEL_CONFIRM" : "UPDATE", updated, changedFields(current, updated));
    await refreshAttention(tx, [current.patientId]);
    await countEpisodeChanges(tx, current, [current], [updated]);
    await appendAudit(tx, actor, {
      action: "EPISODE_REVIEW",
      patientId: current.patientId,
      targetType: "Episode",
      targetId: id,
      details: { classification, suggestedClassification: suggestion, source: current.source },
    });
    return toEpisodeView(updated);
  });
}

export interface EpisodeDetail extends EpisodeView {
  timeZone: string;
  createdByName: string | null;
  labelConfirmedByName: string | null;
  /** The label and suggestion a clinician confirmed on review, while that confirmation holds. */
  labelConfirmedFor: LabelConfirmation | null;
  /** Every change since the episode was recorded, newest first. */
  history: EpisodeRevisionView[];
}

export async function getEpisode(actor: Actor, id: string): Promise<EpisodeDetail> {
  return guarded(actor, "clinical:read", { action: "EPISODE_VIEW", targetType: "Episode", targetId: id }, async (tx) => {
    const row = await loadEpisodeInScope(tx, actor, id);
    const clinic = await tx.clinic.findUniqueOrThrow({ where: { id: row.clinicId }, select: { timeZone: true } });
    const revisions = await tx.episodeRevision.findMany({ where: { episodeId: id }, orderBy: { version: "desc" } });
    const userIds = [...new Set([row.createdById, row.labelConfirmedById, ...revisions.map((r) => r.changedById)].filter((u): u is string => !!u))];
    const names = new Map((await tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
    const nameOf = (userId: string | null) => (userId ? (names.get(userId) ?? null) : null);
    await appendAudit(tx, actor, { action: "EPISODE_VIEW", patientId: row.patientId, targetType: "Episode", targetId: id });
    return {
      ...toEpisodeView(row),
      timeZone: clinic.timeZone,
      createdByName: nameOf(row.createdById),
      labelConfirmedByName: nameOf(row.labelConfirmedById),
      labelConfirmedFor: storedConfirmation(row),
      history: revisions.map((r) => ({
        action: r.action as EpisodeRevisionView["action"],
        version: r.version,
        changes: JSON.parse(r.changes) as EpisodeChanges,
        changedAt: r.changedAt,
        changedByName: nameOf(r.changedById),
      })),
    };
  });
}

/** Where-clause for "episodes of this type": the clinician's label, else the suggestion. */
function typeFilter(type: EpisodeListQuery["type"]): Prisma.EpisodeWhereInput {
  if (!type) return {};
  if (type === "NONE") return { classification: null, suggestedClassification: null };
  return { OR: [{ classification: type }, { classification: null, suggestedClassification: type }] };
}

function dateRange(query: EpisodeListQuery, timeZone: string): Prisma.EpisodeWhereInput {
  const range: { gte?: Date; lt?: Date } = {};
  if (query.from) range.gte = wallClockToInstant(`${query.from}T00:00`, timeZone) ?? undefined;
  if (query.to) {
    const end = wallClockToInstant(`${query.to}T00:00`, timeZone);
    if (end) range.lt = new Date(end.getTime() + 24 * 3600 * 1000);
  }
  return range.gte || range.lt ? { occurredAt: range } : {};
}

function keysetValue(field: string) {
  return (v: string | number | null) => (field === "occurredAt" && typeof v === "string" ? new Date(v) : v);
}

export async function listEpisodes(
  actor: Actor,
  patientId: string,
  rawQuery: Record<string, unknown>,
): Promise<Page<EpisodeView> & { total: number; timeZone: string }> {
  const query = episodeListQuerySchema.parse(rawQuery);
  const cursor = decodeCursor(query.cursor);
  return guarded(actor, "clinical:read", { action: "EPISODE_LIST", patientId }, async (tx) => {
    const patient = await requirePatientInScope(tx, actor, patientId);
    const timeZone = patient.clinic.timeZone;
    const scope: Prisma.EpisodeWhereInput = {
      patientId,
      deletedAt: null,
      ...(query.review ? { needsReview: true } : {}),
      AND: [typeFilter(query.type), dateRange(query, timeZone)],
    };
    const page = keysetQuery(query.sort, query.dir, cursor, query.limit, keysetValue(query.sort), { constantPrefix: ["deletedAt"] });
    const [rows, total] = await Promise.all([
      tx.episode.findMany({ where: { AND: [scope, page.where] }, orderBy: page.orderBy, take: page.take }),
      tx.episode.count({ where: scope }),
    ]);
    const result = finishKeysetPage(rows, cursor, query.limit, (r) =>
      query.sort === "occurredAt" ? r.occurredAt.toISOString() : r.durationSeconds,
    );
    await appendAudit(tx, actor, { action: "EPISODE_LIST", patientId, details: { returned: result.items.length } });
    return { ...result, items: result.items.map(toEpisodeView), total, timeZone };
  });
}

export interface ReviewItem extends EpisodeView {
  patientName: string;
  mrn: string;
  timeZone: string;
}

/** Clinics read one by one (each an index range in page order) and merged, up to this many. */
const MERGE_CLINICS_UP_TO = 8;

/** Episodes whose clinician label disagrees with the suggestion, across the actor's clinics. */
export async function listReviewQueue(
  actor: Actor,
  rawQuery: { cursor?: string; limit?: number },
): Promise<Page<ReviewItem> & CappedCount> {
  const cursor = decodeCursor(rawQuery.cursor);
  const limit = Math.min(Math.max(Number(rawQuery.limit) || 25, 1), 100);
  return guarded(actor, "clinical:read", { action: "REVIEW_QUEUE_VIEW" }, async (tx) => {
    // Episodes of deleted patients are left out as "not one of the few deleted patients'": a short
    // list, where "one of the live patients'" would be every patient of the network.
    const scope = (clinicId: Prisma.EpisodeWhereInput["clinicId"]): Prisma.EpisodeWhereInput => ({
      clinicId,
      needsReview: true,
      deletedAt: null,
      NOT: { patient: { deletedAt: { not: null } } },
    });
    const page = keysetQuery("occurredAt", "desc", cursor, limit, keysetValue("occurredAt"), { constantPrefix: ["deletedAt"] });
    const read = (clinicId: Prisma.EpisodeWhereInput["clinicId"]) =>
      tx.episode.findMany({
        where: { AND: [scope(clinicId), page.where] },
        orderBy: page.orderBy,
        take: page.take,
        include: { patient: { select: { givenName: true, familyName: true, mrn: true, clinic: { select: { timeZone: true } } } } },
      });
    // One query per clinic, each reading its (clinicId, needsReview, deletedAt, occurredAt) index in
    // order, then merged: a single query over several clinics makes both databases sort every
    // flagged episode of the network for each page.
    const clinics = actor.clinicIds;
    const rows =
      clinics.length > 1 && clinics.length <= MERGE_CLINICS_UP_TO
        ? mergeByOccurredAt(await Promise.all(clinics.map((c) => read(c))), cursor, page.take)
        : await read({ in: clinics });
    const count = await cappedCount((take) => tx.episode.count({ where: scope({ in: clinics }), take, orderBy: { deletedAt: "asc" } }));
    const result = finishKeysetPage(rows, cursor, limit, (r) => r.occurredAt.toISOString());
    await appendAudit(tx, actor, { action: "REVIEW_QUEUE_VIEW", details: { returned: result.items.length } });
    return {
      ...result,
      ...count,
      items: result.items.map((r) => ({
        ...toEpisodeView(r),
        patientName: `${r.patient.familyName}, ${r.patient.givenName}`,
        mrn: r.patient.mrn,
        timeZone: r.patient.clinic.timeZone,
      })),
    };
  });
}

/**
 * Merges pages read in (occurredAt, id) order (newest first, or oldest first when reading back
 * from `cursor`) into one page of `take` rows in the same order. Ids are compared by code unit,
 * which is the databases' order for the ids the app writes (lower-case letters and digits).
 */
function mergeByOccurredAt<T extends { id: string; occurredAt: Date }>(parts: T[][], cursor: Cursor | null, take: number): T[] {
  const sign = cursor?.back ? 1 : -1;
  const all = parts.flat();
  all.sort((a, b) => sign * (a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  return all.slice(0, take);
}
