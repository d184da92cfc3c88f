import type { Metadata } from "next";
import { requireActor } from "@/lib/http/session";
import type { ApiTokenView } from "@/lib/features/accounts/api-tokens";
import { loadTokensPage } from "@/lib/features/accounts/loaders";
import { revokeTokenAction } from "./actions";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata: Metadata = { title: "API tokens" };

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") + " UTC" : "—");

function TokenRow({ t, owner }: { t: ApiTokenView; owner?: string }) {
  const label = `token "${t.name}" (${t.prefix}…)${owner ? ` of ${owner}` : ""}`;
  return (
    <tr>
      {owner !== undefined && <td>{owner}</td>}
      <td>{t.name}</td>
      <td><code>{t.prefix}…</code></td>
      <td>{when(t.createdAt)}</td>
      <td>{t.lastUsedAt ? when(t.lastUsedAt) : <span className="muted">never</span>}</td>
      <td>{t.revokedAt ? <span className="muted">revoked {when(t.revokedAt)}</span> : <RevokeTokenButton action={revokeTokenAction.bind(null, t.id)} label={label} />}</td>
    </tr>
  );
}

export default async function TokensPage() {
  const actor = await requireActor();
  const { mine, clinic } = await loadTokensPage(actor);
  return (
    <>
      <h1>API tokens</h1>
      <p>
        A token lets another program (an EHR, a diary app, a script) use the JSON API as you: with your role and your clinics, and
        audited under your name. It stops working when you revoke it or when your account is deactivated. See the API guide in
        <code> docs/api.md</code>.
      </p>
      <section className="card" aria-labelledby="create-title" style={{ maxWidth: "48rem" }}>
        <h2 id="create-title" className="card-title">Create a token</h2>
        <CreateTokenForm />
      </section>
      <section className="card" aria-labelledby="mine-title">
        <h2 id="mine-title" className="card-title">Your tokens</h2>
        {mine.length ? (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr>
              </thead>
              <tbody>{mine.map((t) => <TokenRow key={t.id} t={t} />)}</tbody>
            </table>
          </div>
        ) : (
          <p className="muted">You have no tokens.</p>
        )}
      </section>
      {clinic && (
        <section className="card" aria-labelledby="clinic-title">
          <h2 id="clinic-title" className="card-title">Active tokens of other users in your clinics</h2>
          {clinic.length ? (
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr>
                </thead>
                <tbody>{clinic.map((t) => <TokenRow key={t.id} t={t} owner={`${t.userName} (${t.userEmail})`} />)}</tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No other user in your clinics has an active token.</p>
          )}
        </section>
      )}
    </>
  );
}
