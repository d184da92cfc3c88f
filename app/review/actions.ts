"use server";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/http/session";
import { reviewEpisode } from "@/lib/features/episodes/data";
import { formText } from "@/lib/core/validation/form-fields";
import { CLASSIFICATION_LABELS } from "@/lib/core/clinical/vocabulary";
import type { FormState } from "@/lib/core/form-state";
import { formStateFromError } from "@/lib/http/form-state";

/** Reviews an episode from the queue in one step: its label is set (and confirmed when it differs from the suggestion). */
export async function reviewEpisodeAction(episodeId: string, patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    const reviewed = await reviewEpisode(await actorOrThrow(), episodeId, {
      version: Number(formText(form, "version")),
      classification: formText(form, "classification"),
    });
    revalidatePath("/review");
    revalidatePath(`/patients/${patientId}`, "layout");
    const label = reviewed.classification ? CLASSIFICATION_LABELS[reviewed.classification] : "";
    return { status: "ok", message: `Reviewed: ${label}.`, submission: Date.now() };
  } catch (error) {
    return formStateFromError(error, { classification: formText(form, "classification") ?? "" });
  }
}
