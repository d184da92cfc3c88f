import { databaseReachable } from "@/lib/ops/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const ok = await databaseReachable();
  return Response.json({ status: ok ? "ok" : "database unavailable" }, { status: ok ? 200 : 503 });
}
