/** Small readers for FormData: one place for how forms turn text into values. */
export function formText(form: FormData, key: string): string | undefined {
  const v = form.get(key);
  return typeof v === "string" ? v : undefined;
}
