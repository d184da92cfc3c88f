"use server";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/auth/session";
import { changeUserRole, createUser, setUserActive, unlockUser } from "@/lib/data/users";
import { formStateFromError, type FormState } from "@/lib/validation/form-state";
import { formText } from "@/lib/validation/form-fields";

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

/** One action for the per-user buttons (role change, deactivate, reactivate, unlock). */
export async function manageUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const userId = formText(form, "userId") ?? "";
  const op = formText(form, "op");
  try {
    const actor = await actorOrThrow();
    if (op === "role") await changeUserRole(actor, userId, { role: formText(form, "role") });
    else if (op === "deactivate") await setUserActive(actor, userId, false);
    else if (op === "reactivate") await setUserActive(actor, userId, true);
    else if (op === "unlock") await unlockUser(actor, userId);
    else return { status: "error", message: "Unknown operation." };
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/users");
  return { status: "ok", message: "Saved.", submission: Date.now() };
}
