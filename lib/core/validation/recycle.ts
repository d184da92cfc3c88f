import { z } from "zod";
import { limitedText } from "./common";
import { PURGE_REASON_MIN_LENGTH, TEXT_LIMITS } from "./text-limits";


/** A purge (legal erasure) states why, and the form makes the admin type the MRN to confirm. */
export const purgeSchema = z
  .object({
    reason: limitedText(
      "The reason",
      TEXT_LIMITS.purgeReason,
      z
        .string({ error: "Give the reason for the erasure" })
        .trim()
        .min(PURGE_REASON_MIN_LENGTH, `Give the reason in at least ${PURGE_REASON_MIN_LENGTH} characters (for example the erasure request's reference)`),
    ),
    confirmMrn: z.string().trim().optional(),
  })
  .strict();
export type PurgeInput = z.infer<typeof purgeSchema>;

export const RECORD_KINDS = ["patient", "visit", "episode"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
