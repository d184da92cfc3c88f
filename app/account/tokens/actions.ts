"use server";
import { revalidatePath } from "next/cache";
import { actorOrThrow } from "@/lib/http/session";
import { createApiToken, revokeApiToken } from "@/lib/features/accounts/api-tokens";
import { formText, formValues } from "@/lib/core/validation/form-fields";
import { type FormState } from "@/lib/core/form-state";
import { formStateFromError } from "@/lib/http/form-state";

/** The form state, plus the new token: it reaches the browser this once and is never stored. */
export interface TokenFormState extends FormState {
  token?: string;
}

export async function createTokenAction(_prev: TokenFormState, form: FormData): Promise<TokenFormState> {
  try {
    const created = await createApiToken(await actorOrThrow(), { name: formText(form, "name") ?? "" });
    revalidatePath("/account/tokens");
    return { status: "ok", message: `Token "${created.name}" created.`, token: created.token, submission: Date.now() };
  } catch (error) {
    return formStateFromError(error, formValues(form));
  }
}

export async function revokeTokenAction(tokenId: string, previous: FormState): Promise<FormState> {
  try {
    await revokeApiToken(await actorOrThrow(), tokenId);
  } catch (error) {
    return formStateFromError(error);
  }
  revalidatePath("/account/tokens");
  return { ...previous, status: "ok", message: "Revoked.", submission: Date.now() };
}
