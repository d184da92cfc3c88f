import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { defaultUnit, MEASURE_DEFS } from "@/lib/core/clinical/units";
import { getPatient, type PatientDetail } from "@/lib/features/patients/data";
import { pageData } from "@/lib/http/page-data";
import { updatePatientAction } from "../../actions";
import { PatientForm } from "../../patient-form";

export const metadata: Metadata = { title: "Edit patient" };

/** The height as the clinician entered it (70 in stays 70 in); none yet starts in the clinic's unit. */
function heightAsEntered(p: PatientDetail): { height: string; heightUnit: string } {
  if (p.heightEntered) return { height: String(p.heightEntered.value), heightUnit: p.heightEntered.unit };
  if (p.heightCm !== null) return { height: String(p.heightCm), heightUnit: MEASURE_DEFS.HEIGHT.canonicalUnit };
  return { height: "", heightUnit: defaultUnit("HEIGHT", p.unitSystem) };
}

export default async function EditPatientPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  if (!can(actor, "clinical:write")) notFound();
  const patient = await pageData(getPatient(actor, id));
  return (
    <>
      <p><Link href={`/patients/${id}/history`}>← History</Link></p>
      <h1>Edit patient</h1>
      <div className="card">
        <PatientForm
          action={updatePatientAction.bind(null, id)}
          clinics={[]}
          submitLabel="Save changes"
          initial={{
            mrn: patient.mrn,
            givenName: patient.givenName,
            familyName: patient.familyName,
            birthDate: patient.birthDate,
            sex: patient.sex,
            pregnant: patient.pregnant,
            ...heightAsEntered(patient),
            conditions: patient.conditions.map((c) => c.code),
            lifestyle: patient.lifestyle,
            medications: patient.medications,
            allergyStatus: patient.allergyStatus,
            allergies: patient.allergies,
            version: patient.version,
          }}
        />
      </div>
    </>
  );
}
