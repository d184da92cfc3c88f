import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import * as patients from "@/app/api/v1/patients/route";
import * as patient from "@/app/api/v1/patients/[id]/route";
import { getPatient } from "@/lib/features/patients/data";
import { createWorld, validPatient } from "../factories/world";
import { call, expectError, tokenFor } from "../helpers/api";

let world: Awaited<ReturnType<typeof createWorld>>;
const tokens: Record<"admin" | "clinician" | "reader" | "outsider", string> = { admin: "", clinician: "", reader: "", outsider: "" };

beforeAll(async () => {
  world = await createWorld(db);
  for (const role of Object.keys(tokens) as (keyof typeof tokens)[]) tokens[role] = await tokenFor(world.actors[role]);
});

const create = (body: unknown, token = tokens.clinician, headers: Record<string, string> = {}) =>
  call(patients.POST, "POST", "/api/v1/patients", { token, body, headers });

describe("POST /api/v1/patients", () => {
  it("creates the patient through the data layer: 201 with id, version, times in UTC, and an audit row", async () => {
    const answer = await create(validPatient({ mrn: "API-1" }));
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      mrn: "API-1",
      givenName: "Anna",
      familyName: "Novak",
      birthDate: "1985-04-12",
      sex: "FEMALE",
      pregnant: true,
      heightCm: 168,
      conditions: ["VARICOSE_VEINS"],
      lifestyle: ["SEDENTARY"],
      medications: [{ name: "Omeprazole 20 mg", active: true, startedOn: "2026-01-10", stoppedOn: null }],
      version: 1,
      clinicId: world.clinic.id,
    });
    expect(answer.json.id).toEqual(expect.any(String));
    expect(answer.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The page reads the same record.
    expect((await getPatient(world.actors.reader, answer.json.id)).mrn).toBe("API-1");
    expect(await db.auditEvent.count({ where: { action: "PATIENT_CREATE", targetId: answer.json.id, userId: world.users.clinician.id } })).toBe(1);
  });

  it("replays a create with the same Idempotency-Key instead of creating twice", async () => {
    const before = await db.patient.count();
    const headers = { "idempotency-key": "api-patients-key-1" };
    const first = await create(validPatient({ mrn: "API-IDEM" }), tokens.clinician, headers);
    const again = await create(validPatient({ mrn: "API-IDEM" }), tokens.clinician, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(await db.patient.count()).toBe(before + 1);
    const bad = expectError(await create(validPatient({ mrn: "API-IDEM2" }), tokens.clinician, { "idempotency-key": "no spaces!" }), 400, "VALIDATION");
    expect(bad.fields).toHaveProperty("idempotencyKey");
  });

  it("400: names each bad field, and each unknown field", async () => {
    const before = await db.patient.count();
    const error = expectError(await create(validPatient({ mrn: "", birthDate: "1985-13-40", sex: "F", heightCm: 900, shoeSize: 38, conditions: ["GOUT"] })), 400, "VALIDATION");
    // (The shared field errors also summarise unknown fields under _form, for forms.)
    expect(Object.keys(error.fields).sort()).toEqual(["_form", "birthDate", "conditions.0", "heightCm", "mrn", "sex", "shoeSize"]);
    expect(error.fields.shoeSize).toBe("Unknown field");
    expect(await db.patient.count()).toBe(before);
  });

  it("400: malformed JSON, a non-JSON content type and an empty body are refused with a clear message", async () => {
    const malformed = expectError(await call(patients.POST, "POST", "/api/v1/patients", { token: tokens.clinician, rawBody: '{"mrn": "X",' }), 400, "VALIDATION");
    expect(malformed.message).toMatch(/not valid JSON/);
    expect(malformed.fields._body).toMatch(/not valid JSON/);
    const form = expectError(await call(patients.POST, "POST", "/api/v1/patients", { token: tokens.clinician, rawBody: "mrn=X", headers: { "content-type": "application/x-www-form-urlencoded" } }), 400, "VALIDATION");
    expect(form.fields._body).toMatch(/application\/json/);
    expectError(await call(patients.POST, "POST", "/api/v1/patients", { token: tokens.clinician, rawBody: "" }), 400, "VALIDATION");
    const array = expectError(await create([validPatient()]), 400, "VALIDATION");
    expect(array.fields._form).toMatch(/object/);
  });

  it("400: a clinic the user does not belong to", async () => {
    const error = expectError(await create(validPatient({ mrn: "API-FOREIGN", clinicId: world.otherClinic.id })), 400, "VALIDATION");
    expect(error.fields).toEqual({ clinicId: "Unknown clinic" });
  });

  it("401 without a token or with a wrong one; 403 for a read-only user; 409 for a duplicate MRN", async () => {
    const none = await create(validPatient({ mrn: "API-401" }), "");
    expectError(none, 401, "UNAUTHENTICATED");
    expect(none.headers.get("www-authenticate")).toMatch(/Bearer/);
    expectError(await create(validPatient({ mrn: "API-401" }), "cc_" + "A".repeat(43)), 401, "UNAUTHENTICATED");
    expectError(await create(validPatient({ mrn: "API-403" }), tokens.reader), 403, "FORBIDDEN");
    await create(validPatient({ mrn: "API-DUP" }));
    const dup = expectError(await create(validPatient({ mrn: "API-DUP" })), 409, "CONFLICT");
    expect(dup.fields).toEqual({ mrn: "This MRN is already in use" });
  });

  it("413 for a body over 64 KiB, by Content-Length and by the bytes actually sent", async () => {
    const big = JSON.stringify(validPatient({ mrn: "API-BIG", givenName: "x".repeat(70_000) }));
    expectError(await call(patients.POST, "POST", "/api/v1/patients", { token: tokens.clinician, rawBody: big }), 413, "PAYLOAD_TOO_LARGE");
    // A chunked body with no Content-Length is counted while it is read.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    expectError(await call(patients.POST, "POST", "/api/v1/patients", { token: tokens.clinician, rawBody: stream }), 413, "PAYLOAD_TOO_LARGE");
    expect(await db.patient.count({ where: { mrn: "API-BIG" } })).toBe(0);
  });
});

describe("v2: height in inches", () => {
  it("POST and PATCH accept heightIn: stored canonical (70 in = 178 cm) and as entered; GET round-trips; implausible or two units refused", async () => {
    const created = await create(validPatient({ mrn: "API-IN", heightCm: undefined, heightIn: 70 }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ heightCm: 178, heightEntered: { value: 70, unit: "in" }, version: 1 });
    expect(await db.patient.findUniqueOrThrow({ where: { id: created.json.id } })).toMatchObject({ heightCm: 178, heightEnteredValue: 70, heightEnteredUnit: "in" });
    const id = created.json.id;
    const patch = (body: unknown) => call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id }, body });

    // The GET answer (heightEntered included, an answer-only field) goes back as a PATCH body.
    const current = (await call(patient.GET, "GET", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id } })).json;
    expect(current).toMatchObject({ heightCm: 178, heightEntered: { value: 70, unit: "in" } });
    const editable = Object.fromEntries(Object.entries(current).filter(([k]) => !["id", "clinicId", "clinicName", "createdAt", "updatedAt"].includes(k)));
    const same = await patch({ ...editable, givenName: "Anne" });
    expect(same.status).toBe(200);
    expect(same.json).toMatchObject({ givenName: "Anne", heightCm: 178, version: 2 });

    const inches = await patch({ version: 2, heightIn: 65.5 });
    expect(inches.json).toMatchObject({ heightCm: 166, heightEntered: { value: 65.5, unit: "in" }, version: 3 });
    // Entered in cm again: nothing kept as entered.
    expect((await patch({ version: 3, heightCm: 167 })).json).toMatchObject({ heightCm: 167, heightEntered: null, version: 4 });

    const implausible = expectError(await patch({ version: 4, heightIn: 200 }), 400, "VALIDATION");
    expect(implausible.fields).toEqual({ heightIn: expect.stringMatching(/^Height 200 in is not plausible \(15\.\d to 98\.\d in\)/) });
    const tiny = expectError(await create(validPatient({ mrn: "API-IN-2", heightCm: 5 })), 400, "VALIDATION");
    expect(tiny.fields).toEqual({ heightCm: "Height 5 cm is not plausible (40 to 250 cm)" });
    const both = expectError(await patch({ version: 4, heightCm: 170, heightIn: 67 }), 400, "VALIDATION");
    expect(both.fields).toEqual({ heightIn: "Give the height in one unit only (heightCm or heightIn)" });
    expect(await db.patient.findUniqueOrThrow({ where: { id } })).toMatchObject({ heightCm: 167, version: 4 });
    expect(await db.patient.count({ where: { mrn: "API-IN-2" } })).toBe(0);
  });
});

describe("GET /api/v1/patients", () => {
  it("pages with a cursor in a stable order, searches, and shows only the caller's clinics", async () => {
    for (let i = 0; i < 5; i++) await create(validPatient({ mrn: `API-LIST-${i}`, familyName: `Listed${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = new URLSearchParams({ q: "listed", limit: "2", ...(cursor ? { cursor } : {}) }).toString();
      const page = await call(patients.GET, "GET", `/api/v1/patients?${qs}`, { token: tokens.reader });
      expect(page.status).toBe(200);
      expect(Object.keys(page.json).sort()).toEqual(["items", "nextCursor"]);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((p: { familyName: string }) => p.familyName));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Listed0", "Listed1", "Listed2", "Listed3", "Listed4"]);
    const outsider = await call(patients.GET, "GET", "/api/v1/patients?q=listed", { token: tokens.outsider });
    expect(outsider.json).toEqual({ items: [], nextCursor: null });
  });

  it("400 for a bad limit, a bad cursor or an unknown parameter; 401 without a token", async () => {
    expect(expectError(await call(patients.GET, "GET", "/api/v1/patients?limit=0", { token: tokens.reader }), 400, "VALIDATION").fields).toHaveProperty("limit");
    expect(expectError(await call(patients.GET, "GET", "/api/v1/patients?cursor=nonsense", { token: tokens.reader }), 400, "VALIDATION").fields).toHaveProperty("cursor");
    expect(expectError(await call(patients.GET, "GET", "/api/v1/patients?colour=red", { token: tokens.reader }), 400, "VALIDATION").fields).toMatchObject({ colour: "Unknown field" });
    expectError(await call(patients.GET, "GET", "/api/v1/patients"), 401, "UNAUTHENTICATED");
  });
});

describe("GET and PATCH /api/v1/patients/{id}", () => {
  let id: string;
  beforeAll(async () => {
    id = (await create(validPatient({ mrn: "API-ONE" }))).json.id;
  });

  it("GET: the patient; 404 for another clinic's user and for an unknown id; 401 without a token", async () => {
    const answer = await call(patient.GET, "GET", `/api/v1/patients/${id}`, { token: tokens.reader, params: { id } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id, mrn: "API-ONE", version: 1 });
    const foreign = expectError(await call(patient.GET, "GET", `/api/v1/patients/${id}`, { token: tokens.outsider, params: { id } }), 404, "NOT_FOUND");
    const missing = expectError(await call(patient.GET, "GET", "/api/v1/patients/nope", { token: tokens.outsider, params: { id: "nope" } }), 404, "NOT_FOUND");
    // A foreign record and a missing one are indistinguishable.
    expect(foreign).toEqual(missing);
    expectError(await call(patient.GET, "GET", `/api/v1/patients/${id}`, { params: { id } }), 401, "UNAUTHENTICATED");
  });

  it("PATCH: updates with the current version; a read-modify-write of the GET answer round-trips", async () => {
    const current = (await call(patient.GET, "GET", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id } })).json;
    // Everything but the read-only fields goes back as it came.
    const editable = Object.fromEntries(Object.entries(current).filter(([k]) => !["id", "clinicId", "clinicName", "createdAt", "updatedAt"].includes(k)));
    const answer = await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, {
      token: tokens.clinician,
      params: { id },
      body: { ...editable, heightCm: 170, conditions: ["DIABETES", "VARICOSE_VEINS"] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ version: 2, heightCm: 170, conditions: ["DIABETES", "VARICOSE_VEINS"], medications: current.medications });
  });

  it("PATCH: 409 on a stale version, 400 on bad fields, 403 read-only, 404 other clinic, 401 without a token", async () => {
    const stale = expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id }, body: { version: 1, heightCm: 150 } }), 409, "CONFLICT");
    expect(stale.fields).toEqual({ version: "Stale version" });
    const bad = expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id }, body: { version: 2, sex: "MALE" } }), 400, "VALIDATION");
    expect(bad.fields).toEqual({ pregnant: "Pregnancy cannot be recorded for a male patient" });
    const unknown = expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id }, body: { version: 2, nickname: "A" } }), 400, "VALIDATION");
    expect(unknown.fields).toMatchObject({ nickname: "Unknown field" });
    expect(expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.clinician, params: { id }, body: { heightCm: 150 } }), 400, "VALIDATION").fields).toHaveProperty("version");
    expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.reader, params: { id }, body: { version: 2, heightCm: 150 } }), 403, "FORBIDDEN");
    expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { token: tokens.outsider, params: { id }, body: { version: 2, heightCm: 150 } }), 404, "NOT_FOUND");
    expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${id}`, { params: { id }, body: { version: 2 } }), 401, "UNAUTHENTICATED");
    const other = (await create(validPatient({ mrn: "API-TWO" }))).json;
    const dup = expectError(await call(patient.PATCH, "PATCH", `/api/v1/patients/${other.id}`, { token: tokens.clinician, params: { id: other.id }, body: { version: 1, mrn: "API-ONE" } }), 409, "CONFLICT");
    expect(dup.fields).toEqual({ mrn: "This MRN is already in use" });
    expect((await db.patient.findUniqueOrThrow({ where: { id } })).heightCm).toBe(170);
  });
});
