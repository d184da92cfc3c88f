/**
 * The patient report as a PDF, from already-loaded data (lib/data/exports.ts getPatientReport).
 * Pure apart from reading the embedded font: the same data gives the same pages.
 */
import { ageInYears } from "@/lib/clinical/age";
import { codesForEpisode, type ClinicalCode } from "@/lib/clinical/codes";
import { formatDuration, RED_FLAG_LABELS } from "@/lib/clinical/red-flags";
import { formatInZone } from "@/lib/clinical/time";
import {
  CHECKLIST_STATUS_LABELS,
  CLASSIFICATION_LABELS,
  CONDITION_LABELS,
  DAY_PART_LABELS,
  LIFESTYLE_FLAG_LABELS,
  MUSCLE_GROUP_LABELS,
  SEX_LABELS,
  SIDE_LABELS,
  TRIGGER_LABELS,
} from "@/lib/clinical/vocabulary";
import { REPORT_SECTION_LABELS, type ReportSection } from "@/lib/validation/export";
import { localTimeFormatter } from "./local-time";
import { barChart, columnChart, createDocument, facts, finish, footers, heading, paragraph, subheading, table, title, type Doc } from "./pdf";
import { episodeType, summarize, type EpisodeTypeKey, type ReportData, type ReportSummary } from "./report-data";

export const TYPE_LABELS: Record<EpisodeTypeKey, string> = { ...CLASSIFICATION_LABELS, UNCLASSIFIED: "Unclassified" };

const URGENCY_TEXT = { URGENT: "URGENT", HIGH: "HIGH", ROUTINE: "ROUTINE" } as const;

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
    ["Height", p.heightCm ? `${p.heightCm} cm` : "not recorded"],
    ["Clinic", p.clinicName],
    ["Problem list", p.conditions.map((c) => CONDITION_LABELS[c]).join(", ") || "none recorded"],
    ["Lifestyle", p.lifestyle.map((l) => LIFESTYLE_FLAG_LABELS[l]).join(", ") || "none recorded"],
    ["Current medications", current.map((m) => m.name + (m.startedOn ? ` (since ${m.startedOn})` : "")).join("; ") || "none recorded"],
  ]);
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
          e.classification ? "" : "suggested type",
          e.needsReview ? "REVIEW: label differs from suggestion" : e.labelConfirmed ? "label confirmed on review" : "",
          e.consciousnessImpaired ? "IMPAIRED CONSCIOUSNESS" : "",
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
  paragraph(doc, `Computed over ${window}, most urgent first.`, { size: 9 });
  doc.moveDown(0.2);
  for (const f of a.redFlags) {
    subheading(doc, `[${URGENCY_TEXT[f.urgency]}] ${RED_FLAG_LABELS[f.code]}`, 30);
    paragraph(doc, f.message);
    if (f.evidence.summary) paragraph(doc, `Evidence: ${f.evidence.summary}`, { size: 9, indent: 12 });
    paragraph(doc, `Advice: ${f.advice}`, { size: 9, indent: 12 });
  }
}

function checklistSection(doc: Doc, data: ReportData) {
  heading(doc, REPORT_SECTION_LABELS.checklist);
  const a = data.assessment;
  if (!a) return;
  paragraph(doc, "Suggested items are those the patient's data points to, with the reasons; only a clinician sets a status.", { size: 8 });
  doc.moveDown(0.2);
  table(
    doc,
    [
      { header: "Cause", weight: 22 },
      { header: "Suggested (why)", weight: 30 },
      { header: "Status", weight: 11 },
      { header: "Note", weight: 22 },
      { header: "Set by", weight: 15 },
    ],
    a.checklist.map((c) => [
      `${c.label}\n(${c.source === "article" ? "source article" : "clinical literature"}${c.weakEvidence ? "; weak clinical evidence" : ""})`,
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
