/** Reads the patient form's FormData into the shape patientCreateSchema / patientUpdateSchema check. */
import "server-only";
export function patientFromForm(form: FormData): { input: Record<string, unknown>; remapErrors: (f: Record<string, string>) => Record<string, string> } {
  const text = (key: string) => {
    const v = form.get(key);
    return typeof v === "string" ? v : undefined;
  };
  const number = (key: string) => {
    const v = text(key)?.trim();
    return v ? Number(v) : null;
  };
  const rows = Number(text("medRows") ?? 0);
  const medications: Record<string, unknown>[] = [];
  const originalIndex: number[] = [];
  for (let i = 0; i < Math.min(rows, 60); i++) {
    const name = text(`med.${i}.name`)?.trim() ?? "";
    const startedOn = text(`med.${i}.startedOn`) || null;
    const stoppedOn = text(`med.${i}.stoppedOn`) || null;
    if (!name && !startedOn && !stoppedOn) continue;
    originalIndex.push(i);
    medications.push({ name, startedOn, stoppedOn, active: form.get(`med.${i}.active`) === "on" });
  }
  const input: Record<string, unknown> = {
    mrn: text("mrn"),
    givenName: text("givenName"),
    familyName: text("familyName"),
    birthDate: text("birthDate"),
    sex: text("sex"),
    pregnant: form.get("pregnant") === "on",
    // The height goes to the field named for its unit, as the API takes it (heightCm or heightIn).
    [text("heightUnit") === "in" ? "heightIn" : "heightCm"]: number("height"),
    conditions: form.getAll("conditions").map(String),
    lifestyle: form.getAll("lifestyle").map(String),
    medications,
    allergyStatus: text("allergyStatus") ?? "NOT_RECORDED",
    allergies: text("allergies") ?? "",
  };
  const clinicId = text("clinicId");
  if (clinicId) input.clinicId = clinicId;
  const version = text("version");
  if (version !== undefined) input.version = Number(version);
  // Error paths name positions in the compacted list; point them back at the form rows.
  const remapErrors = (fields: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(fields).map(([k, v]) => {
        const m = /^medications\.(\d+)\.(\w+)$/.exec(k);
        return [m ? `med.${originalIndex[Number(m[1])]}.${m[2]}` : k === "heightCm" || k === "heightIn" ? "height" : k, v];
      }),
    );
  return { input, remapErrors };
}
