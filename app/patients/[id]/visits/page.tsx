import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { instantToWallClock } from "@/lib/core/clinical/time";
import { defaultUnit } from "@/lib/core/clinical/units";
import { loadPatientVisitsTab } from "@/lib/features/patients/chart-loaders";
import { createVisitAction } from "../actions";
import { LabTrends } from "../lab-trends";
import { VisitForm } from "../visit-form";
import { RecordSection } from "../_chart/record-section";
import { SavedNotice } from "../_chart/saved-notice";
import { VisitsTable } from "./visit-values";

export const metadata: Metadata = { title: "Visits and labs" };

/** The Visits and labs tab: the record form (folded until asked for), the visits, and every lab value over time. */
export default async function PatientVisitsPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const query = await searchParams;
  const actor = await requireActor();
  const { header: h, visits, labTrends } = await pageData(loadPatientVisitsTab(actor, id));
  const tz = h.timeZone;
  return (
    <>
      <SavedNotice saved={query.saved} />
      {can(actor, "clinical:write") && (
        <RecordSection kind="visit" summary="Log a visit (vitals, labs)" open={query.record === "1"} focusId="v-systolic">
          <VisitForm
            action={createVisitAction.bind(null, h.id)}
            formId={randomUUID()}
            timeZone={tz}
            unitSystem={h.unitSystem}
            submitLabel="Save visit"
            initial={{
              occurredAt: instantToWallClock(new Date(), tz),
              systolic: "",
              diastolic: "",
              weight: "",
              weightUnit: defaultUnit("WEIGHT", h.unitSystem),
              temperature: "",
              temperatureUnit: defaultUnit("TEMPERATURE", h.unitSystem),
              examFindings: [],
              notes: "",
              labs: [],
            }}
          />
        </RecordSection>
      )}
      <section id="visits" aria-labelledby="visits-title">
        <h2 id="visits-title">Visits <span className="muted">({visits.length})</span></h2>
        <VisitsTable visits={visits} patientId={h.id} timeZone={tz} system={h.unitSystem} />
      </section>
      <LabTrends data={labTrends} unitSystem={h.unitSystem} />
    </>
  );
}
