/**
 * A real OpenID Connect provider (npm `oidc-provider`) for the single sign-on tests, on a free
 * port of 127.0.0.1. Its own login page (the library's development interactions) accepts any
 * login with any password; the login is the account id, and the account's claims come from
 * `claimsFor` below unless a test sets them with `setAccount`.
 *
 * `tamper` makes the token endpoint hand out an ID token signed with the provider's real key but
 * meant for another client, or already expired: what a misconfigured or hostile provider (or a
 * replayed token) looks like to the app.
 */
import http from "node:http";
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export interface OidcAccount {
  email: string;
  email_verified: boolean;
  name: string;
}

export interface OidcServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Set the claims of the account signed in as `login` (default: see claimsFor). */
  setAccount(login: string, account: OidcAccount): void;
  tamper: null | "audience" | "expired";
  close(): Promise<void>;
}

/** Without a test's own claims: the login is the email, verified unless it starts with "unverified". */
export function claimsFor(login: string): OidcAccount {
  return { email: login, email_verified: !login.startsWith("unverified"), name: `SSO ${login.split("@")[0]}` };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function resign(jwt: string, key: KeyObject, kid: string, change: (claims: Record<string, unknown>) => void): string {
  const claims = JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;
  change(claims);
  const input = `${b64url({ alg: "RS256", typ: "JWT", kid })}.${b64url(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

export async function startOidcServer(opts: {
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
  port?: number;
}): Promise<OidcServer> {
  const clientId = opts.clientId ?? "cramp-clinic";
  const clientSecret = opts.clientSecret ?? randomBytes(24).toString("base64url");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = "test-key";
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" };
  const signingKey = createPrivateKey({ key: jwk, format: "jwk" });
  const accounts = new Map<string, OidcAccount>();

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(16).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The app reads the person from the ID token, not the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts.get(id) ?? claimsFor(id);
      // The subject ("sub") is the account id: the login typed on the page.
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    // Consent is implied for this one client: the login page is the only interaction.
    async loadExistingGrant(ctx) {
      const existing = ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope("openid email profile");
      grant.addOIDCClaims(["email", "email_verified", "name"]);
      await grant.save();
      return grant;
    },
  });

  const state: OidcServer = {
    issuer,
    clientId,
    clientSecret,
    setAccount: (login, account) => void accounts.set(login, account),
    tamper: null,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  provider.use(async (ctx, next) => {
    await next();
    // The library's login page imports a web font from Google: nothing leaves this machine.
    if (typeof ctx.body === "string" && ctx.body.includes("fonts.googleapis.com")) {
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);/g, "");
    }
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== "/token" || !state.tamper || !body?.id_token) return;
    const now = Math.floor(Date.now() / 1000);
    body.id_token = resign(body.id_token, signingKey, kid, (claims) => {
      if (state.tamper === "audience") claims.aud = "some-other-app";
      // Well past openid-client's 10 seconds of clock tolerance.
      if (state.tamper === "expired") Object.assign(claims, { iat: now - 3600, exp: now - 600 });
    });
  });

  server.on("request", provider.callback());
  return state;
}
