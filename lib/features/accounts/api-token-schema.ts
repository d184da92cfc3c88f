import "server-only";
import { z } from "zod";
import { limitedText } from "@/lib/core/validation/common";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";

export const apiTokenCreateSchema = z
  .object({
    name: limitedText(
      "The name",
      TEXT_LIMITS.tokenName,
      z.string({ error: "Name the token, e.g. the system that will use it" }).trim().min(1, "Name the token, e.g. the system that will use it"),
    ),
  })
  .strict();

export type ApiTokenCreateInput = z.infer<typeof apiTokenCreateSchema>;
