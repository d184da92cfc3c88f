import { apiRoute } from "@/lib/http/api/handler";
import { fileResponse } from "@/lib/http/export-route";
import { refusedImportRows } from "@/lib/features/import/data";
import { IMPORT_MAX_BODY_BYTES } from "../limits";

export const dynamic = "force-dynamic";

/** POST /admin/import/refused { clinicId, content }: the rows the import refuses, with the reasons, as CSV. */
export const POST = apiRoute(
  async (_request, { body }, actor) => {
    const { csv } = await refusedImportRows(actor, body);
    return fileResponse(new TextEncoder().encode(csv), { filename: "refused-patient-rows.csv", contentType: "text/csv; charset=utf-8" });
  },
  { maxBodyBytes: IMPORT_MAX_BODY_BYTES },
);
