/**
 * An episode's fields, declared once: the episode view, the history's fields, the CSV columns, the
 * FHIR Observation's components and the report's rows are derived from this list. Pure.
 */
import { CLASSIFICATIONS, CLASSIFICATION_LABELS, MOVEMENTS, MOVEMENT_LABELS, MUSCLE_GROUPS, MUSCLE_GROUP_LABELS } from "@/lib/core/clinical/vocabulary";
import { EPISODE_SOURCES, EPISODE_SOURCE_LABELS, RELIEFS, RELIEF_LABELS, RHYTHMS, RHYTHM_LABELS, SIDES, SIDE_LABELS, TRIGGERS, TRIGGER_LABELS } from "@/lib/core/clinical/vocabulary";
import { fieldNames, type FieldDef, type FieldValues, type StoredValues } from "./field";

type EpisodeFieldDef = FieldDef & {
  /** Shown in the episode's history before and after each change; "last": listed after the other fields of a change. */
  history?: "shown" | "shown last";
};

/** In the order the episode view (and the API) gives them. */
export const EPISODE_FIELDS = {
  id: { kind: "id", label: "Episode", heading: "Episode ID" },
  patientId: { kind: "id", label: "Patient", heading: "Patient ID" },
  visitId: { kind: "id", nullable: true, label: "Reported at visit", history: "shown last", heading: "Visit ID" },
  occurredAt: { kind: "instant", label: "When", history: "shown", heading: "Occurred at (UTC)" },
  durationSeconds: { kind: "count", unit: "s", label: "Duration", history: "shown", heading: "Duration (seconds)" },
  side: { kind: "choice", values: SIDES, labels: SIDE_LABELS, label: "Side", history: "shown", heading: "Side" },
  muscleGroup: { kind: "choice", values: MUSCLE_GROUPS, labels: MUSCLE_GROUP_LABELS, label: "Muscle group", history: "shown", heading: "Muscle group" },
  movement: { kind: "choice", values: MOVEMENTS, labels: MOVEMENT_LABELS, nullable: true, label: "Movement", history: "shown", heading: "Movement" },
  rhythm: { kind: "choice", values: RHYTHMS, labels: RHYTHM_LABELS, nullable: true, label: "Rhythm", history: "shown", heading: "Rhythm" },
  voluntaryControl: { kind: "boolean", label: "Patient can control the movement", history: "shown", heading: "Voluntary control" },
  urgeToMove: { kind: "boolean", label: "Urge to move", history: "shown", heading: "Urge to move" },
  worseAtRest: { kind: "boolean", label: "Begins or gets worse at rest", history: "shown", heading: "Worse at rest" },
  worseInEvening: { kind: "boolean", label: "Only or mostly in the evening or at night", history: "shown", heading: "Worse in the evening or at night" },
  reliefByMovement: { kind: "boolean", label: "Relieved by moving", history: "shown", heading: "Relief by movement" },
  consciousnessImpaired: { kind: "boolean", label: "Consciousness impaired", history: "shown", heading: "Impaired consciousness" },
  duringSleep: { kind: "boolean", label: "During sleep", history: "shown", heading: "During sleep" },
  /** 0 to 10. */
  painScore: { kind: "count", nullable: true, label: "Pain", history: "shown", heading: "Pain" },
  triggers: { kind: "choices", values: TRIGGERS, labels: TRIGGER_LABELS, label: "Triggers", history: "shown", heading: "Triggers" },
  relief: { kind: "choices", values: RELIEFS, labels: RELIEF_LABELS, label: "What helped", history: "shown", heading: "Relief" },
  classification: { kind: "choice", values: CLASSIFICATIONS, labels: CLASSIFICATION_LABELS, nullable: true, label: "Type (clinician)", history: "shown", heading: "Type (clinician)" },
  suggestedClassification: { kind: "choice", values: CLASSIFICATIONS, labels: CLASSIFICATION_LABELS, nullable: true, label: "Suggested type", history: "shown", heading: "Suggested" },
  suggestionRationale: { kind: "texts", label: "Why this type is suggested" },
  warnings: { kind: "texts", label: "Warnings" },
  /** The clinician's label differs from the suggestion and nobody has confirmed it yet. */
  needsReview: { kind: "boolean", label: "Awaiting review", history: "shown", heading: "Review" },
  /** When a clinician confirmed, on review, a label that differs from the suggestion, and who. */
  labelConfirmedAt: { kind: "instant", nullable: true, label: "Label confirmed on review" },
  labelConfirmedById: { kind: "id", nullable: true, label: "Label confirmed by" },
  notes: { kind: "text", label: "Notes", history: "shown", heading: "Notes" },
  /** Who reported it: the clinic's staff, or the patient from a diary link (then diaryLinkId). */
  source: { kind: "choice", values: EPISODE_SOURCES, labels: EPISODE_SOURCE_LABELS, label: "Reported by", heading: "Reported by" },
  diaryLinkId: { kind: "id", nullable: true, label: "Diary link", heading: "Diary link ID" },
  witnessed: { kind: "boolean", label: "Someone saw it", history: "shown", heading: "Witnessed" },
  tongueBitten: { kind: "boolean", label: "Tongue bitten", history: "shown", heading: "Tongue bitten" },
  wetThemselves: { kind: "boolean", label: "Wet themselves (incontinence)", history: "shown", heading: "Incontinence" },
  version: { kind: "count", label: "Version" },
  createdAt: { kind: "instant", label: "Recorded" },
  updatedAt: { kind: "instant", label: "Last changed" },
} as const satisfies Record<string, EpisodeFieldDef>;

type Fields = typeof EPISODE_FIELDS;
export type EpisodeField = keyof Fields;
export const EPISODE_FIELD_NAMES = fieldNames(EPISODE_FIELDS);

/** An episode as the app reads it. */
export type Episode = FieldValues<Fields>;
/** An episode as the database gives it (vocabulary values as text, lists comma-separated). */
export type StoredEpisode = StoredValues<Fields>;

type FieldsWhere<Where> = { [K in EpisodeField]: Fields[K] extends Where ? K : never }[EpisodeField];

/** The fields the history shows. */
export type EpisodeHistoryField = FieldsWhere<{ history: string }>;
const shownIn = (place: "shown" | "shown last") =>
  EPISODE_FIELD_NAMES.filter((f): f is EpisodeHistoryField => (EPISODE_FIELDS[f] as EpisodeFieldDef).history === place);
/** The fields the history shows, in the order it lists a change's fields. */
export const EPISODE_HISTORY_FIELDS: readonly EpisodeHistoryField[] = [...shownIn("shown"), ...shownIn("shown last")];

/** The fields with a CSV column of their own. */
export type EpisodeFieldWithHeading = FieldsWhere<{ heading: string }>;
