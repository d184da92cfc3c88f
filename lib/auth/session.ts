import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor } from "./actor";
import { authOptions, clientIp } from "./options";
import { checkSession, type SessionCheck } from "@/lib/data/auth";
import { unauthenticated } from "@/lib/data/errors";

/** The current browser session, checked against the database (revocation, idle and absolute limits). */
export async function currentSession(): Promise<SessionCheck> {
  const session = await getServerSession(authOptions);
  if (!session?.sid) return { ok: false, reason: "NO_SESSION" };
  return checkSession(session.sid, clientIp(await headers()));
}

/** For pages: the signed-in actor, or a redirect to sign-in (or to the forced password change). */
export async function requireActor(opts: { allowPasswordChange?: boolean } = {}): Promise<Actor> {
  const check = await currentSession();
  if (!check.ok) redirect(check.reason === "NO_SESSION" ? "/signin" : `/signin?ended=${check.reason}`);
  if (check.mustChangePassword && !opts.allowPasswordChange) redirect("/account/password");
  return check.actor;
}

/** For server actions and route handlers: the actor, or an UNAUTHENTICATED error. */
export async function actorOrThrow(): Promise<Actor> {
  const check = await currentSession();
  if (!check.ok || check.mustChangePassword) throw unauthenticated();
  return check.actor;
}
