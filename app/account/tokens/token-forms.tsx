"use client";
import { useActionState, useState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { FieldError, FormAlert } from "../../_components/field";
import { LimitedTextInput } from "../../_components/limited-text";
import { TEXT_LIMITS } from "@/lib/core/validation/text-limits";
import { createTokenAction, type TokenFormState } from "./actions";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<TokenFormState, FormData>(createTokenAction, initialFormState);
  const [copied, setCopied] = useState<number | null>(null);
  const f = state.fields ?? {};
  const v = state.status === "error" ? state.values : undefined;
  return (
    <>
      {state.status === "ok" && state.token && (
        <div className="alert ok" role="status">
          <p style={{ marginTop: 0 }}>
            <strong>{state.message}</strong> Copy it now: it is shown only this once, and only a fingerprint of it is kept. Anyone holding it acts as you.
          </p>
          <label htmlFor="new-token">Your new token</label>
          <div className="toolbar">
            <input id="new-token" type="text" readOnly value={state.token} onFocus={(e) => e.currentTarget.select()} style={{ fontFamily: "monospace", flex: 1, minWidth: "24rem" }} aria-describedby="new-token-hint" />
            <button
              type="button"
              className="btn secondary"
              onClick={async () => {
                await navigator.clipboard.writeText(state.token!);
                setCopied(state.submission ?? 0);
              }}
            >
              {copied === state.submission ? "Copied" : "Copy"}
            </button>
          </div>
          <p className="hint" id="new-token-hint">Send it with each request as: <code>Authorization: Bearer &lt;token&gt;</code></p>
        </div>
      )}
      <form action={action} key={state.submission ?? 0} noValidate>
        <FormAlert status={state.status} message={state.message} fields={state.fields} />
        <div className="field">
          <label htmlFor="token-name">Name</label>
          <p className="hint" id="token-name-hint">What will use it, e.g. &ldquo;EHR bridge&rdquo; or &ldquo;diary app&rdquo;.</p>
          <LimitedTextInput id="token-name" name="name" max={TEXT_LIMITS.tokenName} defaultValue={(v?.name as string) ?? ""} error={f.name} hintId="token-name-hint" />
          <FieldError id="token-name" error={f.name} />
        </div>
        <button className="btn" type="submit" disabled={pending}>{pending ? "Creating…" : "Create token"}</button>
      </form>
    </>
  );
}

export function RevokeTokenButton({ action, label }: { action: (s: FormState) => Promise<FormState>; label: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke ${label}? Programs using it stop working at once.`)) e.preventDefault();
      }}
    >
      <div aria-live="polite">{state.status === "error" && <p className="error-text" role="alert">{state.message}</p>}</div>
      <button className="btn danger small" type="submit" disabled={pending} aria-label={`Revoke ${label}`}>{pending ? "Revoking…" : "Revoke"}</button>
    </form>
  );
}
