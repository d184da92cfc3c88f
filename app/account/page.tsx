import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { twoFactorStatus } from "@/lib/features/accounts/two-factor";
import { ROLE_LABELS } from "@/lib/core/clinical/vocabulary";
import { signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const actor = await requireActor();
  const twoFactor = await twoFactorStatus(actor);
  return (
    <div className="card" style={{ maxWidth: "40rem" }}>
      <h1>Your account</h1>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{actor.name}</dd>
        <dt>Email</dt>
        <dd>{actor.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[actor.role]}</dd>
      </dl>

      <h2>Password</h2>
      <p>
        <Link href="/account/password">Change your password</Link>. Changing it signs you out on every other computer and
        browser; this one stays signed in.
      </p>

      <h2>Two-factor sign-in</h2>
      <p>
        {twoFactor.enabled
          ? `On: signing in asks for a code from your authenticator app. ${twoFactor.recoveryCodesLeft} unused recovery codes left.`
          : "Off: signing in asks for your password only."}{" "}
        <Link href="/account/two-factor">{twoFactor.enabled ? "Manage two-factor sign-in" : "Set up two-factor sign-in"}</Link>
      </p>

      <h2>API tokens</h2>
      <p>
        <Link href="/account/tokens">Manage API tokens</Link> for programs that use the JSON API on your behalf, with your role.
      </p>

      <h2>Sessions</h2>
      <p>
        Signed in on a shared computer and not sure you signed out? Sign out everywhere ends every session of your account,
        including this one. You will need to sign in again.
      </p>
      <form action={signOutEverywhereAction}>
        <button className="btn danger" type="submit">Sign out everywhere</button>
      </form>
    </div>
  );
}
