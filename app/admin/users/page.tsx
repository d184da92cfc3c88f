import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { loadUsersPage } from "@/lib/features/accounts/loaders";
import { CreateUserForm, TwoFactorRequirementForm, UserRowActions } from "./user-forms";

export const metadata: Metadata = { title: "Users" };

/** An email address that wraps before its @ when the column is narrow (a tablet), never inside a word. */
function Email({ address }: { address: string }) {
  const at = address.indexOf("@");
  if (at <= 0) return <>{address}</>;
  return (
    <>
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </>
  );
}

/** "2026-12-07 17:25 UTC": the day and the time each whole, on two lines where the column is narrow. */
function UtcTime({ at }: { at: Date }) {
  const iso = at.toISOString();
  return (
    <time dateTime={iso}>
      <span className="nowrap">{iso.slice(0, 10)}</span> <span className="nowrap">{iso.slice(11, 16)} UTC</span>
    </time>
  );
}

export default async function UsersPage() {
  const actor = await requireActor();
  if (!can(actor, "users:manage")) notFound();
  const { users, clinics, twoFactor } = await loadUsersPage(actor);
  return (
    <>
      <h1>Users</h1>
      <div className="table-wrap">
        <table className="data">
          <caption className="sr-only">Users of your clinics</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Clinics</th>
              <th scope="col">Status</th>
              <th scope="col">Two-factor</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Role and actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td><Email address={u.email} /></td>
                <td>{u.clinics.join(", ")}</td>
                <td>
                  {u.active ? "Active" : <span className="badge">Deactivated</span>}
                  {u.locked && <span className="badge danger" style={{ marginLeft: ".3rem" }}>Locked</span>}
                  {u.mustChangePassword && <span className="badge warn" style={{ marginLeft: ".3rem" }}>Temporary password</span>}
                </td>
                <td>{twoFactor.enabledByUser[u.id] ? "On" : <span className="muted">Off</span>}</td>
                <td>{u.lastSignInAt ? <UtcTime at={u.lastSignInAt} /> : <span className="muted">never</span>}</td>
                <td>
                  <UserRowActions user={{ id: u.id, name: u.name, role: u.role, active: u.active, locked: u.locked, twoFactor: !!twoFactor.enabledByUser[u.id], self: u.id === actor.userId }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="card" style={{ marginTop: "1.5rem" }} aria-labelledby="two-factor-requirement">
        <h2 id="two-factor-requirement" style={{ marginTop: 0 }}>Two-factor sign-in</h2>
        <p className="muted">
          When a clinic requires it, every member signs in with a code from an authenticator app as well as the password. Members
          who have not set it up are sent to do so after their next sign-in, before they can open anything else.
        </p>
        {twoFactor.clinics.map((c) => (
          <TwoFactorRequirementForm key={c.id} clinic={c} />
        ))}
      </section>
      <section className="card" style={{ marginTop: "1.5rem" }} aria-labelledby="new-user">
        <h2 id="new-user" style={{ marginTop: 0 }}>Add a user</h2>
        <CreateUserForm clinics={clinics} />
      </section>
    </>
  );
}
