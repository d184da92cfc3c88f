import "server-only";
import { z } from "zod";
import { normalizeCode } from "@/lib/server/auth/totp";

const currentPassword = z.string({ error: "Enter your current password" }).min(1, "Enter your current password").max(1024, "Too long");

/** A code from the authenticator app: six digits (spaces allowed, as apps show "123 456"). */
export const totpCodeSchema = z
  .string({ error: "Enter the 6-digit code from your authenticator app" })
  .transform(normalizeCode)
  .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app"));

/** Either a code from the app or one of the recovery codes. */
export const secondFactorCodeSchema = z
  .string({ error: "Enter the code from your authenticator app, or a recovery code" })
  .trim()
  .min(1, "Enter the code from your authenticator app, or a recovery code")
  .max(64, "Too long for a code");

export const startEnrolmentSchema = z.object({ currentPassword }).strict();
export const confirmEnrolmentSchema = z.object({ code: totpCodeSchema }).strict();
export const disableTwoFactorSchema = z.object({ currentPassword, code: secondFactorCodeSchema }).strict();
export const regenerateRecoveryCodesSchema = z.object({ code: secondFactorCodeSchema }).strict();
