"use client";

/**
 * The patient's diary on the phone: one screen per question, the essentials first (what, when,
 * how long, where, pain), then a summary that can send at once; the other questions are optional.
 * Answers are kept on the phone while the patient goes back and forth; a sent entry waits in the
 * phone's queue until the server has it (store.ts), so an entry made offline is neither lost nor
 * doubled. Warning signs of a seizure bring up urgent advice at once.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { IntlProvider, useFormatter, useTranslations } from "use-intl";
import { DIARY_MESSAGES } from "@/lib/core/diary/messages";
import { DIARY_LANGUAGES, DIARY_NOTES_MAX, checkDiaryEntry, type DiaryErrorKey, type DiaryLanguage } from "@/lib/core/diary/entry";
import { MOVEMENTS, MUSCLE_GROUPS, RELIEFS, SIDES, TRIGGERS, type Movement, type Relief, type Trigger } from "@/lib/core/clinical/vocabulary";
import {
  ALL_STEPS,
  DURATION_PRESETS,
  ESSENTIAL_STEPS,
  EXTRA_STEPS,
  YES_NO_FIELDS,
  durationSecondsOf,
  emptyDraft,
  entryOfDraft,
  localDateString,
  newIdempotencyKey,
  occurredAtOf,
  splitDuration,
  stepOfField,
  storagePrefix,
  toggleChoice,
  warningSignsOfDraft,
  type DiaryDraft,
  type DiaryStep,
  type YesNoAnswer,
  type YesNoField,
} from "@/lib/core/diary/lay-words";
import { DIARY_PAGE_CACHE, DIARY_STATIC_CACHE, DIARY_SW_PATH, DIARY_SW_SCOPE } from "../offline";
import { DiaryStore, type DiarySnapshot, type QueuedEntry, type ServerProblems } from "./store";
import styles from "./diary.module.css";

/** How often the page tries again to send what is waiting, in ms. */
const RETRY_EVERY_MS = 30_000;

type View = { kind: "home" } | { kind: "step"; step: DiaryStep } | { kind: "summary" } | { kind: "sent"; key: string; signs: string[] };

interface Props {
  token: string;
  givenName: string;
  /** The link's language: the page starts in it unless the patient chose the other on this phone. */
  linkLanguage: DiaryLanguage;
}

const subscribeOnline = (onChange: () => void) => {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
};

/** Registers the service worker and saves this page and the static files it loaded, so a reload works offline. */
async function keepPageOffline(): Promise<void> {
  // Offline the worker registered before goes on serving; registering again would only fail.
  if (!("serviceWorker" in navigator) || !("caches" in window) || !navigator.onLine) return;
  await navigator.serviceWorker.register(DIARY_SW_PATH, { scope: DIARY_SW_SCOPE });
  await navigator.serviceWorker.ready;
  const pages = await caches.open(DIARY_PAGE_CACHE);
  const pageUrl = location.origin + location.pathname;
  if (!(await pages.match(pageUrl, { ignoreVary: true, ignoreSearch: true }))) {
    const response = await fetch(pageUrl, { cache: "no-store", credentials: "same-origin" });
    if (response.status === 200) await pages.put(pageUrl, response);
  }
  const loaded = new Set<string>();
  const add = (href: string | null) => {
    if (!href) return;
    const url = new URL(href, location.href);
    if (url.origin === location.origin && (url.pathname.startsWith("/_next/static/") || url.pathname === "/icon.svg")) loaded.add(url.href);
  };
  for (const entry of performance.getEntriesByType("resource")) add(entry.name);
  document.querySelectorAll<HTMLScriptElement>("script[src]").forEach((s) => add(s.getAttribute("src")));
  document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"][href], link[rel="preload"][href], link[rel~="icon"][href]').forEach((l) => add(l.getAttribute("href")));
  const statics = await caches.open(DIARY_STATIC_CACHE);
  await Promise.all(
    [...loaded].map(async (url) => {
      if (!(await statics.match(url))) await statics.add(url).catch(() => undefined);
    }),
  );
}

export function DiaryApp({ token, givenName, linkLanguage }: Props) {
  const [store] = useState(() => new DiaryStore(token, storagePrefix(token)));
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
  const language = snapshot.language ?? linkLanguage;
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // Send what waits: now, when the connection returns, and every little while.
  useEffect(() => {
    const attempt = () => {
      void store.flush();
    };
    const back = () => {
      void store.flush().then(() => store.refreshArrived());
    };
    back();
    window.addEventListener("online", back);
    const timer = window.setInterval(attempt, RETRY_EVERY_MS);
    return () => {
      window.removeEventListener("online", back);
      window.clearInterval(timer);
    };
  }, [store]);

  useEffect(() => {
    keepPageOffline().catch(() => undefined);
  }, []);

  return (
    <IntlProvider locale={language} messages={DIARY_MESSAGES[language]} timeZone={timeZone}>
      <Diary store={store} snapshot={snapshot} online={online} givenName={givenName} language={language} />
    </IntlProvider>
  );
}

interface DiaryProps {
  store: DiaryStore;
  snapshot: DiarySnapshot;
  online: boolean;
  givenName: string;
  language: DiaryLanguage;
}

function validate(draft: DiaryDraft): Record<string, DiaryErrorKey> {
  const checked = checkDiaryEntry(entryOfDraft(draft));
  return checked.ok ? {} : checked.errors;
}

function nextOf(step: DiaryStep): View {
  if (step === "pain" || step === EXTRA_STEPS[EXTRA_STEPS.length - 1]) return { kind: "summary" };
  return { kind: "step", step: ALL_STEPS[ALL_STEPS.indexOf(step) + 1] };
}

function backOf(step: DiaryStep): View {
  const i = ALL_STEPS.indexOf(step);
  return i === 0 ? { kind: "home" } : { kind: "step", step: ALL_STEPS[i - 1] };
}

function answered(draft: DiaryDraft, step: DiaryStep): boolean {
  if (step === "triggers") return draft.triggers.length > 0;
  if (step === "relief") return draft.relief.length > 0;
  if (step === "notes") return draft.notes.trim() !== "";
  if ((YES_NO_FIELDS as readonly string[]).includes(step)) return draft.answers[step as YesNoField] !== undefined;
  return true;
}

function Diary({ store, snapshot, online, givenName, language }: DiaryProps) {
  const t = useTranslations();
  const [view, setView] = useState<View>({ kind: "home" });
  const [attempted, setAttempted] = useState(false);
  const [lastStep, setLastStep] = useState<DiaryStep>("pain");
  // The first screen keeps the focus where the browser puts it; later screens move it to their heading.
  const [navigated, setNavigated] = useState(false);
  const draftState = snapshot.draft;
  const draft = draftState?.draft ?? null;

  const go = useCallback((next: View) => {
    setAttempted(false);
    setNavigated(true);
    setView(next);
    if (next.kind === "step") setLastStep(next.step);
    window.scrollTo({ top: 0 });
  }, []);

  const errors = useMemo(() => (draft ? validate(draft) : {}), [draft]);
  const stepErrors = (step: DiaryStep) => Object.fromEntries(Object.entries(errors).filter(([field]) => stepOfField(field) === step));

  const start = () => {
    store.startDraft(emptyDraft(new Date()));
    go({ kind: "step", step: ALL_STEPS[0] });
  };
  const update = (change: (d: DiaryDraft) => DiaryDraft) => store.updateDraft(change);

  const send = () => {
    if (!draft) return;
    const checked = checkDiaryEntry(entryOfDraft(draft));
    if (!checked.ok) {
      setAttempted(true);
      return;
    }
    const key = draftState?.editingKey ?? newIdempotencyKey();
    store.queueEntry({ key, entry: { ...checked.entry }, draft, savedAt: new Date().toISOString(), needsChange: null });
    go({ kind: "sent", key, signs: warningSignsOfDraft(draft) });
    void store.flush();
  };

  const change = (item: QueuedEntry) => {
    store.startDraft(item.draft, item.key, item.needsChange);
    go({ kind: "summary" });
  };

  let body: React.ReactNode;
  if ((view.kind === "step" || view.kind === "summary") && !draft) {
    // The entry was sent or discarded in another tab: back to the diary's start.
    body = <Home snapshot={snapshot} online={online} givenName={givenName} onStart={start} onContinue={() => go({ kind: "summary" })} store={store} onChange={change} focus={false} />;
  } else if (view.kind === "step" && draft) {
    const step = view.step;
    const shown = attempted ? stepErrors(step) : {};
    body = (
      <StepScreen
        key={step}
        step={step}
        draft={draft}
        errors={shown}
        update={update}
        onBack={() => go(backOf(step))}
        onNext={() => {
          if (Object.keys(stepErrors(step)).length > 0) setAttempted(true);
          else go(nextOf(step));
        }}
        onSummary={() => go({ kind: "summary" })}
      />
    );
  } else if (view.kind === "summary" && draft) {
    body = (
      <Summary
        draft={draft}
        errors={errors}
        attempted={attempted}
        serverProblems={draftState?.serverProblems ?? null}
        onChange={(step) => go({ kind: "step", step })}
        onSend={send}
        onMore={() => go({ kind: "step", step: EXTRA_STEPS.find((s) => !answered(draft, s)) ?? EXTRA_STEPS[0] })}
        onBack={() => go({ kind: "step", step: lastStep })}
        onHome={() => go({ kind: "home" })}
      />
    );
  } else if (view.kind === "sent") {
    body = <Sent view={view} snapshot={snapshot} online={online} onHome={() => go({ kind: "home" })} onAnother={start} onChange={change} />;
  } else {
    body = (
      <Home
        snapshot={snapshot}
        online={online}
        givenName={givenName}
        store={store}
        onStart={start}
        onContinue={() => go({ kind: "summary" })}
        onChange={change}
        focus={navigated}
      />
    );
  }

  return (
    <div className={styles.shell}>
      <header className={styles.top}>
        <p className={styles.brand}>{t("header.diaryFor", { name: givenName })}</p>
        <div className={styles.languages} role="group" aria-label={`${t("header.language")} / ${language === "en" ? "Idioma" : "Language"}`}>
          {DIARY_LANGUAGES.map((l) => (
            <button
              key={l}
              type="button"
              lang={l}
              className={styles.language}
              aria-pressed={language === l}
              onClick={() => store.setLanguage(l)}
            >
              {t(`languages.${l}`)}
            </button>
          ))}
        </div>
      </header>
      <main className={styles.main}>{body}</main>
    </div>
  );
}

/** The screen's heading; it takes the focus when the screen opens, so a screen reader reads the new question. */
function Heading({ children, focus = true, id }: { children: React.ReactNode; focus?: boolean; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: true });
  }, [focus]);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} className={styles.heading}>
      {children}
    </h1>
  );
}

function WarningSigns({ signs }: { signs: string[] }) {
  const t = useTranslations("warning");
  const ref = useRef<HTMLDivElement>(null);
  const shown = signs.length > 0;
  useEffect(() => {
    if (shown) ref.current?.scrollIntoView?.({ block: "nearest" });
  }, [shown]);
  return (
    <div ref={ref} role="alert" className={shown ? styles.warning : undefined}>
      {shown && (
        <>
          <h2 className={styles.warningHeading}>{t("heading")}</h2>
          <p>{t("intro")}</p>
          <ul>
            {signs.map((s) => (
              <li key={s}>{t(s)}</li>
            ))}
          </ul>
          <p>
            <strong>{t("emergency")}</strong>
          </p>
          <p>{t("clinic")}</p>
          <p>{t("diary")}</p>
        </>
      )}
    </div>
  );
}

function useDurationWords() {
  const t = useTranslations("entry");
  return (totalSeconds: number) => {
    const { hours, minutes, seconds } = splitDuration(totalSeconds);
    const parts: string[] = [];
    if (hours) parts.push(t("hours", { count: hours }));
    if (minutes) parts.push(t("minutes", { count: minutes }));
    if (seconds || parts.length === 0) parts.push(t("seconds", { count: seconds }));
    return parts.join(" ");
  };
}

const DATE_TIME = { dateStyle: "medium", timeStyle: "short" } as const;

/** One entry in a list: when, how long, which leg, pain. */
function EntryFacts({ occurredAt, durationSeconds, side, painScore }: { occurredAt: unknown; durationSeconds: unknown; side: unknown; painScore: unknown }) {
  const t = useTranslations("entry");
  const format = useFormatter();
  const durationWords = useDurationWords();
  const date = new Date(String(occurredAt));
  const facts = [
    typeof durationSeconds === "number" ? durationWords(durationSeconds) : null,
    typeof side === "string" && (SIDES as readonly string[]).includes(side) ? t(side) : null,
    typeof painScore === "number" ? t("painScore", { score: painScore }) : t("noPain"),
  ].filter(Boolean);
  return (
    <>
      <p className={styles.entryWhen}>{Number.isNaN(date.getTime()) ? "" : format.dateTime(date, DATE_TIME)}</p>
      <p className={styles.entryFacts}>{facts.join(" · ")}</p>
    </>
  );
}

interface HomeProps {
  snapshot: DiarySnapshot;
  online: boolean;
  givenName: string;
  store: DiaryStore;
  onStart: () => void;
  onContinue: () => void;
  onChange: (item: QueuedEntry) => void;
  focus: boolean;
}

function Home({ snapshot, online, givenName, store, onStart, onContinue, onChange, focus }: HomeProps) {
  const t = useTranslations("home");
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const waiting = [...snapshot.queue].reverse();
  const rateLimited = snapshot.waitUntil > 0 && snapshot.queue.some((q) => !q.needsChange);
  return (
    <>
      <Heading focus={focus}>{t("heading", { name: givenName })}</Heading>
      <p>{t("intro")}</p>
      {snapshot.linkGone && (
        <div role="alert" className={styles.problem}>
          <p>{t("linkGone")}</p>
        </div>
      )}
      {!online && (
        <p role="status" className={styles.offline}>
          {t("offline")}
        </p>
      )}
      {!snapshot.linkGone && (
        <div className={styles.actions}>
          {snapshot.draft ? (
            <>
              <button type="button" className={styles.primary} onClick={onContinue}>
                {t("continue")}
              </button>
              {confirmDiscard ? (
                <div className={styles.row}>
                  <button type="button" className={styles.danger} onClick={() => { store.discardDraft(); setConfirmDiscard(false); }}>
                    {t("discardConfirm")}
                  </button>
                  <button type="button" className={styles.secondary} onClick={() => setConfirmDiscard(false)}>
                    {t("keep")}
                  </button>
                </div>
              ) : (
                <button type="button" className={styles.secondary} onClick={() => setConfirmDiscard(true)}>
                  {t("discard")}
                </button>
              )}
            </>
          ) : (
            <button type="button" className={styles.primary} onClick={onStart} disabled={!snapshot.ready}>
              {t("record")}
            </button>
          )}
        </div>
      )}
      <p className={styles.muted}>{t("notUrgent")}</p>

      <section aria-labelledby="diary-waiting">
        <h2 id="diary-waiting" className={styles.subheading}>
          {t("waitingHeading")} {snapshot.ready && `(${snapshot.queue.length})`}
        </h2>
        {snapshot.ready && waiting.length === 0 && <p className={styles.muted}>{t("waitingEmpty")}</p>}
        {waiting.length > 0 && (
          <ul className={styles.entries}>
            {waiting.map((item) => (
              <WaitingItem key={item.key} item={item} snapshot={snapshot} online={online} rateLimited={rateLimited} store={store} onChange={onChange} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="diary-arrived">
        <h2 id="diary-arrived" className={styles.subheading}>
          {t("arrivedHeading")}
        </h2>
        {!online && snapshot.arrived && <p className={styles.muted}>{t("arrivedOffline")}</p>}
        {snapshot.ready && snapshot.arrived === null && <p className={styles.muted}>{online ? t("arrivedLoading") : t("arrivedOffline")}</p>}
        {snapshot.arrived?.length === 0 && <p className={styles.muted}>{t("arrivedEmpty")}</p>}
        {snapshot.arrived && snapshot.arrived.length > 0 && (
          <ul className={styles.entries}>
            {snapshot.arrived.map((entry) => (
              <li key={entry.id} className={styles.entry}>
                <EntryFacts occurredAt={entry.occurredAt} durationSeconds={entry.durationSeconds} side={entry.side} painScore={entry.painScore} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/**
 * Why a sent entry was refused: the phone's own check in the patient's language when it finds the
 * problem, otherwise the server's words (in the link's language).
 */
function EntryProblems({ entry, server }: { entry: Record<string, unknown>; server: ServerProblems }) {
  const t = useTranslations("errors");
  const checked = checkDiaryEntry(entry);
  const own = checked.ok ? [] : [...new Set(Object.values(checked.errors))];
  if (own.length === 0) return <ProblemList problems={server} />;
  return (
    <ul>
      {own.map((k) => (
        <li key={k}>{t(k)}</li>
      ))}
    </ul>
  );
}

function ProblemList({ problems }: { problems: ServerProblems }) {
  const fields = Object.values(problems.fields);
  return (
    <>
      {problems.message && <p>{problems.message}</p>}
      {fields.length > 0 && (
        <ul>
          {fields.map((text, i) => (
            <li key={i}>{text}</li>
          ))}
        </ul>
      )}
    </>
  );
}

function WaitingItem({ item, snapshot, online, rateLimited, store, onChange }: { item: QueuedEntry; snapshot: DiarySnapshot; online: boolean; rateLimited: boolean; store: DiaryStore; onChange: (item: QueuedEntry) => void }) {
  const t = useTranslations("home");
  const format = useFormatter();
  const [confirm, setConfirm] = useState(false);
  let status: string;
  if (item.needsChange) status = t("needsChange");
  else if (snapshot.linkGone) status = "";
  else if (!online) status = t("waitingOffline");
  else if (rateLimited) status = t("rateLimited");
  else if (snapshot.sending) status = t("sending");
  else status = t("waitingRetry");
  return (
    <li className={item.needsChange ? `${styles.entry} ${styles.entryProblem}` : styles.entry}>
      <EntryFacts occurredAt={item.entry.occurredAt} durationSeconds={item.entry.durationSeconds} side={item.entry.side} painScore={item.entry.painScore} />
      <p className={styles.muted}>{t("savedAt", { time: format.dateTime(new Date(item.savedAt), DATE_TIME) })}</p>
      {status && <p className={styles.entryStatus}>{status}</p>}
      {item.needsChange && (
        <>
          <EntryProblems entry={item.entry} server={item.needsChange} />
          <div className={styles.row}>
            <button type="button" className={styles.primary} onClick={() => onChange(item)}>
              {t("change")}
            </button>
            {confirm ? (
              <button type="button" className={styles.danger} onClick={() => store.deleteQueued(item.key)}>
                {t("deleteConfirm")}
              </button>
            ) : (
              <button type="button" className={styles.secondary} onClick={() => setConfirm(true)}>
                {t("delete")}
              </button>
            )}
          </div>
        </>
      )}
    </li>
  );
}

interface StepProps {
  step: DiaryStep;
  draft: DiaryDraft;
  errors: Record<string, DiaryErrorKey>;
  update: (change: (d: DiaryDraft) => DiaryDraft) => void;
  onBack: () => void;
  onNext: () => void;
  onSummary: () => void;
}

function Progress({ step }: { step: DiaryStep }) {
  const t = useTranslations("nav");
  const essential = (ESSENTIAL_STEPS as readonly string[]).indexOf(step);
  const text =
    essential >= 0
      ? t("essentialProgress", { n: essential + 1, total: ESSENTIAL_STEPS.length })
      : t("extraProgress", { n: (EXTRA_STEPS as readonly string[]).indexOf(step) + 1, total: EXTRA_STEPS.length });
  return <p className={styles.progress}>{text}</p>;
}

function ErrorText({ id, errors }: { id: string; errors: Record<string, DiaryErrorKey> }) {
  const t = useTranslations("errors");
  const keys = [...new Set(Object.values(errors))];
  return (
    <div id={id} role="alert" className={keys.length ? styles.errorText : undefined}>
      {keys.map((k) => (
        <p key={k}>{t(k)}</p>
      ))}
    </div>
  );
}

function StepScreen(props: StepProps) {
  const { step, onBack, onNext, onSummary } = props;
  const t = useTranslations("nav");
  const extra = (EXTRA_STEPS as readonly string[]).includes(step);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onNext();
      }}
    >
      <Progress step={step} />
      <StepBody {...props} />
      <div className={styles.nav}>
        <button type="button" className={styles.secondary} onClick={onBack}>
          {t("back")}
        </button>
        <button type="submit" className={styles.primary}>
          {t("next")}
        </button>
      </div>
      {extra && (
        <p className={styles.skip}>
          <button type="button" className={styles.link} onClick={onSummary}>
            {t("toSummary")}
          </button>
        </p>
      )}
    </form>
  );
}

function StepBody(props: StepProps) {
  const { step } = props;
  switch (step) {
    case "movement":
      return <MovementStep {...props} />;
    case "when":
      return <WhenStep {...props} />;
    case "duration":
      return <DurationStep {...props} />;
    case "where":
      return <WhereStep {...props} />;
    case "pain":
      return <PainStep {...props} />;
    case "triggers":
      return <ChoicesStep {...props} kind="triggers" codes={TRIGGERS} exclusive={["UNKNOWN"]} />;
    case "relief":
      return <ChoicesStep {...props} kind="relief" codes={RELIEFS} exclusive={["NONE"]} />;
    case "notes":
      return <NotesStep {...props} />;
    default:
      return <YesNoStep {...props} field={step} />;
  }
}

interface ChoiceProps {
  type: "radio" | "checkbox";
  name: string;
  value: string;
  checked: boolean;
  onChange: () => void;
  label: React.ReactNode;
  hint?: React.ReactNode;
  invalid?: boolean;
  compact?: boolean;
}

/** A large tile: the whole tile is the label of its radio button or checkbox. */
function Choice({ type, name, value, checked, onChange, label, hint, invalid, compact }: ChoiceProps) {
  const id = useId();
  return (
    <label className={compact ? `${styles.choice} ${styles.compact}` : styles.choice} htmlFor={`${id}-input`}>
      <input
        id={`${id}-input`}
        type={type}
        name={name}
        value={value}
        checked={checked}
        onChange={onChange}
        aria-labelledby={`${id}-label`}
        aria-describedby={hint ? `${id}-hint` : undefined}
        aria-invalid={invalid || undefined}
      />
      <span className={styles.choiceText}>
        <span id={`${id}-label`} className={styles.choiceLabel}>
          {label}
        </span>
        {hint && (
          <span id={`${id}-hint`} className={styles.choiceHint}>
            {hint}
          </span>
        )}
      </span>
    </label>
  );
}

/** A question as a group of tiles, its heading the group's legend. */
function Question({ heading, hint, errors, children, headingLevel = 1 }: { heading: string; hint?: string; errors: Record<string, DiaryErrorKey>; children: React.ReactNode; headingLevel?: 1 | 2 }) {
  const id = useId();
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <fieldset className={styles.fieldset} aria-describedby={[hint ? `${id}-hint` : "", hasErrors ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined}>
      <legend className={styles.legend}>{headingLevel === 1 ? <Heading>{heading}</Heading> : <h2 className={styles.legendText}>{heading}</h2>}</legend>
      {hint && (
        <p id={`${id}-hint`} className={styles.hint}>
          {hint}
        </p>
      )}
      <ErrorText id={`${id}-error`} errors={errors} />
      {children}
    </fieldset>
  );
}

function MovementStep({ draft, errors, update }: StepProps) {
  const t = useTranslations("movement");
  const options: (Movement | "UNSURE")[] = [...MOVEMENTS, "UNSURE"];
  return (
    <Question heading={t("heading")} hint={t("hint")} errors={errors}>
      <div className={styles.choices}>
        {options.map((code) => (
          <Choice
            key={code}
            type="radio"
            name="movement"
            value={code}
            checked={draft.movement === code}
            onChange={() => update((d) => ({ ...d, movement: code }))}
            label={t(code)}
            hint={t(`${code}_hint`)}
          />
        ))}
      </div>
    </Question>
  );
}

function WhenStep({ draft, errors, update }: StepProps) {
  const t = useTranslations("when");
  const format = useFormatter();
  const id = useId();
  const started = new Date(draft.startedAt);
  const invalid = Object.keys(errors).length > 0;
  return (
    <Question heading={t("heading")} errors={errors}>
      <div className={styles.choices}>
        <Choice
          type="radio"
          name="when"
          value="now"
          checked={draft.when === "now"}
          onChange={() => update((d) => ({ ...d, when: "now" }))}
          label={t("nowAt", { time: format.dateTime(started, { timeStyle: "short" }) })}
        />
        <Choice type="radio" name="when" value="earlier" checked={draft.when === "earlier"} onChange={() => update((d) => ({ ...d, when: "earlier" }))} label={t("earlier")} />
        {draft.when === "earlier" && (
          <div className={styles.subfields}>
            <label htmlFor={`${id}-earlier`} className={styles.fieldLabel}>
              {t("earlierTime")}
            </label>
            <input
              id={`${id}-earlier`}
              type="time"
              className={styles.input}
              value={draft.earlierTime}
              aria-invalid={invalid || undefined}
              onChange={(e) => {
                const value = e.target.value;
                update((d) => ({ ...d, earlierTime: value }));
              }}
            />
          </div>
        )}
        <Choice type="radio" name="when" value="pick" checked={draft.when === "pick"} onChange={() => update((d) => ({ ...d, when: "pick" }))} label={t("pick")} />
        {draft.when === "pick" && (
          <div className={styles.subfields}>
            <label htmlFor={`${id}-date`} className={styles.fieldLabel}>
              {t("pickDate")}
            </label>
            <input
              id={`${id}-date`}
              type="date"
              className={styles.input}
              value={draft.pickDate}
              max={Number.isNaN(started.getTime()) ? undefined : localDateString(started)}
              aria-invalid={invalid || undefined}
              onChange={(e) => {
                const value = e.target.value;
                update((d) => ({ ...d, pickDate: value }));
              }}
            />
            <label htmlFor={`${id}-time`} className={styles.fieldLabel}>
              {t("pickTime")}
            </label>
            <input
              id={`${id}-time`}
              type="time"
              className={styles.input}
              value={draft.pickTime}
              aria-invalid={invalid || undefined}
              onChange={(e) => {
                const value = e.target.value;
                update((d) => ({ ...d, pickTime: value }));
              }}
            />
          </div>
        )}
      </div>
    </Question>
  );
}

function DurationStep({ draft, errors, update }: StepProps) {
  const t = useTranslations("duration");
  const id = useId();
  const invalid = Object.keys(errors).length > 0;
  return (
    <>
      <Question heading={t("heading")} hint={t("hint")} errors={errors}>
        <div className={styles.choices}>
          {DURATION_PRESETS.map((p) => (
            <Choice
              key={p.id}
              type="radio"
              name="duration"
              value={p.id}
              checked={draft.duration === p.id}
              onChange={() => update((d) => ({ ...d, duration: p.id }))}
              label={t(p.id)}
              invalid={invalid}
            />
          ))}
          <Choice type="radio" name="duration" value="exact" checked={draft.duration === "exact"} onChange={() => update((d) => ({ ...d, duration: "exact" }))} label={t("exact")} invalid={invalid} />
          {draft.duration === "exact" && (
            <div className={`${styles.subfields} ${styles.pair}`}>
              <div>
                <label htmlFor={`${id}-min`} className={styles.fieldLabel}>
                  {t("minutes")}
                </label>
                <input
                  id={`${id}-min`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  step={1}
                  className={styles.input}
                  value={draft.exactMinutes}
                  aria-invalid={invalid || undefined}
                  onChange={(e) => {
                    const value = e.target.value;
                    update((d) => ({ ...d, exactMinutes: value }));
                  }}
                />
              </div>
              <div>
                <label htmlFor={`${id}-sec`} className={styles.fieldLabel}>
                  {t("seconds")}
                </label>
                <input
                  id={`${id}-sec`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={59}
                  step={1}
                  className={styles.input}
                  value={draft.exactSeconds}
                  aria-invalid={invalid || undefined}
                  onChange={(e) => {
                    const value = e.target.value;
                    update((d) => ({ ...d, exactSeconds: value }));
                  }}
                />
              </div>
            </div>
          )}
        </div>
      </Question>
      <WarningSigns signs={warningSignsOfDraft(draft).filter((s) => s === "longEpisode")} />
    </>
  );
}

function WhereStep({ draft, errors, update }: StepProps) {
  const t = useTranslations("where");
  const sideErrors = Object.fromEntries(Object.entries(errors).filter(([f]) => f === "side"));
  const muscleErrors = Object.fromEntries(Object.entries(errors).filter(([f]) => f !== "side"));
  return (
    <>
      <Heading>{t("heading")}</Heading>
      <Question heading={t("side")} errors={sideErrors} headingLevel={2}>
        <div className={styles.choices}>
          {SIDES.map((code) => (
            <Choice
              key={code}
              type="radio"
              name="side"
              value={code}
              checked={draft.side === code}
              onChange={() => update((d) => ({ ...d, side: code }))}
              label={t(code)}
              invalid={"side" in sideErrors}
            />
          ))}
        </div>
      </Question>
      <Question heading={t("muscle")} errors={muscleErrors} headingLevel={2}>
        <div className={`${styles.choices} ${styles.twoColumns}`}>
          {MUSCLE_GROUPS.map((code) => (
            <Choice key={code} type="radio" name="muscleGroup" value={code} checked={draft.muscleGroup === code} onChange={() => update((d) => ({ ...d, muscleGroup: code }))} label={t(code)} compact />
          ))}
        </div>
      </Question>
    </>
  );
}

function PainStep({ draft, errors, update }: StepProps) {
  const t = useTranslations("pain");
  const scores = Array.from({ length: 11 }, (_, i) => i);
  return (
    <Question heading={t("heading")} hint={t("hint")} errors={errors}>
      <div className={styles.painGrid}>
        {scores.map((n) => (
          <Choice key={n} type="radio" name="pain" value={String(n)} checked={draft.pain === n} onChange={() => update((d) => ({ ...d, pain: n }))} label={String(n)} compact />
        ))}
      </div>
      <p className={styles.painEnds} aria-hidden="true">
        <span>0: {t("low")}</span>
        <span>10: {t("high")}</span>
      </p>
      <div className={styles.choices}>
        <Choice type="radio" name="pain" value="skip" checked={draft.pain === "skip"} onChange={() => update((d) => ({ ...d, pain: "skip" }))} label={t("skip")} />
      </div>
    </Question>
  );
}

function YesNoStep({ draft, errors, update, field }: StepProps & { field: DiaryStep }) {
  const t = useTranslations();
  const yesNo = field as YesNoField;
  const options: YesNoAnswer[] = ["yes", "no", "unsure"];
  const signStep = yesNo === "lostAwareness" || yesNo === "tongueBitten" || yesNo === "wetThemselves";
  return (
    <>
      <Question heading={t(`questions.${yesNo}`)} hint={t(`questions.${yesNo}_hint`)} errors={errors}>
        <div className={styles.choices}>
          {options.map((a) => (
            <Choice
              key={a}
              type="radio"
              name={yesNo}
              value={a}
              checked={draft.answers[yesNo] === a}
              onChange={() => update((d) => ({ ...d, answers: { ...d.answers, [yesNo]: a } }))}
              label={t(`answers.${a}`)}
            />
          ))}
        </div>
      </Question>
      {signStep && <WarningSigns signs={warningSignsOfDraft(draft)} />}
    </>
  );
}

function ChoicesStep({ draft, errors, update, kind, codes, exclusive }: StepProps & { kind: "triggers" | "relief"; codes: readonly string[]; exclusive: string[] }) {
  const t = useTranslations(kind);
  const chosen: readonly string[] = draft[kind];
  return (
    <Question heading={t("heading")} hint={t("hint")} errors={errors}>
      <div className={styles.choices}>
        {codes.map((code) => (
          <Choice
            key={code}
            type="checkbox"
            name={kind}
            value={code}
            checked={chosen.includes(code)}
            onChange={() =>
              update((d) =>
                kind === "triggers"
                  ? { ...d, triggers: toggleChoice<Trigger>(d.triggers, code as Trigger, exclusive as Trigger[]) }
                  : { ...d, relief: toggleChoice<Relief>(d.relief, code as Relief, exclusive as Relief[]) },
              )
            }
            label={t(code)}
          />
        ))}
      </div>
    </Question>
  );
}

function NotesStep({ draft, errors, update }: StepProps) {
  const t = useTranslations("notes");
  const id = useId();
  const invalid = Object.keys(errors).length > 0;
  return (
    <>
      <Heading>{t("heading")}</Heading>
      <label htmlFor={`${id}-notes`} className={styles.fieldLabel}>
        {t("label")}
      </label>
      <ErrorText id={`${id}-error`} errors={errors} />
      <textarea
        id={`${id}-notes`}
        className={styles.textarea}
        rows={6}
        maxLength={DIARY_NOTES_MAX}
        value={draft.notes}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-count${invalid ? ` ${id}-error` : ""}`}
        onChange={(e) => {
          const value = e.target.value;
          update((d) => ({ ...d, notes: value }));
        }}
      />
      <p id={`${id}-count`} className={styles.muted}>
        {t("count", { count: draft.notes.length, max: DIARY_NOTES_MAX })}
      </p>
    </>
  );
}

interface SummaryProps {
  draft: DiaryDraft;
  errors: Record<string, DiaryErrorKey>;
  attempted: boolean;
  serverProblems: ServerProblems | null;
  onChange: (step: DiaryStep) => void;
  onSend: () => void;
  onMore: () => void;
  onBack: () => void;
  onHome: () => void;
}

function Summary({ draft, errors, attempted, serverProblems, onChange, onSend, onMore, onBack, onHome }: SummaryProps) {
  const t = useTranslations();
  const format = useFormatter();
  const durationWords = useDurationWords();
  const occurredAt = occurredAtOf(draft);
  const seconds = durationSecondsOf(draft);
  const notAnswered = t("summary.notAnswered");
  const rows: { step: DiaryStep; label: string; value: string }[] = [
    { step: "movement", label: t("summary.movement"), value: draft.movement ? t(`movement.${draft.movement}`) : notAnswered },
    { step: "when", label: t("summary.when"), value: occurredAt ? format.dateTime(new Date(occurredAt), DATE_TIME) : notAnswered },
    { step: "duration", label: t("summary.duration"), value: typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? durationWords(seconds) : notAnswered },
    { step: "where", label: t("summary.side"), value: draft.side ? t(`where.${draft.side}`) : notAnswered },
    { step: "where", label: t("summary.muscle"), value: t(`where.${draft.muscleGroup}`) },
    { step: "pain", label: t("summary.pain"), value: typeof draft.pain === "number" ? t("entry.painScore", { score: draft.pain }) : draft.pain === "skip" ? t("pain.skip") : notAnswered },
  ];
  for (const field of YES_NO_FIELDS) {
    const a = draft.answers[field];
    if (a) rows.push({ step: field, label: t(`questions.${field}`), value: t(`answers.${a}`) });
  }
  if (draft.triggers.length) rows.push({ step: "triggers", label: t("summary.triggers"), value: draft.triggers.map((c) => t(`triggers.${c}`)).join(", ") });
  if (draft.relief.length) rows.push({ step: "relief", label: t("summary.relief"), value: draft.relief.map((c) => t(`relief.${c}`)).join(", ") });
  if (draft.notes.trim()) rows.push({ step: "notes", label: t("summary.notes"), value: draft.notes });

  const problemKeys = Object.entries(errors);
  const showProblems = (attempted && problemKeys.length > 0) || serverProblems !== null;
  const allAnswered = EXTRA_STEPS.every((s) => answered(draft, s));
  return (
    <>
      <Heading>{t("summary.heading")}</Heading>
      {showProblems && (
        <div role="alert" className={styles.problem}>
          <h2 className={styles.problemHeading}>{t("summary.problemsHeading")}</h2>
          {serverProblems && problemKeys.length === 0 && <ProblemList problems={serverProblems} />}
          {problemKeys.length > 0 && (
            <ul className={styles.links}>
              {problemKeys.map(([field, key]) => {
                const step = stepOfField(field);
                return (
                  <li key={field}>
                    {step ? (
                      <button type="button" className={styles.link} onClick={() => onChange(step)}>
                        {t(`errors.${key}`)}
                      </button>
                    ) : (
                      t(`errors.${key}`)
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      <WarningSigns signs={warningSignsOfDraft(draft)} />
      <dl className={styles.summary}>
        {rows.map((row) => (
          <div key={row.label} className={styles.summaryRow}>
            <dt>{row.label}</dt>
            <dd>
              <span className={styles.summaryValue}>{row.value}</span>
              <button type="button" className={styles.change} onClick={() => onChange(row.step)} aria-label={t("summary.changeWhat", { what: row.label })}>
                {t("summary.change")}
              </button>
            </dd>
          </div>
        ))}
      </dl>
      <p>{allAnswered ? t("summary.allDone") : t("summary.essentialsDone")}</p>
      <div className={styles.actions}>
        <button type="button" className={styles.primary} onClick={onSend}>
          {t("summary.send")}
        </button>
        {!allAnswered && (
          <button type="button" className={styles.secondary} onClick={onMore}>
            {t("summary.more")}
          </button>
        )}
        <div className={styles.row}>
          <button type="button" className={styles.secondary} onClick={onBack}>
            {t("nav.back")}
          </button>
          <button type="button" className={styles.secondary} onClick={onHome}>
            {t("nav.cancel")}
          </button>
        </div>
      </div>
    </>
  );
}

function Sent({ view, snapshot, online, onHome, onAnother, onChange }: { view: Extract<View, { kind: "sent" }>; snapshot: DiarySnapshot; online: boolean; onHome: () => void; onAnother: () => void; onChange: (item: QueuedEntry) => void }) {
  const t = useTranslations();
  const item = snapshot.queue.find((q) => q.key === view.key);
  let status: string;
  if (!item && snapshot.arrivedKeys.includes(view.key)) status = t("sent.arrived");
  else if (item?.needsChange) status = t("sent.needsChange");
  else if (snapshot.linkGone) status = t("home.linkGone");
  else if (item && online && snapshot.sending) status = t("sent.sending");
  else status = t("sent.queued");
  return (
    <>
      <Heading>{t("sent.heading")}</Heading>
      <p role="status" className={styles.sentStatus}>
        {status}
      </p>
      {item?.needsChange && (
        <div className={styles.problem}>
          <EntryProblems entry={item.entry} server={item.needsChange} />
          <button type="button" className={styles.primary} onClick={() => onChange(item)}>
            {t("home.change")}
          </button>
        </div>
      )}
      <WarningSigns signs={view.signs} />
      <div className={styles.actions}>
        <button type="button" className={styles.primary} onClick={onHome}>
          {t("sent.home")}
        </button>
        <button type="button" className={styles.secondary} onClick={onAnother}>
          {t("sent.another")}
        </button>
      </div>
    </>
  );
}
