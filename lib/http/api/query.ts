import "server-only";
import { z } from "zod";
import { invalid } from "@/lib/server/errors";
import { fieldErrors } from "@/lib/core/validation/common";

type Shape = Record<string, z.ZodType>;

/**
 * The pages' list-query schemas quietly fall back to defaults (`.catch`) so a hand-edited URL
 * still renders. The API is stricter with the same rules: it unwraps those fields, so a bad
 * `limit` or `from` is a 400 naming the parameter, and an unknown parameter is refused.
 */
export function parseStrictQuery<S extends Shape, K extends keyof S & string>(
  schema: z.ZodObject<S>,
  keys: readonly K[],
  params: URLSearchParams,
): Record<K, unknown> {
  const shape: Record<string, z.ZodType> = {};
  for (const key of keys) {
    const field = schema.shape[key] as z.ZodType;
    // Absent parameters stay absent: the data function applies the page's defaults.
    shape[key] = (field instanceof z.ZodCatch ? (field.unwrap() as z.ZodType) : field).optional();
  }
  const raw: Record<string, string> = {};
  const repeated: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) repeated[key] = "Give this parameter once";
    raw[key] = value;
  }
  if (Object.keys(repeated).length) throw invalid(repeated, "Please correct the query parameters.");
  const result = z.object(shape).strict().safeParse(raw);
  if (!result.success) throw invalid(fieldErrors(result.error), "Please correct the query parameters.");
  return result.data as Record<K, unknown>;
}
