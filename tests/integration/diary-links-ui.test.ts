/**
 * The clinician's side of diary links (the chart's Reports and diary tab): the handout printed
 * with a link (POST /api/v1/patients/{id}/handout.pdf with the token in the body), opened as a
 * reader of the file would, its QR code read back module by module from the rendered page; the
 * refusals (a stopped, expired, unknown or other patient's token) and their audit rows; the
 * panel's data and the links table as a reader and a writer see it.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import qrcode from "qrcode-generator";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createPatient } from "@/lib/features/patients/data";
import { createDiaryLink, revokeDiaryLink, submitDiaryEntry, type NewDiaryLink } from "@/lib/features/diary/data";
import { HANDOUT_BOX_PAD, HANDOUT_QR_MODULE_PT, HANDOUT_QR_QUIET_MODULES } from "@/lib/features/exports/handout-pdf";
import { loadDiaryLinksPanel } from "@/lib/features/diary/loaders";
import { MARGIN } from "@/lib/features/exports/pdf";
import { HANDOUT_SECTIONS, HANDOUT_WORDS, handoutDate } from "@/lib/core/clinical/handout";
import { HANDOUT_SECTIONS_ES } from "@/lib/core/clinical/handout-es";
import * as handoutRoute from "@/app/api/v1/patients/[id]/handout.pdf/route";
import { DiaryLinksTable } from "@/app/patients/[id]/reports/diary-links-table";
import { createWorld, validPatient } from "../factories/world";
import { BASE, tokenFor } from "../helpers/api";
import { openPdf } from "../helpers/pdf";

let world: Awaited<ReturnType<typeof createWorld>>;
let patientId: string;
let otherPatientId: string;
let clinicianToken: string;
let readerToken: string;
let outsiderToken: string;
const TZ = "Europe/Berlin";

beforeAll(async () => {
  world = await createWorld(db);
  patientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "DLU-1", givenName: "Lucía", familyName: "Peña Ibáñez" }))).id;
  otherPatientId = (await createPatient(world.actors.clinician, validPatient({ mrn: "DLU-2", givenName: "Otto", familyName: "Other" }))).id;
  clinicianToken = await tokenFor(world.actors.clinician);
  readerToken = await tokenFor(world.actors.reader);
  outsiderToken = await tokenFor(world.actors.outsider);
});

interface PdfAnswer {
  status: number;
  type: string | null;
  bytes: Uint8Array;
  json: { error?: { code: string; message: string; fields: Record<string, string> } } | null;
}

/** POSTs to the handout route as the route handler gets it from Next. */
async function printHandout(id: string, body: unknown, apiToken = clinicianToken): Promise<PdfAnswer> {
  const request = new Request(`${BASE}/api/v1/patients/${id}/handout.pdf`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const response = await handoutRoute.POST(request, { params: Promise.resolve({ id }) });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const type = response.headers.get("content-type");
  const json = type?.includes("json") ? JSON.parse(Buffer.from(bytes).toString("utf8")) : null;
  return { status: response.status, type, bytes, json };
}

const lastSeq = async () => (await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0;
const rowsAfter = (seq: number) => db.auditEvent.findMany({ where: { seq: { gt: seq } }, orderBy: { seq: "asc" } });
const linkUrl = (link: NewDiaryLink) => `${BASE}${link.path}`;
/** The text of a PDF without its line breaks (a long address may wrap). */
const squeezed = (text: string) => text.replace(/\s+/g, "");

/**
 * Reads the QR code drawn in the handout's diary box back from the rendered first page: finds its
 * top-left finder pattern in the code's first column (where the box puts it), then compares the
 * centre of every module with the code qrcode-generator makes for `text`.
 */
async function expectQrOnPage(png: Buffer, dpi: number, text: string) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, image.width, image.height);
  const dark = (x: number, y: number) => {
    const i = (Math.round(y) * width + Math.round(x)) * 4;
    return data[i] + data[i + 1] + data[i + 2] < 3 * 128;
  };
  const px = dpi / 72;
  const m = HANDOUT_QR_MODULE_PT * px;
  const left = (MARGIN + HANDOUT_BOX_PAD + HANDOUT_QR_QUIET_MODULES * HANDOUT_QR_MODULE_PT) * px;
  // The finder's left edge is a dark run seven modules tall with the light quiet zone beside it.
  const column = left + m / 2;
  let top = -1;
  for (let y = 0; y < height && top < 0; y++) {
    if (!dark(column, y)) continue;
    let end = y;
    while (end < height && dark(column, end)) end++;
    const run = end - y;
    const quiet = !dark(left - m * 1.5, y + run / 2);
    if (Math.abs(run - 7 * m) < m / 2 && quiet) top = y;
    y = end;
  }
  expect(top, "the QR code's finder pattern in the diary box").toBeGreaterThan(0);
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const wrong: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (dark(left + (col + 0.5) * m, top + (row + 0.5) * m) !== qr.isDark(row, col)) wrong.push(`${row},${col}`);
    }
  }
  expect(wrong, "modules that differ from the code of the link's address").toEqual([]);
}

describe("the handout printed with a diary link (POST handout.pdf)", () => {
  it("carries the QR code of the link, its address and the day it stops working, in Spanish for a Spanish link", async () => {
    const link = await createDiaryLink(world.actors.clinician, patientId, { language: "es", expiresInDays: 30 });
    const before = await lastSeq();
    const answer = await printHandout(patientId, { token: link.token });
    expect(answer.status).toBe(200);
    expect(answer.type).toBe("application/pdf");
    const pdf = await openPdf(answer.bytes, { dpi: 216 });
    const es = HANDOUT_WORDS.es;
    expect(pdf.text).toContain(es.title);
    expect(pdf.text).toContain("Para Lucía Peña Ibáñez");
    expect(pdf.text).toContain(es.diary.title); // "Su diario de síntomas"
    expect(pdf.text).toContain(es.diary.worksUntil(handoutDate(link.expiresAt, "es", TZ)));
    expect(pdf.text).toMatch(/El enlace funciona hasta el \d{1,2} de [a-z]+ de \d{4}\./);
    expect(squeezed(pdf.text)).toContain(squeezed(linkUrl(link)));
    for (const s of HANDOUT_SECTIONS_ES) expect(pdf.text).toContain(s.title);
    for (const s of HANDOUT_SECTIONS) expect(pdf.text).not.toContain(s.title);
    expect(pdf.text).toContain("Página 1 de");
    await expectQrOnPage(pdf.pages[0].png, 216, linkUrl(link));

    const written = await rowsAfter(before);
    const exported = written.filter((r) => r.action === "EXPORT_HANDOUT");
    expect(exported.map((r) => [r.outcome, r.userId, r.patientId])).toEqual([["SUCCESS", world.users.clinician.id, patientId]]);
    expect(JSON.parse(exported[0].details)).toMatchObject({ what: "patient-handout", format: "pdf", withDiaryLink: true, diaryLinkId: link.id, language: "es" });
    // The token is the credential: it is never written down, neither in the audit nor on the link.
    expect(JSON.stringify(written)).not.toContain(link.token);
  });

  it("is in English for an English link, with the expiry date on the clinic's calendar", async () => {
    const link = await createDiaryLink(world.actors.clinician, patientId, { language: "en" });
    const answer = await printHandout(patientId, { token: link.token });
    expect(answer.status).toBe(200);
    const { text } = await openPdf(answer.bytes);
    expect(text).toContain("Your symptom diary");
    expect(text).toContain(`The link works until ${handoutDate(link.expiresAt, "en", TZ)}.`);
    expect(text).toMatch(/The link works until \d{1,2} [A-Z][a-z]+ \d{4}\./);
    expect(squeezed(text)).toContain(squeezed(linkUrl(link)));
    for (const s of HANDOUT_SECTIONS) expect(text).toContain(s.title);
    expect(text).not.toContain("Su diario");
  });

  it("may be printed by a read-only user who holds the token (the handout is a read)", async () => {
    const link = await createDiaryLink(world.actors.clinician, patientId, {});
    expect((await printHandout(patientId, { token: link.token }, readerToken)).status).toBe(200);
  });

  it("answers 404 for a stopped, expired, unknown or other patient's token, and records only the refusal", async () => {
    const stopped = await createDiaryLink(world.actors.clinician, patientId, {});
    await revokeDiaryLink(world.actors.clinician, stopped.id);
    const expired = await createDiaryLink(world.actors.clinician, patientId, {});
    await db.diaryLink.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const others = await createDiaryLink(world.actors.clinician, otherPatientId, { language: "es" });
    const working = await createDiaryLink(world.actors.clinician, patientId, {});
    const cases: [string, string, string, string][] = [
      ["stopped", patientId, stopped.token, clinicianToken],
      ["expired", patientId, expired.token, clinicianToken],
      ["unknown", patientId, `cd_${"x".repeat(43)}`, clinicianToken],
      ["not a diary token", patientId, "hello", clinicianToken],
      ["another patient's", patientId, others.token, clinicianToken],
      ["this patient's token on another patient", otherPatientId, working.token, clinicianToken],
      ["a user of another clinic", patientId, working.token, outsiderToken],
    ];
    for (const [what, id, token, apiToken] of cases) {
      const before = await lastSeq();
      const answer = await printHandout(id, { token }, apiToken);
      expect({ what, status: answer.status, code: answer.json?.error?.code }).toEqual({ what, status: 404, code: "NOT_FOUND" });
      const written = await rowsAfter(before);
      expect(written.filter((r) => r.action.startsWith("EXPORT") && r.outcome === "SUCCESS"), what).toEqual([]);
      expect(written.filter((r) => r.action === "EXPORT_HANDOUT").map((r) => r.outcome), what).toEqual(["DENIED"]);
      expect(JSON.stringify(written), what).not.toContain(token);
    }
    // The other patient's link still works for its own patient.
    expect((await printHandout(otherPatientId, { token: others.token })).status).toBe(200);
  });

  it("answers field by field when the body has no token or something else", async () => {
    const missing = await printHandout(patientId, {});
    expect(missing.status).toBe(400);
    expect(missing.json?.error?.fields.token).toMatch(/token/);
    const extra = await printHandout(patientId, { token: "cd_x", url: "https://evil.example/" });
    expect(extra.status).toBe(400);
    expect(Object.keys(extra.json?.error?.fields ?? {})).toContain("url");
  });

  it("leaves the GET handout as it was: English, no diary box", async () => {
    const request = new Request(`${BASE}/api/v1/patients/${patientId}/handout.pdf`, { headers: { authorization: `Bearer ${clinicianToken}` } });
    const response = await handoutRoute.GET(request, { params: Promise.resolve({ id: patientId }) });
    expect(response.status).toBe(200);
    const { text } = await openPdf(new Uint8Array(await response.arrayBuffer()));
    expect(text).toContain(HANDOUT_WORDS.en.title);
    expect(text).not.toContain("Your symptom diary");
    expect(text).not.toContain("/diary/");
  });
});

describe("the diary panel of the Reports and diary tab", () => {
  it("has the clinic's default life of a link, and each link's use, language and status", async () => {
    await db.clinic.update({ where: { id: world.clinic.id }, data: { diaryLinkDays: 30 } });
    const fresh = (await createPatient(world.actors.clinician, validPatient({ mrn: "DLU-3", givenName: "Rosa", familyName: "Fresh" }))).id;
    const used = await createDiaryLink(world.actors.clinician, fresh, { language: "es" });
    await submitDiaryEntry(used.token, { occurredAt: new Date(Date.now() - 3600_000).toISOString(), durationSeconds: 45, side: "LEFT" }, { ip: null, idempotencyKey: "panel-00000001" });
    const stopped = await createDiaryLink(world.actors.clinician, fresh, {});
    await revokeDiaryLink(world.actors.clinician, stopped.id);
    const panel = await loadDiaryLinksPanel(world.actors.reader, fresh);
    expect(panel.defaultDays).toBe(30);
    expect(panel.maxDays).toBe(365);
    const byId = new Map(panel.links.map((l) => [l.id, l]));
    expect(byId.get(used.id)).toMatchObject({ language: "es", entries: 1, active: true, createdBy: "clinician", revokedAt: null });
    expect(byId.get(used.id)!.lastUsedAt).toBeInstanceOf(Date);
    expect(byId.get(stopped.id)).toMatchObject({ entries: 0, active: false, lastUsedAt: null });
    // A stopped link's default life followed the clinic's setting: 30 days.
    const days = (byId.get(stopped.id)!.expiresAt.getTime() - byId.get(stopped.id)!.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    await db.clinic.update({ where: { id: world.clinic.id }, data: { diaryLinkDays: 90 } });

    await expect(loadDiaryLinksPanel(world.actors.outsider, fresh)).rejects.toMatchObject({ code: "NOT_FOUND" });

    const expired = await createDiaryLink(world.actors.clinician, fresh, {});
    await db.diaryLink.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const links = (await loadDiaryLinksPanel(world.actors.clinician, fresh)).links;
    const html = (canStop: boolean) => renderToStaticMarkup(createElement(DiaryLinksTable, { links, timeZone: TZ, canStop }));
    const writer = html(true);
    for (const words of ["Active", "Expired", "Stopped", "Spanish (español)", "English", "never", "Entries sent", "by clinician"]) expect(writer).toContain(words);
    expect(writer).not.toMatch(/>(es|en|ACTIVE|REVOKED)</);
    // One "Stop link" button, for the one working link, named by when and by whom it was given.
    expect(writer.match(/>Stop link</g)).toHaveLength(1);
    expect(writer).toMatch(/aria-label="Stop link given on [^"]+ by clinician"/);
    const reader = html(false);
    expect(reader).toContain("Active");
    expect(reader).not.toContain("Stop link");
  });
});
