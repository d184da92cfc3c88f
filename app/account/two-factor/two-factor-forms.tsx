"use client";
import Link from "next/link";
import { useActionState, useState } from "react";
import { initialFormState } from "@/lib/core/form-state";
import { errorProps, FieldError, FormAlert } from "../../_components/field";
import {
  confirmEnrolmentAction,
  disableTwoFactorAction,
  regenerateRecoveryCodesAction,
  startEnrolmentAction,
  type RecoveryCodesState,
} from "./actions";

function PasswordField({ id, error }: { id: string; error?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>Current password</label>
      <input id={id} name="currentPassword" type="password" autoComplete="current-password" {...errorProps(id, error)} />
      <FieldError id={id} error={error} />
    </div>
  );
}

function CodeField({ id, error, hint, label = "Code" }: { id: string; error?: string; hint: string; label?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>{hint}</p>
      <input
        id={id}
        name="code"
        type="text"
        autoComplete="one-time-code"
        autoCapitalize="off"
        spellCheck={false}
        maxLength={64}
        style={{ maxWidth: "14rem" }}
        {...errorProps(id, error, `${id}-hint`)}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

/** The recovery codes, shown once after they are made. */
function RecoveryCodes({ codes, message }: { codes: string[]; message?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="alert ok" role="status">
      <p style={{ marginTop: 0 }}>
        <strong>{message}</strong> Keep these recovery codes somewhere safe, away from your phone (printed, or in a password
        manager). Each one signs you in once without the app. They are shown only now.
      </p>
      <ul id="recovery-codes" aria-label="Recovery codes" style={{ columns: 2, fontFamily: "monospace", fontSize: "1.05rem", listStyle: "none", paddingLeft: 0 }}>
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <button
        type="button"
        className="btn secondary small"
        onClick={async () => {
          await navigator.clipboard.writeText(codes.join("\n"));
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy the codes"}
      </button>
    </div>
  );
}

export function StartEnrolmentForm({ again = false }: { again?: boolean }) {
  const [state, action, pending] = useActionState(startEnrolmentAction, initialFormState);
  const f = state.fields ?? {};
  return (
    <form action={action} key={state.submission ?? 0} noValidate aria-label={again ? "Start the set-up again" : "Set up two-factor sign-in"}>
      <FormAlert status={state.status} message={state.message} />
      <PasswordField id={again ? "restart-password" : "start-password"} error={f.currentPassword} />
      <button className={again ? "btn secondary" : "btn"} type="submit" disabled={pending}>
        {pending ? "Preparing…" : again ? "Start again with a new code" : "Set up two-factor sign-in"}
      </button>
    </form>
  );
}

/** QR code, the secret for typing by hand, and the first code that switches two-factor sign-in on. */
export function EnrolmentPanel({ secret, qrDataUrl, continueHref }: { secret: string; qrDataUrl: string; continueHref: string }) {
  const [state, action, pending] = useActionState<RecoveryCodesState, FormData>(confirmEnrolmentAction, initialFormState);
  const f = state.fields ?? {};
  if (state.status === "ok" && state.recoveryCodes) {
    return (
      <>
        <RecoveryCodes codes={state.recoveryCodes} message={state.message} />
        <p>
          <Link className="btn" href={continueHref}>I have saved my recovery codes</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <ol>
        <li>
          Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator, Aegis or
          FreeOTP) and add an account by scanning this code:
          <div style={{ margin: ".75rem 0" }}>
            {/* A data: URL drawn on the server; next/image adds nothing for it. */}
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={qrDataUrl} alt="QR code for your authenticator app" width={200} height={200} />
          </div>
          If you cannot scan it, type this key instead (time-based, 6 digits, 30 seconds):
          <p>
            <code id="totp-secret" style={{ fontSize: "1.1rem" }}>{secret}</code>
          </p>
        </li>
        <li>Enter the 6-digit code the app now shows for Cramp Clinic.</li>
      </ol>
      <form action={action} key={state.submission ?? 0} noValidate aria-label="Confirm two-factor sign-in">
        <FormAlert status={state.status} message={state.message} />
        <CodeField id="confirm-code" error={f.code} hint="The code changes every 30 seconds; enter the one shown now." />
        <button className="btn" type="submit" disabled={pending}>{pending ? "Checking…" : "Turn on two-factor sign-in"}</button>
      </form>
    </>
  );
}

export function RegenerateCodesForm() {
  const [state, action, pending] = useActionState<RecoveryCodesState, FormData>(regenerateRecoveryCodesAction, initialFormState);
  const f = state.fields ?? {};
  return (
    <>
      {state.status === "ok" && state.recoveryCodes && <RecoveryCodes codes={state.recoveryCodes} message={state.message} />}
      <form action={action} key={state.submission ?? 0} noValidate aria-label="New recovery codes">
        <FormAlert status={state.status} message={state.message} />
        <CodeField id="regenerate-code" error={f.code} hint="A code from your authenticator app." />
        <button className="btn secondary" type="submit" disabled={pending}>{pending ? "Making…" : "Make new recovery codes"}</button>
      </form>
    </>
  );
}

export function DisableForm({ required }: { required: boolean }) {
  const [state, action, pending] = useActionState(disableTwoFactorAction, initialFormState);
  const f = state.fields ?? {};
  return (
    <form action={action} key={state.submission ?? 0} noValidate aria-label="Turn off two-factor sign-in">
      <FormAlert status={state.status} message={state.message} />
      {required && (
        <p className="hint">Your clinic requires two-factor sign-in: after turning it off you will set it up again at once (for a new phone, say).</p>
      )}
      <PasswordField id="disable-password" error={f.currentPassword} />
      <CodeField id="disable-code" error={f.code} hint="A code from your authenticator app, or one of your recovery codes." />
      <button className="btn danger" type="submit" disabled={pending}>{pending ? "Turning off…" : "Turn off two-factor sign-in"}</button>
    </form>
  );
}
