"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { actorOrThrow } from "@/lib/http/session";
import { signOutEverywhere } from "@/lib/features/accounts/sign-in";
import { isDataError } from "@/lib/server/errors";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/** Ends every session of the signed-in user, this browser's included, then shows the sign-in page. */
export async function signOutEverywhereAction(): Promise<void> {
  let actor;
  try {
    actor = await actorOrThrow();
  } catch (error) {
    if (isDataError(error) && error.code === "UNAUTHENTICATED") redirect("/signin");
    throw error;
  }
  await signOutEverywhere(actor);
  // The session row has ended, so the cookie is useless already; clearing it tidies up.
  const jar = await cookies();
  for (const name of SESSION_COOKIES) {
    if (jar.has(name)) jar.set(name, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
  }
  redirect("/signin?ended=REVOKED");
}
