import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/http/session";
import { getHandout } from "@/lib/features/exports/data";
import { pageData } from "@/lib/http/page-data";
import { handoutContent } from "@/lib/features/exports/handout-pdf";
import { PrintButton } from "@/app/_components/export/print-button";

export const metadata: Metadata = { title: "Patient handout" };

// On paper only the handout itself: no navigation, no buttons, black text, larger type.
const PRINT_CSS = `
.handout { max-width: 46rem; font-size: 1.1rem; line-height: 1.5; }
.handout h2 { border-bottom: 1px solid currentColor; padding-bottom: .2rem; }
.handout .warnings { border: 2px solid currentColor; border-radius: 6px; padding: .25rem 1rem .5rem; }
.handout .warnings li::marker { content: "! "; font-weight: 700; }
@media print {
  header.app-header, .skip-link, .no-print { display: none !important; }
  main { max-width: none; padding: 0; }
  body { background: #fff; color: #000; }
  .handout { max-width: none; font-size: 12pt; }
  .handout h2 { break-after: avoid; }
  .handout section { break-inside: avoid; }
  a { color: #000; text-decoration: none; }
}`;

export default async function HandoutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor();
  const c = handoutContent(await pageData(getHandout(actor, id, "html")));
  return (
    <>
      <style>{PRINT_CSS}</style>
      <div className="toolbar no-print">
        <Link href={`/patients/${id}/reports`}>← Reports</Link>
        <span style={{ flex: 1 }} />
        <PrintButton label="Print handout" />
        <a className="btn secondary" href={`/api/v1/patients/${encodeURIComponent(id)}/handout.pdf`} target="_blank" rel="noopener">PDF</a>
      </div>
      <article className="handout">
        <h1>{c.title}</h1>
        <p><strong>{c.forWhom}</strong></p>
        <p>{c.date}</p>
        {c.warnings.length > 0 && (
          <section className="warnings" aria-labelledby="warnings-title">
            <h2 id="warnings-title">Your warning signs</h2>
            <ul>{c.warnings.map((w) => <li key={w}>{w}</li>)}</ul>
          </section>
        )}
        {c.sections.map((s, i) => (
          <section key={s.title} aria-labelledby={`handout-${i}`}>
            <h2 id={`handout-${i}`}>{s.title}</h2>
            <ul>{s.items.map((item) => <li key={item}>{item}</li>)}</ul>
          </section>
        ))}
        <p><strong>{c.closing}</strong></p>
      </article>
    </>
  );
}
