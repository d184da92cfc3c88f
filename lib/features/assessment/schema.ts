import "server-only";
import { z } from "zod";
import { CHECKLIST_STATUSES } from "@/lib/core/clinical/vocabulary";
import { limitedText } from "@/lib/core/validation/common";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

export const checklistUpdateSchema = z
  .object({
    status: z.enum(CHECKLIST_STATUSES, { error: "Choose not assessed, suspected, confirmed or ruled out" }),
    note: limitedText("The note", TEXT_LIMITS.checklistNote, z.string({ error: "The note must be text" })).default(""),
    // 0 for an item nobody has set yet.
    version: z.number({ error: "The record version is required" }).int().min(0),
  })
  .strict();

export const asOfSchema = z.iso
  .datetime({ offset: true, error: "Use an ISO 8601 date-time with an offset" })
  .transform((s) => new Date(s))
  .optional();
