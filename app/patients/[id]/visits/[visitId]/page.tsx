import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { formatInZone, instantToWallClock } from "@/lib/core/clinical/time";
import { defaultUnit, MEASURE_DEFS, type UnitSystem } from "@/lib/core/clinical/units";
import { pageData } from "@/lib/http/page-data";
import type { EnteredValue, VisitView } from "@/lib/features/visits/data";
import { loadVisitPage } from "@/lib/features/visits/loaders";
import { DeleteForm } from "../../../../_components/delete-form";
import { deleteVisitAction, updateVisitAction } from "../../actions";
import { VisitForm, type VisitFormValues } from "../../visit-form";
import { ExamFindings, LabList, MeasuredValue } from "../visit-values";

export const metadata: Metadata = { title: "Visit" };

/** The form starts from what the clinician entered (176 lb stays 176 lb), else the canonical value. */
function formValuesOf(v: VisitView & { timeZone: string }, system: UnitSystem): VisitFormValues {
  const asEntered = (canonical: number | null, entered: EnteredValue | null, canonicalUnit: string) =>
    entered ?? (canonical === null ? null : { value: canonical, unit: canonicalUnit });
  const weight = asEntered(v.weightKg, v.weightEntered, MEASURE_DEFS.WEIGHT.canonicalUnit);
  const temperature = asEntered(v.temperatureC, v.temperatureEntered, MEASURE_DEFS.TEMPERATURE.canonicalUnit);
  return {
    occurredAt: instantToWallClock(v.occurredAt, v.timeZone),
    systolic: v.systolic === null ? "" : String(v.systolic),
    diastolic: v.diastolic === null ? "" : String(v.diastolic),
    weight: weight ? String(weight.value) : "",
    weightUnit: weight?.unit ?? defaultUnit("WEIGHT", system),
    temperature: temperature ? String(temperature.value) : "",
    temperatureUnit: temperature?.unit ?? defaultUnit("TEMPERATURE", system),
    examFindings: v.examFindings,
    notes: v.notes,
    labs: v.labs.map((l) => ({ analyte: l.analyte, value: String(l.enteredValue), unit: l.enteredUnit })),
    version: v.version,
  };
}

export default async function VisitPage({ params }: { params: Promise<{ id: string; visitId: string }> }) {
  const { id, visitId } = await params;
  const actor = await requireActor();
  const { visit: v, patient: p } = await pageData(loadVisitPage(actor, id, visitId));
  const system = p.unitSystem;
  return (
    <>
      <p><Link href={`/patients/${id}/visits`}>← Visits and labs</Link></p>
      <h1 style={{ marginBottom: ".25rem" }}>Visit of {formatInZone(v.occurredAt, v.timeZone)}</h1>
      <p className="muted" style={{ marginTop: 0 }}>{p.familyName}, {p.givenName} · <span className="nowrap">MRN {p.mrn}</span></p>
      {can(actor, "clinical:write") ? (
        <>
          <div className="card">
            <VisitForm action={updateVisitAction.bind(null, visitId, id)} timeZone={v.timeZone} unitSystem={system} submitLabel="Save changes" initial={formValuesOf(v, system)} />
          </div>
          <DeleteForm action={deleteVisitAction.bind(null, visitId, id)} version={v.version} what="visit" />
        </>
      ) : (
        <div className="card">
          <dl className="facts">
            <dt>Blood pressure</dt><dd>{v.systolic ? `${v.systolic}/${v.diastolic} mmHg` : "—"}</dd>
            <dt>Weight</dt><dd>{v.weightKg === null ? "—" : <MeasuredValue measure="WEIGHT" canonical={v.weightKg} entered={v.weightEntered} system={system} />}</dd>
            <dt>Temperature</dt><dd>{v.temperatureC === null ? "—" : <MeasuredValue measure="TEMPERATURE" canonical={v.temperatureC} entered={v.temperatureEntered} system={system} />}</dd>
            <dt>Examination</dt><dd><ExamFindings findings={v.examFindings} /></dd>
            <dt>Labs</dt><dd><LabList labs={v.labs} system={system} /></dd>
            <dt>Notes</dt><dd>{v.notes || "—"}</dd>
          </dl>
        </div>
      )}
    </>
  );
}
