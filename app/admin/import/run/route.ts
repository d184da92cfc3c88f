import { apiRoute } from "@/lib/http/api/handler";
import { startPatientImport } from "@/lib/features/import/data";
import { currentLogger } from "@/lib/server/log";
import { IMPORT_MAX_BODY_BYTES } from "../limits";

export const dynamic = "force-dynamic";

/**
 * POST /admin/import/run { clinicId, content }: the real import. A refusal (permission, clinic,
 * unreadable file) is answered with its status; once the import starts, the answer is NDJSON, one
 * line per committed batch ({"type":"progress",...}) and a last {"type":"done","result":...}.
 */
export const POST = apiRoute(
  async (_request, { body }, actor) => {
    const started = await startPatientImport(actor, body);
    const logger = currentLogger();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        let open = true;
        const send = (line: unknown) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
          } catch {
            open = false; // the browser went away; the import still finishes its batches
          }
        };
        try {
          const result = await started.run({ onProgress: (p) => send({ type: "progress", ...p }) });
          send({ type: "done", result });
        } catch (error) {
          logger.error({ err: error }, "Patient import failed");
          send({ type: "error", message: "The import stopped unexpectedly. Batches already reported were saved; run the file again to finish." });
        }
        if (open) controller.close();
      },
    });
    return new Response(stream, {
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Total-Rows": String(started.rows) },
    });
  },
  { maxBodyBytes: IMPORT_MAX_BODY_BYTES },
);
