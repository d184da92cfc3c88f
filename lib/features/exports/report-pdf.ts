/**
 * The patient report as a PDF, from already-loaded data (lib/features/exports/data.ts getPatientReport).
 * Pure apart from reading the embedded font: the same data gives the same pages.
 */
import "server-only";
import { ageInYears } from "@/lib/core/clinical/age";
import { codesForEpisode, type ClinicalCode } from "@/lib/core/clinical/codes";
import { formatDuration, RED_FLAG_LABELS, RED_FLAG_URGENCIES, RED_FLAG_URGENCY_LABELS } from "@/lib/core/clinical/red-flags";
import { formatInZone } from "@/lib/core/clinical/time";
import { referenceFlag, UNIT_SYSTEM_LABELS } from "@/lib/core/clinical/units";
import { ALLERGY_STATUS_LABELS, ANALYTE_LABELS, CHECKLIST_STATUS_LABELS, CLASSIFICATION_LABELS, CONDITION_LABELS, DAY_PART_LABELS, EXAM_FINDING_LABELS, LIFESTYLE_FLAG_LABELS, MUSCLE_GROUP_LABELS, SEX_LABELS, SIDE_LABELS, TRIGGER_LABELS } from "@/lib/core/clinical/vocabulary";
import { REPORT_SECTION_LABELS, type ReportSection } from "@/lib/features/exports/schema";
import { localTimeFormatter } from "@/lib/core/local-time";
import { flagText, measureText, referenceRangeText } from "./measures";
import {
  barChart,
  columnChart,
  createDocument,
  facts,
  finish,
  footers,
  heading,
  paragraph,
  subheading,
  table,
  title,
  type Doc,
} from "./pdf";
import { episodeType, summarize, type EpisodeTypeKey, type ReportData, type ReportSummary } from "./report-data";

export const TYPE_LABELS: Record<EpisodeTypeKey, string> = { ...CLASSIFICATION_LABELS, UNCLASSIFIED: "Unclassified" };

const codeText = (c: ClinicalCode) => `${c.system} ${c.code} ${c.display}`;

// Made once (a report labels every week and day; making a formatter costs far more than using it).
const SHORT_DATE = new Intl.DateTimeFormat("en-GB", { day: "2-digit", month: "short", timeZone: "UTC" });

function shortDate(date: string): string {
  return SHORT_DATE.format(new Date(`${date}T00:00:00Z`));
}

function patientSection(doc: Doc, data: ReportData) {
  const p = data.patient;
  heading(doc, REPORT_SECTION_LABELS.patient);
  const current = p.medications.filter((m) => m.active);
  facts(doc, [
    ["Name", `${p.familyName}, ${p.givenName}`],
    ["MRN", p.mrn],
    ["Date of birth", `${p.birthDate} (${ageInYears(p.birthDate, data.producedAt)} years)`],
    ["Sex", SEX_LABELS[p.sex] + (p.pregnant ? ", pregnant" : "")],
    ["Height", p.heightCm === null ? "not recorded" : measureText("HEIGHT", p.heightCm, p.heightEntered, data.unitSystem)],
    ["Clinic", p.clinicName],
    ["Problem list", p.conditions.map((c) => CONDITION_LABELS[c]).join(", ") || "none recorded"],
    ["Lifestyle", p.lifestyle.map((l) => LIFESTYLE_FLAG_LABELS[l]).join(", ") || "none recorded"],
    ["Current medications", current.map((m) => m.name + (m.startedOn ? ` (since ${m.startedOn})` : "")).join("; ") || "none recorded"],
    ["Allergies", p.allergyStatus === "RECORDED" ? p.allergies : ALLERGY_STATUS_LABELS[p.allergyStatus].toLowerCase()],
  ]);
  visitsPart(doc, data);
}

/** The period's visits: vitals and examination, then the labs against their reference ranges. */
function visitsPart(doc: Doc, data: ReportData) {
  const system = data.unitSystem;
  subheading(doc, `Visits from ${data.period.from} to ${data.period.to}: vitals, examination and labs`);
  if (!data.visits.length) {
    paragraph(doc, "No visits were recorded in the period.");
    return;
  }
  paragraph(doc, `Values in ${UNIT_SYSTEM_LABELS[system]}, the other system's in brackets. Times on the clinic's clock (${data.timeZone}).`, { size: 8 });
  doc.moveDown(0.2);
  const clock = localTimeFormatter(data.timeZone);
  const temperature = (v: ReportData["visits"][number]) => {
    if (v.temperatureC === null) return "—";
    const text = measureText("TEMPERATURE", v.temperatureC, v.temperatureEntered, system);
    const flag = referenceFlag("TEMPERATURE", v.temperatureC);
    return flag ? `${text}\n${flagText(flag)} (reference ${referenceRangeText("TEMPERATURE", system)})` : text;
  };
  table(
    doc,
    [
      { header: "Date and time", weight: 14 },
      { header: "Blood pressure", weight: 12 },
      { header: "Weight", weight: 16 },
      { header: "Temperature", weight: 20 },
      { header: "Examination findings", weight: 26 },
    ],
    data.visits.map((v) => [
      clock(v.occurredAt),
      v.systolic === null && v.diastolic === null ? "—" : `${v.systolic ?? "—"}/${v.diastolic ?? "—"} mmHg`,
      v.weightKg === null ? "—" : measureText("WEIGHT", v.weightKg, v.weightEntered, system),
      temperature(v),
      v.examFindings.map((f) => EXAM_FINDING_LABELS[f]).join(", ") || "none recorded",
    ]),
  );
  const labs = data.visits.flatMap((v) => v.labs);
  if (!labs.length) return;
  doc.moveDown(0.4);
  table(
    doc,
    [
      { header: "Date and time", weight: 14 },
      { header: "Lab", weight: 16 },
      { header: "Result", weight: 26 },
      { header: "Flag", weight: 9 },
      { header: "Reference range", weight: 18 },
    ],
    labs.map((l) => [
      clock(l.takenAt),
      ANALYTE_LABELS[l.analyte],
      measureText(l.analyte, l.value, l.entered, system),
      flagText(l.flag),
      referenceRangeText(l.analyte, system),
    ]),
  );
}

function periodSection(doc: Doc, data: ReportData) {
  heading(doc, REPORT_SECTION_LABELS.period);
  facts(doc, [
    ["Period", `${data.period.from} to ${data.period.to} (both days included)`],
    ["Clinic time zone", data.timeZone],
    ["Episodes in the period", String(data.episodes.length)],
  ]);
}

function summarySection(doc: Doc, data: ReportData, s: ReportSummary) {
  heading(doc, REPORT_SECTION_LABELS.summary);
  const rows: [string, string][] = [
    ["Episodes", String(s.total)],
    ...s.byType.filter((t) => t.count > 0).map((t): [string, string] => [`  ${TYPE_LABELS[t.type]}`, String(t.count)]),
    ["Mean pain (0 to 10)", s.meanPain === null ? "no pain scores recorded" : `${s.meanPain.toFixed(1)} (from ${s.painRecorded} recorded scores)`],
    ["Mean duration", s.meanDurationSeconds === null ? "no episodes" : formatDuration(s.meanDurationSeconds)],
    [
      "Red flags",
      data.assessment ? `${s.redFlagCount} (over the ${data.assessment.windowDays} days up to ${formatInZone(data.assessment.asOf, data.timeZone)})` : "not assessed",
    ],
  ];
  facts(doc, rows, 170);
  paragraph(doc, "An episode's type is the clinician's label, or the system's suggestion where no label was given.", { size: 8 });
}

function chartsSection(doc: Doc, data: ReportData, s: ReportSummary) {
  heading(doc, REPORT_SECTION_LABELS.charts, 200);
  columnChart(doc, {
    title: "Episodes per week",
    yLabel: "episodes",
    bars: s.weekly.map((w) => ({ label: shortDate(w.from), value: w.count })),
  });
  paragraph(doc, `Each bar counts the episodes of 7 days starting on the date below it (clinic time zone ${data.timeZone}).`, { size: 8 });
  doc.moveDown(0.5);
  barChart(doc, { title: "Number of episodes of each type", bars: s.byType.map((t) => ({ label: TYPE_LABELS[t.type], value: t.count })) });
  barChart(doc, { title: "Episodes by time of day", bars: s.byDayPart.map((p) => ({ label: DAY_PART_LABELS[p.part], value: p.count })) });
}

function episodesSection(doc: Doc, data: ReportData) {
  heading(doc, REPORT_SECTION_LABELS.episodes);
  if (!data.episodes.length) {
    paragraph(doc, "No episodes were recorded in the period.");
    return;
  }
  const clock = localTimeFormatter(data.timeZone);
  const groups = new Map<EpisodeTypeKey, ReportData["episodes"]>();
  for (const e of data.episodes) {
    const key = episodeType(e);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  paragraph(doc, `Times are on the clinic's clock (${data.timeZone}). Suggested codes follow each episode's type, muscle group and whether it happened during sleep; the clinician confirms them.`, { size: 8 });
  for (const [type, episodes] of [...groups.entries()].sort((a, b) => TYPE_LABELS[a[0]].localeCompare(TYPE_LABELS[b[0]]))) {
    const codes = new Map<string, ClinicalCode>();
    for (const e of episodes) for (const c of codesForEpisode(e)) codes.set(`${c.system}|${c.code}`, c);
    subheading(doc, `${TYPE_LABELS[type]}: ${episodes.length} ${episodes.length === 1 ? "episode" : "episodes"}`);
    paragraph(doc, `Suggested codes: ${[...codes.values()].map(codeText).join("; ") || "none (no type)"}`, { size: 9 });
    doc.moveDown(0.2);
    table(
      doc,
      [
        { header: "Date and time", weight: 13 },
        { header: "Duration", weight: 9 },
        { header: "Side", weight: 8 },
        { header: "Muscle", weight: 8 },
        { header: "Pain", weight: 5 },
        { header: "Triggers", weight: 14 },
        { header: "Codes", weight: 13 },
        { header: "Remarks", weight: 19 },
      ],
      episodes.map((e) => [
        clock(e.occurredAt),
        formatDuration(e.durationSeconds),
        SIDE_LABELS[e.side],
        MUSCLE_GROUP_LABELS[e.muscleGroup],
        e.painScore === null ? "—" : String(e.painScore),
        e.triggers.map((t) => TRIGGER_LABELS[t]).join(", ") || "—",
        codesForEpisode(e).map((c) => c.code).join(", ") || "—",
        [
          e.source === "PATIENT" ? "reported by the patient (diary)" : "",
          e.classification ? "" : "suggested type",
          e.needsReview ? (e.classification ? "REVIEW: label differs from suggestion" : "REVIEW: awaiting a clinician's type") : e.labelConfirmed ? "label confirmed on review" : "",
          e.consciousnessImpaired ? "IMPAIRED CONSCIOUSNESS" : "",
          e.tongueBitten ? "TONGUE BITTEN" : "",
          e.wetThemselves ? "INCONTINENCE" : "",
          e.witnessed ? "witnessed" : "",
          e.duringSleep ? "during sleep" : "",
          e.notes,
        ]
          .filter(Boolean)
          .join("; "),
      ]),
    );
  }
}

function redFlagsSection(doc: Doc, data: ReportData) {
  heading(doc, REPORT_SECTION_LABELS.redFlags);
  const a = data.assessment;
  if (!a) return;
  const window = `the ${a.windowDays} days up to ${formatInZone(a.asOf, data.timeZone)}`;
  if (!a.redFlags.length) {
    paragraph(doc, `No red flags over ${window}.`);
    return;
  }
  paragraph(doc, `Computed over ${window}, most urgent first; the urgency (Urgent, High or Routine) is in brackets.`, { size: 9 });
  doc.moveDown(0.2);
  const rank = (f: (typeof a.redFlags)[number]) => RED_FLAG_URGENCIES.indexOf(f.urgency);
  for (const f of [...a.redFlags].sort((x, y) => rank(x) - rank(y))) {
    subheading(doc, `[${RED_FLAG_URGENCY_LABELS[f.urgency]}] ${RED_FLAG_LABELS[f.code]}`, 30);
    paragraph(doc, f.message);
    if (f.evidence.summary) paragraph(doc, `Evidence: ${f.evidence.summary}`, { size: 9, indent: 12 });
    paragraph(doc, `Advice: ${f.advice}`, { size: 9, indent: 12 });
  }
}

function checklistSection(doc: Doc, data: ReportData) {
  heading(doc, REPORT_SECTION_LABELS.checklist);
  const a = data.assessment;
  if (!a) return;
  paragraph(doc, "Suggested items first (those the patient's data points to, with the reasons), then the rest; only a clinician sets a status. Each cause names its source.", { size: 8 });
  doc.moveDown(0.2);
  table(
    doc,
    [
      // The cause carries its citation: the widest column.
      { header: "Cause", weight: 29 },
      { header: "Suggested (why)", weight: 27 },
      { header: "Status", weight: 12 },
      { header: "Note", weight: 18 },
      { header: "Set by", weight: 14 },
    ],
    a.checklist.map((c) => [
      `${c.label}\n(${c.citation}${c.weakEvidence ? "; weak clinical evidence" : ""})`,
      c.suggested ? `Yes: ${c.reasons.join("; ")}` : "No",
      CHECKLIST_STATUS_LABELS[c.status],
      c.note || "—",
      c.updatedBy ? `${c.updatedBy}${c.updatedAt ? `, ${formatInZone(c.updatedAt, data.timeZone)}` : ""}` : "—",
    ]),
  );
}

function producedBySection(doc: Doc, data: ReportData) {
  heading(doc, REPORT_SECTION_LABELS.producedBy, 30);
  facts(doc, [
    ["Clinician", `${data.producedBy.name} (${data.producedBy.email})`],
    ["Produced", `${formatInZone(data.producedAt, data.timeZone)}`],
  ]);
  paragraph(doc, "Suggestions in this report support the clinician's judgement and do not replace it.", { size: 8 });
}

const RENDER: Record<ReportSection, (doc: Doc, data: ReportData, s: ReportSummary) => void> = {
  patient: patientSection,
  period: periodSection,
  summary: summarySection,
  charts: chartsSection,
  episodes: episodesSection,
  redFlags: redFlagsSection,
  checklist: checklistSection,
  producedBy: producedBySection,
};

export async function buildReportPdf(data: ReportData): Promise<Buffer> {
  const p = data.patient;
  const name = `${p.familyName}, ${p.givenName}`;
  const doc = createDocument({ title: "Patient report", author: data.producedBy.name, subject: "Leg cramps and related episodes" });
  title(doc, "Patient report: leg cramps and related episodes", `${name} · MRN ${p.mrn}`);
  const summary = summarize(data.episodes, data.period, data.timeZone, data.assessment?.redFlags.length ?? 0);
  for (const section of data.sections) RENDER[section](doc, data, summary);
  footers(doc, (page, pages) => `${name} · MRN ${p.mrn} · Confidential patient information · Page ${page} of ${pages}`);
  return finish(doc);
}
