"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setError(
      result?.error === "RATE_LIMITED"
        ? "Too many sign-in attempts from this network. Wait a minute and try again."
        : "Sign-in failed. Check your email and password. After 5 failed attempts an account is locked for 15 minutes.",
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={error ? "signin-error" : undefined}>
      <div aria-live="assertive">
        {error && (
          <p id="signin-error" className="alert error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button className="btn" type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
