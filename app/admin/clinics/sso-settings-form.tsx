"use client";
import { useActionState } from "react";
import { ROLE_LABELS } from "@/lib/core/clinical/vocabulary";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { SSO_CREATE_ROLES } from "@/lib/core/sign-in-errors";
import { errorProps, FieldError, FormAlert } from "../../_components/field";

/**
 * The clinic's single sign-on (OpenID Connect) settings. `providerName` is null when the server
 * has no identity provider configured: the settings can be saved ahead, and say they do nothing yet.
 */
export function SsoSettingsForm({
  action,
  clinicId,
  providerName,
  current,
}: {
  action: (s: FormState, f: FormData) => Promise<FormState>;
  clinicId: string;
  providerName: string | null;
  current: { createAccounts: boolean; createRole: string; requireSso: boolean };
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const id = `sso-${clinicId}`;
  return (
    // Keyed by the saved values: React resets a form after its action, and a select would fall
    // back to the value it first rendered with rather than the one just saved.
    <form key={`${current.createAccounts}-${current.createRole}-${current.requireSso}`} action={formAction} style={{ marginTop: "1rem" }}>
      <fieldset>
        <legend>Single sign-on{providerName ? ` (${providerName})` : ""}</legend>
        {!providerName && (
          <p className="hint" id={`${id}-off`}>
            No identity provider is configured on this server (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET): these settings take effect
            once one is.
          </p>
        )}
        <FormAlert status={state.status} message={state.message} fields={state.fields} />
        <div className="field">
          <label>
            <input type="checkbox" name="ssoCreateAccounts" defaultChecked={current.createAccounts} /> Create accounts from the identity
            provider
          </label>
          <p className="hint">
            A person the identity provider vouches for, with a verified email that has no account yet, gets one in this clinic.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role of accounts created this way</label>
          <select
            id={`${id}-role`}
            name="ssoCreateRole"
            defaultValue={current.createRole}
            {...errorProps(`${id}-role`, state.fields?.ssoCreateRole)}
          >
            {SSO_CREATE_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-role`} error={state.fields?.ssoCreateRole} />
        </div>
        <div className="field">
          <label>
            <input
              type="checkbox"
              name="requireSso"
              defaultChecked={current.requireSso}
              {...errorProps(`${id}-require`, state.fields?.requireSso)}
            />{" "}
            Require single sign-on
          </label>
          <FieldError id={`${id}-require`} error={state.fields?.requireSso} />
          <p className="hint">
            Members sign in only through the identity provider, which also does the second factor. Administrators keep their password, to
            get in when the identity provider is down.
          </p>
        </div>
        <div className="toolbar">
          <button className="btn secondary" type="submit" disabled={pending}>
            Save
          </button>
          <span aria-live="polite">{state.status === "ok" && <span className="badge">{state.message}</span>}</span>
        </div>
      </fieldset>
    </form>
  );
}
