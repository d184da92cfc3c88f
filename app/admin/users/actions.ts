"use server";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/http/session";
import { changeUserRole, createUser, setUserActive, unlockUser } from "@/lib/features/accounts/users";
import { resetUserTwoFactor, setClinicTwoFactorRequirement } from "@/lib/features/accounts/two-factor";
import { type FormState } from "@/lib/core/form-state";
import { formText } from "@/lib/core/validation/form-fields";
import { formStateFromError } from "@/lib/http/form-state";

export async function createUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = {
    email: formText(form, "email"),
    name: formText(form, "name"),
    role: formText(form, "role"),
    clinicIds: form.getAll("clinicIds").map(String),
    temporaryPassword: formText(form, "temporaryPassword"),
  };
  try {
    await createUser(await actorOrThrow(), input);
  } catch (error) {
    return formStateFromError(error, { ...input, temporaryPassword: "" });
  }
  revalidatePath("/admin/users");
  return { status: "ok", message: `Created ${input.email}. They must choose a new password at first sign-in.`, submission: Date.now() };
}

/** One action for the per-user buttons (role change, deactivate, reactivate, unlock, two-factor reset). */
export async function manageUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const userId = formText(form, "userId") ?? "";
  const op = formText(form, "op");
  try {
    const actor = await actorOrThrow();
    if (op === "role") await changeUserRole(actor, userId, { role: formText(form, "role") });
    else if (op === "deactivate") await setUserActive(actor, userId, false);
    else if (op === "reactivate") await setUserActive(actor, userId, true);
    else if (op === "unlock") await unlockUser(actor, userId);
    else if (op === "reset-two-factor") await resetUserTwoFactor(actor, userId);
    else return { status: "error", message: "Unknown operation." };
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/users");
  return { status: "ok", message: "Saved.", submission: Date.now() };
}

/** Requires (required=true) or stops requiring two-factor sign-in for every member of one clinic. */
export async function setTwoFactorRequirementAction(_prev: FormState, form: FormData): Promise<FormState> {
  const clinicId = formText(form, "clinicId") ?? "";
  const value = formText(form, "required");
  const required = value === "true" ? true : value === "false" ? false : undefined;
  try {
    await setClinicTwoFactorRequirement(await actorOrThrow(), clinicId, required);
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/users");
  return {
    status: "ok",
    message: required ? "Two-factor sign-in is now required. Members without it set it up at their next page." : "Two-factor sign-in is no longer required.",
    submission: Date.now(),
  };
}
