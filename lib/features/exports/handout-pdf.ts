/**
 * The patient handout: the plain-language advice (lib/core/clinical/handout.ts) and the patient's own
 * warning signs, as one content model shared by the PDF and the printable page. Printed with a
 * diary link, it is in the link's language and carries a box with the link's QR code, its address
 * and the day it stops working.
 */
import "server-only";
import qrcode from "qrcode-generator";
import { z } from "zod";
import { HANDOUT_WORDS, handoutDate, type HandoutLanguage, type HandoutSection } from "@/lib/core/clinical/handout";
import { RED_FLAG_CODES } from "@/lib/core/clinical/red-flags";
import { parseWith } from "@/lib/core/validation/common";
import { asDiaryLanguage } from "@/lib/core/diary/messages";
import type { Actor } from "@/lib/server/permissions";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { invalid, notFound } from "@/lib/server/errors";
import { guarded, inTransaction } from "@/lib/server/transaction";
import { requirePatientInScope } from "@/lib/server/scope";
import { getAssessment } from "@/lib/features/assessment/data";
import { DIARY_TOKEN_PREFIX, diaryPath, diaryTokenHash } from "@/lib/features/diary/data";
import { MARGIN, bullet, contentWidth, createDocument, ensureSpace, finish, footers, heading, paragraph, title, type Doc } from "./pdf";
import type { HandoutData } from "./report-data";

/** The diary link a handout is printed with: its full address (with the token) and its end. */
export interface HandoutDiaryLink {
  url: string;
  expiresAt: Date;
}

export interface HandoutContent {
  language: HandoutLanguage;
  title: string;
  forWhom: string;
  date: string;
  warningsTitle: string;
  /** Sentences about the patient's own warning signs, most urgent first (empty when there are none). */
  warnings: string[];
  sections: readonly HandoutSection[];
  closing: string;
  /** The diary box, when printed with a link. */
  diary: { title: string; scan: string; keep: string; url: string; worksUntil: string } | null;
}

export function handoutContent(data: HandoutData, opts: { language?: HandoutLanguage; diary?: HandoutDiaryLink | null } = {}): HandoutContent {
  const language = opts.language ?? "en";
  const w = HANDOUT_WORDS[language];
  const codes = new Set(data.redFlags.map((f) => f.code));
  // "Frequent, not linked to exertion" already says "frequent": one sentence is enough.
  if (codes.has("FREQUENT_WITHOUT_EXERTION")) codes.delete("FREQUENT_EPISODES");
  const day = (at: Date) => handoutDate(at, language, data.timeZone);
  return {
    language,
    title: w.title,
    forWhom: w.forWhom(`${data.patient.givenName} ${data.patient.familyName}`),
    date: w.givenOn(day(data.producedAt), data.producedBy.name, data.patient.clinicName),
    warningsTitle: w.warningsTitle,
    warnings: RED_FLAG_CODES.filter((c) => codes.has(c)).map((c) => w.redFlagText(c)),
    sections: w.sections,
    closing: w.closing(data.patient.clinicName),
    diary: opts.diary
      ? { title: w.diary.title, scan: w.diary.scan, keep: w.diary.keep, url: opts.diary.url, worksUntil: w.diary.worksUntil(day(opts.diary.expiresAt)) }
      : null,
  };
}

/** Points per QR module on paper: about 0.85 mm, which a phone reads at arm's length. */
export const HANDOUT_QR_MODULE_PT = 2.4;
/** Light modules around the code, which readers need to find it. */
export const HANDOUT_QR_QUIET_MODULES = 4;
/** Padding inside the diary box, in points. */
export const HANDOUT_BOX_PAD = 10;

/** The QR code of `text` (medium error correction, as lib/core/qr.ts draws it for the page). */
function qrOf(text: string) {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  return qr;
}

/** The side of a QR code on paper, quiet zone included, in points. */
const qrSide = (qr: ReturnType<typeof qrOf>, module: number) => (qr.getModuleCount() + 2 * HANDOUT_QR_QUIET_MODULES) * module;

/**
 * Draws `text` as a QR code at (x, y), quiet zone included, as filled vector rectangles (one per
 * run of dark modules in a row): sharp at any print size, and no image file. Returns its side.
 */
export function drawQr(doc: Doc, text: string, x: number, y: number, module = HANDOUT_QR_MODULE_PT): number {
  const qr = qrOf(text);
  const count = qr.getModuleCount();
  const side = qrSide(qr, module);
  const x0 = x + HANDOUT_QR_QUIET_MODULES * module;
  const y0 = y + HANDOUT_QR_QUIET_MODULES * module;
  doc.save();
  doc.rect(x, y, side, side).fillColor("white").fill();
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < count && qr.isDark(row, col)) col++;
      doc.rect(x0 + start * module, y0 + row * module, (col - start) * module, module);
    }
  }
  doc.fillColor("black").fill();
  doc.restore();
  return side;
}

/** The box "Your symptom diary": the QR code on the left, what to do, the address and the end date on the right. */
function diaryBox(doc: Doc, d: NonNullable<HandoutContent["diary"]>): void {
  const pad = HANDOUT_BOX_PAD;
  const side = qrSide(qrOf(d.url), HANDOUT_QR_MODULE_PT);
  const textX = MARGIN + pad + side + pad;
  const textW = contentWidth(doc) - (textX - MARGIN) - pad;
  // The address on one line where it fits (at 6 to 8 pt): a break inside it would read as part of it.
  doc.font("Sans");
  let urlSize = 8;
  while (urlSize > 6 && doc.fontSize(urlSize).widthOfString(d.url) > textW) urlSize -= 0.5;
  const measure = () => {
    doc.font("Sans-Bold").fontSize(13);
    let h = doc.heightOfString(d.title, { width: textW }) + 4;
    doc.font("Sans").fontSize(11);
    h += doc.heightOfString(d.scan, { width: textW }) + 4;
    h += doc.heightOfString(d.keep, { width: textW }) + 4;
    doc.font("Sans-Bold").fontSize(11);
    h += doc.heightOfString(d.worksUntil, { width: textW }) + 4;
    doc.font("Sans").fontSize(urlSize);
    h += doc.heightOfString(d.url, { width: textW });
    return h;
  };
  const height = Math.max(side, measure()) + 2 * pad;
  ensureSpace(doc, height + 12);
  doc.moveDown(0.4);
  const top = doc.y;
  doc.rect(MARGIN, top, contentWidth(doc), height).lineWidth(1.5).strokeColor("black").stroke();
  drawQr(doc, d.url, MARGIN + pad, top + pad);
  doc.fillColor("black");
  doc.font("Sans-Bold").fontSize(13).text(d.title, textX, top + pad, { width: textW });
  doc.moveDown(0.2);
  doc.font("Sans").fontSize(11).text(d.scan, textX, doc.y, { width: textW });
  doc.moveDown(0.2);
  doc.text(d.keep, textX, doc.y, { width: textW });
  doc.moveDown(0.2);
  doc.font("Sans-Bold").fontSize(11).text(d.worksUntil, textX, doc.y, { width: textW });
  doc.moveDown(0.2);
  // The address in full, for typing it in: it breaks anywhere, since it has no spaces.
  doc.font("Sans").fontSize(urlSize).text(d.url, textX, doc.y, { width: textW });
  doc.x = MARGIN;
  doc.y = top + height + 6;
  doc.font("Sans").fontSize(10);
}

export async function buildHandoutPdf(data: HandoutData, opts: { language?: HandoutLanguage; diary?: HandoutDiaryLink | null } = {}): Promise<Buffer> {
  const c = handoutContent(data, opts);
  const w = HANDOUT_WORDS[c.language];
  const doc = createDocument({ title: c.title, author: data.producedBy.name, subject: w.subject });
  // createDocument writes the document's language as en-GB; a Spanish handout says es-ES, so that
  // screen readers speak it in Spanish (pdfkit writes the catalogue when the document ends).
  (doc as unknown as { _root: { data: { Lang?: unknown } } })._root.data.Lang = new String(w.locale);
  title(doc, c.title, c.forWhom);
  paragraph(doc, c.date, { size: 10 });
  if (c.diary) diaryBox(doc, c.diary);
  if (c.warnings.length) {
    heading(doc, c.warningsTitle);
    for (const warning of c.warnings) bullet(doc, warning, { size: 12, marker: "!" });
  }
  for (const section of c.sections) {
    heading(doc, section.title);
    for (const item of section.items) bullet(doc, item, { size: 12 });
  }
  doc.moveDown(0.5);
  paragraph(doc, c.closing, { size: 12, bold: true });
  footers(doc, (page, pages) => `${c.title} · ${c.forWhom} · ${w.page(page, pages)}`);
  return finish(doc);
}

// ---------------------------------------------------------------------------------------------
// Data: the handout printed with a diary link. It reads the link (lib/features/diary) and the
// assessment, so it lives with the handout export rather than in the diary feature.

const diaryHandoutSchema = z
  .object({ token: z.string({ error: "Send the diary link's token (shown when the link was given)" }).min(1, "Send the diary link's token").max(200, "Not a diary link's token") })
  .strict();

/** A handout to print with a diary link: the handout's data, the link, and its path (with the token). */
export interface DiaryHandout {
  data: HandoutData;
  link: { id: string; language: HandoutLanguage; expiresAt: Date; path: string };
}

/**
 * The handout with a diary link of this patient, in the link's language. The token (known only
 * when the link was given: it is stored as a hash) must open a working link of this very patient;
 * an unknown, expired or revoked token, or another patient's, answers NOT_FOUND and records only
 * the refusal. Audited as EXPORT_HANDOUT with the link's id (never the token).
 */
export async function getDiaryHandout(actor: Actor, patientId: string, input: unknown): Promise<DiaryHandout> {
  const parsed = parseWith(diaryHandoutSchema, input ?? {});
  const details = { what: "patient-handout", format: "pdf", withDiaryLink: true };
  const refusal: AuditInput = { action: "EXPORT_HANDOUT", patientId, targetType: "Patient", targetId: patientId, details };
  const producedAt = new Date();
  const loaded = await guarded(actor, "clinical:read", refusal, async (tx) => {
    const scoped = await requirePatientInScope(tx, actor, patientId);
    if (!parsed.ok) throw invalid(parsed.fields);
    const token = parsed.data.token;
    const link = token.startsWith(DIARY_TOKEN_PREFIX)
      ? await tx.diaryLink.findFirst({
          where: { tokenHash: diaryTokenHash(token), patientId, revokedAt: null, expiresAt: { gt: producedAt } },
          select: { id: true, language: true, expiresAt: true },
        })
      : null;
    if (!link) throw notFound("Working diary link of this patient");
    const patient = await tx.patient.findUniqueOrThrow({
      where: { id: patientId },
      select: { givenName: true, familyName: true, mrn: true, clinic: { select: { name: true } } },
    });
    return { link, token, patient, timeZone: scoped.clinic.timeZone };
  });
  const assessment = await getAssessment(actor, patientId, producedAt);
  const language = asDiaryLanguage(loaded.link.language);
  await inTransaction((tx) =>
    appendAudit(tx, actor, {
      ...refusal,
      details: { ...details, diaryLinkId: loaded.link.id, language, redFlags: assessment.redFlags.map((f) => f.code) },
    }),
  );
  return {
    data: {
      patient: { givenName: loaded.patient.givenName, familyName: loaded.patient.familyName, mrn: loaded.patient.mrn, clinicName: loaded.patient.clinic.name },
      timeZone: loaded.timeZone,
      redFlags: assessment.redFlags,
      producedBy: { name: actor.name },
      producedAt,
    },
    link: { id: loaded.link.id, language, expiresAt: loaded.link.expiresAt, path: diaryPath(loaded.token) },
  };
}
