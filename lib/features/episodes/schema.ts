import "server-only";
import { z } from "zod";
import { CLASSIFICATIONS, MOVEMENTS, MUSCLE_GROUPS, RELIEFS, RHYTHMS, SIDES, TRIGGERS } from "@/lib/core/clinical/vocabulary";
import { DEFAULT_THRESHOLDS as T } from "@/lib/core/clinical/thresholds";
import { limitedText } from "@/lib/core/validation/common";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

/** A little clock skew between a device and the server is not "the future". */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export const instantNotInFuture = z
  .string({ error: "Enter the date and time" })
  .min(1, "Enter the date and time")
  .pipe(z.iso.datetime({ offset: true, error: "Use an ISO 8601 date-time with an offset, e.g. 2026-11-02T22:15:00+01:00" }))
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() <= Date.now() + FUTURE_TOLERANCE_MS, "This is in the future")
  .refine((d) => d.getFullYear() >= 1900, "This is before 1900");

const unique = <T extends z.ZodTypeAny>(item: T, what: string) =>
  z.array(item).refine((a) => new Set(a).size === a.length, `A ${what} is listed twice`);

const episodeFields = {
  occurredAt: instantNotInFuture,
  durationSeconds: z
    .number({ error: "Enter the duration in seconds" })
    .int("Whole seconds only")
    .min(T.durationSecondsMin, `At least ${T.durationSecondsMin} second`)
    .max(T.durationSecondsMax, `At most ${T.durationSecondsMax} seconds (24 hours)`),
  side: z.enum(SIDES, { error: "Choose left, right or both" }),
  muscleGroup: z.enum(MUSCLE_GROUPS, { error: "Choose calf, foot, thigh or other" }),
  movement: z.enum(MOVEMENTS, { error: "Unknown movement" }).nullable(),
  rhythm: z.enum(RHYTHMS, { error: "Unknown rhythm" }).nullable(),
  voluntaryControl: z.boolean({ error: "Yes or no" }),
  urgeToMove: z.boolean({ error: "Yes or no" }),
  worseAtRest: z.boolean({ error: "Yes or no" }),
  worseInEvening: z.boolean({ error: "Yes or no" }),
  reliefByMovement: z.boolean({ error: "Yes or no" }),
  consciousnessImpaired: z.boolean({ error: "Yes or no" }),
  duringSleep: z.boolean({ error: "Yes or no" }),
  painScore: z.number({ error: "Enter a pain score from 0 to 10" }).int("Whole numbers only").min(T.painScoreMin, "0 is the lowest pain score").max(T.painScoreMax, "10 is the highest pain score").nullable(),
  triggers: unique(z.enum(TRIGGERS, { error: "Unknown trigger" }), "trigger"),
  relief: unique(z.enum(RELIEFS, { error: "Unknown relief" }), "relief"),
  classification: z.enum(CLASSIFICATIONS, { error: "Unknown episode type" }).nullable(),
  notes: limitedText("Notes", TEXT_LIMITS.notes),
  visitId: z.string().min(1).nullable(),
};

/**
 * Version 1's `worseAtRestOrEvening` is still accepted (deprecated, clinical spec section 8): it
 * sets `worseAtRest` and `worseInEvening`, each unless given itself. A value that is not yes or no
 * is refused under its own name.
 */
function acceptRestOrEvening(input: unknown): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !Object.hasOwn(input, "worseAtRestOrEvening")) return input;
  const { worseAtRestOrEvening: legacy } = input as Record<string, unknown>;
  if (typeof legacy !== "boolean") return input;
  return { worseAtRest: legacy, worseInEvening: legacy, ...input };
}
const legacyRestOrEvening = { worseAtRestOrEvening: z.boolean({ error: "Yes or no" }).optional() };
const withoutLegacy = <T extends { worseAtRestOrEvening?: boolean }>({ worseAtRestOrEvening: _legacy, ...rest }: T) => rest;

const episodeCreateObject = z
  .object({
    ...episodeFields,
    muscleGroup: episodeFields.muscleGroup.default("CALF"),
    movement: episodeFields.movement.optional(),
    rhythm: episodeFields.rhythm.optional(),
    voluntaryControl: episodeFields.voluntaryControl.default(false),
    urgeToMove: episodeFields.urgeToMove.default(false),
    worseAtRest: episodeFields.worseAtRest.default(false),
    worseInEvening: episodeFields.worseInEvening.default(false),
    reliefByMovement: episodeFields.reliefByMovement.default(false),
    consciousnessImpaired: episodeFields.consciousnessImpaired.default(false),
    duringSleep: episodeFields.duringSleep.default(false),
    painScore: episodeFields.painScore.optional(),
    triggers: episodeFields.triggers.default([]),
    relief: episodeFields.relief.default([]),
    classification: episodeFields.classification.optional(),
    notes: episodeFields.notes.default(""),
    visitId: episodeFields.visitId.optional(),
  })
  .strict();
export const episodeCreateSchema = z.preprocess(acceptRestOrEvening, episodeCreateObject.extend(legacyRestOrEvening).strict().transform(withoutLegacy));

const episodeUpdateObject = z
  .object({
    version: z.number({ error: "The record version is required" }).int().positive(),
    ...Object.fromEntries(Object.entries(episodeFields).map(([k, v]) => [k, v.optional()])),
  } as { version: z.ZodNumber } & { [K in keyof typeof episodeFields]: z.ZodOptional<(typeof episodeFields)[K]> })
  .strict();
export const episodeUpdateSchema = z.preprocess(acceptRestOrEvening, episodeUpdateObject.extend(legacyRestOrEvening).strict().transform(withoutLegacy));

export type EpisodeCreateInput = z.infer<typeof episodeCreateSchema>;
export type EpisodeUpdateInput = z.infer<typeof episodeUpdateSchema>;

export const EPISODE_SORTS = ["occurredAt", "durationSeconds"] as const;
export const episodeListQuerySchema = z.object({
  type: z.enum([...CLASSIFICATIONS, "NONE"]).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  review: z.enum(["1"]).optional().catch(undefined),
  sort: z.enum(EPISODE_SORTS).catch("occurredAt"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  limit: z.coerce.number().int().min(1).max(200).catch(20),
  cursor: z.string().max(500).optional().catch(undefined),
});
export type EpisodeListQuery = z.infer<typeof episodeListQuerySchema>;
