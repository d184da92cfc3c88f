import type { Metadata } from "next";
import { ssoConfig } from "@/lib/http/auth-options";
import { SSO_REFUSALS } from "@/lib/core/sign-in-errors";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const ENDED: Record<string, string> = {
  IDLE_TIMEOUT: "You were signed out after 15 minutes without activity.",
  ABSOLUTE_TIMEOUT: "Your session reached its 12-hour limit. Please sign in again.",
  REVOKED: "Your session was ended (signed out everywhere, or your access changed).",
  INACTIVE: "This account has been deactivated.",
  ENDED: "Your session has ended.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const notice = params.ended ? ENDED[params.ended] : undefined;
  const sso = ssoConfig();
  // Only known codes become words: the parameter is in the address bar, anyone can write it.
  const ssoError = params.error && Object.hasOwn(SSO_REFUSALS, params.error) ? SSO_REFUSALS[params.error as keyof typeof SSO_REFUSALS] : undefined;
  const callbackUrl = params.callbackUrl?.startsWith("/") && !params.callbackUrl.startsWith("//") ? params.callbackUrl : "/patients";
  return (
    <div className="signin card">
      <h1>Sign in</h1>
      {notice && <p className="alert warn" role="status">{notice}</p>}
      {ssoError && (
        <p id="sso-error" className="alert error" role="alert">
          {ssoError}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} ssoName={sso?.name ?? null} />
    </div>
  );
}
