"use server";
import { getServerSession } from "next-auth";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/http/auth-options";
import { currentSession } from "@/lib/http/session";
import type { Actor } from "@/lib/server/permissions";
import { unauthenticated } from "@/lib/server/errors";
import {
  confirmTwoFactorEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactorEnrolment,
} from "@/lib/features/accounts/two-factor";
import { formText } from "@/lib/core/validation/form-fields";
import { type FormState } from "@/lib/core/form-state";
import { formStateFromError } from "@/lib/http/form-state";

/** The form state, plus new recovery codes: they reach the browser this once and are never stored in clear. */
export interface RecoveryCodesState extends FormState {
  recoveryCodes?: string[];
}

/**
 * The signed-in user and this browser's session id. Allowed while a clinic's requirement sends the
 * user here to set up two-factor sign-in (which actorOrThrow refuses), but not before a forced
 * password change.
 */
async function self(): Promise<{ actor: Actor; sessionId: string }> {
  const check = await currentSession();
  const sessionId = (await getServerSession(authOptions))?.sid;
  if (!check.ok || check.mustChangePassword || !sessionId) throw unauthenticated();
  return { actor: check.actor, sessionId };
}

export async function startEnrolmentAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const { actor } = await self();
    await startTwoFactorEnrolment(actor, { currentPassword: formText(form, "currentPassword") ?? "" });
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/account/two-factor");
  return { status: "ok", message: "Scan the code with your authenticator app.", submission: Date.now() };
}

export async function confirmEnrolmentAction(_prev: RecoveryCodesState, form: FormData): Promise<RecoveryCodesState> {
  try {
    const { actor, sessionId } = await self();
    const { recoveryCodes } = await confirmTwoFactorEnrolment(actor, sessionId, { code: formText(form, "code") ?? "" });
    // No revalidation here: the page would replace the form that shows the codes this once.
    return { status: "ok", message: "Two-factor sign-in is on.", recoveryCodes, submission: Date.now() };
  } catch (error) {
    return formStateFromError(error);
  }
}

export async function regenerateRecoveryCodesAction(_prev: RecoveryCodesState, form: FormData): Promise<RecoveryCodesState> {
  try {
    const { actor } = await self();
    const { recoveryCodes } = await regenerateRecoveryCodes(actor, { code: formText(form, "code") ?? "" });
    return { status: "ok", message: "New recovery codes made. The old ones no longer work.", recoveryCodes, submission: Date.now() };
  } catch (error) {
    return formStateFromError(error);
  }
}

export async function disableTwoFactorAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const { actor, sessionId } = await self();
    await disableTwoFactor(actor, sessionId, { currentPassword: formText(form, "currentPassword") ?? "", code: formText(form, "code") ?? "" });
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/", "layout");
  redirect("/account/two-factor?done=disabled");
}
