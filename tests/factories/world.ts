import type { Db } from "../../lib/server/db";
import { actorFor, createClinic, createUser } from "./users";

export const TEST_PASSWORD = "correct horse battery";

/** Two clinics and one user of each role; `outsider` is a clinician of the other clinic. */
export async function createWorld(db: Db) {
  const clinic = await createClinic(db, "Test Clinic", "Europe/Berlin");
  const otherClinic = await createClinic(db, "Other Clinic", "UTC");
  const mk = (email: string, role: "ADMIN" | "CLINICIAN" | "READ_ONLY", clinicIds: string[]) =>
    createUser(db, { email, name: email.split("@")[0], role, clinicIds, password: TEST_PASSWORD });
  const admin = await mk("admin@test.clinic", "ADMIN", [clinic.id]);
  const clinician = await mk("clinician@test.clinic", "CLINICIAN", [clinic.id]);
  const reader = await mk("reader@test.clinic", "READ_ONLY", [clinic.id]);
  const outsider = await mk("outsider@test.clinic", "CLINICIAN", [otherClinic.id]);
  return {
    clinic,
    otherClinic,
    users: { admin, clinician, reader, outsider },
    actors: {
      admin: actorFor(admin, [clinic.id]),
      clinician: actorFor(clinician, [clinic.id]),
      reader: actorFor(reader, [clinic.id]),
      outsider: actorFor(outsider, [otherClinic.id]),
    },
  };
}

export const validPatient = (overrides: Record<string, unknown> = {}) => ({
  mrn: "MRN-1001",
  givenName: "Anna",
  familyName: "Novak",
  birthDate: "1985-04-12",
  sex: "FEMALE",
  pregnant: true,
  heightCm: 168,
  conditions: ["VARICOSE_VEINS"],
  lifestyle: ["SEDENTARY"],
  medications: [{ name: "Omeprazole 20 mg", active: true, startedOn: "2026-01-10" }],
  ...overrides,
});

/** A patient without the facts that make checklist causes or red flags apply (pregnancy, conditions, medications). */
export const barePatient = (mrn: string, familyName: string) =>
  validPatient({ mrn, familyName, givenName: "Test", pregnant: false, conditions: [], lifestyle: [], medications: [], heightCm: null });

/** A plain calf cramp at `occurredAt`, as the API takes it; `extra` overrides any field. */
export const plainEpisode = (occurredAt: Date, extra: Record<string, unknown> = {}) => ({
  occurredAt: occurredAt.toISOString(),
  durationSeconds: 40,
  side: "LEFT",
  muscleGroup: "CALF",
  movement: "SUSTAINED_CONTRACTION",
  ...extra,
});
