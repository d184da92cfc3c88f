import Link from "next/link";
import { formatInZone } from "@/lib/core/clinical/time";
import {
  defaultUnit,
  formatReferenceRange,
  formatValue,
  fromCanonical,
  otherSystemEquivalent,
  REFERENCE_FLAG_LABELS,
  referenceFlag,
  type Measure,
  type ReferenceFlag,
  type UnitSystem,
} from "@/lib/core/clinical/units";
import { ANALYTE_LABELS, EXAM_FINDING_LABELS, type ExamFinding } from "@/lib/core/clinical/vocabulary";
import type { EnteredValue, LabView, VisitView } from "@/lib/features/visits/data";

/** A stored value in `unit`: the value as entered when it was entered in that unit, so 176 lb does not come back as 175.9 lb. */
function valueIn(measure: Measure, canonical: number, entered: EnteredValue | null, unit: string): number {
  return entered && entered.unit === unit ? entered.value : fromCanonical(measure, canonical, unit);
}

/** The value in the clinic's unit, and the other system's equivalent ("176.0 lb (79.8 kg)"). */
export function bothSystems(measure: Measure, canonical: number, entered: EnteredValue | null, system: UnitSystem) {
  const unit = defaultUnit(measure, system);
  const shown = formatValue(measure, valueIn(measure, canonical, entered, unit), unit);
  const otherUnit = otherSystemEquivalent(measure, canonical, unit)?.unit ?? null;
  const other = otherUnit && formatValue(measure, valueIn(measure, canonical, entered, otherUnit), otherUnit);
  return { shown, unit, other, otherUnit };
}

/** L or H as text and colour; screen readers hear "Low" or "High". */
function ReferenceBadge({ flag, range }: { flag: Exclude<ReferenceFlag, null>; range: string }) {
  const word = REFERENCE_FLAG_LABELS[flag];
  return (
    <span className={`badge ref-flag ${flag === "L" ? "low" : "high"}`} title={`${word}: reference range ${range}`}>
      <span aria-hidden="true">{flag}</span>
      <span className="sr-only">{word}</span>
    </span>
  );
}

/**
 * One measured value in the clinic's units, with the other system's equivalent, the value as
 * entered (when in a third unit) and the reference range on hover, and flagged L or H.
 */
export function MeasuredValue({ measure, canonical, entered, system, flag }: { measure: Measure; canonical: number; entered: EnteredValue | null; system: UnitSystem; flag?: ReferenceFlag }) {
  const { shown, unit, other, otherUnit } = bothSystems(measure, canonical, entered, system);
  const range = formatReferenceRange(measure, unit);
  // A third unit (magnesium in mEq/L) is neither system's: say what was typed.
  const asEntered = entered && entered.unit !== unit && entered.unit !== otherUnit ? `entered as ${formatValue(measure, entered.value, entered.unit)}` : null;
  const title = [other, asEntered, range && `reference range ${range}`].filter(Boolean).join("; ");
  const shownFlag = flag === undefined ? referenceFlag(measure, canonical) : flag;
  return (
    <span className="nowrap">
      <span title={title || undefined}>{shown}</span>
      {shownFlag && (
        <>
          {" "}
          <ReferenceBadge flag={shownFlag} range={range} />
        </>
      )}
    </span>
  );
}

export function LabList({ labs, system }: { labs: LabView[]; system: UnitSystem }) {
  if (labs.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tight lab-list">
      {labs.map((l, i) => (
        <li key={`${l.analyte}-${i}`}>
          {ANALYTE_LABELS[l.analyte]}{" "}
          <MeasuredValue measure={l.analyte} canonical={l.value} entered={{ value: l.enteredValue, unit: l.enteredUnit }} system={system} flag={l.flag} />
        </li>
      ))}
    </ul>
  );
}

export function ExamFindings({ findings }: { findings: ExamFinding[] }) {
  if (findings.length === 0) return <span className="muted">none recorded</span>;
  return <>{findings.map((x) => EXAM_FINDING_LABELS[x]).join("; ")}</>;
}

/** The patient's visits, newest first, every value in the clinic's units; a visit's notes take a full-width line below it. */
export function VisitsTable({ visits, patientId, timeZone, system }: { visits: VisitView[]; patientId: string; timeZone: string; system: UnitSystem }) {
  return (
    <div className="table-wrap">
      <table className="data visits">
        <caption className="sr-only">Visits, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Date and time</th>
            <th scope="col">Blood pressure</th>
            <th scope="col">Weight</th>
            <th scope="col">Temperature</th>
            <th scope="col">Examination</th>
            <th scope="col">Labs</th>
          </tr>
        </thead>
        {visits.map((v) => (
          <tbody key={v.id} className="visit">
            <tr>
              <th scope="row" rowSpan={v.notes ? 2 : 1}>
                <Link href={`/patients/${patientId}/visits/${v.id}`}>{formatInZone(v.occurredAt, timeZone)}</Link>
                <span className="muted small visit-episodes">{v.episodeCount === 1 ? "1 episode" : `${v.episodeCount} episodes`}</span>
              </th>
              <td className="nowrap">{v.systolic ? `${v.systolic}/${v.diastolic} mmHg` : "—"}</td>
              <td>{v.weightKg === null ? "—" : <MeasuredValue measure="WEIGHT" canonical={v.weightKg} entered={v.weightEntered} system={system} />}</td>
              <td>{v.temperatureC === null ? "—" : <MeasuredValue measure="TEMPERATURE" canonical={v.temperatureC} entered={v.temperatureEntered} system={system} />}</td>
              <td><ExamFindings findings={v.examFindings} /></td>
              <td><LabList labs={v.labs} system={system} /></td>
            </tr>
            {v.notes && (
              <tr>
                <td colSpan={5} className="visit-notes"><span className="muted">Notes:</span> {v.notes}</td>
              </tr>
            )}
          </tbody>
        ))}
        {visits.length === 0 && (
          <tbody>
            <tr><td colSpan={6} className="muted">No visits yet.</td></tr>
          </tbody>
        )}
      </table>
    </div>
  );
}

/** The patient's height in the clinic's unit with the other in brackets: "70.0 in (178 cm)". */
export function Height({ heightCm, entered, system }: { heightCm: number; entered: EnteredValue | null; system: UnitSystem }) {
  const { shown, other } = bothSystems("HEIGHT", heightCm, entered, system);
  return <>{other ? `${shown} (${other})` : shown}</>;
}
