"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { KeyboardEvent } from "react";

/** The chart's tabs: each its own route under /patients/[id]. */
export const CHART_TABS = [
  { segment: "", label: "Overview" },
  { segment: "episodes", label: "Episodes" },
  { segment: "visits", label: "Visits and labs" },
  { segment: "checklist", label: "Checklist" },
  { segment: "trends", label: "Trends" },
  { segment: "reports", label: "Reports and diary" },
  { segment: "history", label: "History" },
] as const;

/** Deep pages and the tab they belong to (the report options and the handout are reports). */
const PARENT_TAB: Record<string, string> = { report: "reports", handout: "reports" };

/** "page" on the tab shown; "true" on the tab a deeper page (an episode, a visit) belongs to. */
function currentOf(pathname: string, base: string, segment: string): "page" | "true" | undefined {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length).replace(/^\//, "") : null;
  if (rest === null) return undefined;
  const [first = "", ...deeper] = rest.split("/");
  if (first === segment && deeper.length === 0) return "page";
  if (segment && (first === segment || PARENT_TAB[first] === segment)) return "true";
  return undefined;
}

/**
 * Plain links (a tab survives a reload and a share, and works without JavaScript), in the Tab
 * order; the arrow keys, Home and End also move between them.
 */
export function ChartTabs({ patientId }: { patientId: string }) {
  const pathname = usePathname();
  const base = `/patients/${encodeURIComponent(patientId)}`;
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const links = Array.from(e.currentTarget.querySelectorAll<HTMLAnchorElement>("a"));
    const at = links.indexOf(e.target as HTMLAnchorElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: links.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    links[(to + links.length) % links.length].focus();
  };
  return (
    <nav className="chart-tabs" aria-label="Patient chart" onKeyDown={onKeyDown}>
      {CHART_TABS.map((t) => (
        <Link key={t.segment} href={t.segment ? `${base}/${t.segment}` : base} aria-current={currentOf(pathname, base, t.segment)} prefetch={false}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
