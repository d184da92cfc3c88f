import { z } from "zod";
import { overLimitMessage } from "./text-limits";

export const isoDate = z
  .string({ error: "Enter a date" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the form YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a real date");

/** Field path -> first message, the shape forms and the API both report. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  // A Map, not a plain object: an unknown field named "__proto__" must be reported, not set the prototype.
  const out = new Map<string, string>();
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    if (!out.has(key)) out.set(key, issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}` : issue.message);
  }
  // Unknown fields are named one by one so the caller sees which.
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") for (const k of issue.keys) out.set([...issue.path, k].join("."), "Unknown field");
  }
  return Object.fromEntries(out);
}

export type ParseResult<T> = { ok: true; data: T } | { ok: false; fields: Record<string, string> };

export function parseWith<T>(schema: z.ZodType<T>, input: unknown): ParseResult<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, data: result.data } : { ok: false, fields: fieldErrors(result.error) };
}

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * A text of at most `max` characters, refused with its length when longer. `what` starts the
 * message ("Notes", "The MRN"). Chain `.trim()` before it where the field is trimmed: the trimmed
 * text is what is counted and kept.
 */
export function limitedText(what: string, max: number, base: z.ZodString = z.string()): z.ZodString {
  return base.max(max, { error: (issue) => overLimitMessage(what, max, typeof issue.input === "string" ? issue.input.length : max + 1) });
}
