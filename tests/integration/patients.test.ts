import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient, getPatient, listPatients, updatePatient, deletePatient } from "@/lib/features/patients/data";
import { DataError } from "@/lib/server/errors";
import { createWorld, validPatient } from "../factories/world";

let world: Awaited<ReturnType<typeof createWorld>>;
beforeAll(async () => {
  world = await createWorld(db);
});

async function refusal(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(() => null, (e) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe("patients", () => {
  it("creates a patient that search finds by name and by MRN, and audits both", async () => {
    const created = await createPatient(world.actors.clinician, validPatient({ mrn: "SRCH-1", familyName: "Lindqvist" }));
    expect(created).toMatchObject({ mrn: "SRCH-1", version: 1, pregnant: true, lifestyle: ["SEDENTARY"] });
    expect(created.conditions.map((c) => c.code)).toEqual(["VARICOSE_VEINS"]);
    expect(created.medications[0]).toMatchObject({ name: "Omeprazole 20 mg", active: true, startedOn: "2026-01-10" });

    const byName = await listPatients(world.actors.reader, { q: "LINDQ" });
    expect(byName.items.map((p) => p.id)).toEqual([created.id]);
    const byMrn = await listPatients(world.actors.reader, { q: "srch-1" });
    expect(byMrn.items.map((p) => p.id)).toEqual([created.id]);

    const audit = await db.auditEvent.findMany({ where: { patientId: created.id } });
    expect(audit.map((a) => a.action)).toContain("PATIENT_CREATE");
  });

  it("refuses bad input field by field and saves nothing", async () => {
    const before = await db.patient.count();
    const error = await refusal(
      createPatient(world.actors.clinician, {
        mrn: "",
        givenName: "  ",
        familyName: "X".repeat(101),
        birthDate: "2999-01-01",
        sex: "ROBOT",
        heightCm: 500,
        conditions: ["GOUT"],
        medications: [{ name: "" }],
      }),
    );
    expect(error.code).toBe("VALIDATION");
    expect(Object.keys(error.fields).sort()).toEqual(
      ["birthDate", "conditions.0", "familyName", "givenName", "heightCm", "medications.0.name", "mrn", "sex"].sort(),
    );
    expect(error.fields.birthDate).toMatch(/future/);
    expect(await db.patient.count()).toBe(before);
  });

  it("refuses unknown fields and impossible dates", async () => {
    const error = await refusal(createPatient(world.actors.clinician, validPatient({ mrn: "U-1", birthDate: "2001-02-30", shoeSize: 42 })));
    expect(error.fields).toMatchObject({ birthDate: "Not a real date", shoeSize: "Unknown field" });
  });

  it("says so when an MRN is already in use in the clinic", async () => {
    await createPatient(world.actors.clinician, validPatient({ mrn: "DUP-1" }));
    const error = await refusal(createPatient(world.actors.clinician, validPatient({ mrn: "DUP-1" })));
    expect(error.code).toBe("CONFLICT");
    expect(error.fields.mrn).toMatch(/already in use/);
    // The same MRN in another clinic is a different patient.
    await expect(createPatient(world.actors.outsider, validPatient({ mrn: "DUP-1" }))).resolves.toMatchObject({ mrn: "DUP-1" });
  });

  it("lets a read-only user read but never write, and audits the refusal", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "RO-1" }));
    await expect(getPatient(world.actors.reader, p.id)).resolves.toMatchObject({ id: p.id });
    const before = await db.patient.count();
    expect((await refusal(createPatient(world.actors.reader, validPatient({ mrn: "RO-2" })))).code).toBe("FORBIDDEN");
    expect((await refusal(updatePatient(world.actors.reader, p.id, { version: 1, givenName: "Changed" }))).code).toBe("FORBIDDEN");
    expect((await refusal(deletePatient(world.actors.reader, p.id, 1))).code).toBe("FORBIDDEN");
    expect(await db.patient.count()).toBe(before);
    expect((await db.patient.findUniqueOrThrow({ where: { id: p.id } })).givenName).toBe("Anna");
    const denied = await db.auditEvent.findMany({ where: { userId: world.users.reader.id, outcome: "DENIED" } });
    expect(denied.map((d) => d.action).sort()).toEqual(["PATIENT_CREATE", "PATIENT_DELETE", "PATIENT_UPDATE"]);
  });

  it("answers not-found for a patient of another clinic, for reads and writes", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "OC-1" }));
    expect((await refusal(getPatient(world.actors.outsider, p.id))).code).toBe("NOT_FOUND");
    expect((await refusal(updatePatient(world.actors.outsider, p.id, { version: 1, givenName: "X" }))).code).toBe("NOT_FOUND");
    const list = await listPatients(world.actors.outsider, { q: "OC-1" });
    expect(list.items).toEqual([]);
    const audit = await db.auditEvent.findFirst({ where: { userId: world.users.outsider.id, action: "PATIENT_VIEW", outcome: "DENIED" } });
    expect(audit?.targetId).toBe(p.id);
  });

  it("refuses a stale edit instead of overwriting it", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "V-1" }));
    const first = await updatePatient(world.actors.clinician, p.id, { version: 1, givenName: "Annie", conditions: ["DIABETES"] });
    expect(first.version).toBe(2);
    expect(first.conditions.map((c) => c.code)).toEqual(["DIABETES"]);
    const error = await refusal(updatePatient(world.actors.admin, p.id, { version: 1, givenName: "Ann" }));
    expect(error.code).toBe("CONFLICT");
    expect((await db.patient.findUniqueOrThrow({ where: { id: p.id } })).givenName).toBe("Annie");
  });

  it("writes a PATIENT_VIEW audit row for every read of a record", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "AV-1" }));
    await getPatient(world.actors.reader, p.id);
    await getPatient(world.actors.reader, p.id);
    expect(await db.auditEvent.count({ where: { patientId: p.id, action: "PATIENT_VIEW", outcome: "SUCCESS" } })).toBe(2);
  });

  it("soft-deletes: the patient leaves lists and reads but stays in the database", async () => {
    const p = await createPatient(world.actors.clinician, validPatient({ mrn: "DEL-1" }));
    await deletePatient(world.actors.clinician, p.id, 1);
    expect((await listPatients(world.actors.clinician, { q: "DEL-1" })).items).toEqual([]);
    expect((await refusal(getPatient(world.actors.clinician, p.id))).code).toBe("NOT_FOUND");
    expect(await db.patient.findUnique({ where: { id: p.id } })).toMatchObject({ deletedById: world.users.clinician.id });
  });

  it("pages through a sorted list by cursor, forwards and back, without gaps or repeats", async () => {
    for (let i = 0; i < 7; i++) await createPatient(world.actors.clinician, validPatient({ mrn: `PG-${i}`, familyName: `Pager${i % 3}`, givenName: `G${i}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    const pages = [];
    do {
      const page = await listPatients(world.actors.clinician, { q: "pager", limit: 3, cursor });
      pages.push(page);
      seen.push(...page.items.map((p) => `${p.familyName} ${p.givenName}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(7);
    const back = await listPatients(world.actors.clinician, { q: "pager", limit: 3, cursor: pages[2].prevCursor! });
    expect(back.items.map((p) => p.id)).toEqual(pages[1].items.map((p) => p.id));
    const desc = await listPatients(world.actors.clinician, { q: "pager", sort: "mrn", dir: "desc", limit: 10 });
    expect(desc.items.map((p) => p.mrn)).toEqual(["PG-6", "PG-5", "PG-4", "PG-3", "PG-2", "PG-1", "PG-0"]);
  });
});
