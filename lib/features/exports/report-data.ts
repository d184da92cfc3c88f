/**
 * What the patient report and the handout are built from (loaded by lib/features/exports/data.ts), and the
 * report's summary figures. Pure: data in, figures out.
 */
import "server-only";
import { effectiveClassification } from "@/lib/core/clinical/classification";
import type { RedFlag } from "@/lib/core/clinical/red-flags";
import { dayNumber, localDate, localHour } from "@/lib/core/clinical/red-flags";
import type { CauseId } from "@/lib/core/clinical/checklist";
import type { ReferenceFlag, UnitSystem } from "@/lib/core/clinical/units";
import {
  CLASSIFICATIONS,
  dayPartOfHour,
  DAY_PARTS,
  type ChecklistStatus,
  type Analyte,
  type Classification,
  type Condition,
  type DayPart,
} from "@/lib/core/clinical/vocabulary";
import type { Episode } from "@/lib/core/fields/episode";
import type { Medication, Patient } from "@/lib/core/fields/patient";
import type { Visit } from "@/lib/core/fields/visit";
import type { ReportSection } from "@/lib/features/exports/schema";
import type { EnteredValue } from "./measures";
import { addDays, type Period } from "./period";

/** The patient as the report shows it: the problem list as codes, medications without their ids. */
export type ReportPatient = Pick<
  Patient,
  "id" | "mrn" | "givenName" | "familyName" | "birthDate" | "sex" | "pregnant" | "heightCm" | "heightEntered" | "clinicName" | "lifestyle" | "allergyStatus" | "allergies"
> & {
  conditions: Condition[];
  medications: Omit<Medication, "id">[];
};

/** A row of the report's episode tables. */
export type ReportEpisode = Pick<
  Episode,
  "id" | "occurredAt" | "durationSeconds" | "side" | "muscleGroup" | "movement" | "painScore" | "triggers" | "notes"
  | "classification" | "suggestedClassification" | "duringSleep" | "consciousnessImpaired" | "needsReview"
  | "source" | "witnessed" | "tongueBitten" | "wetThemselves"
> & {
  /** The label differs from the suggestion and a clinician confirmed it on review. */
  labelConfirmed: boolean;
};

/** A lab result: canonical value and unit, as entered, and its reference flag. */
export interface ReportLab {
  id: string;
  analyte: Analyte;
  value: number;
  unit: string;
  entered: EnteredValue;
  flag: ReferenceFlag;
  takenAt: Date;
}

/** A visit: vitals canonical (weight kg, temperature °C) with what was entered when in another unit. */
export type ReportVisit = Pick<
  Visit,
  "id" | "occurredAt" | "systolic" | "diastolic" | "weightKg" | "weightEntered" | "temperatureC" | "temperatureEntered" | "examFindings"
> & { labs: ReportLab[] };

export interface ReportChecklistItem {
  causeId: CauseId;
  label: string;
  source: "article" | "literature";
  /** Where the item comes from, for a clinician to check (spec section 4). */
  citation: string;
  weakEvidence: boolean;
  suggested: boolean;
  reasons: string[];
  status: ChecklistStatus;
  note: string;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface ReportData {
  patient: ReportPatient;
  timeZone: string;
  /** The clinic's: the units values are shown in (the other system's in brackets). */
  unitSystem: UnitSystem;
  period: Period;
  sections: ReportSection[];
  /** The period's episodes, oldest first. */
  episodes: ReportEpisode[];
  /** The period's visits, oldest first. */
  visits: ReportVisit[];
  /** Red flags and checklist as of the end of the period (null when neither section was asked for). */
  assessment: { asOf: Date; windowDays: number; redFlags: RedFlag[]; checklist: ReportChecklistItem[] } | null;
  producedBy: { name: string; email: string };
  producedAt: Date;
}

export interface HandoutData {
  patient: Pick<ReportPatient, "givenName" | "familyName" | "mrn" | "clinicName">;
  timeZone: string;
  redFlags: RedFlag[];
  producedBy: { name: string };
  producedAt: Date;
}

/** An episode's type for grouping: the clinician's label, else the suggestion, else none. */
export type EpisodeTypeKey = Classification | "UNCLASSIFIED";
export const EPISODE_TYPE_KEYS: readonly EpisodeTypeKey[] = [...CLASSIFICATIONS, "UNCLASSIFIED"];

export function episodeType(e: Pick<ReportEpisode, "classification" | "suggestedClassification">): EpisodeTypeKey {
  return effectiveClassification(e) ?? "UNCLASSIFIED";
}

export interface ReportSummary {
  total: number;
  byType: { type: EpisodeTypeKey; count: number }[];
  /** Mean of the recorded pain scores (null when none was recorded), and how many there were. */
  meanPain: number | null;
  painRecorded: number;
  meanDurationSeconds: number | null;
  redFlagCount: number;
  /** Episodes per 7-day step from the period's first day (the last step may be shorter). */
  weekly: { from: string; to: string; count: number }[];
  byDayPart: { part: DayPart; count: number }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function summarize(episodes: ReportEpisode[], period: Period, timeZone: string, redFlagCount: number): ReportSummary {
  const byType = new Map<EpisodeTypeKey, number>(EPISODE_TYPE_KEYS.map((k) => [k, 0]));
  const byPart = new Map<DayPart, number>(DAY_PARTS.map((p) => [p, 0]));
  const start = dayNumber(period.from);
  const days = dayNumber(period.to) - start + 1;
  const weekly = Array.from({ length: Math.max(1, Math.ceil(days / 7)) }, (_, i) => ({
    from: addDays(period.from, i * 7),
    to: addDays(period.from, Math.min(i * 7 + 6, days - 1)),
    count: 0,
  }));
  let painSum = 0;
  let painN = 0;
  let durationSum = 0;
  for (const e of episodes) {
    byType.set(episodeType(e), (byType.get(episodeType(e)) ?? 0) + 1);
    byPart.set(dayPartOfHour(localHour(e.occurredAt, timeZone)), (byPart.get(dayPartOfHour(localHour(e.occurredAt, timeZone))) ?? 0) + 1);
    const week = Math.floor((dayNumber(localDate(e.occurredAt, timeZone)) - start) / 7);
    if (week >= 0 && week < weekly.length) weekly[week].count += 1;
    if (e.painScore !== null) {
      painSum += e.painScore;
      painN += 1;
    }
    durationSum += e.durationSeconds;
  }
  return {
    total: episodes.length,
    byType: EPISODE_TYPE_KEYS.map((type) => ({ type, count: byType.get(type) ?? 0 })),
    meanPain: painN ? round1(painSum / painN) : null,
    painRecorded: painN,
    meanDurationSeconds: episodes.length ? Math.round(durationSum / episodes.length) : null,
    redFlagCount,
    weekly,
    byDayPart: DAY_PARTS.map((part) => ({ part, count: byPart.get(part) ?? 0 })),
  };
}
