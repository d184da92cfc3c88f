"use client";
import { signOut } from "next-auth/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { SESSION_WARNING_MS as WARNING_MS } from "@/lib/core/password-policy";

type SessionState = { ok: true; remainingMs: number; limit: "IDLE" | "ABSOLUTE" } | { ok: false; reason: string };

/** Asks the server how long the session has left; POST counts as activity, GET does not. */
async function askServer(method: "GET" | "POST"): Promise<SessionState> {
  try {
    const response = await fetch("/api/session", { method, cache: "no-store", credentials: "same-origin" });
    // Without a session cookie the proxy answers 401 before the route: the session is gone too.
    if (response.status === 401) return { ok: false, reason: "NO_SESSION" };
    if (!response.ok) return { ok: false, reason: "UNREACHABLE" };
    return (await response.json()) as SessionState;
  } catch {
    return { ok: false, reason: "UNREACHABLE" };
  }
}

/**
 * Warns one minute before the 15-minute idle limit and offers to stay signed in; when time runs
 * out, shows the sign-in page. The server is the judge: before warning and before signing out it
 * asks how long is left (without extending it), so activity in another tab or a page visited
 * meanwhile counts. Mounted by the root layout for signed-in users.
 */
export function IdleTimeout({ expiresAt }: { expiresAt: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const deadline = useRef(0);
  const [warning, setWarning] = useState<null | "IDLE" | "ABSOLUTE">(null);
  const [secondsLeft, setSecondsLeft] = useState(60);
  const [busy, setBusy] = useState(false);

  const leave = useCallback((reason: string) => {
    clearTimeout(timer.current);
    const ended = ["ABSOLUTE_TIMEOUT", "REVOKED", "INACTIVE", "ENDED"].includes(reason) ? reason : reason === "NO_SESSION" ? "ENDED" : "IDLE_TIMEOUT";
    // A full page load on purpose, not router.push: it also drops the client router's cache,
    // which holds the patient pages seen in this tab.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/signin?ended=${ended}`);
  }, []);

  // `schedule` and `check` call each other through timers; a ref keeps the latest `check`.
  const checkRef = useRef<(atDeadline: boolean) => void>(() => {});
  const schedule = useCallback((remainingMs: number, kind: "IDLE" | "ABSOLUTE") => {
    clearTimeout(timer.current);
    deadline.current = Date.now() + remainingMs;
    if (remainingMs > WARNING_MS) {
      setWarning(null);
      timer.current = setTimeout(() => checkRef.current(false), remainingMs - WARNING_MS);
    } else {
      setWarning(kind);
      setSecondsLeft(Math.max(0, Math.ceil(remainingMs / 1000)));
      timer.current = setTimeout(() => checkRef.current(true), remainingMs + 500);
    }
  }, []);

  const check = useCallback(
    async (atDeadline: boolean) => {
      const state = await askServer("GET");
      if (state.ok) {
        // A few seconds of grace at the deadline: the server ends the session on the next request.
        if (atDeadline && state.remainingMs < 1000) return schedule(1500, state.limit);
        return schedule(state.remainingMs, state.limit);
      }
      // Unreachable server before the deadline: warn from our own count; at the deadline, leave.
      if (state.reason === "UNREACHABLE" && !atDeadline) return schedule(Math.max(0, deadline.current - Date.now()), "IDLE");
      leave(state.reason);
    },
    [leave, schedule],
  );
  useEffect(() => {
    checkRef.current = (atDeadline) => void check(atDeadline);
  }, [check]);

  // On mount (and when the layout renders again after a server round trip): start from the
  // expiry the page was rendered with, and ask the server at once, since this browser's clock
  // may differ from the server's; from then on all times are the server's, relative to now.
  useEffect(() => {
    deadline.current = Date.parse(expiresAt);
    timer.current = setTimeout(() => checkRef.current(false), 0);
    return () => clearTimeout(timer.current);
  }, [expiresAt]);

  // The countdown in the dialog.
  useEffect(() => {
    if (!warning) return;
    const tick = setInterval(() => setSecondsLeft(Math.max(0, Math.ceil((deadline.current - Date.now()) / 1000))), 1000);
    return () => clearInterval(tick);
  }, [warning]);

  // Open and close the modal dialog with the warning; focus goes to its first button and back.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (warning && !dialog.open) {
      returnFocus.current = document.activeElement;
      dialog.showModal();
      stayRef.current?.focus();
    } else if (!warning && dialog.open) {
      dialog.close();
      if (returnFocus.current instanceof HTMLElement) returnFocus.current.focus();
    }
  }, [warning]);

  const stay = useCallback(async () => {
    if (warning === "ABSOLUTE") {
      // Nothing can extend the 12-hour limit: acknowledge, and leave at the deadline.
      setWarning(null);
      return;
    }
    setBusy(true);
    const state = await askServer("POST");
    setBusy(false);
    if (state.ok) schedule(state.remainingMs, state.limit);
    else leave(state.reason);
  }, [warning, schedule, leave]);

  return (
    <dialog
      ref={dialogRef}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="idle-timeout-title"
      aria-describedby="idle-timeout-text"
      // Escape must not quietly dismiss the warning and leave the timer running: it stays signed in.
      onCancel={(event) => {
        event.preventDefault();
        void stay();
      }}
      // Some browsers close the dialog on a repeated Escape without a cancelable event: same answer.
      onClose={() => {
        if (warning) void stay();
      }}
      style={{ maxWidth: "28rem", border: "2px solid #12263a", borderRadius: 8, padding: "1.25rem" }}
    >
      <h2 id="idle-timeout-title" style={{ marginTop: 0 }}>
        {warning === "ABSOLUTE" ? "Your session is about to end" : "Are you still there?"}
      </h2>
      <p id="idle-timeout-text">
        {warning === "ABSOLUTE"
          ? "You have been signed in for 12 hours, the longest a session may last. "
          : "To protect patient information you will be signed out after 15 minutes without activity. "}
        You will be signed out in <strong>{secondsLeft} {secondsLeft === 1 ? "second" : "seconds"}</strong>; anything not
        saved will be lost.
      </p>
      <div className="toolbar" style={{ marginBottom: 0 }}>
        <button ref={stayRef} type="button" className="btn" onClick={() => void stay()} disabled={busy}>
          {warning === "ABSOLUTE" ? "OK" : busy ? "Staying signed in…" : "Stay signed in"}
        </button>
        <button type="button" className="btn secondary" onClick={() => void signOut({ callbackUrl: "/signin" })}>
          Sign out now
        </button>
      </div>
    </dialog>
  );
}
