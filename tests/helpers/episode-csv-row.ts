import type { EpisodeCsvRow } from "@/lib/features/exports/columns";

/** The fields each CSV test chooses for itself; the others cycle with `i` the same way in every test. */
export type ChosenEpisodeCsvFields = Pick<
  EpisodeCsvRow,
  "patientId" | "occurredAt" | "triggers" | "classification" | "suggestedClassification" | "notes" | "patient"
>;

/** Synthetic episode `i` for the CSV export tests: over consecutive `i` each column takes each kind of value it can hold. */
export function syntheticEpisodeCsvRow(i: number, chosen: ChosenEpisodeCsvFields): EpisodeCsvRow {
  return {
    id: `ep${i}`,
    patientId: chosen.patientId,
    visitId: i % 4 ? null : `v${i}`,
    occurredAt: chosen.occurredAt,
    durationSeconds: 5 + ((i * 53) % 4000),
    side: ["LEFT", "RIGHT", "BOTH"][i % 3],
    muscleGroup: ["CALF", "FOOT", "THIGH", "OTHER"][i % 4],
    movement: i % 5 ? "TWITCHES" : null,
    rhythm: i % 7 ? null : "IRREGULAR",
    voluntaryControl: i % 2 === 0,
    urgeToMove: i % 3 === 0,
    worseAtRest: i % 5 === 0,
    worseInEvening: i % 3 === 1,
    reliefByMovement: i % 7 === 0,
    consciousnessImpaired: i % 11 === 0,
    duringSleep: i % 2 === 1,
    painScore: i % 6 ? i % 11 : null,
    triggers: chosen.triggers,
    relief: ["", "MASSAGE,WARMTH"][i % 2],
    classification: chosen.classification,
    suggestedClassification: chosen.suggestedClassification,
    needsReview: i % 9 === 0,
    labelConfirmedAt: i % 9 === 4 ? new Date(Date.UTC(2026, 10, 1) + i * 60_000) : null,
    notes: chosen.notes,
    source: i % 8 === 3 ? "PATIENT" : "CLINICIAN",
    diaryLinkId: i % 8 === 3 ? `dl${i % 3}` : null,
    witnessed: i % 4 === 1,
    tongueBitten: i % 13 === 0,
    wetThemselves: i % 17 === 0,
    patient: chosen.patient,
  };
}
