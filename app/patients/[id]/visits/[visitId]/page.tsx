import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/session";
import { formatInZone, instantToWallClock } from "@/lib/clinical/time";
import { ANALYTE_LABELS } from "@/lib/clinical/vocabulary";
import { pageData } from "@/lib/data/page-data";
import { getVisit } from "@/lib/data/visits";
import { DeleteForm } from "../../../../_components/delete-form";
import { deleteVisitAction, updateVisitAction } from "../../actions";
import { VisitForm } from "../../visit-form";

export const metadata: Metadata = { title: "Visit" };

export default async function VisitPage({ params }: { params: Promise<{ id: string; visitId: string }> }) {
  const { id, visitId } = await params;
  const actor = await requireActor();
  const v = await pageData(getVisit(actor, visitId));
  if (v.patientId !== id) notFound();
  const s = (n: number | null) => (n === null ? "" : String(n));
  return (
    <>
      <p><Link href={`/patients/${id}#visits`}>← Back to the patient</Link></p>
      <h1>Visit of {formatInZone(v.occurredAt, v.timeZone)}</h1>
      {can(actor, "clinical:write") ? (
        <>
          <div className="card">
            <VisitForm
              action={updateVisitAction.bind(null, visitId, id)}
              timeZone={v.timeZone}
              submitLabel="Save changes"
              initial={{ occurredAt: instantToWallClock(v.occurredAt, v.timeZone), systolic: s(v.systolic), diastolic: s(v.diastolic), weightKg: s(v.weightKg), temperatureC: s(v.temperatureC), notes: v.notes, labs: v.labs.map((l) => ({ analyte: l.analyte, value: String(l.value), unit: l.unit })), version: v.version }}
            />
          </div>
          <DeleteForm action={deleteVisitAction.bind(null, visitId, id)} version={v.version} what="visit" />
        </>
      ) : (
        <div className="card">
          <dl className="facts">
            <dt>Blood pressure</dt><dd>{v.systolic ? `${v.systolic}/${v.diastolic} mmHg` : "—"}</dd>
            <dt>Weight</dt><dd>{v.weightKg ? `${v.weightKg} kg` : "—"}</dd>
            <dt>Temperature</dt><dd>{v.temperatureC ? `${v.temperatureC} °C` : "—"}</dd>
            <dt>Labs</dt><dd>{v.labs.map((l) => `${ANALYTE_LABELS[l.analyte]} ${l.value} ${l.unit}`).join("; ") || "—"}</dd>
            <dt>Notes</dt><dd>{v.notes || "—"}</dd>
          </dl>
        </div>
      )}
    </>
  );
}
