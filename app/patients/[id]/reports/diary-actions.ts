"use server";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { actorOrThrow } from "@/lib/http/session";
import { publicUrl } from "@/lib/http/public-url";
import { formStateFromError } from "@/lib/http/form-state";
import { createDiaryLink, revokeDiaryLink } from "@/lib/features/diary/data";
import { qrSvgDataUrl } from "@/lib/core/qr";
import { formText, formValues } from "@/lib/core/validation/form-fields";
import type { FormState } from "@/lib/core/form-state";
import type { HandoutLanguage } from "@/lib/core/clinical/handout";

/** A new diary link, as the browser gets it this once: the token is stored only as a hash. */
export interface GivenDiaryLink {
  /** The full address, token included. */
  url: string;
  token: string;
  /** The QR code of the address, drawn on the server (an SVG data URL). */
  qr: string;
  /** ISO 8601; the page shows it on the clinic's clock. */
  expiresAt: string;
  language: HandoutLanguage;
}

export interface DiaryLinkFormState extends FormState {
  link?: GivenDiaryLink;
}

/** The address the clinician's browser reached the app at (publicUrl prefers NEXTAUTH_URL). */
async function requestOrigin(): Promise<string | null> {
  const h = await headers();
  const origin = h.get("origin");
  if (origin && origin !== "null") return origin;
  const host = h.get("x-forwarded-host")?.split(",")[0].trim() || h.get("host");
  return host ? `${h.get("x-forwarded-proto")?.split(",")[0].trim() || "http"}://${host}` : null;
}

/** Days as typed: empty takes the clinic's default; anything else goes to the data layer to be checked. */
function daysFromForm(form: FormData): number | undefined {
  const text = formText(form, "expiresInDays")?.trim();
  return text ? Number(text) : undefined;
}

export async function createDiaryLinkAction(patientId: string, _prev: DiaryLinkFormState, form: FormData): Promise<DiaryLinkFormState> {
  try {
    const actor = await actorOrThrow();
    const created = await createDiaryLink(actor, patientId, { language: formText(form, "language") || undefined, expiresInDays: daysFromForm(form) });
    const url = publicUrl(created.path, await requestOrigin());
    revalidatePath(`/patients/${patientId}/reports`);
    return {
      status: "ok",
      message: "Diary link given.",
      link: { url, token: created.token, qr: qrSvgDataUrl(url), expiresAt: created.expiresAt.toISOString(), language: created.language },
      submission: Date.now(),
    };
  } catch (error) {
    return formStateFromError(error, formValues(form));
  }
}

export async function revokeDiaryLinkAction(linkId: string, previous: FormState): Promise<FormState> {
  try {
    const { patientId } = await revokeDiaryLink(await actorOrThrow(), linkId);
    revalidatePath(`/patients/${patientId}/reports`);
    return { ...previous, status: "ok", message: "Link stopped.", submission: Date.now() };
  } catch (error) {
    return formStateFromError(error);
  }
}
