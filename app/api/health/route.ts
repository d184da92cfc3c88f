import { databaseReachable } from "@/lib/data/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const ok = await databaseReachable();
  return Response.json({ status: ok ? "ok" : "database unavailable" }, { status: ok ? 200 : 503 });
}
