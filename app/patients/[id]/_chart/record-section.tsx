"use client";
import { useCallback, useEffect, useRef, type ReactNode } from "react";
import { RECORD_EVENT, type RecordKind } from "./record-actions";

/**
 * A tab's record form, folded until asked for: open when the URL says ?record=1 (the header's
 * button, the shortcut, a shared link), with the focus in `focusId`; the header's button opens it
 * again on the same tab.
 */
export function RecordSection({
  kind,
  summary,
  open,
  focusId,
  children,
}: {
  kind: RecordKind;
  summary: string;
  /** The URL asked for the form (?record=1). */
  open: boolean;
  /** The field that takes the focus when the form opens on request. */
  focusId: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const openAndFocus = useCallback(() => {
    const details = ref.current;
    if (!details) return;
    details.open = true;
    const field = document.getElementById(focusId) ?? details.querySelector<HTMLElement>("input, select, textarea");
    details.scrollIntoView({ block: "start" });
    field?.focus({ preventScroll: true });
  }, [focusId]);

  useEffect(() => {
    if (open) openAndFocus();
  }, [open, openAndFocus]);

  useEffect(() => {
    const onRecord = (e: Event) => {
      if ((e as CustomEvent<RecordKind>).detail === kind) openAndFocus();
    };
    window.addEventListener(RECORD_EVENT, onRecord);
    return () => window.removeEventListener(RECORD_EVENT, onRecord);
  }, [kind, openAndFocus]);

  return (
    <details ref={ref} id="record" className="card chart-record-form" open={open || undefined}>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}
