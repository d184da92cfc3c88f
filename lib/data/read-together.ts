/**
 * Several reads of one page in one transaction (`readTogether` in ./transaction.ts). Kept apart so
 * that ./audit.ts and ./transaction.ts can both see the current one without importing each other.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Actor } from "@/lib/auth/actor";
import type { AuditInput } from "./audit";
import type { Tx } from "./transaction";

export interface SharedRead {
  tx: Tx;
  /** Audit rows of the reads so far, appended together when the reads are done. */
  audits: { actor: Actor | null; input: AuditInput }[];
  /** Patients found in the actor's scope by an earlier read of the same transaction. */
  patientsInScope: Map<string, { id: string; clinicId: string; clinic: { timeZone: string; unitSystem: "SI" | "US" } }>;
  /** The first read refused (missing permission, or a record out of the actor's scope). */
  refusal: { actor: Actor; input: AuditInput; reason: "FORBIDDEN" | "NOT_FOUND" } | null;
}

export const sharedRead = new AsyncLocalStorage<SharedRead>();
