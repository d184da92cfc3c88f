"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/auth/session";
import { createPatient, updatePatient } from "@/lib/data/patients";
import { formStateFromError, type FormState } from "@/lib/validation/form-state";
import { patientFromForm } from "@/lib/validation/patient-form";
import { formText } from "@/lib/validation/form-fields";

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
