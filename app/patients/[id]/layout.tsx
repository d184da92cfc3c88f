import Link from "next/link";
import type { ReactNode } from "react";
import { can } from "@/lib/server/permissions";
import { requireActor } from "@/lib/http/session";
import { pageData } from "@/lib/http/page-data";
import { ageInYears } from "@/lib/core/clinical/age";
import { RED_FLAG_URGENCY_LABELS } from "@/lib/core/clinical/red-flags";
import { ALLERGY_STATUS_LABELS, SEX_LABELS } from "@/lib/core/clinical/vocabulary";
import { loadChartHeader } from "@/lib/features/patients/chart-loaders";
import { ChartTabs } from "./_chart/chart-tabs";
import { RecordActions } from "./_chart/record-actions";

const URGENCY_CLASS = { URGENT: "danger", HIGH: "warn", ROUTINE: "" } as const;
/** How much of the allergies the header shows; the whole text is its title and on the History tab. */
const ALLERGY_SHOWN = 60;

/**
 * The patient chart: a header that stays in view (who, the stored red flags, what awaits review)
 * and the tabs, around every page of the patient (the tabs and the deeper pages alike).
 */
export default async function PatientChartLayout({ params, children }: { params: Promise<{ id: string }>; children: ReactNode }) {
  const { id } = await params;
  const actor = await requireActor();
  const h = await pageData(loadChartHeader(actor, id));
  const base = `/patients/${encodeURIComponent(h.id)}`;
  const flags = h.redFlags.length;
  return (
    <>
      <div className="chart-header">
        <div className="chart-bar">
          <div className="chart-who">
            <h1>{h.familyName}, {h.givenName}</h1>
            <span className="nowrap">{ageInYears(h.birthDate)} y · {SEX_LABELS[h.sex].toLowerCase()}</span>
            <span className="badge nowrap">MRN {h.mrn}</span>
          </div>
          <ul className="chart-status" aria-label="At a glance">
            {h.pregnant && <li><span className="badge warn">Pregnant</span></li>}
            <li data-testid="chart-allergies">
              {h.allergyStatus === "RECORDED" ? (
                <span className="badge danger chart-allergies" title={h.allergies}>
                  Allergies: {h.allergies.length > ALLERGY_SHOWN ? `${h.allergies.slice(0, ALLERGY_SHOWN)}…` : h.allergies}
                </span>
              ) : h.allergyStatus === "NONE_KNOWN" ? (
                <span className="muted">No known allergies</span>
              ) : (
                <span className="badge warn">{ALLERGY_STATUS_LABELS.NOT_RECORDED}</span>
              )}
            </li>
            <li>
              {flags ? (
                <Link className={`badge ${URGENCY_CLASS[h.urgency!]}`} href={`${base}/checklist`}>
                  {flags === 1 ? "1 red flag" : `${flags} red flags`}: {RED_FLAG_URGENCY_LABELS[h.urgency!].toLowerCase()}
                </Link>
              ) : (
                <span className="muted">No red flags</span>
              )}
            </li>
            {h.awaitingReview > 0 && (
              <li>
                <Link className="badge warn" href={`${base}/episodes?review=1`}>{h.awaitingReview} awaiting review</Link>
              </li>
            )}
            <li className="muted">
              {h.activeMedications === 0 ? "No active medications" : h.activeMedications === 1 ? "1 active medication" : `${h.activeMedications} active medications`}
            </li>
            {can(actor, "clinical:write") && (
              <li><Link href={`${base}/edit`}>Edit patient</Link></li>
            )}
          </ul>
          {can(actor, "clinical:write") && <RecordActions patientId={h.id} />}
        </div>
        <ChartTabs patientId={h.id} />
      </div>
      <div className="chart-body">{children}</div>
    </>
  );
}
