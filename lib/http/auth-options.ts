import "server-only";
import type { NextAuthOptions } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { signInWithPassword, signOutSession } from "@/lib/features/accounts/sign-in";
import { SESSION_ABSOLUTE_MS, SIGN_IN_ATTEMPTS_PER_IP_PER_MINUTE } from "@/lib/core/password-policy";
import { RateLimiter } from "@/lib/server/auth/rate-limit";
import { countRateLimitRefusal } from "@/lib/server/metrics";
import { SIGN_IN_ERRORS } from "@/lib/core/sign-in-errors";

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

export const authOptions: NextAuthOptions = {
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
        return null;
      },
    }),
  ],
  callbacks: {
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
