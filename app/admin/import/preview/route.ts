import { apiRoute, json } from "@/lib/http/api/handler";
import { previewPatientImport } from "@/lib/features/import/data";
import { IMPORT_MAX_BODY_BYTES } from "../limits";

export const dynamic = "force-dynamic";

/** POST /admin/import/preview { clinicId, content }: the dry run, row by row (nothing is written but its audit row). */
export const POST = apiRoute(async (_request, { body }, actor) => json(await previewPatientImport(actor, body)), { maxBodyBytes: IMPORT_MAX_BODY_BYTES });
