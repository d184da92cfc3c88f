import { readiness } from "@/lib/ops/health";

export const dynamic = "force-dynamic";

/**
 * Readiness (GET /api/ready): 200 {"status":"ready"} when the database takes a query and every
 * migration is applied, else 503 {"status":"not ready","reason":"database"|"migrations"}.
 */
export async function GET() {
  const r = await readiness();
  const headers = { "Cache-Control": "no-store" };
  if (r.ready) return Response.json({ status: "ready" }, { headers });
  return Response.json({ status: "not ready", reason: r.reason }, { status: 503, headers });
}
