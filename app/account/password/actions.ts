"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { currentSession } from "@/lib/auth/session";
import { changeOwnPassword } from "@/lib/data/auth";
import { unauthenticated } from "@/lib/data/errors";
import { formStateFromError, type FormState } from "@/lib/validation/form-state";
import { formText } from "@/lib/validation/form-fields";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";

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
