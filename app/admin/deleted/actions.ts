"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actorOrThrow } from "@/lib/http/session";
import { purgePatient, restoreEpisode, restorePatient, restoreVisit } from "@/lib/features/recycle/data";
import { type FormState } from "@/lib/core/form-state";
import { formMultiline, formText } from "@/lib/core/validation/form-fields";
import { formStateFromError } from "@/lib/http/form-state";

/** One action for the Restore buttons: `kind` is patient, visit or episode. */
export async function restoreAction(_prev: FormState, form: FormData): Promise<FormState> {
  const kind = formText(form, "kind");
  const id = formText(form, "id") ?? "";
  try {
    const actor = await actorOrThrow();
    if (kind === "patient") await restorePatient(actor, id);
    else if (kind === "visit") await restoreVisit(actor, id);
    else if (kind === "episode") await restoreEpisode(actor, id);
    else return { status: "error", message: "Unknown kind of record." };
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/deleted");
  revalidatePath("/patients", "layout");
  redirect(`/admin/deleted?done=restored-${kind}`);
}

export async function purgeAction(_prev: FormState, form: FormData): Promise<FormState> {
  const patientId = formText(form, "patientId") ?? "";
  const reason = formMultiline(form, "reason") ?? "";
  const confirmMrn = formText(form, "confirmMrn") ?? "";
  try {
    await purgePatient(await actorOrThrow(), patientId, reason, { confirmMrn });
  } catch (error) {
    return formStateFromError(error, { reason });
  }
  revalidatePath("/admin/deleted");
  redirect("/admin/deleted?done=purged");
}
