import type { Db } from "../../lib/db";
import { CONDITIONS, LIFESTYLE_FLAGS, type Condition, type LifestyleFlag } from "../../lib/clinical/vocabulary";
import { createPatient } from "../../lib/data/patients";
import { createEpisode } from "../../lib/data/episodes";
import { createVisit } from "../../lib/data/visits";
import { episodesFor, type EpisodePattern } from "./episodes";
import { createRandom } from "./random";
import { actorFor, createClinic, createUser } from "./users";

export const DEMO_PASSWORD = "cramp-demo-2026";

const GIVEN_F = ["Anna", "Maria", "Elena", "Sofia", "Olga", "Laura", "Grace", "Nadia", "Irene", "Chloe", "Hannah", "Priya", "Fatima", "Julia", "Zoe"];
const GIVEN_M = ["Peter", "Ivan", "Lucas", "Omar", "Daniel", "Marco", "Samuel", "Victor", "Tomas", "Arjun", "Henry", "Leo", "Noah", "Felix", "Karim"];
const FAMILY = ["Novak", "Petrova", "Schmidt", "Rossi", "Okafor", "Lindqvist", "Moreau", "Kowalski", "Haddad", "Tanaka", "Silva", "Brennan", "Ivanova", "Meyer", "Costa", "Nguyen", "Fischer", "Horvat", "Jansen", "Walsh"];
const MEDS = ["Omeprazole 20 mg", "Pantoprazole 40 mg", "Hydrochlorothiazide 25 mg", "Atorvastatin 20 mg", "Furosemide 40 mg", "Metformin 500 mg", "Levothyroxine 50 mcg", "Salmeterol inhaler", "Eufillin 150 mg", "Ramipril 5 mg", "Naproxen 250 mg", "Folic acid 0.4 mg"];

/** Profiles that give the checklist and red flags something to find. */
interface Profile {
  pattern: EpisodePattern;
  labs?: { analyte: string; value: number; unit: string }[];
  vitals?: { systolic?: number; diastolic?: number; temperatureC?: number };
  conditions: Condition[];
  lifestyle: LifestyleFlag[];
  pregnant?: boolean;
  sex?: "FEMALE" | "MALE";
}
const PROFILES: Profile[] = [
  { pattern: "afterSport", conditions: [], lifestyle: ["INTENSE_EXERCISE"] },
  { pattern: "pregnancyNight", conditions: [], lifestyle: [], pregnant: true, sex: "FEMALE", labs: [{ analyte: "MAGNESIUM", value: 0.66, unit: "mmol/L" }] },
  { pattern: "frequentNoExertion", conditions: ["VARICOSE_VEINS"], lifestyle: ["SEDENTARY"] },
  { pattern: "mixed", conditions: ["DIABETES", "HYPERTENSION"], lifestyle: ["SEDENTARY"], labs: [{ analyte: "GLUCOSE", value: 8.1, unit: "mmol/L" }], vitals: { systolic: 152, diastolic: 94 } },
  { pattern: "rlsEvening", conditions: [], lifestyle: ["HIGH_STRESS"], labs: [{ analyte: "FERRITIN", value: 42, unit: "ug/L" }] },
  { pattern: "coldNights", conditions: ["KIDNEY_DISEASE"], lifestyle: [] },
  { pattern: "mixed", conditions: [], lifestyle: ["HIGH_HEELS", "HIGH_STRESS"], sex: "FEMALE", labs: [{ analyte: "VITAMIN_D", value: 38, unit: "nmol/L" }] },
  { pattern: "seizureLike", conditions: ["NEUROLOGICAL_DISORDER"], lifestyle: [] },
  { pattern: "afterSport", conditions: [], lifestyle: ["HIGH_PROTEIN_DIET", "INTENSE_EXERCISE"], vitals: { temperatureC: 38.4 } },
  { pattern: "mixed", conditions: [], lifestyle: [] },
];

export async function seedDemo(db: Db) {
  const rnd = createRandom(20261125);
  const demo = await createClinic(db, "Demo Clinic", "Europe/Berlin");
  const north = await createClinic(db, "Northside Clinic", "America/New_York");
  const admin = await createUser(db, { email: "admin@demo.clinic", name: "Ada Admin", role: "ADMIN", clinicIds: [demo.id, north.id], password: DEMO_PASSWORD });
  const clinician = await createUser(db, { email: "clinician@demo.clinic", name: "Dr. Clara Lind", role: "CLINICIAN", clinicIds: [demo.id], password: DEMO_PASSWORD });
  await createUser(db, { email: "readonly@demo.clinic", name: "Rita Reader", role: "READ_ONLY", clinicIds: [demo.id], password: DEMO_PASSWORD });
  await createUser(db, { email: "north@demo.clinic", name: "Dr. Noel North", role: "CLINICIAN", clinicIds: [north.id], password: DEMO_PASSWORD });

  const clinicianActor = actorFor(clinician, [demo.id]);
  const adminActor = actorFor(admin, [demo.id, north.id]);
  let count = 0;
  for (let i = 0; i < 42; i++) {
    const profile = PROFILES[i % PROFILES.length];
    const sex = profile.sex ?? (rnd.chance(0.55) ? "FEMALE" : "MALE");
    const pregnant = profile.pregnant ?? false;
    const year = pregnant ? rnd.int(1988, 2000) : rnd.int(1940, 2004);
    const inNorth = i % 7 === 6;
    const actor = inNorth ? adminActor : clinicianActor;
    const patient = await createPatient(actor, {
      ...(inNorth ? { clinicId: north.id } : {}),
      mrn: `${inNorth ? "N" : "D"}-${String(10001 + i)}`,
      givenName: rnd.pick(sex === "FEMALE" ? GIVEN_F : GIVEN_M),
      familyName: FAMILY[(i * 7) % FAMILY.length],
      birthDate: `${year}-${String(rnd.int(1, 12)).padStart(2, "0")}-${String(rnd.int(1, 28)).padStart(2, "0")}`,
      sex,
      pregnant,
      heightCm: rnd.int(152, 192),
      conditions: [...new Set([...profile.conditions, ...rnd.some(CONDITIONS, 0.04)])],
      lifestyle: [...new Set([...profile.lifestyle, ...rnd.some(LIFESTYLE_FLAGS, 0.06)])],
      medications: rnd.some(MEDS, 0.12).map((name) => ({ name, active: rnd.chance(0.8), startedOn: `202${rnd.int(3, 6)}-0${rnd.int(1, 9)}-1${rnd.int(0, 9)}` })),
    });
    const now = new Date();
    const visit = await createVisit(actor, patient.id, {
      occurredAt: new Date(now.getTime() - rnd.int(1, 10) * 86400_000).toISOString(),
      weightKg: rnd.int(52, 105),
      systolic: profile.vitals?.systolic ?? rnd.int(110, 135),
      diastolic: profile.vitals?.diastolic ?? rnd.int(68, 84),
      temperatureC: profile.vitals?.temperatureC ?? 36.7,
      labs: profile.labs ?? [],
      notes: "Routine review.",
    });
    for (const episode of episodesFor(profile.pattern, rnd, now)) {
      const reportedAtVisit = new Date(episode.occurredAt as string) < visit.occurredAt;
      await createEpisode(actor, patient.id, { ...episode, ...(reportedAtVisit ? { visitId: visit.id } : {}) });
    }
    count++;
  }
  return { patients: count, clinics: 2, logins: ["admin@demo.clinic", "clinician@demo.clinic", "readonly@demo.clinic"], password: DEMO_PASSWORD };
}
