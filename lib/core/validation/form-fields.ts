/** Small readers for FormData: one place for how forms turn text into values. */
export function formText(form: FormData, key: string): string | undefined {
  const v = form.get(key);
  return typeof v === "string" ? v : undefined;
}

/**
 * A textarea's text as the person typed it: a browser sends each line break as CR LF, which the
 * field (and its character count) holds as one LF, so the server counts what the counter counted.
 */
export function formMultiline(form: FormData, key: string): string | undefined {
  return formText(form, key)?.replace(/\r\n?/g, "\n");
}

/** Every submitted text field; repeated names (checkbox groups) become arrays. */
export function formValues(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = all.length > 1 ? all : (all[0] ?? "");
  }
  return out;
}
