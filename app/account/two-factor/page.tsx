import type { Metadata } from "next";
import Link from "next/link";
import { currentSession, requireActor } from "@/lib/http/session";
import { twoFactorStatus } from "@/lib/features/accounts/two-factor";
import { DisableForm, EnrolmentPanel, RegenerateCodesForm, StartEnrolmentForm } from "./two-factor-forms";

export const metadata: Metadata = { title: "Two-factor sign-in" };

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requireActor({ allowTwoFactorEnrolment: true });
  const [status, check, params] = await Promise.all([twoFactorStatus(actor), currentSession(), searchParams]);
  const forced = check.ok && check.mustEnrolTwoFactor;
  return (
    <div className="card" style={{ maxWidth: "44rem" }}>
      <h1>Two-factor sign-in</h1>
      {params.done === "disabled" && !forced && <p className="alert ok" role="status">Two-factor sign-in is off.</p>}
      {forced && (
        <p className="alert warn" role="status">
          {status.requiredBy.join(" and ")} {status.requiredBy.length > 1 ? "require" : "requires"} two-factor sign-in. Set it up to
          continue.
        </p>
      )}
      <p>
        With two-factor sign-in, signing in takes your password and a 6-digit code from an authenticator app on your phone, so a
        stolen password alone does not open patients&apos; records.
      </p>

      {status.enabled ? (
        <>
          <p className="alert ok" role="status">
            Two-factor sign-in is on. You have {status.recoveryCodesLeft} unused recovery {status.recoveryCodesLeft === 1 ? "code" : "codes"}.
          </p>
          <h2>Recovery codes</h2>
          <p>Lost them, or used most of them? Make ten new ones; the old ones stop working.</p>
          <RegenerateCodesForm />
          <h2>Turn off</h2>
          <DisableForm required={status.requiredBy.length > 0} />
        </>
      ) : status.pending ? (
        <>
          <h2>Connect your authenticator app</h2>
          <EnrolmentPanel secret={status.pending.secret} qrDataUrl={status.pending.qrDataUrl} continueHref={forced ? "/patients" : "/account/two-factor"} />
          <h2>Start again</h2>
          <p>If the app did not take the code, start again with a new one.</p>
          <StartEnrolmentForm again />
        </>
      ) : (
        <>
          <h2>Set up</h2>
          <p>Enter your password to begin. You will scan a QR code with the app, confirm with a code, and receive ten single-use recovery codes.</p>
          <StartEnrolmentForm />
        </>
      )}
      {!forced && (
        <p>
          <Link href="/account">Back to your account</Link>
        </p>
      )}
    </div>
  );
}
