import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { isDataError } from "@/lib/server/errors";
import { listAuditEvents, listAuditLogUsers, verifyAuditChain, type AuditPage, type AuditUserOption, type ChainReport } from "./data";

type SearchParams = Record<string, string | string[] | undefined>;

export const AUDIT_FILTER_KEYS = ["user", "patient", "patientId", "action", "outcome", "from", "to"] as const;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export interface AuditLogPageData {
  /** The filters the URL gives (blank ones left out), shown back in the form and kept on links. */
  filters: Record<string, string>;
  /** The users the log may be filtered by. */
  users: AuditUserOption[];
  /** The chain verification, when asked for. */
  report: ChainReport | null;
  /** The page of events; null when the filters are refused. */
  page: AuditPage | null;
  /** Why the filters were refused, by field. */
  fields: Record<string, string>;
}

/** /admin/audit: the verification when asked for, then the page of events the filters select. */
export async function loadAuditLogPage(actor: Actor, searchParams: SearchParams): Promise<AuditLogPageData> {
  const filters: Record<string, string> = Object.fromEntries(AUDIT_FILTER_KEYS.map((k) => [k, one(searchParams[k]).trim()]).filter(([, v]) => v !== ""));
  // Verification walks the whole log, so it runs only when asked for (a form, never a link that
  // could be prefetched).
  const report = one(searchParams.verify) === "1" ? await verifyAuditChain(actor) : null;
  const users = await listAuditLogUsers(actor);
  try {
    const page = await listAuditEvents(actor, { ...filters, before: one(searchParams.before), after: one(searchParams.after) });
    return { filters, users, report, page, fields: {} };
  } catch (error) {
    if (!isDataError(error) || error.code !== "VALIDATION") throw error;
    return { filters, users, report, page: null, fields: error.fields };
  }
}
