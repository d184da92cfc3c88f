import "server-only";
import type { Role } from "@/lib/core/clinical/vocabulary";

/** The signed-in user (or API token holder) on whose behalf the data layer acts. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  role: Role;
  clinicIds: string[];
  via: "session" | "token" | "system";
  ip?: string | null;
}

/** The actor a stored user acts as, with the clinics it may see now (read on every request). */
export function actorFor(
  user: { id: string; email: string; name: string; role: string },
  clinicIds: string[],
  via: Actor["via"],
  ip: string | null = null,
): Actor {
  return { userId: user.id, email: user.email, name: user.name, role: user.role as Role, clinicIds, via, ip };
}

export type Permission =
  | "clinical:read"
  | "clinical:write"
  | "users:manage"
  | "audit:read"
  | "data:restore"
  /** Bulk-loading patients from a CSV or FHIR file into a clinic (app/admin/import). */
  | "patients:import";

const GRANTS: Record<Role, readonly Permission[]> = {
  ADMIN: ["clinical:read", "clinical:write", "users:manage", "audit:read", "data:restore", "patients:import"],
  CLINICIAN: ["clinical:read", "clinical:write"],
  READ_ONLY: ["clinical:read"],
};

export function can(actor: Pick<Actor, "role">, permission: Permission): boolean {
  return GRANTS[actor.role]?.includes(permission) ?? false;
}
