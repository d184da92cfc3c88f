import { wallClockToInstant } from "@/lib/core/clinical/time";
import { formMultiline, formText } from "./form-fields";

/** Field names shared by the episode form and this parser. */
export const EPISODE_FLAGS = ["voluntaryControl", "urgeToMove", "worseAtRest", "worseInEvening", "reliefByMovement", "consciousnessImpaired", "duringSleep"] as const;
export type EpisodeFlag = (typeof EPISODE_FLAGS)[number];

/** `YYYY-MM-DDTHH:mm` in the clinic's zone -> ISO instant; other text passes through for the schema to refuse. */
export function instantFromForm(local: string | undefined, timeZone: string): string {
  if (!local) return "";
  return wallClockToInstant(local, timeZone)?.toISOString() ?? local;
}

function numberOrNull(value: string | undefined): number | null {
  const v = value?.trim();
  return v ? Number(v) : null;
}

/** Reads the episode form. Duration is entered in seconds or minutes and stored in seconds. */
export function episodeFromForm(form: FormData, timeZone: string): Record<string, unknown> {
  const durationValue = numberOrNull(formText(form, "duration"));
  const minutes = formText(form, "durationUnit") === "min";
  const input: Record<string, unknown> = {
    occurredAt: instantFromForm(formText(form, "occurredAt"), timeZone),
    durationSeconds: durationValue === null ? undefined : minutes ? Math.round(durationValue * 60) : durationValue,
    side: formText(form, "side") || undefined,
    muscleGroup: formText(form, "muscleGroup") || "CALF",
    movement: formText(form, "movement") || null,
    rhythm: formText(form, "rhythm") || null,
    painScore: numberOrNull(formText(form, "painScore")),
    triggers: form.getAll("triggers").map(String),
    relief: form.getAll("relief").map(String),
    classification: formText(form, "classification") || null,
    notes: formMultiline(form, "notes") ?? "",
    visitId: formText(form, "visitId") || null,
  };
  for (const flag of EPISODE_FLAGS) input[flag] = form.get(flag) === "on";
  const version = formText(form, "version");
  if (version !== undefined) input.version = Number(version);
  return input;
}

/** The visit form's value-and-unit pairs and the API field each unit goes to (lib/features/visits/schema.ts). */
export const VISIT_UNIT_FIELDS = {
  weight: { kg: "weightKg", lb: "weightLb" },
  temperature: { "°C": "temperatureC", "°F": "temperatureF" },
} as const satisfies Record<string, Record<string, string>>;

/**
 * Reads the visit form: a value with its unit picker becomes the API field named for the unit
 * (`weightLb`), empty lab rows are skipped. `remapErrors` points the schema's error paths
 * (`weightLb`, `labs.0.value`) back at the form's inputs (`weight`, `lab.2.value`).
 */
export function visitFromForm(form: FormData, timeZone: string): { input: Record<string, unknown>; remapErrors: (f: Record<string, string>) => Record<string, string> } {
  const labs: Record<string, unknown>[] = [];
  const labRow: number[] = [];
  const rows = Math.min(Number(formText(form, "labRows") ?? 0), 30);
  for (let i = 0; i < rows; i++) {
    const analyte = formText(form, `lab.${i}.analyte`);
    const value = formText(form, `lab.${i}.value`)?.trim();
    if (!analyte && !value) continue;
    labRow.push(i);
    labs.push({ analyte, value: value ? Number(value) : undefined, unit: formText(form, `lab.${i}.unit`) ?? "" });
  }
  const input: Record<string, unknown> = {
    occurredAt: instantFromForm(formText(form, "occurredAt"), timeZone),
    systolic: numberOrNull(formText(form, "systolic")),
    diastolic: numberOrNull(formText(form, "diastolic")),
    examFindings: form.getAll("examFindings").map(String),
    labs,
    notes: formMultiline(form, "notes") ?? "",
  };
  const fieldOfInput: Record<string, string> = {};
  for (const [name, byUnit] of Object.entries(VISIT_UNIT_FIELDS)) {
    const units: Record<string, string> = byUnit;
    // An unknown unit (a tampered form) falls back to the canonical one, listed first.
    const field = units[formText(form, `${name}Unit`) ?? ""] ?? Object.values(units)[0];
    input[field] = numberOrNull(formText(form, name));
    for (const f of Object.values(units)) fieldOfInput[f] = name;
  }
  const version = formText(form, "version");
  if (version !== undefined) input.version = Number(version);
  const remapErrors = (fields: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => {
        const lab = /^labs\.(\d+)\.(\w+)$/.exec(k);
        return [lab ? `lab.${labRow[Number(lab[1])]}.${lab[2]}` : (fieldOfInput[k] ?? k), v];
      }),
    );
  return { input, remapErrors };
}

/** A time zone name from a form, accepted only when Intl knows it. */
export function timeZoneFromForm(form: FormData): string {
  const tz = formText(form, "timeZone") ?? "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return "UTC";
  }
}
