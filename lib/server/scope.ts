import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { asUnitSystem, type UnitSystem } from "@/lib/core/clinical/units";
import type { Tx } from "./db";
import { notFound } from "./errors";
import type { Actor } from "./permissions";
import { sharedRead } from "./transaction";

/** The patient if the actor may see it; otherwise NOT_FOUND (a foreign record is not confirmed to exist). */
export async function requirePatientInScope(
  tx: Tx,
  actor: Actor,
  id: string,
): Promise<{ id: string; clinicId: string; clinic: { timeZone: string; unitSystem: UnitSystem } }> {
  // The page's other reads in the same transaction (readTogether) checked it already.
  const shared = sharedRead.getStore();
  const key = `${actor.userId}\u0000${actor.clinicIds.join(",")}\u0000${id}`;
  const known = shared?.tx === tx ? shared.patientsInScope.get(key) : undefined;
  if (known) return known;
  // One statement with the clinic joined (Prisma would read the clinic in a second query): every
  // patient-page read starts here.
  const rows = actor.clinicIds.length
    ? await tx.$queryRaw<{ id: string; clinicId: string; timeZone: string; unitSystem: string }[]>`
        SELECT p."id", p."clinicId", c."timeZone", c."unitSystem" FROM "Patient" p JOIN "Clinic" c ON c."id" = p."clinicId"
        WHERE p."id" = ${id} AND p."deletedAt" IS NULL AND p."clinicId" IN (${Prisma.join(actor.clinicIds)})`
    : [];
  if (!rows.length) throw notFound("Patient");
  const { timeZone, unitSystem, ...row } = rows[0];
  const found = { ...row, clinic: { timeZone, unitSystem: asUnitSystem(unitSystem) } };
  if (shared?.tx === tx) shared.patientsInScope.set(key, found);
  return found;
}

