import "server-only";
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "@/lib/server/permissions";
import { authOptions, clientIp } from "./auth-options";
import { checkSession, type SessionCheck } from "@/lib/features/accounts/sign-in";
import { unauthenticated } from "@/lib/server/errors";

/**
 * The current browser session, checked against the database (revocation, idle and absolute
 * limits). Checked once per page render: the layout and the page ask for it in the same request.
 */
export const currentSession = cache(async (): Promise<SessionCheck> => {
  const session = await getServerSession(authOptions);
  if (!session?.sid) return { ok: false, reason: "NO_SESSION" };
  return checkSession(session.sid, clientIp(await headers()));
});

/**
 * For pages: the signed-in actor, or a redirect to sign-in, or to a step the user must finish
 * first: the forced password change, then two-factor set-up when a clinic requires it.
 */
export async function requireActor(opts: { allowPasswordChange?: boolean; allowTwoFactorEnrolment?: boolean } = {}): Promise<Actor> {
  const check = await currentSession();
  if (!check.ok) redirect(check.reason === "NO_SESSION" ? "/signin" : `/signin?ended=${check.reason}`);
  if (check.mustChangePassword) {
    if (!opts.allowPasswordChange) redirect("/account/password");
  } else if (check.mustEnrolTwoFactor && !opts.allowTwoFactorEnrolment) {
    redirect("/account/two-factor");
  }
  return check.actor;
}

/** True when the session may use the app: no password change or two-factor set-up outstanding. */
function complete(check: SessionCheck): check is Extract<SessionCheck, { ok: true }> {
  return check.ok && !check.mustChangePassword && !check.mustEnrolTwoFactor;
}

/** For server actions and route handlers: the actor, or an UNAUTHENTICATED error. */
export async function actorOrThrow(): Promise<Actor> {
  const check = await currentSession();
  if (!complete(check)) throw unauthenticated();
  return check.actor;
}

const SESSION_COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

function requestCookies(request: Request): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/** True when the request carries a next-auth session cookie (possibly chunked). */
export function hasSessionCookie(request: Request): boolean {
  const names = [...requestCookies(request).keys()];
  return SESSION_COOKIE_NAMES.some((c) => names.some((n) => n === c || n.startsWith(`${c}.`)));
}

/**
 * For route handlers (the JSON API): the actor of the session cookie on this request, checked
 * like currentSession() (revocation, idle and absolute limits, forced password change or
 * two-factor set-up), or null.
 * Reads the request itself rather than next/headers, so it works wherever a Request exists.
 */
export async function sessionActorFromRequest(request: Request): Promise<Actor | null> {
  const cookies = requestCookies(request);
  for (const cookieName of SESSION_COOKIE_NAMES) {
    if (![...cookies.keys()].some((n) => n === cookieName || n.startsWith(`${cookieName}.`))) continue;
    // Empty headers: getToken would otherwise read an Authorization bearer as a session JWT.
    const jwt = await getToken({ req: { cookies, headers: new Headers() } as never, cookieName, secureCookie: cookieName.startsWith("__Secure-") });
    const sid = typeof jwt?.sid === "string" ? jwt.sid : null;
    if (!sid) continue;
    const check = await checkSession(sid, clientIp(request.headers));
    return complete(check) ? check.actor : null;
  }
  return null;
}
