/**
 * PDF building blocks on pdfkit: an A4 document with an embedded Unicode font, headings,
 * paragraphs, tables that break across pages, bar charts drawn as vectors, and a footer on every
 * page. Everything reads in black and white: bars carry their numbers and patterns, and no
 * meaning is carried by colour alone.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";

/**
 * DejaVu Sans (from the dejavu-fonts-ttf package) instead of the 14 standard PDF fonts, which only
 * cover Latin-1: patient names in any European script, and signs such as ≥, ° and µ, print as
 * written. Only the glyphs used are embedded.
 */
const FONT_DIR = process.env.PDF_FONT_DIR ?? path.join(process.cwd(), "node_modules", "dejavu-fonts-ttf", "ttf");
const FONT_FILES = { regular: "DejaVuSans.ttf", bold: "DejaVuSans-Bold.ttf" } as const;
let fonts: { regular: Buffer; bold: Buffer } | null = null;

// The font files are read at run time from FONT_DIR; without these markers the build would trace
// the whole project into the server's output, since it cannot tell which file a variable names.
const fontPath = (file: string) => path.join(/*turbopackIgnore: true*/ FONT_DIR, file);

function loadFonts() {
  fonts ??= {
    regular: fs.readFileSync(/*turbopackIgnore: true*/ fontPath(FONT_FILES.regular)),
    bold: fs.readFileSync(/*turbopackIgnore: true*/ fontPath(FONT_FILES.bold)),
  };
  return fonts;
}

export type Doc = PDFKit.PDFDocument;

export const MARGIN = 50;
export const FOOTER_SPACE = 28;

export function createDocument(info: { title: string; author: string; subject: string }): Doc {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: MARGIN + FOOTER_SPACE, left: MARGIN, right: MARGIN },
    bufferPages: true,
    font: fontPath(FONT_FILES.regular),
    lang: "en-GB",
    displayTitle: true,
    info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: "Cramp Clinic", Producer: "Cramp Clinic (pdfkit)" },
  });
  doc.registerFont("Sans", f.regular);
  doc.registerFont("Sans-Bold", f.bold);
  doc.font("Sans").fontSize(10).fillColor("black");
  return doc;
}

/** The finished document's bytes. */
export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    doc.on("data", (b: Buffer) => parts.push(b));
    doc.on("end", () => resolve(Buffer.concat(parts)));
    doc.on("error", reject);
    doc.end();
  });
}

export const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page unless `height` more points fit on this one. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

export function title(doc: Doc, text: string, subtitle?: string): void {
  doc.font("Sans-Bold").fontSize(18).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  if (subtitle) doc.font("Sans").fontSize(12).text(subtitle, { width: contentWidth(doc) });
  doc.moveDown(0.6);
  doc.font("Sans").fontSize(10);
}

/** A section heading with a rule under it; kept with at least `keep` points of what follows. */
export function heading(doc: Doc, text: string, keep = 60): void {
  ensureSpace(doc, 30 + keep);
  doc.moveDown(0.5);
  const y = doc.y;
  doc.font("Sans-Bold").fontSize(13).text(text, MARGIN, y, { width: contentWidth(doc) });
  const ruleY = doc.y + 2;
  doc.moveTo(MARGIN, ruleY).lineTo(MARGIN + contentWidth(doc), ruleY).lineWidth(0.8).strokeColor("black").stroke();
  doc.y = ruleY + 6;
  doc.font("Sans").fontSize(10);
}

export function subheading(doc: Doc, text: string, keep = 40): void {
  ensureSpace(doc, 18 + keep);
  doc.moveDown(0.3);
  doc.font("Sans-Bold").fontSize(11).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.font("Sans").fontSize(10);
  doc.moveDown(0.2);
}

export function paragraph(doc: Doc, text: string, opts: { size?: number; bold?: boolean; indent?: number } = {}): void {
  const size = opts.size ?? 10;
  const indent = opts.indent ?? 0;
  doc.font(opts.bold ? "Sans-Bold" : "Sans").fontSize(size);
  ensureSpace(doc, doc.heightOfString(text, { width: contentWidth(doc) - indent }));
  doc.text(text, MARGIN + indent, doc.y, { width: contentWidth(doc) - indent });
  doc.font("Sans").fontSize(10);
}

/** A bulleted item; the bullet is a character, so it prints and extracts as text. */
export function bullet(doc: Doc, text: string, opts: { size?: number; marker?: string } = {}): void {
  const size = opts.size ?? 10;
  const marker = opts.marker ?? "•";
  const indent = size * 1.4;
  doc.font("Sans").fontSize(size);
  const h = doc.heightOfString(text, { width: contentWidth(doc) - indent });
  ensureSpace(doc, h);
  const y = doc.y;
  doc.text(marker, MARGIN, y, { width: indent, lineBreak: false });
  doc.text(text, MARGIN + indent, y, { width: contentWidth(doc) - indent });
  doc.moveDown(0.15);
}

/** Label: value pairs in two columns. */
export function facts(doc: Doc, pairs: [string, string][], labelWidth = 130): void {
  for (const [label, value] of pairs) {
    const width = contentWidth(doc) - labelWidth;
    doc.font("Sans-Bold").fontSize(10);
    const labelH = doc.heightOfString(label, { width: labelWidth - 8 });
    doc.font("Sans");
    const h = Math.max(doc.heightOfString(value || "—", { width }), labelH, 12);
    ensureSpace(doc, h);
    const y = doc.y;
    doc.font("Sans-Bold").text(label, MARGIN, y, { width: labelWidth - 8 });
    doc.font("Sans").text(value || "—", MARGIN + labelWidth, y, { width });
    doc.y = Math.max(doc.y, y + h) + 2;
  }
}

export interface Column {
  header: string;
  /** Share of the content width (the shares are scaled to fill it). */
  weight: number;
}

/** A table with a header row repeated on every page it spans; cells wrap. */
export function table(doc: Doc, columns: Column[], rows: string[][], opts: { size?: number } = {}): void {
  const size = opts.size ?? 8.5;
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * contentWidth(doc));
  const pad = 3;
  const rowHeight = (cells: string[], bold: boolean) => {
    doc.font(bold ? "Sans-Bold" : "Sans").fontSize(size);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c || " ", { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], bold: boolean, shade: boolean) => {
    const h = rowHeight(cells, bold);
    const y = doc.y;
    let x = MARGIN;
    if (shade) doc.rect(MARGIN, y, contentWidth(doc), h).fillColor(bold ? "#d9d9d9" : "#f2f2f2").fill();
    doc.fillColor("black").font(bold ? "Sans-Bold" : "Sans").fontSize(size);
    cells.forEach((c, i) => {
      doc.text(c || "", x + pad, y + pad, { width: widths[i] - 2 * pad });
      x += widths[i];
    });
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + contentWidth(doc), y + h).lineWidth(bold ? 0.8 : 0.3).strokeColor("black").stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  const header = columns.map((c) => c.header);
  ensureSpace(doc, rowHeight(header, true) + 20);
  drawRow(header, true, true);
  rows.forEach((row, i) => {
    if (doc.y + rowHeight(row, false) > bottom(doc)) {
      doc.addPage();
      drawRow(header, true, true);
    }
    drawRow(row, false, i % 2 === 1);
  });
  doc.font("Sans").fontSize(10);
  doc.moveDown(0.5);
}

// ---------------------------------------------------------------------------------------------
// Charts

export type Pattern = "solid" | "diagonal" | "cross" | "horizontal" | "vertical" | "dots" | "backslash" | "empty";
export const PATTERNS: readonly Pattern[] = ["diagonal", "solid", "cross", "horizontal", "dots", "vertical", "backslash", "empty"];

/** Fills a rectangle with a pattern that survives black-and-white printing and photocopying. */
function patternRect(doc: Doc, x: number, y: number, w: number, h: number, pattern: Pattern): void {
  if (w <= 0 || h <= 0) return;
  doc.save();
  if (pattern === "solid") {
    doc.rect(x, y, w, h).fillColor("#404040").fill();
  } else if (pattern !== "empty") {
    doc.rect(x, y, w, h).clip();
    doc.lineWidth(0.7).strokeColor("black").fillColor("black");
    const step = 4;
    if (pattern === "diagonal" || pattern === "cross")
      for (let d = -h; d < w; d += step) doc.moveTo(x + d, y + h).lineTo(x + d + h, y).stroke();
    if (pattern === "backslash" || pattern === "cross")
      for (let d = -h; d < w; d += step) doc.moveTo(x + d, y).lineTo(x + d + h, y + h).stroke();
    if (pattern === "horizontal") for (let yy = y + 2; yy < y + h; yy += step) doc.moveTo(x, yy).lineTo(x + w, yy).stroke();
    if (pattern === "vertical") for (let xx = x + 2; xx < x + w; xx += step) doc.moveTo(xx, y).lineTo(xx, y + h).stroke();
    if (pattern === "dots") for (let yy = y + 2; yy < y + h; yy += step) for (let xx = x + 2; xx < x + w; xx += step) doc.circle(xx, yy, 0.8).fill();
  }
  doc.restore();
  doc.rect(x, y, w, h).lineWidth(0.8).strokeColor("black").stroke();
}

/** A small integer scale for an axis: a step of 1, 2 or 5 times a power of ten. */
function niceMax(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow);
  return { top: Math.ceil(max / step) * step, step };
}

/** Vertical bars over time, each with its count above it; a caption says what is counted. */
export function columnChart(doc: Doc, opts: { title: string; bars: { label: string; value: number }[]; yLabel: string; height?: number }): void {
  const height = opts.height ?? 150;
  ensureSpace(doc, height + 60);
  doc.font("Sans-Bold").fontSize(10).text(opts.title, MARGIN, doc.y);
  doc.moveDown(0.3);
  const top = doc.y + 8;
  const left = MARGIN + 34;
  const width = contentWidth(doc) - 40;
  const { top: max, step } = niceMax(Math.max(...opts.bars.map((b) => b.value), 0));
  const yOf = (v: number) => top + height - (v / max) * height;
  doc.font("Sans").fontSize(7).fillColor("black");
  for (let v = 0; v <= max; v += step) {
    doc.moveTo(left, yOf(v)).lineTo(left + width, yOf(v)).lineWidth(0.3).dash(2, { space: 2 }).strokeColor("#808080").stroke().undash();
    doc.text(String(v), MARGIN, yOf(v) - 4, { width: 30, align: "right", lineBreak: false });
  }
  doc.moveTo(left, top).lineTo(left, top + height).lineTo(left + width, top + height).lineWidth(0.8).strokeColor("black").stroke();
  const slot = width / Math.max(1, opts.bars.length);
  const barW = Math.min(28, slot * 0.7);
  const labelEvery = Math.ceil(opts.bars.length / 16);
  opts.bars.forEach((b, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const y = yOf(b.value);
    patternRect(doc, x, y, barW, top + height - y, "solid");
    doc.fillColor("black").fontSize(7).text(String(b.value), x - 6, y - 10, { width: barW + 12, align: "center", lineBreak: false });
    if (i % labelEvery === 0) doc.text(b.label, left + i * slot + slot / 2 - 30, top + height + 3, { width: 60, align: "center", lineBreak: false });
  });
  doc.fontSize(7).text(opts.yLabel, MARGIN, top - 12, { lineBreak: false });
  doc.x = MARGIN;
  doc.y = top + height + 18;
  doc.font("Sans").fontSize(10);
}

/** Horizontal bars, one per category: name on the left, a distinct pattern, the count on the right. */
export function barChart(doc: Doc, opts: { title: string; bars: { label: string; value: number }[] }): void {
  const rowH = 16;
  ensureSpace(doc, opts.bars.length * rowH + 40);
  doc.font("Sans-Bold").fontSize(10).text(opts.title, MARGIN, doc.y);
  doc.moveDown(0.3);
  const labelW = 150;
  const left = MARGIN + labelW;
  const width = contentWidth(doc) - labelW - 40;
  const max = Math.max(1, ...opts.bars.map((b) => b.value));
  let y = doc.y + 2;
  opts.bars.forEach((b, i) => {
    doc.font("Sans").fontSize(8.5).fillColor("black").text(b.label, MARGIN, y + 2, { width: labelW - 8, lineBreak: false, ellipsis: true });
    const w = (b.value / max) * width;
    patternRect(doc, left, y, Math.max(w, 0.5), rowH - 5, PATTERNS[i % PATTERNS.length]);
    doc.fillColor("black").text(String(b.value), left + w + 5, y + 2, { width: 40, lineBreak: false });
    y += rowH;
  });
  doc.moveTo(left, doc.y).lineTo(left, y - 3).lineWidth(0.8).strokeColor("black").stroke();
  doc.x = MARGIN;
  doc.y = y + 6;
  doc.font("Sans").fontSize(10);
}

/** Writes `text(page, pages)` at the foot of every page (call once, after the content). */
export function footers(doc: Doc, text: (page: number, pages: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would otherwise start a new page.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    doc.moveTo(MARGIN, y - 4).lineTo(doc.page.width - MARGIN, y - 4).lineWidth(0.5).strokeColor("black").stroke();
    doc.font("Sans").fontSize(8).fillColor("black").text(text(i - range.start + 1, range.count), MARGIN, y, { width: doc.page.width - 2 * MARGIN, align: "center", lineBreak: false });
    doc.page.margins.bottom = saved;
  }
}
