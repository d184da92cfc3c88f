/**
 * The patient handout: the plain-language advice (lib/core/clinical/handout.ts) and the patient's own
 * warning signs, as one content model shared by the PDF and the printable page.
 */
import "server-only";
import { HANDOUT_SECTIONS, handoutRedFlagText, type HandoutSection } from "@/lib/core/clinical/handout";
import { RED_FLAG_CODES } from "@/lib/core/clinical/red-flags";
import { bullet, createDocument, finish, footers, heading, paragraph, title } from "./pdf";
import type { HandoutData } from "./report-data";

export interface HandoutContent {
  title: string;
  forWhom: string;
  date: string;
  /** Sentences about the patient's own warning signs, most urgent first (empty when there are none). */
  warnings: string[];
  sections: readonly HandoutSection[];
  closing: string;
}

export function handoutContent(data: HandoutData): HandoutContent {
  const codes = new Set(data.redFlags.map((f) => f.code));
  // "Frequent, not linked to exertion" already says "frequent": one sentence is enough.
  if (codes.has("FREQUENT_WITHOUT_EXERTION")) codes.delete("FREQUENT_EPISODES");
  return {
    title: "Leg cramps: what you can do",
    forWhom: `For ${data.patient.givenName} ${data.patient.familyName}`,
    date: `Given on ${new Intl.DateTimeFormat("en-GB", { timeZone: data.timeZone, day: "numeric", month: "long", year: "numeric" }).format(data.producedAt)} by ${data.producedBy.name}, ${data.patient.clinicName}`,
    warnings: RED_FLAG_CODES.filter((c) => codes.has(c)).map((c) => handoutRedFlagText(c)),
    sections: HANDOUT_SECTIONS,
    closing: `If you have questions, or your cramps change, contact ${data.patient.clinicName}.`,
  };
}

export async function buildHandoutPdf(data: HandoutData): Promise<Buffer> {
  const c = handoutContent(data);
  const doc = createDocument({ title: c.title, author: data.producedBy.name, subject: "Advice for the patient" });
  title(doc, c.title, c.forWhom);
  paragraph(doc, c.date, { size: 10 });
  if (c.warnings.length) {
    heading(doc, "Your warning signs");
    for (const w of c.warnings) bullet(doc, w, { size: 12, marker: "!" });
  }
  for (const section of c.sections) {
    heading(doc, section.title);
    for (const item of section.items) bullet(doc, item, { size: 12 });
  }
  doc.moveDown(0.5);
  paragraph(doc, c.closing, { size: 12, bold: true });
  footers(doc, (page, pages) => `${c.title} · ${c.forWhom} · Page ${page} of ${pages}`);
  return finish(doc);
}
