/**
 * The thin HTTP layer of the export routes: run the export as the API actor and answer with the
 * file (streamed for CSV).
 */
import "server-only";
import { apiRoute } from "@/lib/http/api/handler";
import type { Actor } from "@/lib/server/permissions";
import type { CsvExport } from "@/lib/features/exports/data";
import { byteStream } from "@/lib/features/exports/stream";
import { contentDisposition } from "@/lib/core/file-names";
import { currentLogger } from "@/lib/server/log";

const BASE_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/**
 * Query parameters as the export schemas take them. A repeated parameter (the report form's
 * section checkboxes) is joined with commas, as `sections=a,b` would be written by hand.
 */
export function queryInput(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) out[key] = key in out ? `${out[key]},${value}` : value;
  return out;
}

type ExportHandler<P> = (request: Request, params: P, actor: Actor) => Promise<Response>;

/**
 * An export route: authenticated, rate-limited and answered like every API route (bearer token
 * or same-origin session; DataErrors become the contract's JSON error body).
 */
export function exportRoute<P extends Record<string, string> = Record<string, never>>(
  handler: ExportHandler<P>,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return apiRoute<P>((request, { params }, actor) => handler(request, params, actor));
}

/** A file as one response, named by `filename` (lib/core/file-names.ts makes it safe for the header). */
export function fileResponse(bytes: Uint8Array, opts: { filename: string; contentType: string; inline?: boolean }): Response {
  return new Response(new Uint8Array(bytes), {
    headers: {
      ...BASE_HEADERS,
      "Content-Type": opts.contentType,
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": contentDisposition(opts.filename, opts.inline ? "inline" : "attachment"),
    },
  });
}

/**
 * A CSV export as a streamed download: batches are read from the database only as the client
 * takes them. `X-Total-Rows` (the count the export was recorded with) lets a client show progress.
 */
export function csvResponse(exp: CsvExport, what: string): Response {
  // Bound now: the stream is read after the request's handler returned, outside its context.
  const logger = currentLogger();
  const stream = byteStream(exp.chunks, (error) => logger.error({ err: error, export: what }, "Export failed while streaming"));
  return new Response(stream, {
    headers: {
      ...BASE_HEADERS,
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": contentDisposition(exp.filename),
      "X-Total-Rows": String(exp.rows),
    },
  });
}
