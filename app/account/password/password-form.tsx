"use client";
import { useActionState } from "react";
import { initialFormState } from "@/lib/core/form-state";
import { errorProps, FieldError, FormAlert } from "../../_components/field";
import { changePasswordAction } from "./actions";

export function PasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, initialFormState);
  const f = state.fields ?? {};
  const field = (name: string, label: string, autoComplete: string, hint?: string) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint && <p className="hint" id={`${name}-hint`}>{hint}</p>}
      <input id={name} name={name} type="password" autoComplete={autoComplete} {...errorProps(name, f[name], hint ? `${name}-hint` : undefined)} />
      <FieldError id={name} error={f[name]} />
    </div>
  );
  return (
    <form action={action} key={state.submission ?? 0} noValidate>
      <FormAlert status={state.status} message={state.message} fields={state.fields} />
      {field("currentPassword", "Current password", "current-password")}
      {field("newPassword", "New password", "new-password", "12 to 128 characters. A passphrase of several words works well.")}
      {field("confirmPassword", "New password again", "new-password")}
      <button className="btn" type="submit" disabled={pending}>{pending ? "Saving…" : "Change password"}</button>
    </form>
  );
}
