/**
 * What the diary page keeps on the phone (localStorage, under a prefix made from a hash of the
 * token, never the token itself): the chosen language, the entry being written, the entries
 * waiting to be sent and the last list of entries that arrived. The page reads it with
 * useSyncExternalStore; the sender (flush) posts waiting entries one by one, each with its own
 * Idempotency-Key, so a repeat after a lost answer creates nothing new.
 */
import type { DiaryLanguage } from "@/lib/core/diary/entry";
import type { DiaryDraft } from "@/lib/core/diary/lay-words";

/** A refusal of a sent entry by the server: its message and field messages, in the link's language. */
export interface ServerProblems {
  message: string;
  fields: Record<string, string>;
}

export interface QueuedEntry {
  /** The Idempotency-Key it is sent with, every time. */
  key: string;
  /** The entry as sent (checked with checkDiaryEntry before it was queued). */
  entry: Record<string, unknown>;
  /** The answers it was made from, to change it if the server refuses it. */
  draft: DiaryDraft;
  savedAt: string;
  /** Set when the server refused it (4xx): it waits for the patient to change it. */
  needsChange: ServerProblems | null;
}

/** An entry as GET /api/diary/{token}/episodes answers it (dates as ISO text). */
export interface ArrivedEntry {
  id: string;
  occurredAt: string;
  durationSeconds: number;
  side: string;
  muscleGroup: string;
  painScore: number | null;
  receivedAt: string;
}

export interface DraftState {
  draft: DiaryDraft;
  /** The queued entry this draft changes (same key), or null for a new entry. */
  editingKey: string | null;
  serverProblems: ServerProblems | null;
}

export interface DiarySnapshot {
  /** False while the page is drawn on the server or before it has read the phone's storage. */
  ready: boolean;
  language: DiaryLanguage | null;
  draft: DraftState | null;
  queue: QueuedEntry[];
  arrived: ArrivedEntry[] | null;
  // Not kept on the phone: the state of the sender in this page.
  sending: boolean;
  linkGone: boolean;
  /** Epoch ms before which the sender waits (the server answered 429). */
  waitUntil: number;
  /** Keys of entries this page saw arrive. */
  arrivedKeys: string[];
}

const SERVER_SNAPSHOT: DiarySnapshot = {
  ready: false,
  language: null,
  draft: null,
  queue: [],
  arrived: null,
  sending: false,
  linkGone: false,
  waitUntil: 0,
  arrivedKeys: [],
};

const RETRY_AFTER_DEFAULT_S = 60;

function readJson<T>(key: string, fallback: T): T {
  try {
    const text = window.localStorage.getItem(key);
    return text === null ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    if (value === null || value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or blocked: the page still holds the state in memory.
  }
}

function arrivedOfJson(value: unknown): ArrivedEntry[] {
  if (!value || typeof value !== "object" || !Array.isArray((value as { items?: unknown }).items)) return [];
  return ((value as { items: Record<string, unknown>[] }).items).map((i) => ({
    id: String(i.id),
    occurredAt: String(i.occurredAt),
    durationSeconds: Number(i.durationSeconds),
    side: String(i.side),
    muscleGroup: String(i.muscleGroup),
    painScore: typeof i.painScore === "number" ? i.painScore : null,
    receivedAt: String(i.receivedAt),
  }));
}

export class DiaryStore {
  private snapshot: DiarySnapshot = SERVER_SNAPSHOT;
  private listeners = new Set<() => void>();
  private flushing = false;
  private readonly keys;

  constructor(
    private readonly token: string,
    prefix: string,
  ) {
    this.keys = { language: `${prefix}:lang`, draft: `${prefix}:draft`, queue: `${prefix}:queue`, arrived: `${prefix}:arrived` };
  }

  private get apiPath() {
    return `/api/diary/${encodeURIComponent(this.token)}/episodes`;
  }

  /** Reads what the phone holds (on the first subscription in the browser, and when another tab changes it). */
  private load(): void {
    const language = readJson<string | null>(this.keys.language, null);
    this.snapshot = {
      ...this.snapshot,
      ready: true,
      language: language === "en" || language === "es" ? language : null,
      draft: readJson<DraftState | null>(this.keys.draft, null),
      queue: readJson<QueuedEntry[]>(this.keys.queue, []),
      arrived: readJson<ArrivedEntry[] | null>(this.keys.arrived, null),
    };
  }

  private set(patch: Partial<DiarySnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    if ("language" in patch) writeJson(this.keys.language, patch.language);
    if ("draft" in patch) writeJson(this.keys.draft, patch.draft);
    if ("queue" in patch) writeJson(this.keys.queue, patch.queue);
    if ("arrived" in patch) writeJson(this.keys.arrived, patch.arrived);
    for (const listener of this.listeners) listener();
  }

  private readonly onStorage = (event: StorageEvent) => {
    if (event.key && Object.values(this.keys).includes(event.key)) {
      this.load();
      for (const listener of this.listeners) listener();
    }
  };

  subscribe = (listener: () => void): (() => void) => {
    if (this.listeners.size === 0) {
      if (!this.snapshot.ready) this.load();
      window.addEventListener("storage", this.onStorage);
    }
    this.listeners.add(listener);
    // The first subscription has read the storage: let the page draw it.
    queueMicrotask(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) window.removeEventListener("storage", this.onStorage);
    };
  };

  getSnapshot = (): DiarySnapshot => this.snapshot;
  getServerSnapshot = (): DiarySnapshot => SERVER_SNAPSHOT;

  setLanguage(language: DiaryLanguage): void {
    this.set({ language });
  }

  startDraft(draft: DiaryDraft, editingKey: string | null = null, serverProblems: ServerProblems | null = null): void {
    this.set({ draft: { draft, editingKey, serverProblems } });
  }

  updateDraft(change: (draft: DiaryDraft) => DiaryDraft): void {
    const current = this.snapshot.draft;
    if (!current) return;
    // Once the patient changes an answer, the server's words about the earlier answers no longer apply.
    this.set({ draft: { ...current, draft: change(current.draft), serverProblems: null } });
  }

  discardDraft(): void {
    this.set({ draft: null });
  }

  /** Queues the entry (replacing the one it changes) and clears the draft in one step: nothing lost. */
  queueEntry(item: QueuedEntry): void {
    const queue = this.snapshot.queue.filter((q) => q.key !== item.key);
    this.set({ queue: [...queue, item], draft: null });
  }

  deleteQueued(key: string): void {
    this.set({ queue: this.snapshot.queue.filter((q) => q.key !== key) });
  }

  /** Loads the list of entries that arrived; keeps the last one when offline or refused. */
  async refreshArrived(): Promise<void> {
    if (!navigator.onLine || this.snapshot.linkGone) return;
    try {
      const response = await fetch(this.apiPath, { cache: "no-store", headers: { Accept: "application/json" } });
      if (response.status === 404) this.set({ linkGone: true });
      else if (response.ok) this.set({ arrived: arrivedOfJson(await response.json()) });
    } catch {
      // Offline: the last list stays.
    }
  }

  /** Sends the waiting entries, oldest first; stops at the first that cannot go now. */
  async flush(): Promise<void> {
    if (this.flushing || !navigator.onLine || this.snapshot.linkGone || Date.now() < this.snapshot.waitUntil) return;
    this.flushing = true;
    let arrived = 0;
    try {
      for (;;) {
        const item = this.snapshot.queue.find((q) => q.needsChange === null);
        if (!item) break;
        this.set({ sending: true });
        let response: Response;
        try {
          response = await fetch(this.apiPath, {
            method: "POST",
            cache: "no-store",
            headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": item.key },
            body: JSON.stringify(item.entry),
          });
        } catch {
          break; // The connection dropped: the entry stays and goes later with the same key.
        }
        if (response.status === 200 || response.status === 201) {
          arrived++;
          this.set({
            queue: this.snapshot.queue.filter((q) => q.key !== item.key),
            arrivedKeys: [...this.snapshot.arrivedKeys, item.key],
          });
          continue;
        }
        if (response.status === 404) {
          this.set({ linkGone: true });
          break;
        }
        if (response.status === 429) {
          const seconds = Number(response.headers.get("Retry-After"));
          this.set({ waitUntil: Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : RETRY_AFTER_DEFAULT_S) * 1000 });
          break;
        }
        if (response.status >= 400 && response.status < 500) {
          const body = (await response.json().catch(() => null)) as { error?: { message?: unknown; fields?: unknown } } | null;
          const fields = body?.error?.fields && typeof body.error.fields === "object" ? (body.error.fields as Record<string, unknown>) : {};
          const problems: ServerProblems = {
            message: typeof body?.error?.message === "string" ? body.error.message : "",
            fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])),
          };
          this.set({ queue: this.snapshot.queue.map((q) => (q.key === item.key ? { ...q, needsChange: problems } : q)) });
          continue;
        }
        break; // The server failed (5xx): try again later.
      }
    } finally {
      this.flushing = false;
      this.set({ sending: false });
    }
    if (arrived > 0) await this.refreshArrived();
  }
}
