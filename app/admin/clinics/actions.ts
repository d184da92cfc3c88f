"use server";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/http/session";
import { setClinicDiaryLinkDays, setClinicSso, setClinicTimeZone, setClinicUnitSystem } from "@/lib/features/clinics/data";
import { ssoConfig } from "@/lib/http/auth-options";
import { formText } from "@/lib/core/validation/form-fields";
import { type FormState } from "@/lib/core/form-state";
import { formStateFromError } from "@/lib/http/form-state";

export async function setTimeZoneAction(clinicId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await setClinicTimeZone(await actorOrThrow(), clinicId, formText(form, "timeZone") ?? "");
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/clinics");
  return { status: "ok", message: "Time zone saved.", submission: Date.now() };
}

export async function setUnitSystemAction(clinicId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await setClinicUnitSystem(await actorOrThrow(), clinicId, formText(form, "unitSystem") ?? "");
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/clinics");
  return { status: "ok", message: "Units saved.", submission: Date.now() };
}

export async function setDiaryLinkDaysAction(clinicId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await setClinicDiaryLinkDays(await actorOrThrow(), clinicId, formText(form, "diaryLinkDays") ?? "");
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/clinics");
  return { status: "ok", message: "Diary link length saved.", submission: Date.now() };
}

export async function setSsoSettingsAction(clinicId: string, _prev: FormState, form: FormData): Promise<FormState> {
  try {
    await setClinicSso(await actorOrThrow(), clinicId, {
      createAccounts: form.get("ssoCreateAccounts") === "on",
      createRole: formText(form, "ssoCreateRole") ?? "",
      requireSso: form.get("requireSso") === "on",
    }, ssoConfig() !== null);
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/admin/clinics");
  return { status: "ok", message: "Single sign-on settings saved.", submission: Date.now() };
}
