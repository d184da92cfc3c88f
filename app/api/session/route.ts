import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { authOptions, clientIp } from "@/lib/http/auth-options";
import { checkSession } from "@/lib/features/accounts/sign-in";

export const dynamic = "force-dynamic";

/**
 * The browser session's remaining time, for the idle-timeout warning (app/_components/idle-timeout.tsx).
 * GET asks without counting as activity; POST ("Stay signed in") counts as activity and so
 * extends the idle limit. Times are relative (remainingMs), so the browser's clock does not matter.
 */
async function sessionState(request: Request, touch: boolean): Promise<Response> {
  const noStore = { "Cache-Control": "no-store" };
  if (touch) {
    // Only this site's pages may extend a session (the cookie is SameSite=Lax as well).
    const origin = request.headers.get("origin");
    if (origin && new URL(origin).host !== request.headers.get("host")) {
      return Response.json({ ok: false, reason: "FORBIDDEN" }, { status: 403, headers: noStore });
    }
  }
  // An ended session is an answer, not a failure of this request: 200 with ok false and the reason.
  const session = await getServerSession(authOptions);
  if (!session?.sid) return Response.json({ ok: false, reason: "NO_SESSION" }, { headers: noStore });
  const now = new Date();
  const check = await checkSession(session.sid, clientIp(await headers()), now, { touch });
  if (!check.ok) return Response.json({ ok: false, reason: check.reason }, { headers: noStore });
  return Response.json(
    { ok: true, remainingMs: check.expiresAt.getTime() - now.getTime(), limit: check.limit },
    { headers: noStore },
  );
}

export function GET(request: Request): Promise<Response> {
  return sessionState(request, false);
}

export function POST(request: Request): Promise<Response> {
  return sessionState(request, true);
}
