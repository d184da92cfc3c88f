import type { Db } from "../../lib/server/db";
import type { Actor } from "../../lib/server/permissions";
import { hashPassword } from "../../lib/server/auth/password";
import type { Role } from "../../lib/core/clinical/vocabulary";
import type { UnitSystem } from "../../lib/core/clinical/units";

export async function createClinic(db: Db, name: string, timeZone = "UTC", unitSystem: UnitSystem = "SI") {
  return db.clinic.create({ data: { name, timeZone, unitSystem } });
}

export async function createUser(
  db: Db,
  opts: { email: string; name: string; role: Role; clinicIds: string[]; password: string; mustChangePassword?: boolean },
) {
  return db.user.create({
    data: {
      email: opts.email,
      name: opts.name,
      role: opts.role,
      passwordHash: await hashPassword(opts.password),
      mustChangePassword: opts.mustChangePassword ?? false,
      memberships: { create: opts.clinicIds.map((clinicId) => ({ clinicId })) },
    },
  });
}

export function actorFor(user: { id: string; email: string; name: string; role: string }, clinicIds: string[]): Actor {
  return { userId: user.id, email: user.email, name: user.name, role: user.role as Role, clinicIds, via: "session", ip: "127.0.0.1" };
}
