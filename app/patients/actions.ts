"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/http/session";
import { createPatient, updatePatient } from "@/lib/features/patients/data";
import { type FormState } from "@/lib/core/form-state";
import { patientFromForm } from "@/lib/features/patients/form";
import { formText } from "@/lib/core/validation/form-fields";
import { formStateFromError } from "@/lib/http/form-state";

export async function createPatientAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { input, remapErrors } = patientFromForm(form);
  let id: string;
  try {
    const actor = await actorOrThrow();
    id = (await createPatient(actor, input, { idempotencyKey: formText(form, "idempotencyKey") })).id;
  } catch (error) {
    const state = formStateFromError(error, input);
    return { ...state, fields: state.fields && remapErrors(state.fields) };
  }
  revalidatePath("/patients");
  redirect(`/patients/${id}?saved=1`);
}

export async function updatePatientAction(patientId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const { input, remapErrors } = patientFromForm(form);
  try {
    const actor = await actorOrThrow();
    await updatePatient(actor, patientId, input);
  } catch (error) {
    const state = formStateFromError(error, input);
    return { ...state, fields: state.fields && remapErrors(state.fields) };
  }
  revalidatePath(`/patients/${patientId}`);
  redirect(`/patients/${patientId}?saved=1`);
}
