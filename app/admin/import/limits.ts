import { IMPORT_LIMITS } from "@/lib/core/import/patients";

/** The request body the import routes read: the file's text inside JSON, where escaping can double it. */
export const IMPORT_MAX_BODY_BYTES = 2 * IMPORT_LIMITS.maxFileBytes + 64 * 1024;
