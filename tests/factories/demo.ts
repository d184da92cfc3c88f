import type { Db } from "../../lib/server/db";
import { CONDITIONS, LIFESTYLE_FLAGS, type Condition, type LifestyleFlag } from "../../lib/core/clinical/vocabulary";
import { createPatient } from "../../lib/features/patients/data";
import { createEpisode } from "../../lib/features/episodes/data";
import { createVisit } from "../../lib/features/visits/data";
import { episodesFor, type EpisodePattern } from "./episodes";
import { createRandom } from "./random";
import { actorFor, createClinic, createUser } from "./users";

export const DEMO_PASSWORD = "cramp-demo-2026";

const GIVEN_F = ["Anna", "Maria", "Elena", "Sofia", "Olga", "Laura", "Grace", "Nadia", "Irene", "Chloe", "Hannah", "Priya", "Fatima", "Julia", "Zoe"];
const GIVEN_M = ["Peter", "Ivan", "Lucas", "Omar", "Daniel", "Marco", "Samuel", "Victor", "Tomas", "Arjun", "Henry", "Leo", "Noah", "Felix", "Karim"];
const FAMILY = ["Novak", "Petrova", "Schmidt", "Rossi", "Okafor", "Lindqvist", "Moreau", "Kowalski", "Haddad", "Tanaka", "Silva", "Brennan", "Ivanova", "Meyer", "Costa", "Nguyen", "Fischer", "Horvat", "Jansen", "Walsh"];
const MEDS = ["Omeprazole 20 mg", "Pantoprazole 40 mg", "Hydrochlorothiazide 25 mg", "Atorvastatin 20 mg", "Furosemide 40 mg", "Metformin 500 mg", "Levothyroxine 50 mcg", "Salmeterol inhaler", "Eufillin 150 mg", "Ramipril 5 mg", "Naproxen 250 mg", "Folic acid 0.4 mg"];

const ALLERGIES = ["Penicillin (rash)", "Sulfonamides (hives); latex (itching)", "Ibuprofen (bronchospasm)", "Iodinated contrast (anaphylaxis, 2019)"];

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

/**
 * One patient for each rule of clinical spec version 2, added after the profiles above so that
 * their patients stay as they were. Northside Clinic works in US units: its cases are entered in
 * lb, °F, inches and mg/dL, and stored canonical beside the value as entered.
 */
interface Case {
  inNorth?: boolean;
  patient: Record<string, unknown>;
  visit: Record<string, unknown> & { daysAgo: number };
  pattern: EpisodePattern;
}
const V2_CASES: Case[] = [
  {
    // Deep vein thrombosis suspected: a swollen, warm left calf and a left calf ache that does not let go.
    patient: { givenName: "Miriam", familyName: "Albrecht", birthDate: "1979-06-14", sex: "FEMALE", heightCm: 167, medications: [{ name: "Ethinylestradiol/levonorgestrel 30/150 mcg", active: true, startedOn: "2024-03-01" }] },
    visit: {
      daysAgo: 2,
      weightKg: 74,
      systolic: 126,
      diastolic: 80,
      temperatureC: 37.4,
      examFindings: ["CALF_SWELLING_LEFT"],
      notes: "Left calf swollen, warm and tender, 3 cm larger than the right. Back from a 12-hour flight six days ago. Same-day compression ultrasound requested.",
    },
    pattern: "leftCalfAche",
  },
  {
    // Intermittent claudication: calf pain on walking, relieved by rest, with weak foot pulses.
    patient: {
      givenName: "Gerhard",
      familyName: "Brandt",
      birthDate: "1953-02-08",
      sex: "MALE",
      heightCm: 176,
      conditions: ["DIABETES", "HYPERTENSION"],
      medications: [{ name: "Metformin 1000 mg", active: true, startedOn: "2019-05-20" }, { name: "Ramipril 5 mg", active: true, startedOn: "2018-11-02" }],
    },
    visit: {
      daysAgo: 5,
      weightKg: 88,
      systolic: 146,
      diastolic: 86,
      temperatureC: 36.6,
      examFindings: ["REDUCED_FOOT_PULSES"],
      labs: [{ analyte: "GLUCOSE", value: 7.6, unit: "mmol/L" }],
      notes: "Right foot pulses weak, foot cool to the touch. Smoked for 40 years. Ankle-brachial index booked.",
    },
    pattern: "claudication",
  },
  {
    // Restless legs by all four IRLSSG criteria; the patient cannot hold the movement back.
    patient: { givenName: "Ingrid", familyName: "Halvorsen", birthDate: "1966-09-30", sex: "FEMALE", heightCm: 164 },
    visit: {
      daysAgo: 8,
      weightKg: 63,
      systolic: 118,
      diastolic: 74,
      temperatureC: 36.5,
      labs: [{ analyte: "FERRITIN", value: 22, unit: "ug/L" }],
      notes: "An urge to move the legs every evening with a creeping feeling in the calves, worse when sitting or lying, relieved by walking. Sleep broken most nights.",
    },
    pattern: "rlsTextbook",
  },
  {
    // Fasciculations and weakness with the cramps: neurological assessment.
    patient: { givenName: "Walter", familyName: "Engel", birthDate: "1961-12-03", sex: "MALE", heightCm: 181 },
    visit: {
      daysAgo: 6,
      weightKg: 79,
      systolic: 132,
      diastolic: 82,
      temperatureC: 36.8,
      examFindings: ["MUSCLE_WEAKNESS", "FASCICULATIONS"],
      labs: [{ analyte: "POTASSIUM", value: 4.2, unit: "mmol/L" }, { analyte: "MAGNESIUM", value: 0.84, unit: "mmol/L" }],
      notes: "Fasciculations at rest in both calves; mild weakness of left ankle dorsiflexion. Referred to neurology for nerve conduction studies.",
    },
    pattern: "twitchingCalves",
  },
  {
    // Northside, US units: night cramps on a thiazide, low magnesium and potassium, high fasting glucose.
    inNorth: true,
    patient: {
      givenName: "Denise",
      familyName: "Carter",
      birthDate: "1957-04-22",
      sex: "FEMALE",
      heightIn: 64,
      conditions: ["HYPERTENSION"],
      medications: [{ name: "Hydrochlorothiazide 25 mg", active: true, startedOn: "2026-08-15" }],
    },
    visit: {
      daysAgo: 4,
      weightLb: 187,
      systolic: 142,
      diastolic: 88,
      temperatureF: 98.4,
      labs: [
        { analyte: "MAGNESIUM", value: 1.6, unit: "mg/dL" },
        { analyte: "POTASSIUM", value: 3.3, unit: "mEq/L" },
        { analyte: "GLUCOSE", value: 132, unit: "mg/dL" },
      ],
      notes: "Night cramps since the blood pressure tablet was started in August. Metabolic panel and magnesium drawn.",
    },
    pattern: "nightCramps",
  },
  {
    // Northside, US units: a fever, low vitamin D and high calcium in a runner.
    inNorth: true,
    patient: { givenName: "Marcus", familyName: "Bell", birthDate: "1981-10-05", sex: "MALE", heightIn: 71, lifestyle: ["INTENSE_EXERCISE"] },
    visit: {
      daysAgo: 1,
      weightLb: 222,
      systolic: 124,
      diastolic: 78,
      temperatureF: 100.9,
      labs: [
        { analyte: "VITAMIN_D", value: 19, unit: "ng/mL" },
        { analyte: "CALCIUM", value: 10.9, unit: "mg/dL" },
      ],
      notes: "Sore throat and fever for two days. Calf cramps after long runs since the summer.",
    },
    pattern: "afterSport",
  },
];

export async function seedDemo(db: Db) {
  const rnd = createRandom(20261125);
  const demo = await createClinic(db, "Demo Clinic", "Europe/Berlin");
  const north = await createClinic(db, "Northside Clinic", "America/New_York", "US");
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
      // By position, not by the random stream, so the rest of the demo stays as it was.
      ...(i % 5 === 0 ? { allergyStatus: "RECORDED", allergies: ALLERGIES[(i / 5) % ALLERGIES.length] } : i % 5 < 3 ? { allergyStatus: "NONE_KNOWN" } : {}),
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
  for (const c of V2_CASES) {
    const actor = c.inNorth ? adminActor : clinicianActor;
    const patient = await createPatient(actor, { ...(c.inNorth ? { clinicId: north.id } : {}), mrn: `${c.inNorth ? "N" : "D"}-${10001 + count}`, ...c.patient });
    const now = new Date();
    const { daysAgo, ...visitInput } = c.visit;
    const visitAt = new Date(now.getTime() - daysAgo * 86400_000);
    visitAt.setUTCHours(rnd.int(8, 15), rnd.int(0, 59), 0, 0);
    const visit = await createVisit(actor, patient.id, { ...visitInput, occurredAt: visitAt.toISOString() });
    for (const episode of episodesFor(c.pattern, rnd, now)) {
      const reportedAtVisit = new Date(episode.occurredAt as string) < visit.occurredAt;
      await createEpisode(actor, patient.id, { ...episode, ...(reportedAtVisit ? { visitId: visit.id } : {}) });
    }
    count++;
  }
  return { patients: count, clinics: 2, logins: ["admin@demo.clinic", "clinician@demo.clinic", "readonly@demo.clinic"], password: DEMO_PASSWORD };
}
