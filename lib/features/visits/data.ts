import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { referenceFlag, type ReferenceFlag } from "@/lib/core/clinical/units";
import type { Analyte, ExamFinding } from "@/lib/core/clinical/vocabulary";
import { parseWith } from "@/lib/core/validation/common";
import { visitCreateSchema, visitUpdateSchema } from "@/lib/features/visits/schema";
import { Prisma } from "@/generated/prisma/client";
import { refreshAttention } from "@/lib/features/attention/data";
import { appendAudit } from "@/lib/server/audit";
import { conflict, invalid, notFound, STALE_VERSION_MESSAGE } from "@/lib/server/errors";
import { checkIdempotencyKey, createOnce, retryOnKeyConflict, type CreateOptions } from "@/lib/server/idempotency";
import { asDate, asNumberOrNull, asStringOrNull } from "@/lib/server/sql-values";
import { guarded } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { splitList } from "@/lib/server/sql-values";
import type { Tx } from "@/lib/server/db";
import type { EnteredValue } from "@/lib/core/fields/field";
import type { Visit } from "@/lib/core/fields/visit";

export type { EnteredValue };

export interface LabView {
  analyte: Analyte;
  /** Canonical (clinical spec section 7): what the rules compare. */
  value: number;
  unit: string;
  enteredValue: number;
  enteredUnit: string;
  /** Against the reference range: low, high, or within (null). */
  flag: ReferenceFlag;
}

/** A visit as the pages and the API read it: its fields (lib/core/fields/visit.ts), its labs and how many episodes were reported at it. */
export type VisitView = Visit & { labs: LabView[]; episodeCount: number };

/**
 * Visits with their lab results and episode counts, in three plain statements (the visits, their
 * labs, their episode counts on the visit index). The patient page reads them on every view; the
 * ORM's include and groupBy cost twice the server time, and Prisma's filtered `_count` include
 * aggregated the whole Episode table (650 ms per page at a million episodes).
 */
async function readVisits(tx: Tx, where: Prisma.Sql, limit: number): Promise<VisitView[]> {
  const rows = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT v."id", v."patientId", v."occurredAt", v."systolic", v."diastolic", v."weightKg", v."temperatureC", v."notes", v."version",
      v."weightEnteredValue", v."weightEnteredUnit", v."temperatureEnteredValue", v."temperatureEnteredUnit", v."examFindings"
    FROM "Visit" v WHERE ${where} AND v."deletedAt" IS NULL
    ORDER BY v."occurredAt" DESC, v."id" DESC LIMIT ${limit}`;
  if (!rows.length) return [];
  const ids = Prisma.join(rows.map((r) => String(r.id)));
  const labs = await tx.$queryRaw<{ visitId: string; analyte: string; value: number; unit: string; enteredValue: number; enteredUnit: string }[]>`
    SELECT "visitId", "analyte", "value", "unit", "enteredValue", "enteredUnit" FROM "LabResult" WHERE "visitId" IN (${ids}) ORDER BY "visitId", "analyte", "id"`;
  const counts = await tx.$queryRaw<{ visitId: string; n: unknown }[]>`
    SELECT "visitId", COUNT(*) AS "n" FROM "Episode" WHERE "visitId" IN (${ids}) AND "deletedAt" IS NULL GROUP BY "visitId"`;
  const labsBy = new Map<string, VisitView["labs"]>();
  for (const l of labs) {
    const list = labsBy.get(l.visitId) ?? [];
    const analyte = l.analyte as Analyte;
    const value = Number(l.value);
    list.push({ analyte, value, unit: l.unit, enteredValue: Number(l.enteredValue), enteredUnit: l.enteredUnit, flag: referenceFlag(analyte, value) });
    labsBy.set(l.visitId, list);
  }
  const countBy = new Map(counts.map((c) => [c.visitId, Number(c.n)]));
  return rows.map((r) => {
    const id = String(r.id);
    return {
      id,
      patientId: String(r.patientId),
      occurredAt: asDate(r.occurredAt),
      systolic: asNumberOrNull(r.systolic),
      diastolic: asNumberOrNull(r.diastolic),
      weightKg: asNumberOrNull(r.weightKg),
      weightEntered: entered(r.weightEnteredValue, r.weightEnteredUnit),
      temperatureC: asNumberOrNull(r.temperatureC),
      temperatureEntered: entered(r.temperatureEnteredValue, r.temperatureEnteredUnit),
      examFindings: splitList(String(r.examFindings ?? "")) as ExamFinding[],
      labs: labsBy.get(id) ?? [],
      notes: String(r.notes),
      episodeCount: countBy.get(id) ?? 0,
      version: Number(r.version),
    };
  });
}

function entered(value: unknown, unit: unknown): EnteredValue | null {
  const v = asNumberOrNull(value);
  const u = asStringOrNull(unit);
  return v === null || u === null ? null : { value: v, unit: u };
}

type StoredMeasure = { value: number; unit: string; enteredValue: number; enteredUnit: string } | null | undefined;

/** A measure's columns: canonical, and as entered (kept only when the unit was not the canonical one). */
function measureColumns(m: StoredMeasure, canonical: "weightKg" | "temperatureC", prefix: "weight" | "temperature") {
  if (m === undefined) return {};
  const asEntered = m && m.enteredUnit !== m.unit;
  return {
    [canonical]: m ? m.value : null,
    [`${prefix}EnteredValue`]: asEntered ? m.enteredValue : null,
    [`${prefix}EnteredUnit`]: asEntered ? m.enteredUnit : null,
  };
}

async function loadVisitInScope(tx: Tx, actor: Actor, id: string): Promise<VisitView> {
  const [visit] = actor.clinicIds.length
    ? await readVisits(
        tx,
        Prisma.sql`v."id" = ${id} AND EXISTS (SELECT 1 FROM "Patient" p WHERE p."id" = v."patientId" AND p."deletedAt" IS NULL AND p."clinicId" IN (${Prisma.join(actor.clinicIds)}))`,
        1,
      )
    : [];
  if (!visit) throw notFound("Visit");
  return visit;
}

/** A visit and its lab results are written together or not at all (one transaction). */
export async function createVisit(actor: Actor, patientId: string, input: unknown, options: CreateOptions = {}): Promise<VisitView> {
  const parsed = parseWith(visitCreateSchema, input);
  const key = checkIdempotencyKey(options.idempotencyKey);
  return retryOnKeyConflict(
    () =>
      guarded(actor, "clinical:write", { action: "VISIT_CREATE", patientId, targetType: "Visit" }, async (tx) => {
        await requirePatientInScope(tx, actor, patientId);
        if (!parsed.ok) throw invalid(parsed.fields);
        const v = parsed.data;
        const once = await createOnce(tx, actor.userId, key, "Visit", async () => {
          const created = await tx.visit.create({
            select: { id: true },
            data: {
              patientId,
              occurredAt: v.occurredAt,
              systolic: v.systolic ?? null,
              diastolic: v.diastolic ?? null,
              ...measureColumns(v.weight, "weightKg", "weight"),
              ...measureColumns(v.temperature, "temperatureC", "temperature"),
              examFindings: v.examFindings.join(","),
              notes: v.notes,
              createdById: actor.userId,
              labs: { create: v.labs.map((l) => ({ ...l, patientId, takenAt: v.occurredAt })) },
            },
          });
          await refreshAttention(tx, [patientId]);
          await appendAudit(tx, actor, {
            action: "VISIT_CREATE",
            patientId,
            targetType: "Visit",
            targetId: created.id,
            details: { labs: v.labs.length },
          });
          return created.id;
        });
        return loadVisitInScope(tx, actor, once.id);
      }),
    key !== null,
  );
}

export async function updateVisit(actor: Actor, id: string, input: unknown): Promise<VisitView> {
  const parsed = parseWith(visitUpdateSchema, input);
  return guarded(actor, "clinical:write", { action: "VISIT_UPDATE", targetType: "Visit", targetId: id }, async (tx) => {
    const current = await loadVisitInScope(tx, actor, id);
    if (!parsed.ok) throw invalid(parsed.fields);
    const { version, labs, ...v } = parsed.data;
    const occurredAt = v.occurredAt ?? current.occurredAt;
    const { count } = await tx.visit.updateMany({
      where: { id, version, deletedAt: null },
      data: {
        occurredAt,
        systolic: v.systolic === undefined ? current.systolic : v.systolic,
        diastolic: v.diastolic === undefined ? current.diastolic : v.diastolic,
        ...measureColumns(v.weight, "weightKg", "weight"),
        ...measureColumns(v.temperature, "temperatureC", "temperature"),
        ...(v.examFindings ? { examFindings: v.examFindings.join(",") } : {}),
        notes: v.notes ?? current.notes,
        version: { increment: 1 },
      },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    if (labs) {
      await tx.labResult.deleteMany({ where: { visitId: id } });
      if (labs.length)
        await tx.labResult.createMany({
          data: labs.map((l) => ({ ...l, visitId: id, patientId: current.patientId, takenAt: occurredAt })),
        });
    } else if (v.occurredAt) {
      await tx.labResult.updateMany({ where: { visitId: id }, data: { takenAt: occurredAt } });
    }
    await refreshAttention(tx, [current.patientId]);
    await appendAudit(tx, actor, { action: "VISIT_UPDATE", patientId: current.patientId, targetType: "Visit", targetId: id });
    return loadVisitInScope(tx, actor, id);
  });
}

export async function deleteVisit(actor: Actor, id: string, version: number): Promise<void> {
  return guarded(actor, "clinical:write", { action: "VISIT_DELETE", targetType: "Visit", targetId: id }, async (tx) => {
    const current = await loadVisitInScope(tx, actor, id);
    const { count } = await tx.visit.updateMany({
      where: { id, version, deletedAt: null },
      data: { deletedAt: new Date(), deletedById: actor.userId, version: { increment: 1 } },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    await refreshAttention(tx, [current.patientId]);
    await appendAudit(tx, actor, { action: "VISIT_DELETE", patientId: current.patientId, targetType: "Visit", targetId: id });
  });
}

export async function getVisit(actor: Actor, id: string): Promise<VisitView & { timeZone: string }> {
  return guarded(actor, "clinical:read", { action: "VISIT_VIEW", targetType: "Visit", targetId: id }, async (tx) => {
    const row = await loadVisitInScope(tx, actor, id);
    const p = await requirePatientInScope(tx, actor, row.patientId);
    await appendAudit(tx, actor, { action: "VISIT_VIEW", patientId: row.patientId, targetType: "Visit", targetId: id });
    return { ...row, timeZone: p.clinic.timeZone };
  });
}

export async function listVisits(actor: Actor, patientId: string, limit = 50): Promise<VisitView[]> {
  return guarded(actor, "clinical:read", { action: "VISIT_LIST", patientId }, async (tx) => {
    await requirePatientInScope(tx, actor, patientId);
    const visits = await readVisits(tx, Prisma.sql`v."patientId" = ${patientId}`, limit);
    await appendAudit(tx, actor, { action: "VISIT_LIST", patientId, details: { returned: visits.length } });
    return visits;
  });
}
