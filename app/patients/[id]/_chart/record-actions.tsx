"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type MouseEvent } from "react";

export type RecordKind = "episode" | "visit";

/** Asks the record form of the tab already shown to open and take the focus (RecordSection listens). */
export const RECORD_EVENT = "chart:record";

const TAB: Record<RecordKind, string> = { episode: "episodes", visit: "visits" };
/** The keyboard shortcuts, shown on the buttons. */
export const RECORD_KEYS: Record<RecordKind, string> = { episode: "n", visit: "v" };

/** The tab's record form, open and focused. */
const recordHref = (base: string, kind: RecordKind) => `${base}/${TAB[kind]}?record=1#record`;

/** A key pressed while typing in a field, or with a modifier, is not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || !!target.closest("input, textarea, select, [contenteditable], [role=textbox], [role=combobox]");
}

/**
 * "Record episode" and "Record visit" on every tab, and their shortcuts N and V: each opens the
 * record form of its tab, focused (/patients/[id]/episodes?record=1#record).
 */
export function RecordActions({ patientId }: { patientId: string }) {
  const pathname = usePathname();
  const router = useRouter();
  const base = `/patients/${encodeURIComponent(patientId)}`;
  const href = (kind: RecordKind) => recordHref(base, kind);

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      const kind = (Object.keys(RECORD_KEYS) as RecordKind[]).find((k) => RECORD_KEYS[k] === e.key.toLowerCase());
      if (!kind) return;
      e.preventDefault();
      if (pathname === `${base}/${TAB[kind]}`) window.dispatchEvent(new CustomEvent(RECORD_EVENT, { detail: kind }));
      else router.push(recordHref(base, kind));
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [pathname, base, router]);

  // Already on the tab: the same URL would not open the form again, so ask it directly.
  const onClick = (kind: RecordKind) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (pathname !== `${base}/${TAB[kind]}`) return;
    e.preventDefault();
    window.dispatchEvent(new CustomEvent(RECORD_EVENT, { detail: kind }));
  };
  return (
    <div className="chart-record">
      <Link className="btn small" href={href("episode")} onClick={onClick("episode")} aria-keyshortcuts="n" title="Record an episode (shortcut: N)" prefetch={false}>
        Record episode <kbd aria-hidden="true">N</kbd>
      </Link>
      <Link className="btn small secondary" href={href("visit")} onClick={onClick("visit")} aria-keyshortcuts="v" title="Record a visit (shortcut: V)" prefetch={false}>
        Record visit <kbd aria-hidden="true">V</kbd>
      </Link>
    </div>
  );
}
