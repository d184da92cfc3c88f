import "server-only";
import type { NextAuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { signInWithPassword, signOutSession } from "@/lib/features/accounts/sign-in";
import { auditSsoTokenRefusal, signInWithSso, type SsoClaims } from "@/lib/features/accounts/sso";
import { log, safeError } from "@/lib/server/log";
import { SESSION_ABSOLUTE_MS, SIGN_IN_ATTEMPTS_PER_IP_PER_MINUTE } from "@/lib/core/password-policy";
import { RateLimiter } from "@/lib/server/auth/rate-limit";
import { countRateLimitRefusal } from "@/lib/server/metrics";
import { SIGN_IN_ERRORS, SSO_REQUIRED_ERROR } from "@/lib/core/sign-in-errors";

const signInLimiter = new RateLimiter(SIGN_IN_ATTEMPTS_PER_IP_PER_MINUTE, 60_000, "sign_in");

/**
 * Reverse proxies in front of the app that append to X-Forwarded-For (default 1: one nginx or
 * load balancer; Next itself fills the header from the socket when nothing sent it).
 */
const TRUSTED_PROXY_HOPS = Math.max(1, Number(process.env.TRUSTED_PROXY_HOPS ?? 1) || 1);

/**
 * The client's address as the nearest trusted proxy saw it. Entries further left were written by
 * the client itself and could be forged, so they are ignored.
 */
export function clientIp(headers: Record<string, string | string[] | undefined> | Headers | undefined): string | null {
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) : (([] as string[]).concat(headers?.[name] ?? [])[0] ?? null);
  const entries = (get("x-forwarded-for") ?? "").split(",").map((e) => e.trim()).filter(Boolean);
  return entries.length ? entries[Math.max(0, entries.length - TRUSTED_PROXY_HOPS)] : null;
}

/** The next-auth id of the OpenID Connect provider: its callback is /api/auth/callback/oidc. */
export const SSO_PROVIDER_ID = "oidc";

export interface SsoConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The words on the button: "Sign in with <name>". */
  name: string;
}

/** Single sign-on is on when the issuer, client id and client secret are all set. */
export function ssoConfig(env: Record<string, string | undefined> = process.env): SsoConfig | null {
  const issuer = env.OIDC_ISSUER?.trim();
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!issuer || !clientId || !clientSecret) return null;
  return { issuer: issuer.replace(/\/+$/, ""), clientId, clientSecret, name: env.OIDC_NAME?.trim() || "single sign-on" };
}

/**
 * The identity provider, found through its discovery document. openid-client (inside next-auth)
 * checks the ID token's signature, issuer, audience (our client id), expiry (10 s of clock
 * tolerance), nonce, and the state and PKCE verifier of this browser's request.
 */
function oidcProvider(config: SsoConfig): OAuthConfig<SsoClaims> {
  return {
    id: SSO_PROVIDER_ID,
    name: config.name,
    type: "oauth",
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    // Who the person is comes from our database after signIn below; nothing of the profile is kept in the cookie.
    profile: (claims) => ({ id: claims.sub, name: null, email: null, image: null }),
  };
}

/** The browser's address, inside a request; null where there is none (tests calling next-auth's core). */
async function requestIp(): Promise<string | null> {
  try {
    const { headers } = await import("next/headers");
    return clientIp(await headers());
  } catch {
    return null;
  }
}

/** The message of an error next-auth logs, whether it passes the error itself or wraps it. */
function errorMessage(metadata: unknown): string {
  const m = metadata as { message?: unknown; error?: { message?: unknown } } | undefined;
  return String(m?.error?.message ?? m?.message ?? "");
}

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
  interface Session {
    sid?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

const sso = ssoConfig();

export const authOptions: NextAuthOptions = {
  logger: {
    error(code, metadata) {
      // The provider's answer failed validation (wrong audience, expired, bad signature or
      // state): audited as a refused sign-in; the page shows words, the log keeps the detail.
      if (code === "OAUTH_CALLBACK_ERROR" || code === "OAUTH_CALLBACK_HANDLER_ERROR") {
        const refusal = code === "OAUTH_CALLBACK_ERROR" ? "TOKEN" : "PROVIDER";
        void requestIp()
          .then((ip) => auditSsoTokenRefusal(refusal, errorMessage(metadata), ip))
          .catch((err: unknown) => log.error({ err: safeError(err) }, "audit of a refused single sign-on failed"));
      }
      log.error({ code, err: safeError(metadata) }, "next-auth error");
    },
    warn(code) {
      log.warn({ code }, "next-auth warning");
    },
    debug() {},
  },
  // Credentials sign-in needs JWT sessions; the token only names a server-side Session row,
  // which is checked on every request (lib/features/accounts/sign-in.ts checkSession).
  session: { strategy: "jwt", maxAge: SESSION_ABSOLUTE_MS / 1000 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    Credentials({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
        // Second step for accounts with two-factor sign-in: an authenticator or recovery code.
        otp: { label: "Code", type: "text" },
      },
      async authorize(credentials, req) {
        const ip = clientIp(req?.headers);
        if ((await signInLimiter.hit(ip ?? "unknown")) > 0) {
          countRateLimitRefusal("sign_in");
          throw new Error(SIGN_IN_ERRORS.RATE_LIMITED);
        }
        const email = String(credentials?.email ?? "").slice(0, 320);
        const password = String(credentials?.password ?? "").slice(0, 1024);
        const otp = String(credentials?.otp ?? "").slice(0, 64);
        if (!email || !password) return null;
        const result = await signInWithPassword(email, password, ip, new Date(), otp || undefined);
        if (result.ok) return { id: result.userId, sessionId: result.sessionId };
        // Only after the right password: the sign-in form then asks for the code (again).
        if (result.secondFactor === "REQUIRED") throw new Error(SIGN_IN_ERRORS.OTP_REQUIRED);
        if (result.secondFactor === "INVALID") throw new Error(SIGN_IN_ERRORS.OTP_INVALID);
        if (result.sso === "REQUIRED") throw new Error(SSO_REQUIRED_ERROR);
        return null;
      },
    }),
    ...(sso ? [oidcProvider(sso)] : []),
  ],
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.provider !== SSO_PROVIDER_ID) return true;
      const result = await signInWithSso(profile as SsoClaims, await requestIp());
      // Thrown, the code reaches the sign-in page as ?error=<code> (next-auth's error route).
      if (!result.ok) throw new Error(result.reason);
      user.id = result.userId;
      user.sessionId = result.sessionId;
      return true;
    },
    jwt({ token, user }) {
      if (user?.sessionId) token.sid = user.sessionId;
      return token;
    },
    session({ session, token }) {
      // Only the session id travels; who the user is comes from the database on each request.
      return { expires: session.expires, sid: token.sid };
    },
  },
  events: {
    async signOut({ token }) {
      if (token?.sid) await signOutSession(token.sid);
    },
  },
};
