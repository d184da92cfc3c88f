import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { asUnitSystem } from "@/lib/core/clinical/units";
import type { AllergyStatus, Condition, LifestyleFlag, Sex } from "@/lib/core/clinical/vocabulary";
import {
  allergyIssue,
  patientCreateSchema,
  patientListQuerySchema,
  patientUpdateSchema,
  type PatientCreateInput,
  type PatientListQuery,
} from "@/lib/features/patients/schema";
import { parseWith } from "@/lib/core/validation/common";
import { Prisma } from "@/generated/prisma/client";
import { appendAudit } from "@/lib/server/audit";
import { conflict, invalid, notFound, STALE_VERSION_MESSAGE } from "@/lib/server/errors";
import { cappedCount, decodeCursor, finishKeysetPage, keysetQuery, type CappedCount, type Page } from "@/lib/server/pagination";
import { checkIdempotencyKey, createOnce, retryOnKeyConflict, type CreateOptions } from "@/lib/server/idempotency";
import { guarded, isUniqueViolation } from "@/lib/server/transaction";
import { countPatientEpisodes } from "@/lib/features/episodes/day-counts";
import { asBool, asDate, asNumberOrNull, asStringOrNull, splitList } from "@/lib/server/sql-values";
import type { Tx } from "@/lib/server/db";
import type { Patient, PatientSummaryField } from "@/lib/core/fields/patient";

/** What the patient list shows of a patient. */
export type PatientSummary = Pick<Patient, PatientSummaryField>;

/** A patient with everything the patient page shows: every field of lib/core/fields/patient.ts. */
export type PatientDetail = Patient;

/**
 * The patient with clinic, conditions and medications, in three plain statements: it opens every
 * patient page, where the ORM's relation loading (four statements, each query compiled) cost
 * about twice as much server time.
 */
async function loadPatient(tx: Tx, actor: Actor, id: string): Promise<PatientDetail> {
  const rows = actor.clinicIds.length
    ? await tx.$queryRaw<Record<string, unknown>[]>`
        SELECT p."id", p."clinicId", c."name" AS "clinicName", c."unitSystem", p."mrn", p."givenName", p."familyName", p."birthDate", p."sex",
          p."pregnant", p."heightCm", p."heightEnteredValue", p."heightEnteredUnit", p."lifestyle", p."allergyStatus", p."allergies", p."version", p."createdAt", p."updatedAt"
        FROM "Patient" p JOIN "Clinic" c ON c."id" = p."clinicId"
        WHERE p."id" = ${id} AND p."deletedAt" IS NULL AND p."clinicId" IN (${Prisma.join(actor.clinicIds)})`
    : [];
  if (!rows.length) throw notFound("Patient");
  const r = rows[0];
  const conditions = await tx.$queryRaw<{ code: string; onsetDate: string | null; note: string | null }[]>`
    SELECT "code", "onsetDate", "note" FROM "PatientCondition" WHERE "patientId" = ${id} ORDER BY "code"`;
  const medications = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT "id", "name", "active", "startedOn", "stoppedOn" FROM "Medication" WHERE "patientId" = ${id} ORDER BY "active" DESC, "name"`;
  return {
    id: String(r.id),
    clinicId: String(r.clinicId),
    clinicName: String(r.clinicName),
    mrn: String(r.mrn),
    givenName: String(r.givenName),
    familyName: String(r.familyName),
    birthDate: String(r.birthDate),
    sex: r.sex as Sex,
    pregnant: asBool(r.pregnant),
    heightCm: asNumberOrNull(r.heightCm),
    unitSystem: asUnitSystem(r.unitSystem),
    heightEntered:
      asNumberOrNull(r.heightEnteredValue) !== null && asStringOrNull(r.heightEnteredUnit) !== null
        ? { value: asNumberOrNull(r.heightEnteredValue)!, unit: asStringOrNull(r.heightEnteredUnit)! }
        : null,
    conditions: conditions.map((c) => ({ code: c.code as Condition, onsetDate: c.onsetDate, note: c.note })),
    lifestyle: splitList(String(r.lifestyle)) as LifestyleFlag[],
    medications: medications.map((m) => ({
      id: String(m.id),
      name: String(m.name),
      active: asBool(m.active),
      startedOn: asStringOrNull(m.startedOn),
      stoppedOn: asStringOrNull(m.stoppedOn),
    })),
    allergyStatus: String(r.allergyStatus) as AllergyStatus,
    allergies: String(r.allergies),
    version: Number(r.version),
    createdAt: asDate(r.createdAt),
    updatedAt: asDate(r.updatedAt),
  };
}

/** The patient list's search column; the import writes it the same way. */
export function searchText(p: { familyName: string; givenName: string; mrn: string }): string {
  return `${p.familyName} ${p.givenName} ${p.mrn}`.toLowerCase();
}

const SORT_FIELDS = { name: "searchText", mrn: "mrn", birthDate: "birthDate", createdAt: "createdAt" } as const;

export async function listPatients(
  actor: Actor,
  rawQuery: Partial<Record<keyof PatientListQuery, unknown>>,
): Promise<Page<PatientSummary> & CappedCount> {
  const query = patientListQuerySchema.parse(rawQuery);
  const cursor = decodeCursor(query.cursor);
  const field = SORT_FIELDS[query.sort];
  const scope = {
    clinicId: { in: actor.clinicIds },
    deletedAt: null,
    ...(query.q ? { searchText: { contains: query.q.toLowerCase() } } : {}),
  };
  return guarded(actor, "clinical:read", { action: "PATIENT_LIST" }, async (tx) => {
    const page = keysetQuery(
      field,
      query.dir,
      cursor,
      query.limit,
      (v) => (field === "createdAt" && typeof v === "string" ? new Date(v) : v),
      { constantPrefix: ["deletedAt"] },
    );
    const [rows, count] = await Promise.all([
      tx.patient.findMany({
        where: { AND: [scope, page.where] },
        orderBy: page.orderBy,
        take: page.take,
        include: { clinic: { select: { name: true } } },
      }),
      cappedCount((take) => tx.patient.count({ where: scope, take, orderBy: { deletedAt: "asc" } })),
    ]);
    const result = finishKeysetPage(rows, cursor, query.limit, (r) =>
      field === "createdAt" ? r.createdAt.toISOString() : (r[field] as string),
    );
    await appendAudit(tx, actor, {
      action: "PATIENT_LIST",
      details: { q: query.q ?? null, sort: query.sort, dir: query.dir, returned: result.items.length },
    });
    return {
      ...result,
      ...count,
      items: result.items.map((r) => ({
        id: r.id,
        mrn: r.mrn,
        givenName: r.givenName,
        familyName: r.familyName,
        birthDate: r.birthDate,
        sex: r.sex as Sex,
        pregnant: r.pregnant,
        clinicName: r.clinic.name,
        createdAt: r.createdAt,
      })),
    };
  });
}

export async function getPatient(actor: Actor, id: string): Promise<PatientDetail> {
  return guarded(actor, "clinical:read", { action: "PATIENT_VIEW", targetType: "Patient", targetId: id }, async (tx) => {
    const patient = await loadPatient(tx, actor, id);
    await appendAudit(tx, actor, { action: "PATIENT_VIEW", patientId: id, targetType: "Patient", targetId: id });
    return patient;
  });
}

function resolveClinic(actor: Actor, clinicId: string | undefined): string {
  if (clinicId) {
    if (!actor.clinicIds.includes(clinicId)) throw invalid({ clinicId: "Unknown clinic" });
    return clinicId;
  }
  if (actor.clinicIds.length === 1) return actor.clinicIds[0];
  throw invalid({ clinicId: "Choose the clinic" });
}

export async function createPatient(actor: Actor, input: unknown, options: CreateOptions = {}): Promise<PatientDetail> {
  const parsed = parseWith(patientCreateSchema, input);
  const key = checkIdempotencyKey(options.idempotencyKey);
  return retryOnKeyConflict(
    () =>
      guarded(actor, "clinical:write", { action: "PATIENT_CREATE", targetType: "Patient" }, async (tx) => {
        if (!parsed.ok) throw invalid(parsed.fields);
        const p = parsed.data;
        const clinicId = resolveClinic(actor, p.clinicId);
        const once = await createOnce(tx, actor.userId, key, "Patient", () => insertPatient(tx, actor, clinicId, p));
        return loadPatient(tx, actor, once.id);
      }),
    key !== null,
  );
}

async function insertPatient(tx: Tx, actor: Actor, clinicId: string, p: PatientCreateInput): Promise<string> {
  const duplicate = await tx.patient.findFirst({ where: { clinicId, mrn: p.mrn }, select: { id: true } });
  if (duplicate) throw conflict("A patient with this MRN already exists in this clinic.", { mrn: "This MRN is already in use" });
  try {
    const created = await tx.patient.create({
      data: {
        clinicId,
        mrn: p.mrn,
        givenName: p.givenName,
        familyName: p.familyName,
        searchText: searchText(p),
        birthDate: p.birthDate,
        sex: p.sex,
        pregnant: p.pregnant,
        heightCm: p.heightCm ?? null,
        heightEnteredValue: p.heightEntered?.value ?? null,
        heightEnteredUnit: p.heightEntered?.unit ?? null,
        lifestyle: p.lifestyle.join(","),
        allergyStatus: p.allergyStatus,
        allergies: p.allergies,
        createdById: actor.userId,
        conditions: { create: p.conditions.map((code) => ({ code })) },
        medications: {
          create: p.medications.map((m) => ({
            name: m.name,
            active: m.active,
            startedOn: m.startedOn ?? null,
            stoppedOn: m.stoppedOn ?? null,
          })),
        },
      },
      select: { id: true },
    });
    // Every patient has its stored attention row (the triage list sorts by it): nothing to flag yet, holding until a record is written.
    await tx.patientAttention.create({ data: { patientId: created.id, clinicId, computedAt: new Date() } });
    await appendAudit(tx, actor, { action: "PATIENT_CREATE", patientId: created.id, targetType: "Patient", targetId: created.id });
    return created.id;
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("A patient with this MRN already exists in this clinic.", { mrn: "This MRN is already in use" });
    throw error;
  }
}

export async function updatePatient(actor: Actor, id: string, input: unknown): Promise<PatientDetail> {
  const parsed = parseWith(patientUpdateSchema, input);
  return guarded(actor, "clinical:write", { action: "PATIENT_UPDATE", patientId: id, targetType: "Patient", targetId: id }, async (tx) => {
    const current = await loadPatient(tx, actor, id);
    if (!parsed.ok) throw invalid(parsed.fields);
    const p = parsed.data;
    const sex = p.sex ?? current.sex;
    const pregnant = p.pregnant ?? current.pregnant;
    if (sex === "MALE" && pregnant) throw invalid({ pregnant: "Pregnancy cannot be recorded for a male patient" });
    const allergyStatus = p.allergyStatus ?? current.allergyStatus;
    // A status other than "recorded" clears the text unless the text is given too.
    const allergies = p.allergies ?? (p.allergyStatus && p.allergyStatus !== "RECORDED" ? "" : current.allergies);
    const allergyProblem = allergyIssue(allergyStatus, allergies);
    if (allergyProblem) throw invalid({ allergies: allergyProblem });
    if (p.mrn && p.mrn !== current.mrn) {
      const duplicate = await tx.patient.findFirst({ where: { clinicId: current.clinicId, mrn: p.mrn }, select: { id: true } });
      if (duplicate) throw conflict("A patient with this MRN already exists in this clinic.", { mrn: "This MRN is already in use" });
    }
    const names = {
      familyName: p.familyName ?? current.familyName,
      givenName: p.givenName ?? current.givenName,
      mrn: p.mrn ?? current.mrn,
    };
    const { count } = await tx.patient.updateMany({
      where: { id, version: p.version, deletedAt: null },
      data: {
        ...names,
        searchText: searchText(names),
        birthDate: p.birthDate ?? current.birthDate,
        sex,
        pregnant,
        ...(p.heightCm === undefined
          ? {}
          : { heightCm: p.heightCm, heightEnteredValue: p.heightEntered?.value ?? null, heightEnteredUnit: p.heightEntered?.unit ?? null }),
        lifestyle: (p.lifestyle ?? current.lifestyle).join(","),
        allergyStatus,
        allergies,
        version: { increment: 1 },
      },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    if (p.conditions) {
      await tx.patientCondition.deleteMany({ where: { patientId: id, code: { notIn: p.conditions } } });
      const kept = new Set(current.conditions.map((c) => c.code));
      const added = p.conditions.filter((c) => !kept.has(c));
      if (added.length) await tx.patientCondition.createMany({ data: added.map((code) => ({ patientId: id, code })) });
    }
    if (p.medications) {
      await tx.medication.deleteMany({ where: { patientId: id } });
      if (p.medications.length)
        await tx.medication.createMany({
          data: p.medications.map((m) => ({
            patientId: id,
            name: m.name,
            active: m.active,
            startedOn: m.startedOn ?? null,
            stoppedOn: m.stoppedOn ?? null,
          })),
        });
    }
    const changed = Object.keys(p).filter((k) => k !== "version");
    await appendAudit(tx, actor, {
      action: "PATIENT_UPDATE",
      patientId: id,
      targetType: "Patient",
      targetId: id,
      details: { fields: changed },
    });
    return loadPatient(tx, actor, id);
  });
}

export async function deletePatient(actor: Actor, id: string, version: number): Promise<void> {
  return guarded(actor, "clinical:write", { action: "PATIENT_DELETE", patientId: id, targetType: "Patient", targetId: id }, async (tx) => {
    const patient = await loadPatient(tx, actor, id);
    const { count } = await tx.patient.updateMany({
      where: { id, version, deletedAt: null },
      data: { deletedAt: new Date(), deletedById: actor.userId, version: { increment: 1 } },
    });
    if (count === 0) throw conflict(STALE_VERSION_MESSAGE, { version: "Stale version" });
    await countPatientEpisodes(tx, { id, clinicId: patient.clinicId }, -1);
    await appendAudit(tx, actor, { action: "PATIENT_DELETE", patientId: id, targetType: "Patient", targetId: id });
  });
}

/** Clinics the actor may file patients under, for the create form. */
export async function listActorClinics(actor: Actor) {
  return guarded(actor, "clinical:read", { action: "CLINIC_LIST" }, (tx) =>
    tx.clinic.findMany({
      where: { id: { in: actor.clinicIds } },
      select: { id: true, name: true, timeZone: true, unitSystem: true },
      orderBy: { name: "asc" },
    }),
  );
}
