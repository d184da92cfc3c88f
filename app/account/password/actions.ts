"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { currentSession } from "@/lib/http/session";
import { changeOwnPassword } from "@/lib/features/accounts/sign-in";
import { unauthenticated } from "@/lib/server/errors";
import { type FormState } from "@/lib/core/form-state";
import { formText } from "@/lib/core/validation/form-fields";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/http/auth-options";
import { formStateFromError } from "@/lib/http/form-state";

export async function changePasswordAction(_prev: FormState, form: FormData): Promise<FormState> {
  const newPassword = formText(form, "newPassword") ?? "";
  if (newPassword !== formText(form, "confirmPassword")) {
    return { status: "error", message: "Please correct the highlighted fields.", fields: { confirmPassword: "The two new passwords differ" }, submission: Date.now() };
  }
  try {
    // The forced change after a temporary password is allowed here, and only here.
    const check = await currentSession();
    const sid = (await getServerSession(authOptions))?.sid;
    if (!check.ok || !sid) throw unauthenticated();
    await changeOwnPassword(check.actor, sid, formText(form, "currentPassword") ?? "", newPassword);
  } catch (error) {
    return formStateFromError(error);
  }
  // The layout hid the navigation during the forced change; render it afresh.
  revalidatePath("/", "layout");
  redirect("/patients");
}
