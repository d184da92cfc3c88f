"use client";
import { useActionState, useEffect, useRef, useState } from "react";
import { initialFormState, type FormState } from "@/lib/core/form-state";
import { formatInZone } from "@/lib/core/clinical/time";
import { HANDOUT_LANGUAGE_LABELS, HANDOUT_LANGUAGES } from "@/lib/core/clinical/handout";
import { errorProps, FieldError, FormAlert } from "../../../_components/field";
import type { DiaryLinkFormState, GivenDiaryLink } from "./diary-actions";
import styles from "./diary-links.module.css";

type PrintState = { phase: "idle" } | { phase: "running" } | { phase: "done"; href: string } | { phase: "error"; message: string };

async function refusalText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (response.status === 404) return "This link no longer works (it was stopped or has expired), so the handout cannot carry it. Give a new link.";
    return body.error?.message ?? `The handout could not be made (error ${response.status}).`;
  } catch {
    return `The handout could not be made (error ${response.status}).`;
  }
}

/**
 * The link just given, shown this once: its address and QR code, a Copy button, when it stops
 * working, and the handout printed with it. The token lives only in this component's memory.
 */
function GivenLink({ link, patientId, patientLabel, timeZone, onHide }: { link: GivenDiaryLink; patientId: string; patientLabel: string; timeZone: string; onHide: () => void }) {
  const [copied, setCopied] = useState(false);
  const [print, setPrint] = useState<PrintState>({ phase: "idle" });
  const blobUrl = useRef<string | null>(null);
  useEffect(() => () => {
    if (blobUrl.current) URL.revokeObjectURL(blobUrl.current);
  }, []);

  async function printHandout() {
    setPrint({ phase: "running" });
    try {
      const response = await fetch(`/api/v1/patients/${encodeURIComponent(patientId)}/handout.pdf`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: link.token }),
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) {
        setPrint({ phase: "error", message: await refusalText(response) });
        return;
      }
      const blob = await response.blob();
      if (blobUrl.current) URL.revokeObjectURL(blobUrl.current);
      const href = (blobUrl.current = URL.createObjectURL(new Blob([blob], { type: "application/pdf" })));
      setPrint({ phase: "done", href });
      // Opened in a new tab to print from the PDF viewer; if the browser blocks it, the link below opens it.
      window.open(href, "_blank");
    } catch {
      setPrint({ phase: "error", message: "The handout could not be fetched. Check the connection and try again." });
    }
  }

  const expires = formatInZone(new Date(link.expiresAt), timeZone);
  return (
    <section className={`alert ok ${styles.given}`} aria-labelledby="given-link-title" data-testid="given-diary-link">
      <h3 id="given-link-title" style={{ marginTop: 0 }}>Diary link for {patientLabel}</h3>
      <p className="alert warn" style={{ margin: "0 0 .75rem" }}>
        <strong>Shown only this once.</strong> Only a fingerprint of the link is kept, so it cannot be shown again: copy it or print the handout now. If it is lost, stop it and give a new one.
      </p>
      <div className={styles.body}>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL drawn on the server */}
        <img src={link.qr} alt="QR code of the diary link" width={180} height={180} className={styles.qr} />
        <div className={styles.text}>
          <label htmlFor="given-link-url">Diary link</label>
          <div className="inline">
            <input id="given-link-url" type="text" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} className={styles.url} aria-describedby="given-link-facts" />
            <button
              type="button"
              className="btn secondary"
              onClick={async () => {
                try {
                  await navigator.clipboard.writeText(link.url);
                  setCopied(true);
                } catch {
                  document.getElementById("given-link-url")?.focus();
                }
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <dl id="given-link-facts" className="facts" style={{ margin: ".75rem 0" }}>
            <dt>Works until</dt>
            <dd data-testid="given-link-expires">{expires}</dd>
            <dt>Language</dt>
            <dd>{HANDOUT_LANGUAGE_LABELS[link.language]}: the diary and the handout</dd>
          </dl>
          <div className="inline">
            <button type="button" className="btn" onClick={printHandout} disabled={print.phase === "running"}>
              {print.phase === "running" ? "Preparing the handout…" : "Print handout with this link"}
            </button>
            <button type="button" className="btn secondary" onClick={onHide}>Done, hide the link</button>
          </div>
          <div aria-live="polite">
            {print.phase === "done" && (
              <p style={{ margin: ".5rem 0 0" }}>
                The handout opened in a new tab.{" "}
                <a href={print.href} target="_blank" rel="noopener">Open the handout (PDF)</a> if it did not.
              </p>
            )}
            {print.phase === "error" && <p className="error-text" role="alert">{print.message}</p>}
          </div>
        </div>
      </div>
    </section>
  );
}

/** "Give diary link": the language and how many days it works; the clinic's default filled in. */
export function GiveDiaryLinkForm({
  action,
  patientId,
  patientLabel,
  timeZone,
  defaultDays,
  maxDays,
}: {
  action: (s: DiaryLinkFormState, f: FormData) => Promise<DiaryLinkFormState>;
  patientId: string;
  patientLabel: string;
  timeZone: string;
  defaultDays: number;
  maxDays: number;
}) {
  const [state, formAction, pending] = useActionState<DiaryLinkFormState, FormData>(action, initialFormState);
  // The last link given stays in view until hidden, even when a later submission is refused.
  const [given, setGiven] = useState<{ at: number; link: GivenDiaryLink; hidden: boolean } | null>(null);
  if (state.status === "ok" && state.link && state.submission !== undefined && given?.at !== state.submission) {
    setGiven({ at: state.submission, link: state.link, hidden: false });
  }
  const f = state.fields ?? {};
  const v = state.status === "error" ? (state.values as Record<string, string> | undefined) : undefined;
  const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
  return (
    <>
      {given && !given.hidden && (
        <GivenLink key={`link-${given.at}`} link={given.link} patientId={patientId} patientLabel={patientLabel} timeZone={timeZone} onHide={() => setGiven({ ...given, hidden: true })} />
      )}
      <form action={formAction} key={`form-${state.submission ?? 0}`} noValidate aria-labelledby="give-link-title">
        <h3 id="give-link-title">Give diary link</h3>
        <FormAlert status={state.status} message={state.message} fields={state.fields} />
        <fieldset aria-describedby={f.language ? "link-language-error" : undefined}>
          <legend>Language of the diary and the handout</legend>
          <div className="inline">
            {HANDOUT_LANGUAGES.map((code) => (
              <label key={code} className="choice">
                <input type="radio" name="language" value={code} defaultChecked={(v?.language ?? "en") === code} /> {HANDOUT_LANGUAGE_LABELS[code]}
              </label>
            ))}
          </div>
          <FieldError id="link-language" error={f.language} />
        </fieldset>
        <div className="field">
          <label htmlFor="link-days">Works for (days)</label>
          <p className="hint" id="link-days-hint">
            The clinic&apos;s setting is {days(defaultDays)}; at most {days(maxDays)}.
          </p>
          <input
            id="link-days"
            name="expiresInDays"
            type="number"
            inputMode="numeric"
            min={1}
            max={maxDays}
            step={1}
            defaultValue={v?.expiresInDays ?? String(defaultDays)}
            style={{ width: "8rem" }}
            {...errorProps("link-days", f.expiresInDays, "link-days-hint")}
          />
          <FieldError id="link-days" error={f.expiresInDays} />
        </div>
        <button className="btn" type="submit" disabled={pending}>{pending ? "Giving the link…" : "Give diary link"}</button>
      </form>
    </>
  );
}

/** "Stop link", after a confirmation: the link stops working at once. */
export function StopLinkButton({ action, label }: { action: (s: FormState) => Promise<FormState>; label: string }) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(`Stop ${label}? The patient can no longer send entries with it; this cannot be undone.`)) e.preventDefault();
      }}
    >
      <div aria-live="polite">{state.status === "error" && <p className="error-text" role="alert">{state.message}</p>}</div>
      <button className="btn danger small" type="submit" disabled={pending} aria-label={`Stop ${label}`}>{pending ? "Stopping…" : "Stop link"}</button>
    </form>
  );
}
