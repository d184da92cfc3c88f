/**
 * tests/helpers/pdf.ts, which the PDF export tests read their files with: on a small PDF made
 * here with pdfkit, it finds every page, the words of each (signs outside Latin-1 included) and
 * tells a page that draws from a blank one.
 */
import path from "node:path";
import PDFDocument from "pdfkit";
import { describe, expect, it } from "vitest";
import { openPdf } from "../helpers/pdf";

const FONT = path.join(process.cwd(), "node_modules", "dejavu-fonts-ttf", "ttf", "DejaVuSans.ttf");

/** Page 1: words in an embedded font, wrapped over lines; page 2: one black square, 1 inch wide; page 3: nothing. */
function samplePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 50 });
  const parts: Buffer[] = [];
  doc.on("data", (b: Buffer) => parts.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(parts)));
    doc.on("error", reject);
  });
  doc.font(FONT).fontSize(12).text("Wiśniewska-Łęcka, Zofia (MRN RPT-1)");
  doc.text("≥ 7 min, 38.4 °C, µ-test");
  doc.text("a phrase long enough to wrap onto the next line of this narrow column", { width: 120 });
  doc.addPage();
  doc.rect(100, 100, 72, 72).fill("black");
  doc.addPage();
  doc.end();
  return done;
}

describe("openPdf", () => {
  it("reads the words of each page as written, wrapped lines joined by single spaces", async () => {
    const { pages, text } = await openPdf(await samplePdf());
    expect(pages).toHaveLength(3);
    expect(pages[0].text).toContain("Wiśniewska-Łęcka, Zofia (MRN RPT-1)");
    expect(pages[0].text).toContain("≥ 7 min, 38.4 °C, µ-test"); // micro sign, not Greek mu
    expect(pages[0].text).toContain("a phrase long enough to wrap onto the next line of this narrow column");
    expect(pages[1].text).toBe("");
    expect(text).toBe(pages.map((p) => p.text).join(" "));
  });

  it("renders every page at the resolution asked, and counts what each draws", async () => {
    const { pages } = await openPdf(await samplePdf(), { dpi: 72 });
    for (const page of pages) {
      expect([page.width, page.height]).toEqual([595, 842]); // A4 (595.28 x 841.89 points) at 72 dpi
      expect(page.png.subarray(1, 4).toString("latin1")).toBe("PNG");
    }
    expect(pages[0].inkedPixels).toBeGreaterThan(500);
    // The square: 72 x 72 pixels, give or take its anti-aliased edge.
    expect(pages[1].inkedPixels).toBeGreaterThanOrEqual(72 * 72);
    expect(pages[1].inkedPixels).toBeLessThanOrEqual(74 * 74);
    expect(pages[2].inkedPixels).toBe(0);
  });

  it("rejects a file that is not a PDF", async () => {
    await expect(openPdf(Buffer.from("not a pdf at all"))).rejects.toThrow();
  });
});
