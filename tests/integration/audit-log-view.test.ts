/**
 * The audit log as an admin reads it (/admin/audit and its CSV): who by name, the action in words,
 * the patient by name and MRN (a deleted or purged one as far as it is known, never by internal
 * id), filters by user, patient, action, outcome and dates, keyset paging, admins only.
 * Runs on SQLite; `TEST_DB=postgresql` runs it on PostgreSQL.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { Actor } from "@/lib/server/permissions";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { DataError } from "@/lib/server/errors";
import { inTransaction } from "@/lib/server/transaction";
import {
  AUDIT_CSV_COLUMNS,
  exportAuditEventsCsv,
  listAuditEvents,
  listAuditLogUsers,
  PATIENT_MATCH_LIMIT,
  type AuditEventView,
} from "@/lib/features/audit-log/data";
import { loadAuditLogPage } from "@/lib/features/audit-log/loaders";
import { purgePatient } from "@/lib/features/recycle/data";
import { describeAuditDetails } from "@/lib/core/audit-actions";
import { CAUSES_BY_ID } from "@/lib/core/clinical/checklist";
import { createWorld } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
const append = (actor: Actor | null, input: AuditInput) => inTransaction((tx) => appendAudit(tx, actor, input));

const mkPatient = (clinicId: string, mrn: string, familyName: string, givenName: string) =>
  db.patient.create({
    data: { clinicId, mrn, givenName, familyName, searchText: `${familyName} ${givenName} ${mrn}`.toLowerCase(), birthDate: "1980-01-01", sex: "FEMALE" },
  });

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

async function csvText(actor: Actor, filters: Record<string, unknown>): Promise<string> {
  let text = "";
  for await (const chunk of await exportAuditEventsCsv(actor, filters)) text += chunk;
  return text;
}

/** Splits the export (quoted cells hold no line breaks in these rows) into records by column. */
function csvRecords(text: string): Record<string, string>[] {
  const [header, ...lines] = text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
  const cells = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, "").replaceAll('""', '"'));
  const names = cells(header);
  return lines.map((line) => Object.fromEntries(cells(line).map((c, i) => [names[i], c])));
}

let novak: string;
let novakJunior: string;
let albrecht: string;
let deleted: string;
let purged: string;
let foreign: string;
let marker: number;

beforeAll(async () => {
  world = await createWorld(db);
  await db.user.update({ where: { id: world.users.admin.id }, data: { name: "Ada Admin" } });
  await db.user.update({ where: { id: world.users.clinician.id }, data: { name: "Dr. Clara Lind" } });
  await db.user.update({ where: { id: world.users.outsider.id }, data: { name: "Otto Outsider" } });
  novak = (await mkPatient(world.clinic.id, "AV-100", "Novak", "Anna")).id;
  novakJunior = (await mkPatient(world.clinic.id, "AV-1001", "Novak", "Jan")).id;
  albrecht = (await mkPatient(world.clinic.id, "AV-200", "Albrecht", "Miriam")).id;
  deleted = (await mkPatient(world.clinic.id, "AV-300", "Deleted", "Dora")).id;
  purged = (await mkPatient(world.clinic.id, "AV-400", "Purged", "Paul")).id;
  foreign = (await mkPatient(world.otherClinic.id, "AV-500", "Foreign", "Fritz")).id;
  const { clinician, admin, outsider } = world.actors;
  // Rows after this one are this file's.
  await append(admin, { action: "TEST_MARKER" });
  marker = (await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq;

  const about = (patientId: string) => ({ patientId, targetType: "Patient", targetId: patientId });
  await append(clinician, { action: "PATIENT_VIEW", ...about(novak) });
  await append(clinician, { action: "PATIENT_VIEW", ...about(novakJunior) });
  await append(clinician, { action: "EPISODE_CREATE", patientId: albrecht, targetType: "Episode", targetId: "ep-1" });
  await append(admin, { action: "PATIENT_VIEW", ...about(deleted) });
  await append(clinician, { action: "PATIENT_VIEW", ...about(purged) });
  await append(outsider, { action: "PATIENT_VIEW", outcome: "DENIED", targetType: "Patient", targetId: novak, details: { reason: "NOT_FOUND" } });
  await append(outsider, { action: "PATIENT_VIEW", ...about(foreign) });
  await append(admin, { action: "USER_ROLE_CHANGE", targetType: "User", targetId: world.users.clinician.id, details: { from: "READ_ONLY", to: "CLINICIAN" } });
  await append(clinician, { action: "CHECKLIST_UPDATE", patientId: novak, targetType: "ChecklistItem", targetId: "iron_deficiency", details: { from: "NOT_ASSESSED", to: "SUSPECTED" } });

  await db.patient.update({ where: { id: deleted }, data: { deletedAt: new Date() } });
  await db.patient.update({ where: { id: purged }, data: { deletedAt: new Date() } });
  await purgePatient(admin, purged, "Erasure request REF-2026-7");
});

const since = () => ({ after: marker });
const words = (e: AuditEventView) => `${e.action}:${e.userName ?? "-"}:${e.patient ? `${e.patient.state} ${e.patient.name ?? ""} ${e.patient.mrn ?? ""}`.trim() : "-"}`;

describe("names instead of ids", () => {
  it("names the user and the patient (name and MRN), the deleted patient as deleted, the purged one as purged", async () => {
    const page = await listAuditEvents(world.actors.admin, since());
    expect(page.items.map(words)).toEqual([
      "PATIENT_PURGE:Ada Admin:purged",
      "CHECKLIST_UPDATE:Dr. Clara Lind:active Novak, Anna AV-100",
      "USER_ROLE_CHANGE:Ada Admin:-",
      "PATIENT_VIEW:Otto Outsider:active Novak, Anna AV-100",
      "PATIENT_VIEW:Ada Admin:deleted Deleted, Dora AV-300",
      "EPISODE_CREATE:Dr. Clara Lind:active Albrecht, Miriam AV-200",
      "PATIENT_VIEW:Dr. Clara Lind:active Novak, Jan AV-1001",
      "PATIENT_VIEW:Dr. Clara Lind:active Novak, Anna AV-100",
    ]);
    // Earlier rows about the purged patient stay out of view, as before; the other clinic's too.
    expect(page.items.some((e) => e.patientId === foreign || e.patientId === purged)).toBe(false);
  });

  it("names targets in words, and the details' codes and ids", async () => {
    const page = await listAuditEvents(world.actors.admin, since());
    const role = page.items.find((e) => e.action === "USER_ROLE_CHANGE")!;
    expect(role.target).toBe("User Dr. Clara Lind");
    expect(describeAuditDetails(role.details, page.references)).toEqual([
      { label: "From", value: "Read only" },
      { label: "To", value: "Clinician" },
    ]);
    expect(page.items.find((e) => e.action === "CHECKLIST_UPDATE")!.target).toBe(`Checklist item ${CAUSES_BY_ID.iron_deficiency.label}`);
    expect(page.items.find((e) => e.action === "EPISODE_CREATE")!.target).toBe("Episode");

    // The view of a filtered page records the patient's id; reading it back names the patient.
    await listAuditEvents(world.actors.admin, { patientId: albrecht });
    const views = await listAuditEvents(world.actors.admin, { action: "AUDIT_VIEW", limit: 1 });
    const entries = describeAuditDetails(views.items[0].details, views.references);
    expect(entries[0]).toEqual({ label: "Filters", value: [{ label: "Patient", value: "Albrecht, Miriam, MRN AV-200" }] });
    expect(JSON.stringify(entries)).not.toContain(albrecht);
  });
});

describe("filters", () => {
  const actions = async (filters: Record<string, unknown>) => (await listAuditEvents(world.actors.admin, { ...since(), ...filters })).items.map(words);

  it("by patient: the exact MRN, or every word of the name; deleted patients too, purged ones no more", async () => {
    expect(await actions({ patient: "AV-100" })).toEqual([
      "CHECKLIST_UPDATE:Dr. Clara Lind:active Novak, Anna AV-100",
      "PATIENT_VIEW:Otto Outsider:active Novak, Anna AV-100",
      "PATIENT_VIEW:Dr. Clara Lind:active Novak, Anna AV-100",
    ]);
    expect(await actions({ patient: "novak", action: "PATIENT_VIEW", user: world.users.clinician.id })).toEqual([
      "PATIENT_VIEW:Dr. Clara Lind:active Novak, Jan AV-1001",
      "PATIENT_VIEW:Dr. Clara Lind:active Novak, Anna AV-100",
    ]);
    expect(await actions({ patient: "Jan Novak" })).toEqual(["PATIENT_VIEW:Dr. Clara Lind:active Novak, Jan AV-1001"]);
    expect(await actions({ patient: "dora" })).toEqual(["PATIENT_VIEW:Ada Admin:deleted Deleted, Dora AV-300"]);
    expect(await actions({ patient: "Purged" })).toEqual([]);
    // Another clinic's patient is not found by name either.
    expect(await actions({ patient: "Foreign" })).toEqual([]);
  });

  it("says which patients the patient filter matched", async () => {
    const page = await listAuditEvents(world.actors.admin, { ...since(), patient: "novak" });
    expect(page.patients!.map((p) => `${p.name} ${p.mrn}`)).toEqual(["Novak, Anna AV-100", "Novak, Jan AV-1001"]);
    expect((await listAuditEvents(world.actors.admin, { ...since(), patientId: deleted })).patients!.map((p) => p.state)).toEqual(["deleted"]);
    expect((await listAuditEvents(world.actors.admin, since())).patients).toBeNull();
  });

  it("by user, action, outcome and dates, together with the patient", async () => {
    expect(await actions({ user: world.users.outsider.id })).toEqual(["PATIENT_VIEW:Otto Outsider:active Novak, Anna AV-100"]);
    expect(await actions({ outcome: "DENIED", patient: "AV-100" })).toEqual(["PATIENT_VIEW:Otto Outsider:active Novak, Anna AV-100"]);
    expect(await actions({ action: "episode_create" })).toEqual(["EPISODE_CREATE:Dr. Clara Lind:active Albrecht, Miriam AV-200"]);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await actions({ from: day(0), to: day(0), patient: "AV-200" })).length).toBe(1);
    expect(await actions({ from: day(1), patient: "AV-200" })).toEqual([]);
  });

  it("refuses a patient filter that names too many patients, saying what to do", async () => {
    await db.patient.createMany({
      data: Array.from({ length: PATIENT_MATCH_LIMIT + 1 }, (_, i) => ({
        clinicId: world.clinic.id,
        mrn: `MANY-${i}`,
        givenName: "Max",
        familyName: "Many",
        searchText: `many max many-${i}`,
        birthDate: "1990-01-01",
        sex: "MALE",
      })),
    });
    const error = await refusal(listAuditEvents(world.actors.admin, { patient: "many" }));
    expect(error.code).toBe("VALIDATION");
    expect(error.fields.patient).toMatch(/More than 100 patients match/);
    // The exact MRN still finds the one.
    expect((await listAuditEvents(world.actors.admin, { patient: "MANY-7" })).patients!.map((p) => p.mrn)).toEqual(["MANY-7"]);
  });
});

describe("paging", () => {
  it("pages one patient's rows by seq, server-side, without gaps or repeats", async () => {
    await inTransaction(async (tx) => {
      for (let i = 0; i < 9; i++) {
        await appendAudit(tx, world.actors.clinician, { action: "EPISODE_VIEW", patientId: albrecht, targetType: "Episode", targetId: `ep-${i}`, details: { i } });
        await appendAudit(tx, world.actors.clinician, { action: "EPISODE_VIEW", patientId: novak, targetType: "Episode", targetId: `ep-n${i}`, details: { i: -1 } });
      }
    });
    const seen: number[] = [];
    const sizes: number[] = [];
    let before: number | undefined;
    do {
      const page = await listAuditEvents(world.actors.admin, { patient: "Albrecht", action: "EPISODE_VIEW", limit: 4, before });
      seen.push(...page.items.map((e) => JSON.parse(e.details).i));
      sizes.push(page.items.length);
      expect(page.items.every((e) => e.patient?.name === "Albrecht, Miriam")).toBe(true);
      before = page.olderCursor ?? undefined;
    } while (before);
    expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(sizes).toEqual([4, 4, 1]);
  });
});

describe("admins only", () => {
  it("refuses the list, the users of the filter and the export to a clinician, and records the refusals", async () => {
    expect((await refusal(listAuditEvents(world.actors.clinician, { patient: "novak" }))).code).toBe("FORBIDDEN");
    expect((await refusal(listAuditLogUsers(world.actors.clinician))).code).toBe("FORBIDDEN");
    expect((await refusal(exportAuditEventsCsv(world.actors.clinician, {}))).code).toBe("FORBIDDEN");
    const denied = await db.auditEvent.count({ where: { userId: world.users.clinician.id, outcome: "DENIED", action: { in: ["AUDIT_VIEW", "AUDIT_EXPORT"] } } });
    expect(denied).toBe(3);
  });

  it("offers the users of the admin's clinics to filter by, by name", async () => {
    expect((await listAuditLogUsers(world.actors.admin)).map((u) => u.name)).toEqual(["Ada Admin", "Dr. Clara Lind", "reader"]);
  });

  it("loads the page: users, events, and refused filters by field", async () => {
    const data = await loadAuditLogPage(world.actors.admin, { patient: "AV-200", action: "EPISODE_CREATE", before: "" });
    expect(data.filters).toEqual({ patient: "AV-200", action: "EPISODE_CREATE" });
    expect(data.users.length).toBe(3);
    expect(data.page!.items.map((e) => e.patient?.mrn)).toEqual(["AV-200"]);
    const refused = await loadAuditLogPage(world.actors.admin, { patient: "many" });
    expect(refused.page).toBeNull();
    expect(Object.keys(refused.fields)).toEqual(["patient"]);
    expect(refused.users.length).toBe(3);
  });
});

describe("the CSV export", () => {
  it("has the words beside the codes, the patient's name and MRN, and the same rows as the page for the same filters", async () => {
    const filters = { ...since(), patient: "novak" };
    const records = csvRecords(await csvText(world.actors.admin, filters)).filter((r) => r.action !== "AUDIT_EXPORT");
    const listed = (await listAuditEvents(world.actors.admin, { ...filters, limit: 200 })).items;
    expect(records.map((r) => Number(r.seq))).toEqual(listed.map((e) => e.seq).reverse());
    const first = records[0];
    expect(first).toMatchObject({ userName: "Dr. Clara Lind", actionLabel: "Viewed patient", action: "PATIENT_VIEW", outcomeLabel: "Succeeded", patientName: "Novak, Anna", patientMrn: "AV-100", patientId: novak });
    const refused = records.find((r) => r.outcome === "DENIED")!;
    expect(refused).toMatchObject({ userName: "Otto Outsider", outcomeLabel: "Refused", patientName: "Novak, Anna", targetLabel: "Patient" });
  });

  it("names the deleted and the purged patient as far as they are known", async () => {
    const records = csvRecords(await csvText(world.actors.admin, { ...since(), action: "PATIENT_PURGE" }));
    expect(records.map((r) => [r.actionLabel, r.patientName, r.patientMrn])).toEqual([["Purged patient", "Purged patient", ""]]);
    const deletedRows = csvRecords(await csvText(world.actors.admin, { ...since(), patient: "AV-300" }));
    expect(deletedRows.map((r) => [r.patientName, r.patientMrn])).toEqual([["Deleted, Dora (deleted patient)", "AV-300"]]);
  });

  it("refuses the same bad filters as the page, and records its filters", async () => {
    expect((await refusal(exportAuditEventsCsv(world.actors.admin, { patient: "many" }))).fields).toHaveProperty("patient");
    await csvText(world.actors.admin, { patient: "AV-200", outcome: "SUCCESS" });
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: "AUDIT_EXPORT", outcome: "SUCCESS" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(row.details).filters).toEqual({ patient: "AV-200", outcome: "SUCCESS" });
    expect(AUDIT_CSV_COLUMNS.slice(0, 2)).toEqual(["seq", "at"]);
  });
});
