import "server-only";
import { z } from "zod";
import { ROLES } from "@/lib/core/clinical/vocabulary";
import { isCommonPassword } from "@/lib/server/auth/common-passwords";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/core/password-policy";

export const passwordSchema = z
  .string({ error: "Enter a password" })
  .min(PASSWORD_MIN_LENGTH, `At least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `At most ${PASSWORD_MAX_LENGTH} characters`)
  .refine((p) => !isCommonPassword(p), "This password is too common");

export const userCreateSchema = z
  .object({
    email: z.string().trim().toLowerCase().email("Enter a valid email address").max(320),
    name: z.string().trim().min(1, "Enter the name").max(100, "Too long (100 characters at most)"),
    role: z.enum(ROLES, { error: "Choose a role" }),
    clinicIds: z.array(z.string().min(1)).min(1, "Choose at least one clinic"),
    temporaryPassword: passwordSchema,
  })
  .strict();
export type UserCreateInput = z.infer<typeof userCreateSchema>;

export const roleChangeSchema = z.object({ role: z.enum(ROLES, { error: "Choose a role" }) }).strict();

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password"),
  newPassword: passwordSchema,
});
