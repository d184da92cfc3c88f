"use client";
import { useActionState } from "react";
import { ROLE_LABELS, ROLES } from "@/lib/core/clinical/vocabulary";
import { initialFormState } from "@/lib/core/form-state";
import { errorProps, FieldError, FormAlert } from "../../_components/field";
import { createUserAction, manageUserAction, setTwoFactorRequirementAction } from "./actions";

export function CreateUserForm({ clinics }: { clinics: { id: string; name: string }[] }) {
  const [state, action, pending] = useActionState(createUserAction, initialFormState);
  const f = state.fields ?? {};
  const v = (state.status === "error" ? state.values : undefined) as Record<string, string | string[]> | undefined;
  return (
    <form action={action} key={state.submission ?? 0} noValidate>
      <FormAlert status={state.status} message={state.message} fields={state.fields} />
      {state.status === "ok" && <p className="alert ok" role="status">{state.message}</p>}
      <div className="grid-2">
        <div>
          <div className="field">
            <label htmlFor="new-name">Name</label>
            <input id="new-name" name="name" type="text" defaultValue={(v?.name as string) ?? ""} {...errorProps("new-name", f.name)} />
            <FieldError id="new-name" error={f.name} />
          </div>
          <div className="field">
            <label htmlFor="new-email">Email</label>
            <input id="new-email" name="email" type="email" autoComplete="off" defaultValue={(v?.email as string) ?? ""} {...errorProps("new-email", f.email)} />
            <FieldError id="new-email" error={f.email} />
          </div>
          <div className="field">
            <label htmlFor="new-role">Role</label>
            <select id="new-role" name="role" defaultValue={(v?.role as string) ?? "CLINICIAN"} {...errorProps("new-role", f.role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>{ROLE_LABELS[r]}</option>
              ))}
            </select>
            <FieldError id="new-role" error={f.role} />
          </div>
        </div>
        <div>
          <fieldset aria-describedby={f.clinicIds ? "new-clinics-error" : undefined}>
            <legend>Clinics</legend>
            <div className="checks">
              {clinics.map((c) => (
                <label key={c.id}>
                  <input type="checkbox" name="clinicIds" value={c.id} defaultChecked={clinics.length === 1 || (v?.clinicIds as string[] | undefined)?.includes(c.id)} /> {c.name}
                </label>
              ))}
            </div>
            <FieldError id="new-clinics" error={f.clinicIds} />
          </fieldset>
          <div className="field">
            <label htmlFor="new-password">Temporary password</label>
            <p className="hint" id="new-password-hint">At least 12 characters. The user must change it at first sign-in.</p>
            <input id="new-password" name="temporaryPassword" type="password" autoComplete="new-password" {...errorProps("new-password", f.temporaryPassword, "new-password-hint")} />
            <FieldError id="new-password" error={f.temporaryPassword} />
          </div>
        </div>
      </div>
      <button className="btn" type="submit" disabled={pending}>{pending ? "Creating…" : "Create user"}</button>
    </form>
  );
}

export function UserRowActions({ user }: { user: { id: string; name: string; role: string; active: boolean; locked: boolean; twoFactor: boolean; self: boolean } }) {
  const [state, action, pending] = useActionState(manageUserAction, initialFormState);
  return (
    <div>
      <form action={action} className="toolbar" style={{ margin: 0 }}>
        <input type="hidden" name="userId" value={user.id} />
        <input type="hidden" name="op" value="role" />
        <label className="sr-only" htmlFor={`role-${user.id}`}>Role of {user.name}</label>
        <select id={`role-${user.id}`} name="role" defaultValue={user.role} style={{ width: "auto" }} disabled={user.self}>
          {ROLES.map((r) => (
            <option key={r} value={r}>{ROLE_LABELS[r]}</option>
          ))}
        </select>
        {!user.self && <button className="btn small secondary" type="submit" disabled={pending}>Change role</button>}
      </form>
      <form action={action} className="toolbar" style={{ margin: ".3rem 0 0" }}>
        <input type="hidden" name="userId" value={user.id} />
        {user.locked && <button className="btn small secondary" name="op" value="unlock" type="submit">Unlock</button>}
        {user.twoFactor && !user.self && (
          <button
            className="btn small secondary"
            name="op"
            value="reset-two-factor"
            type="submit"
            aria-label={`Reset two-factor sign-in of ${user.name}`}
            onClick={(e) => {
              if (!window.confirm(`Reset two-factor sign-in of ${user.name}? Only for a lost phone and lost recovery codes: they are signed out and set it up again.`)) e.preventDefault();
            }}
          >
            Reset two-factor
          </button>
        )}
        {!user.self && (user.active
          ? <button className="btn small danger" name="op" value="deactivate" type="submit">Deactivate</button>
          : <button className="btn small secondary" name="op" value="reactivate" type="submit">Reactivate</button>)}
      </form>
      <div aria-live="polite">
        {state.status === "error" && <p className="error-text" role="alert">{state.message} {Object.values(state.fields ?? {}).join(" ")}</p>}
      </div>
    </div>
  );
}

export function TwoFactorRequirementForm({ clinic }: { clinic: { id: string; name: string; requireTwoFactor: boolean } }) {
  const [state, action, pending] = useActionState(setTwoFactorRequirementAction, initialFormState);
  return (
    <form action={action} className="toolbar" style={{ alignItems: "center" }} aria-label={`Two-factor sign-in for ${clinic.name}`}>
      <input type="hidden" name="clinicId" value={clinic.id} />
      <input type="hidden" name="required" value={clinic.requireTwoFactor ? "false" : "true"} />
      <span>
        <strong>{clinic.name}</strong>: {clinic.requireTwoFactor ? "required" : "optional"}
      </span>
      <button className={clinic.requireTwoFactor ? "btn small secondary" : "btn small"} type="submit" disabled={pending}>
        {clinic.requireTwoFactor ? `Make optional for ${clinic.name}` : `Require for ${clinic.name}`}
      </button>
      <span aria-live="polite">
        {state.status === "error" && <span className="error-text" role="alert">{state.message} {Object.values(state.fields ?? {}).join(" ")}</span>}
        {state.status === "ok" && <span role="status">{state.message}</span>}
      </span>
    </form>
  );
}
