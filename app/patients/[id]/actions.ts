"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { actorOrThrow } from "@/lib/http/session";
import { confirmEpisodeLabel, createEpisode, deleteEpisode, updateEpisode } from "@/lib/features/episodes/data";
import { createVisit, deleteVisit, updateVisit } from "@/lib/features/visits/data";
import { setChecklistStatus } from "@/lib/features/assessment/data";
import { episodeFromForm, timeZoneFromForm, visitFromForm } from "@/lib/core/validation/episode-form";
import { formText, formValues } from "@/lib/core/validation/form-fields";
import { type FormState } from "@/lib/core/form-state";
import { formStateFromError } from "@/lib/http/form-state";

/** Every tab and deeper page of the chart shows the header (red flags, review count), so all of them go stale. */
function revalidateChart(patientId: string) {
  revalidatePath(`/patients/${patientId}`, "layout");
}

export async function createEpisodeAction(patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const input = episodeFromForm(form, timeZoneFromForm(form));
  try {
    const saved = await createEpisode(await actorOrThrow(), patientId, input, { idempotencyKey: formText(form, "idempotencyKey") });
    revalidateChart(patientId);
    // Keep the visit and time so the next episode of the same visit is quick to enter.
    return {
      status: "ok",
      message: `Episode saved${saved.needsReview ? " and marked for review (your label differs from the suggestion)" : ""}.`,
      values: { visitId: formText(form, "visitId") ?? "", occurredAt: formText(form, "occurredAt") ?? "" },
      submission: Date.now(),
    };
  } catch (error) {
    return formStateFromError(error, formValues(form));
  }
}

export async function updateEpisodeAction(episodeId: string, patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const input = episodeFromForm(form, timeZoneFromForm(form));
  try {
    await updateEpisode(await actorOrThrow(), episodeId, input);
  } catch (error) {
    return formStateFromError(error, formValues(form));
  }
  revalidateChart(patientId);
  redirect(`/patients/${patientId}/episodes?saved=episode`);
}

export async function deleteEpisodeAction(episodeId: string, patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await deleteEpisode(await actorOrThrow(), episodeId, Number(formText(form, "version")));
  } catch (error) {
    return formStateFromError(error);
  }
  revalidateChart(patientId);
  redirect(`/patients/${patientId}/episodes?saved=deleted`);
}

export async function confirmEpisodeLabelAction(episodeId: string, patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await confirmEpisodeLabel(await actorOrThrow(), episodeId, Number(formText(form, "version")));
  } catch (error) {
    return formStateFromError(error);
  }
  revalidateChart(patientId);
  redirect(`/patients/${patientId}/episodes/${episodeId}`);
}

export async function createVisitAction(patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { input, remapErrors } = visitFromForm(form, timeZoneFromForm(form));
  try {
    await createVisit(await actorOrThrow(), patientId, input, { idempotencyKey: formText(form, "idempotencyKey") });
  } catch (error) {
    const state = formStateFromError(error, formValues(form));
    return { ...state, fields: state.fields && remapErrors(state.fields) };
  }
  revalidateChart(patientId);
  redirect(`/patients/${patientId}/visits?saved=visit`);
}

export async function updateVisitAction(visitId: string, patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { input, remapErrors } = visitFromForm(form, timeZoneFromForm(form));
  try {
    await updateVisit(await actorOrThrow(), visitId, input);
  } catch (error) {
    const state = formStateFromError(error, formValues(form));
    return { ...state, fields: state.fields && remapErrors(state.fields) };
  }
  revalidateChart(patientId);
  redirect(`/patients/${patientId}/visits?saved=visit`);
}

export async function deleteVisitAction(visitId: string, patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await deleteVisit(await actorOrThrow(), visitId, Number(formText(form, "version")));
  } catch (error) {
    return formStateFromError(error);
  }
  revalidateChart(patientId);
  redirect(`/patients/${patientId}/visits?saved=deleted`);
}

export async function setChecklistAction(patientId: string, causeId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await setChecklistStatus(await actorOrThrow(), patientId, causeId, {
      status: formText(form, "status"),
      note: formText(form, "note") ?? "",
      version: Number(formText(form, "version")),
    });
  } catch (error) {
    return formStateFromError(error, formValues(form));
  }
  revalidateChart(patientId);
  return { status: "ok", message: "Saved.", submission: Date.now() };
}
