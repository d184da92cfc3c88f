import type { NextRequest } from "next/server";
import { actorOrThrow } from "@/lib/http/session";
import { exportAuditEventsCsv } from "@/lib/features/audit-log/data";
import { isDataError } from "@/lib/server/errors";
import { currentLogger, log } from "@/lib/server/log";

export const dynamic = "force-dynamic";

const json = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  Response.json({ error: { code, message, ...(fields ? { fields } : {}) } }, { status, headers: { "Cache-Control": "no-store" } });

/**
 * GET /admin/audit/export?<the page's filters>: the filtered audit log as a CSV download,
 * streamed batch by batch. The export is recorded (AUDIT_EXPORT) before the first byte is sent.
 */
export async function GET(request: NextRequest): Promise<Response> {
  let chunks: AsyncGenerator<string, void, undefined>;
  try {
    const actor = await actorOrThrow();
    chunks = await exportAuditEventsCsv(actor, Object.fromEntries(request.nextUrl.searchParams));
  } catch (error) {
    if (isDataError(error)) {
      if (error.code === "UNAUTHENTICATED") return json(401, error.code, error.message);
      // Like the page: a user without audit:read is not told the export exists.
      if (error.code === "FORBIDDEN" || error.code === "NOT_FOUND") return json(404, "NOT_FOUND", "Not found.");
      if (error.code === "VALIDATION") return json(400, error.code, error.message, error.fields);
    }
    log.error({ err: error }, "Audit export failed");
    return json(500, "INTERNAL", "The export could not be produced. Please try again.");
  }

  // The request's logger, taken now: the stream is pulled after this handler has returned.
  const logger = currentLogger();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    // One batch per pull: the next batch is read only when the client has taken the last one.
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        logger.error({ err: error }, "Audit export failed while streaming");
        controller.error(new Error("export failed"));
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  // The day of the export (UTC), as every exported file is named.
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-log-${stamp}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
