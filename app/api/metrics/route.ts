import { createHash, timingSafeEqual } from "node:crypto";
import { metricsText } from "@/lib/server/metrics";

export const dynamic = "force-dynamic";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Compares digests, which have one length, so the time taken says nothing about the token. */
function tokenMatches(sent: string, expected: string): boolean {
  return timingSafeEqual(sha256(sent), sha256(expected));
}

/**
 * Prometheus metrics (GET /api/metrics) for the scraper holding METRICS_TOKEN, sent as
 * `Authorization: Bearer <token>`. Without METRICS_TOKEN set the endpoint does not exist (404).
 */
export async function GET(request: Request) {
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
  const expected = process.env.METRICS_TOKEN?.trim();
  if (!expected) return new Response("Not found\n", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!tokenMatches(match?.[1] ?? "", expected)) {
    return new Response("Unauthorized\n", {
      status: 401,
      headers: { ...headers, "Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": 'Bearer realm="metrics"' },
    });
  }
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { ...headers, "Content-Type": contentType } });
}
