import Link from "next/link";
import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { defaultUnit, DEFAULT_UNIT_SYSTEM } from "@/lib/core/clinical/units";
import { listActorClinics } from "@/lib/features/patients/data";
import { createPatientAction } from "../actions";
import { PatientForm } from "../patient-form";
import { asUnitSystem } from "@/lib/core/clinical/units";

export const metadata: Metadata = { title: "New patient" };

export default async function NewPatientPage() {
  const actor = await requireActor();
  if (!can(actor, "clinical:write")) notFound();
  const clinics = await listActorClinics(actor);
  // A user of one clinic enters in its units; a user of several starts in the default units.
  const unitSystem = clinics.length === 1 ? asUnitSystem(clinics[0].unitSystem) : DEFAULT_UNIT_SYSTEM;
  return (
    <>
      <p><Link href="/patients">← Patients</Link></p>
      <h1>New patient</h1>
      <div className="card">
        <PatientForm
          action={createPatientAction}
          formId={randomUUID()}
          clinics={clinics}
          submitLabel="Create patient"
          initial={{ mrn: "", givenName: "", familyName: "", birthDate: "", sex: "", pregnant: false, height: "", heightUnit: defaultUnit("HEIGHT", unitSystem), conditions: [], lifestyle: [], medications: [], allergyStatus: "NOT_RECORDED", allergies: "" }}
        />
      </div>
    </>
  );
}
