import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/session";
import { getPatient } from "@/lib/data/patients";
import { pageData } from "@/lib/data/page-data";
import { updatePatientAction } from "../../actions";
import { PatientForm } from "../../patient-form";

export const metadata: Metadata = { title: "Edit patient" };

export default async function EditPatientPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  if (!can(actor, "clinical:write")) notFound();
  const patient = await pageData(getPatient(actor, id));
  return (
    <>
      <p><a href={`/patients/${id}`}>← {patient.familyName}, {patient.givenName}</a></p>
      <h1>Edit patient</h1>
      <div className="card">
        <PatientForm
          action={updatePatientAction.bind(null, id)}
          clinics={[]}
          submitLabel="Save changes"
          initial={{ ...patient, version: patient.version }}
        />
      </div>
    </>
  );
}
