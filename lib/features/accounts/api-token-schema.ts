import "server-only";
import { z } from "zod";

export const apiTokenCreateSchema = z
  .object({
    name: z
      .string({ error: "Name the token, e.g. the system that will use it" })
      .trim()
      .min(1, "Name the token, e.g. the system that will use it")
      .max(100, "The name is too long (100 characters at most)"),
  })
  .strict();

export type ApiTokenCreateInput = z.infer<typeof apiTokenCreateSchema>;
