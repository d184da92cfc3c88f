import type { Metadata } from "next";
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
  const callbackUrl = params.callbackUrl?.startsWith("/") && !params.callbackUrl.startsWith("//") ? params.callbackUrl : "/patients";
  return (
    <div className="signin card">
      <h1>Sign in</h1>
      {notice && <p className="alert warn" role="status">{notice}</p>}
      <SignInForm callbackUrl={callbackUrl} />
    </div>
  );
}
