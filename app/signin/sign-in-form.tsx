"use client";
import { signIn } from "next-auth/react";
import { useRef, useState, useSyncExternalStore } from "react";
import { SIGN_IN_ERRORS, SSO_REQUIRED_ERROR } from "@/lib/core/sign-in-errors";

const noSubscription = () => () => {};

/**
 * False in the server's HTML and until React has hydrated, true after. A form sent before then
 * would go by the browser's own submission, not through next-auth: the button stays disabled.
 */
function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

const FAILED = "Sign-in failed. Check your email and password. After 5 failed attempts an account is locked for 15 minutes.";

/** `ssoName`: the identity provider's name when single sign-on is configured, else null (no button). */
export function SignInForm({ callbackUrl, ssoName }: { callbackUrl: string; ssoName: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Second step: the password was right and the account has two-factor sign-in. The email and
  // password stay in this component's memory only, to be sent again with the code.
  const [credentials, setCredentials] = useState<{ email: string; password: string } | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();

  async function submit(email: string, password: string, otp?: string) {
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email, password, ...(otp ? { otp } : {}), redirect: false });
    setPending(false);
    if (result?.ok && !result.error) {
      window.location.assign(callbackUrl);
      return;
    }
    if (result?.error === SIGN_IN_ERRORS.OTP_REQUIRED || result?.error === SIGN_IN_ERRORS.OTP_INVALID) {
      setCredentials({ email, password });
      if (result.error === SIGN_IN_ERRORS.OTP_INVALID) {
        setError("That code was not right. Enter the newest code from your app, or an unused recovery code. Wrong codes count towards the lockout.");
      }
      if (codeRef.current) codeRef.current.value = "";
      codeRef.current?.focus();
      return;
    }
    // Anything else (a locked account included) starts again from the password.
    setCredentials(null);
    setError(
      result?.error === SIGN_IN_ERRORS.RATE_LIMITED
        ? "Too many sign-in attempts from this network. Wait a minute and try again."
        : result?.error === SSO_REQUIRED_ERROR
          ? `Your clinic requires single sign-on: use “Sign in with ${ssoName ?? "single sign-on"}”, not a password.`
          : FAILED,
    );
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (credentials) void submit(credentials.email, credentials.password, String(form.get("otp") ?? ""));
    else void submit(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
  }

  const alert = (
    <div aria-live="assertive">
      {error && (
        <p id="signin-error" className="alert error" role="alert">
          {error}
        </p>
      )}
    </div>
  );

  if (credentials) {
    return (
      <form method="post" onSubmit={onSubmit} noValidate aria-describedby={error ? "signin-error" : undefined} aria-labelledby="otp-heading">
        <h2 id="otp-heading">Two-factor sign-in</h2>
        {alert}
        <div className="field">
          <label htmlFor="otp">Code</label>
          <p className="hint" id="otp-hint">
            The 6-digit code your authenticator app shows for Cramp Clinic. Without your phone, enter one of your recovery codes.
          </p>
          <input
            ref={codeRef}
            id="otp"
            name="otp"
            type="text"
            inputMode="text"
            autoComplete="one-time-code"
            autoCapitalize="off"
            spellCheck={false}
            maxLength={64}
            required
            autoFocus
            aria-describedby="otp-hint"
          />
        </div>
        <div className="toolbar">
          <button className="btn" type="submit" disabled={pending || !hydrated}>
            {pending ? "Checking…" : "Verify"}
          </button>
          <button
            className="btn secondary"
            type="button"
            onClick={() => {
              setCredentials(null);
              setError(null);
            }}
          >
            Back
          </button>
        </div>
      </form>
    );
  }

  // POST, never the default GET: a form sent before hydration must not put the password in the URL.
  return (
    <form method="post" onSubmit={onSubmit} noValidate aria-describedby={error ? "signin-error" : undefined}>
      {alert}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button className="btn" type="submit" disabled={pending || !hydrated}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {ssoName && (
        <div className="toolbar" style={{ marginTop: "1rem" }}>
          <span className="muted">or</span>
          {/* A link: it leaves for the identity provider's own page (and the password form keeps the only "Sign in" button). */}
          <a
            className="btn secondary"
            href={`/api/auth/signin/oidc?callbackUrl=${encodeURIComponent(callbackUrl)}`}
            aria-disabled={pending || !hydrated ? true : undefined}
            onClick={(event) => {
              // next-auth starts the flow by a POST with its CSRF token, which signIn() sends.
              event.preventDefault();
              if (pending || !hydrated) return;
              setPending(true);
              void signIn("oidc", { callbackUrl });
            }}
          >
            Sign in with {ssoName}
          </a>
        </div>
      )}
    </form>
  );
}
