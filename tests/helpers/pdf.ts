/**
 * Opens a PDF as a reader of the file would, in JavaScript only (no poppler): pdfjs-dist's Node
 * build parses it, extracts the words of each page and renders each page to a bitmap with
 * @napi-rs/canvas (prebuilt inside its npm package). A page that fails to render rejects.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

// pdfjs reads its font and decoder data from files in Node; the folder paths must end with a slash.
const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
const dataDir = (name: string) => path.join(pdfjsDir, name) + path.sep;

export interface PdfPage {
  /** The page's words, whitespace (line ends included) collapsed to single spaces. */
  text: string;
  /** The rendered page, as PNG. */
  png: Buffer;
  width: number;
  height: number;
  /** Pixels of the render that are not white: 0 means the page draws nothing. */
  inkedPixels: number;
}

export interface OpenedPdf {
  pages: PdfPage[];
  /** The words of all pages, in order, joined by single spaces. */
  text: string;
}

/** Parses `pdf`, and renders every page at `dpi` (60 by default, enough to see that it draws). */
export async function openPdf(pdf: Uint8Array, { dpi = 60 }: { dpi?: number } = {}): Promise<OpenedPdf> {
  const doc = await getDocument({
    // A copy: pdfjs transfers the buffer it is given to its worker.
    data: new Uint8Array(pdf),
    standardFontDataUrl: dataDir("standard_fonts"),
    cMapUrl: dataDir("cmaps"),
    wasmUrl: dataDir("wasm"),
    iccUrl: dataDir("iccs"),
    verbosity: 0,
  }).promise;
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      // Normalization off: it would turn signs such as µ (micro) into look-alikes (Greek mu).
      const content = await page.getTextContent({ disableNormalization: true });
      const text = content.items
        .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
        .join("")
        .replace(/\s+/g, " ")
        .trim();
      const viewport = page.getViewport({ scale: dpi / 72 });
      const canvas = createCanvas(Math.round(viewport.width), Math.round(viewport.height));
      const context = canvas.getContext("2d");
      await page.render({
        canvas: canvas as unknown as HTMLCanvasElement,
        canvasContext: context as unknown as CanvasRenderingContext2D,
        viewport,
      }).promise;
      const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let inkedPixels = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        // pdfjs paints the page white first, so a transparent pixel would mean nothing was drawn.
        if (rgba[i + 3] > 0 && (rgba[i] < 245 || rgba[i + 1] < 245 || rgba[i + 2] < 245)) inkedPixels++;
      }
      pages.push({ text, png: canvas.toBuffer("image/png"), width: canvas.width, height: canvas.height, inkedPixels });
      page.cleanup();
    }
    return { pages, text: pages.map((p) => p.text).join(" ") };
  } finally {
    await doc.destroy();
  }
}
