export const dynamic = "force-dynamic";

/**
 * Liveness (GET /api/health): the process answers. No database call, no versions, no data; a
 * database outage shows on /api/ready instead, so a restart is not triggered by it.
 */
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
