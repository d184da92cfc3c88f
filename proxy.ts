import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
// Probes and the metrics scrape answer for themselves (the metrics route checks its own token); the
// patient diary's page and API take the link's token in the path as their only credential.
const PUBLIC_PATHS = ["/signin", "/api/auth", "/api/health", "/api/ready", "/api/metrics", "/diary", "/api/diary"];

/**
 * Runs before every request: sets the security headers (nonce-based CSP) and sends requests
 * without a session cookie to sign-in. It only redirects; every page, action and API handler
 * still checks the session and permissions itself in lib/features.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const dev = process.env.NODE_ENV !== "production";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    // The patient diary's service worker (/diary/sw.js); 'strict-dynamic' above would not cover it.
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");

  const { pathname } = request.nextUrl;
  const isPublic = PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(`${p}/`));
  const hasSession = SESSION_COOKIES.some((c) => request.cookies.has(c));
  // Only the JSON API takes a bearer token, and only an API token ("cc_..."): a patient's diary
  // token ("cd_...") or any other bearer is no reason to skip the sign-in redirect or the 401.
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  const hasBearer = pathname.startsWith("/api/") && bearer.startsWith("cc_");

  let response: NextResponse;
  if (!isPublic && !hasSession && !hasBearer) {
    if (pathname.startsWith("/api/")) {
      // Same body as lib/http/api/handler.ts answers (docs/api.md).
      response = NextResponse.json(
        { error: { code: "UNAUTHENTICATED", message: "Sign in or send an API token: Authorization: Bearer <token>.", fields: {} } },
        { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="api"' } },
      );
    } else {
      const url = request.nextUrl.clone();
      url.pathname = "/signin";
      url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + request.nextUrl.search)}`;
      response = NextResponse.redirect(url);
    }
  } else {
    const headers = new Headers(request.headers);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", csp);
    // Tells the root layout to draw the patient diary's own shell (set here only, never taken from the client).
    if (pathname === "/diary" || pathname.startsWith("/diary/")) headers.set("x-app-shell", "diary");
    else headers.delete("x-app-shell");
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Content-Type-Options", "nosniff");
  // A diary link's token is in its path: it must never leave in a Referer header.
  const diary = pathname === "/diary" || pathname.startsWith("/diary/") || pathname.startsWith("/api/diary/");
  response.headers.set("Referrer-Policy", diary ? "no-referrer" : "strict-origin-when-cross-origin");
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https") {
    response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
