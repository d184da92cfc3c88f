/**
 * Calls server actions directly over HTTP, the way Next's client does, so tests can check that
 * every action enforces authorization on its own (not only the pages that render its form).
 *
 * The wire format (Next 16 / React 19 fetch-mode action call):
 *
 *   POST <a page whose module tree holds the action, e.g. /patients/new>
 *   Next-Action: <action id from .next/server/server-reference-manifest.json>
 *   Accept: text/x-component
 *   Origin: <the server's origin>            (Next rejects a foreign Origin; a missing one only warns)
 *   Cookie: next-auth.session-token=…
 *   Content-Type: multipart/form-data; boundary=…
 *
 *   body = React's encodeReply(args): the argument list as JSON in field "0", where a FormData
 *   argument becomes "$K<n>" and its entries follow as fields "_<n>_<name>". A useActionState
 *   action is called with (prevState, formData), so a form submission is
 *     0 = [{"status":"idle"},"$K1"]   _1_mrn = …   _1_familyName = …   …
 *   and a `.bind(null, id)` action gets its bound arguments first: [id, prevState, "$K1"].
 *
 * The answer is HTTP 200 with Content-Type text/x-component either way. When the action called
 * redirect(), the `x-action-redirect` header names the target ("/patients/<id>?saved=1;push") and
 * the payload is the target page. Otherwise row 0 of the payload points at the return value,
 * e.g. `0:{"a":"$@1",…}` then `1:{"status":"error","message":"…","fields":{…}}`.
 * Without a session cookie proxy.ts answers 307 to /signin before any action code runs.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { BASE_URL, DEMO_PASSWORD } from "./browser";

const require = createRequire(import.meta.url);

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename?: string;
  exportedName?: string;
}
type Manifest = { node: Record<string, ManifestEntry>; edge: Record<string, ManifestEntry> };

const MANIFEST = path.resolve(".next", "server", "server-reference-manifest.json");

function manifest(): Manifest {
  return JSON.parse(fs.readFileSync(MANIFEST, "utf8")) as Manifest;
}

export interface ServerActionInfo {
  id: string;
  file: string;
  exportedName: string;
  /** Routes whose page module tree includes the action, e.g. "/patients/new", "/patients/[id]/edit". */
  routes: string[];
}

/** Every server action in the build, e.g. for an authorization matrix over all of them. */
export function listServerActions(): ServerActionInfo[] {
  const m = manifest();
  return Object.entries({ ...m.node, ...m.edge }).map(([id, entry]) => ({
    id,
    file: entry.filename ?? "",
    exportedName: entry.exportedName ?? "",
    routes: Object.keys(entry.workers).map(workerRoute),
  }));
}

/** "app/patients/new/page" → "/patients/new" (route groups dropped). */
function workerRoute(worker: string): string {
  const segments = worker.replace(/^app\//, "").replace(/\/?page$/, "").split("/").filter((s) => s && !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

/** The action exported as `exportedName` (from `file`, e.g. "app/patients/actions.ts", when the name is ambiguous). */
export function findServerAction(exportedName: string, file?: string): ServerActionInfo {
  const hits = listServerActions().filter((a) => a.exportedName === exportedName && (!file || a.file === file));
  if (hits.length !== 1) {
    throw new Error(`Expected one server action ${exportedName}${file ? ` in ${file}` : ""} in ${MANIFEST}, found ${hits.length}`);
  }
  return hits[0];
}

/** React's own reply encoder, the one the browser bundle uses to send action arguments. */
export async function encodeActionArgs(args: unknown[]): Promise<FormData> {
  const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.edge") as {
    encodeReply: (value: unknown) => Promise<string | FormData>;
  };
  const encoded = await encodeReply(args);
  if (typeof encoded === "string") {
    const body = new FormData();
    body.set("0", encoded);
    return body;
  }
  return encoded;
}

export interface ActionResponse {
  status: number;
  /** Path the action redirected to (from `x-action-redirect`, without ";push"), or null. */
  redirectTo: string | null;
  headers: Headers;
  /** The raw RSC payload (contains the action's return value as JSON). */
  body: string;
  /** The action's return value when it is plain JSON (e.g. a FormState); undefined otherwise. */
  result: unknown;
}

/** Reads the action's return value out of an RSC payload: row 0 is {"a":"$@<row>",…}. */
export function actionResult(payload: string): unknown {
  const rows = new Map<string, string>();
  for (const line of payload.split("\n")) {
    const m = /^([0-9a-f]+):(.*)$/.exec(line);
    if (m && !rows.has(m[1])) rows.set(m[1], m[2]);
  }
  try {
    const head = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
    if (!head || !("a" in head)) return undefined;
    const ref = typeof head.a === "string" ? /^\$@([0-9a-f]+)$/.exec(head.a) : null;
    if (!ref) return head.a;
    const row = rows.get(ref[1]);
    return row === undefined ? undefined : JSON.parse(row);
  } catch {
    return undefined;
  }
}

export interface CallServerActionOptions {
  /** The action, or its exported name (looked up in the build's manifest). */
  action: ServerActionInfo | string;
  /** The action's arguments, bound arguments first. */
  args: unknown[];
  /** Cookie header, e.g. from sessionCookie(); omit for an anonymous call. */
  cookie?: string;
  /** Page to POST to; defaults to the first non-dynamic route that holds the action. */
  path?: string;
}

export async function callServerAction(opts: CallServerActionOptions): Promise<ActionResponse> {
  const action = typeof opts.action === "string" ? findServerAction(opts.action) : opts.action;
  const target = opts.path ?? action.routes.find((r) => !r.includes("["));
  if (!target) throw new Error(`Server action ${action.exportedName} is only on dynamic routes (${action.routes.join(", ")}): pass path`);
  const res = await fetch(new URL(target, BASE_URL), {
    method: "POST",
    redirect: "manual",
    headers: {
      "Next-Action": action.id,
      Accept: "text/x-component",
      Origin: new URL(BASE_URL).origin,
      ...(opts.cookie ? { Cookie: opts.cookie } : {}),
    },
    body: await encodeActionArgs(opts.args),
  });
  const redirect = res.headers.get("x-action-redirect");
  const body = await res.text();
  const isRsc = res.headers.get("content-type")?.startsWith("text/x-component") ?? false;
  return {
    status: res.status,
    redirectTo: redirect ? redirect.split(";")[0] : null,
    headers: res.headers,
    body,
    result: isRsc && !redirect ? actionResult(body) : undefined,
  };
}

/** Calls a useActionState form action as a form submission would: (prevState, formData). */
export function submitFormAction(
  action: ServerActionInfo | string,
  fields: Record<string, string | string[]>,
  opts: { cookie?: string; path?: string; bound?: unknown[]; prevState?: unknown } = {},
): Promise<ActionResponse> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of ([] as string[]).concat(value)) form.append(name, v);
  }
  return callServerAction({
    action,
    args: [...(opts.bound ?? []), opts.prevState ?? { status: "idle" }, form],
    cookie: opts.cookie,
    path: opts.path,
  });
}

const cookies = new Map<string, Promise<string>>();

/**
 * Signs in through next-auth's credentials endpoint and returns the session cookie ("name=value").
 * Cookies are reused within a test file (sign-in is rate limited per IP: 60 a minute), unless
 * `fresh` is set; a refused sign-in is never cached.
 */
export function sessionCookie(email: string, password = DEMO_PASSWORD, opts: { fresh?: boolean } = {}): Promise<string> {
  const key = `${email}\n${password}`;
  const cached = cookies.get(key);
  if (cached && !opts.fresh) return cached;
  const pending = signInForCookie(email, password);
  cookies.set(key, pending);
  pending.catch(() => cookies.delete(key));
  return pending;
}

async function signInForCookie(email: string, password: string): Promise<string> {
  const csrf = await fetch(new URL("/api/auth/csrf", BASE_URL));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(new URL("/api/auth/callback/credentials", BASE_URL), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: jar },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
  if (!session) throw new Error(`Signing in as ${email} failed (HTTP ${res.status} ${res.headers.get("location") ?? ""})`);
  return session;
}
