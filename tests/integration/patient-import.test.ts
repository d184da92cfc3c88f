import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { previewPatientImport, refusedImportRows, runPatientImport } from "@/lib/features/import/data";
import { createPatient, deletePatient, getPatient, listPatients } from "@/lib/features/patients/data";
import { DataError } from "@/lib/server/errors";
import { createWorld, barePatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";
import * as previewRoute from "@/app/admin/import/preview/route";
import * as runRoute from "@/app/admin/import/run/route";
import * as refusedRoute from "@/app/admin/import/refused/route";

let world: Awaited<ReturnType<typeof createWorld>>;
beforeAll(async () => {
  world = await createWorld(db);
});

const HEADER = "mrn,given_name,family_name,birth_date,sex,height_cm,allergy_status,allergies";
const csv = (...rows: string[]) => [HEADER, ...rows].join("\r\n") + "\r\n";
const input = (content: string, clinicId = world.clinic.id) => ({ clinicId, content });

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const patientsWithPrefix = (prefix: string) =>
  db.patient.findMany({ where: { mrn: { startsWith: prefix } }, include: { attention: true }, orderBy: { mrn: "asc" } });

describe("patient import", () => {
  it("imports a CSV: patients with their attention rows and search text, audited per batch and per run with counts only", async () => {
    const file = csv(
      "CSV-1,Anna,Novak,1985-04-12,female,168,allergies recorded,Penicillin: rash",
      "CSV-2,Jonas,Berg,1962-11-30,M,,no known allergies,",
      "CSV-3,Ines,Okafor,1990-01-01,Other,,,",
    );
    const auditBefore = await db.auditEvent.count();
    const result = await runPatientImport(world.actors.admin, input(file), { batchSize: 2 });
    expect(result).toMatchObject({ format: "csv", rows: 3, created: 3, updated: 0, unchanged: 0, refused: 0, batches: 2, committedBatches: 2, failure: null });

    const rows = await patientsWithPrefix("CSV-");
    expect(rows.map((p) => [p.mrn, p.sex, p.heightCm, p.allergyStatus, p.allergies])).toEqual([
      ["CSV-1", "FEMALE", 168, "RECORDED", "Penicillin: rash"],
      ["CSV-2", "MALE", null, "NONE_KNOWN", ""],
      ["CSV-3", "OTHER", null, "NOT_RECORDED", ""],
    ]);
    // As createPatient leaves them: an attention row each, the search column, the creator.
    for (const p of rows) {
      expect(p.attention).toMatchObject({ clinicId: world.clinic.id, urgencyRank: 3, episodesInWindow: 0 });
      expect(p.createdById).toBe(world.users.admin.id);
    }
    expect(rows[0].searchText).toBe("novak anna csv-1");
    // Read back through the patient page's own loader: the plain SQL wrote what the ORM reads.
    const page = await getPatient(world.actors.clinician, rows[0].id);
    expect(page).toMatchObject({ mrn: "CSV-1", version: 1, pregnant: false, lifestyle: [], heightEntered: null, conditions: [], medications: [] });
    expect(Math.abs(page.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(page.updatedAt.getTime()).toBe(page.createdAt.getTime());
    expect(rows[0].id).toMatch(/^c[0-9a-z]{24}$/);
    const found = await listPatients(world.actors.clinician, { q: "okafor" });
    expect(found.items.map((p) => p.mrn)).toEqual(["CSV-3"]);

    const audit = await db.auditEvent.findMany({ where: { seq: { gt: auditBefore }, action: { startsWith: "PATIENT_IMPORT" } }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ["PATIENT_IMPORT_BATCH", "SUCCESS"],
      ["PATIENT_IMPORT_BATCH", "SUCCESS"],
      ["PATIENT_IMPORT", "SUCCESS"],
    ]);
    expect(JSON.parse(audit[0].details)).toMatchObject({ batch: 1, batches: 2, created: 2 });
    expect(JSON.parse(audit[2].details)).toMatchObject({ rows: 3, created: 3, updated: 0, refused: 0, committedBatches: 2 });
    for (const a of audit) {
      expect(a.targetId).toBe(world.clinic.id);
      expect(a.details).not.toMatch(/Novak|Anna|CSV-1|1985|Penicillin/);
    }
  });

  it("is idempotent: the same file again creates and updates nothing", async () => {
    const file = csv("IDEM-1,Anna,Novak,1985-04-12,female,168,no known allergies,", "IDEM-2,Jonas,Berg,1962-11-30,male,,,");
    expect(await runPatientImport(world.actors.admin, input(file))).toMatchObject({ created: 2, updated: 0 });
    const before = await patientsWithPrefix("IDEM-");
    const again = await runPatientImport(world.actors.admin, input(file));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2, refused: 0 });
    const after = await patientsWithPrefix("IDEM-");
    expect(after.map((p) => [p.version, p.updatedAt.getTime()])).toEqual(before.map((p) => [p.version, p.updatedAt.getTime()]));
    const preview = await previewPatientImport(world.actors.admin, input(file));
    expect(preview.listed.map((r) => r.action)).toEqual(["unchanged", "unchanged"]);
  });

  it("updates the patient with the row's MRN, only the fields the row gives, and the dry run says which", async () => {
    const made = await createPatient(world.actors.clinician, { ...barePatient("UPD-1", "Novak"), heightCm: 170, allergyStatus: "NONE_KNOWN" });
    const file = csv("UPD-1,Test,Novak-Berg,1985-04-12,female,,,");
    const preview = await previewPatientImport(world.actors.admin, input(file));
    expect(preview).toMatchObject({ created: 0, updated: 1 });
    expect(preview.listed[0]).toMatchObject({ row: 2, action: "update", mrn: "UPD-1", changes: ["Family name"] });

    expect(await runPatientImport(world.actors.admin, input(file))).toMatchObject({ created: 0, updated: 1 });
    const stored = await db.patient.findUniqueOrThrow({ where: { id: made.id } });
    expect(stored).toMatchObject({ familyName: "Novak-Berg", searchText: "novak-berg test upd-1", version: 2, heightCm: 170, allergyStatus: "NONE_KNOWN" });
    expect(await db.patient.count({ where: { mrn: "UPD-1" } })).toBe(1);
  });

  it("imports a FHIR R4 Bundle of Patients, skipping other resources", async () => {
    const patient = (mrn: string, family: string, gender: string) => ({
      resource: {
        resourceType: "Patient",
        identifier: [{ type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR" }] }, value: mrn }],
        name: [{ use: "official", family, given: ["Eva"] }],
        gender,
        birthDate: "1970-06-01",
      },
    });
    const bundle = { resourceType: "Bundle", type: "collection", entry: [patient("FHIR-1", "Lind", "female"), { resource: { resourceType: "Observation" } }, patient("FHIR-2", "Moe", "robot")] };
    const result = await runPatientImport(world.actors.admin, input(JSON.stringify(bundle)));
    expect(result).toMatchObject({ format: "fhir", rows: 2, created: 1, refused: 1 });
    const rows = await patientsWithPrefix("FHIR-");
    expect(rows.map((p) => [p.mrn, p.givenName, p.familyName, p.sex, p.birthDate])).toEqual([["FHIR-1", "Eva", "Lind", "FEMALE", "1970-06-01"]]);
    const refused = await refusedImportRows(world.actors.admin, input(JSON.stringify(bundle)));
    expect(refused.csv).toMatch(/^entry,reason,/);
    expect(refused.csv).toContain('3,"Sex: ""robot"" is not a sex');
  });

  it("refuses each bad row with its row number and reason, writes the good rows and nothing of the bad", async () => {
    const file = csv(
      "BAD-OK,Anna,Novak,1985-04-12,female,,,", // row 2: fine
      ",Anna,Novak,1985-04-12,female,,,", // 3: missing MRN
      "BAD-3,Anna,Novak,12/04/1985,female,,,", // 4: bad date
      "BAD-DUP,Anna,Novak,1985-04-12,female,,,", // 5: duplicate MRN (with 6)
      "BAD-DUP,Jonas,Berg,1962-11-30,male,,,", // 6
      "BAD-6,Anna,Novak,1985-04-12,robot,,,", // 7: unknown sex
      `BAD-7,${"x".repeat(10 * 1024 * 1024)},Novak,1985-04-12,female,,,`, // 8: a 10 MB cell
      "BAD-8,=HYPERLINK(\"http://x\"),Novak,1985-04-12,female,,,", // 9: formula
      "BAD-9,Anna,@SUM(A1),1985-04-12,female,,,", // 10: formula
    );
    const before = await db.patient.count();
    const preview = await previewPatientImport(world.actors.admin, input(file));
    expect(await db.patient.count()).toBe(before);
    expect(preview).toMatchObject({ rows: 9, created: 1, refused: 8 });
    const reasons = Object.fromEntries(preview.listed.filter((r) => r.action === "refuse").map((r) => [r.row, r.reasons]));
    expect(reasons).toEqual({
      3: "MRN: Enter the MRN",
      4: "Birth date: Use the form YYYY-MM-DD",
      5: "MRN: The same MRN is on rows 5, 6: each MRN once per file",
      6: "MRN: The same MRN is on rows 5, 6: each MRN once per file",
      7: 'Sex: "robot" is not a sex: use female, male, other or unknown',
      8: "Given name: The cell has 10,485,760 characters; a cell takes at most 2,000",
      9: 'Given name: Starts with "=": text starting with =, +, - or @ is refused, since a spreadsheet could run it as a formula',
      10: 'Family name: Starts with "@": text starting with =, +, - or @ is refused, since a spreadsheet could run it as a formula',
    });
    // The listing cuts what it shows back of the 10 MB cell.
    expect(JSON.stringify(preview).length).toBeLessThan(20_000);

    const result = await runPatientImport(world.actors.admin, input(file));
    expect(result).toMatchObject({ created: 1, refused: 8 });
    expect((await patientsWithPrefix("BAD-")).map((p) => p.mrn)).toEqual(["BAD-OK"]);

    const { csv: refusedCsv, refused } = await refusedImportRows(world.actors.admin, input(file));
    expect(refused).toBe(8);
    const lines = refusedCsv.trim().split("\r\n");
    expect(lines).toHaveLength(9);
    expect(lines[1]).toMatch(/^3,MRN: Enter the MRN,/);
    expect(lines.find((l) => l.startsWith("9,"))).toContain(`'=HYPERLINK`);
    expect(refusedCsv.length).toBeLessThan(10_000);
  });

  it("refuses an MRN a deleted patient still holds", async () => {
    const made = await createPatient(world.actors.clinician, barePatient("DEL-1", "Gone"));
    await deletePatient(world.actors.clinician, made.id, made.version);
    const result = await runPatientImport(world.actors.admin, input(csv("DEL-1,Test,Gone,1985-04-12,female,,,")));
    expect(result).toMatchObject({ created: 0, updated: 0, refused: 1 });
    const preview = await previewPatientImport(world.actors.admin, input(csv("DEL-1,Test,Gone,1985-04-12,female,,,")));
    expect(preview.listed[0].reasons).toMatch(/deleted patient has this MRN/);
  });

  it("refuses a file it cannot read as a whole, saving nothing", async () => {
    const before = await db.patient.count();
    const error = await refusal(runPatientImport(world.actors.admin, input("mrn,given_name\r\nX-1,Anna\r\n")));
    expect(error.code).toBe("VALIDATION");
    expect(error.fields.file).toMatch(/missing family_name, birth_date, sex/);
    expect(await db.patient.count()).toBe(before);
  });

  it("refuses a clinician and a reader (audited), and a clinic the admin does not belong to", async () => {
    const file = csv("PERM-1,Anna,Novak,1985-04-12,female,,,");
    for (const actor of [world.actors.clinician, world.actors.reader]) {
      expect((await refusal(runPatientImport(actor, input(file)))).code).toBe("FORBIDDEN");
      expect((await refusal(previewPatientImport(actor, input(file)))).code).toBe("FORBIDDEN");
      expect((await refusal(refusedImportRows(actor, input(file)))).code).toBe("FORBIDDEN");
    }
    const denied = await db.auditEvent.findFirst({ where: { action: "PATIENT_IMPORT", outcome: "DENIED", userId: world.users.clinician.id } });
    expect(JSON.parse(denied!.details)).toMatchObject({ reason: "FORBIDDEN" });
    expect((await refusal(runPatientImport(world.actors.admin, input(file, world.otherClinic.id)))).code).toBe("NOT_FOUND");
    expect(await db.patient.count({ where: { mrn: "PERM-1" } })).toBe(0);
  });

  it("rolls a failing batch back whole (no patient without its attention row), keeps the batches before it, and finishes when run again", async () => {
    // The database itself refuses the attention row of BOOM-1's patient: the batch's patients were already inserted.
    if (process.env.TEST_DB_KIND === "postgresql") {
      await db.$executeRawUnsafe(`CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN
        IF (SELECT "mrn" FROM "Patient" WHERE "id" = NEW."patientId") = 'BOOM-1' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await db.$executeRawUnsafe(`CREATE TRIGGER refuse_boom BEFORE INSERT ON "PatientAttention" FOR EACH ROW EXECUTE FUNCTION refuse_boom()`);
    } else {
      await db.$executeRawUnsafe(`CREATE TRIGGER refuse_boom BEFORE INSERT ON "PatientAttention"
        WHEN (SELECT "mrn" FROM "Patient" WHERE "id" = NEW."patientId") = 'BOOM-1' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    }
    const file = csv(
      "BATCH-1,Anna,Novak,1985-04-12,female,,,",
      "BATCH-2,Anna,Novak,1985-04-12,female,,,",
      "BATCH-3,Anna,Novak,1985-04-12,female,,,",
      "BOOM-1,Anna,Novak,1985-04-12,female,,,",
      "BATCH-5,Anna,Novak,1985-04-12,female,,,",
    );
    const progress: number[] = [];
    const failed = await runPatientImport(world.actors.admin, input(file), { batchSize: 2, onProgress: (p) => void progress.push(p.done) });
    expect(failed).toMatchObject({ created: 2, batches: 3, committedBatches: 1, failure: { batch: 2, firstRow: 4, lastRow: 5 } });
    expect(progress).toEqual([0, 2]);
    expect((await patientsWithPrefix("BATCH-")).map((p) => p.mrn)).toEqual(["BATCH-1", "BATCH-2"]);
    expect(await db.patient.count({ where: { mrn: "BOOM-1" } })).toBe(0);
    expect(await db.patient.count({ where: { attention: null } })).toBe(0);
    const runRow = await db.auditEvent.findFirst({ where: { action: "PATIENT_IMPORT", outcome: "FAILURE" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(runRow!.details)).toMatchObject({ failedBatch: 2, committedBatches: 1, created: 2 });

    await db.$executeRawUnsafe(process.env.TEST_DB_KIND === "postgresql" ? `DROP TRIGGER refuse_boom ON "PatientAttention"` : `DROP TRIGGER refuse_boom`);
    const again = await runPatientImport(world.actors.admin, input(file), { batchSize: 2 });
    expect(again).toMatchObject({ created: 3, unchanged: 2, updated: 0, failure: null });
    expect(await db.patient.count({ where: { mrn: { in: ["BATCH-1", "BATCH-2", "BATCH-3", "BOOM-1", "BATCH-5"] } } })).toBe(5);
  });

  it("answers through its routes: the dry run as JSON, the run as NDJSON progress, the refused rows as a CSV download; a clinician gets 403", async () => {
    const file = csv("ROUTE-1,Anna,Novak,1985-04-12,female,,,", "ROUTE-2,Jonas,Berg,1962-11-30,robot,,,");
    const admin = await tokenFor(world.actors.admin);
    const clinician = await tokenFor(world.actors.clinician);
    const body = input(file);

    for (const route of [previewRoute, runRoute, refusedRoute]) expectError(await call(route.POST, "POST", "/admin/import/x", { token: clinician, body }), 403, "FORBIDDEN");
    expectError(await call(previewRoute.POST, "POST", "/admin/import/preview", { token: admin, body: { clinicId: world.clinic.id } }), 400, "VALIDATION");
    expectError(await call(previewRoute.POST, "POST", "/admin/import/preview", { token: admin, body: input("nonsense") }), 400, "VALIDATION");

    const preview = await call(previewRoute.POST, "POST", "/admin/import/preview", { token: admin, body });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ rows: 2, created: 1, refused: 1 });

    const run = await call(runRoute.POST, "POST", "/admin/import/run", { token: admin, body });
    expect(run.status).toBe(200);
    expect(run.headers.get("content-type")).toMatch(/ndjson/);
    const lines = String(run.json).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(["progress", "progress", "done"]);
    expect(lines[1]).toMatchObject({ done: 2, total: 2, batch: 1, batches: 1 });
    expect(lines[2].result).toMatchObject({ created: 1, refused: 1, failure: null });

    const refused = await call(refusedRoute.POST, "POST", "/admin/import/refused", { token: admin, body });
    expect(refused.status).toBe(200);
    expect(refused.headers.get("content-disposition")).toMatch(/attachment/);
    expect(String(refused.json)).toMatch(/^row,reason,.*\r\n3,"Sex: ""robot"" is not a sex/s);
  });
});
