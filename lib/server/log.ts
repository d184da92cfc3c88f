import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type DestinationStream, type Level, type LevelWithSilent, type Logger } from "pino";

/**
 * The server's one logger: JSON lines on stdout (pino), one object per line, for the hospital's
 * log collector. Every line written while an API request runs carries that request's id
 * (`requestId`), taken from the request context below.
 *
 * Nothing about patients and no secret may reach a line:
 * - keys on REDACTED_KEYS are replaced by "[redacted]" at any depth of a logged object;
 * - errors are logged as their type, code and stack frames; the message only where it cannot
 *   carry the data of the request (a Prisma validation error prints the query's arguments, so
 *   its message is cut to its last line, and a database driver's detail is never copied);
 * - callers log ids (user id, patient id), never a name, an email or an MRN.
 *
 * LOG_LEVEL sets the level (trace, debug, info, warn, error, fatal, silent; default info, and
 * silent under vitest so test output stays quiet).
 */

/** Keys whose values never reach a log line, matched case-insensitively and at any depth. */
export const REDACTED_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "token",
  "accessToken",
  "refreshToken",
  "sessionToken",
  "secret",
  "totp",
  "totpSecret",
  "otp",
  "code",
  "recoveryCode",
  "recoveryCodes",
  "mrn",
  "name",
  "firstName",
  "lastName",
  "givenName",
  "familyName",
  "fullName",
  "displayName",
  "email",
  "birthDate",
  "dateOfBirth",
  "dob",
  "notes",
  "note",
  "comment",
  "text",
  "body",
  "q",
] as const;

// `code` is also the field of an error code (P2002, ECONNREFUSED): errors are turned into
// { type, code, message, stack } by safeError before redaction, and their `code` is kept there.
const REDACTED = new Set(REDACTED_KEYS.map((k) => k.toLowerCase()));
const MAX_DEPTH = 6;

function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]";
}

/** Only the frames of a stack: its first lines repeat the message, which may hold data. */
function framesOnly(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 15);
  return frames.length ? frames.join("\n") : undefined;
}

const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,40}$/;

/** An error as a log can hold it: type, code, a message that cannot carry request data, frames. */
export function safeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!isError(error)) return { type: typeof error };
  const e = error as Error & { code?: unknown; meta?: unknown; cause?: unknown };
  const type = e.name || e.constructor?.name || "Error";
  const out: Record<string, unknown> = { type };
  const code = typeof e.code === "string" || typeof e.code === "number" ? String(e.code) : undefined;
  if (code && SAFE_CODE.test(code)) out.errorCode = code;
  out.message = safeMessage(type, String(e.message ?? ""));
  // Prisma's known request errors name the model and the fields (never their values).
  if (e.meta && typeof e.meta === "object") {
    const meta = e.meta as Record<string, unknown>;
    if (typeof meta.modelName === "string") out.model = meta.modelName;
    const target = meta.target;
    if (typeof target === "string" || (Array.isArray(target) && target.every((t) => typeof t === "string"))) out.fields = target;
  }
  const stack = framesOnly(e.stack);
  if (stack) out.stack = stack;
  if (e.cause !== undefined && depth < 3) out.cause = safeError(e.cause, depth + 1);
  return out;
}

function safeMessage(type: string, message: string): string {
  if (type.startsWith("PrismaClient") || type === "DriverAdapterError") {
    // "Invalid `db.patient.create()` invocation: { data: { mrn: "..." ...} } Argument `x` is missing."
    // The arguments sit in the middle; the last line says what was wrong, by field name.
    const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
    const last = lines.at(-1) ?? "";
    return last.replace(/"[^"]*"|'[^']*'/g, '"…"').slice(0, 300);
  }
  // JSON.parse and database drivers quote the input they choke on ('Unexpected token, "…" is not
  // valid JSON'); property names in JavaScript's own messages use single quotes and stay.
  return message.replace(/"[^"\n]*"/g, '"…"').slice(0, 500);
}

/** A copy of a logged value with every key on REDACTED_KEYS replaced, and errors made safe. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const source = isError(value) ? safeError(value) : value instanceof Headers ? Object.fromEntries(value) : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) {
    out[key] = REDACTED.has(key.toLowerCase()) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

const LEVELS: readonly LevelWithSilent[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

export function logLevelFromEnv(env: Record<string, string | undefined> = process.env): LevelWithSilent {
  const wanted = env.LOG_LEVEL?.trim().toLowerCase();
  if (wanted && (LEVELS as readonly string[]).includes(wanted)) return wanted as LevelWithSilent;
  return env.VITEST ? "silent" : "info";
}

function build(destination?: DestinationStream, level: LevelWithSilent = logLevelFromEnv()): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Runs on every logged object before it is written: the redaction list, safe errors.
        log: (object) => redact(object) as Record<string, unknown>,
      },
      // Errors are already made safe above; pino's own serializer would copy every property.
      serializers: { err: (v: unknown) => v },
      hooks: {
        // log.error(err) would make err.message the line's message: keep it inside `err` instead.
        logMethod(args, method) {
          if (isError(args[0])) {
            const [err, msg, ...rest] = args as unknown[];
            return method.apply(this, [{ err }, typeof msg === "string" ? msg : "error", ...rest] as Parameters<typeof method>);
          }
          return method.apply(this, args);
        },
      },
    },
    destination ?? pino.destination(1),
  );
}

interface RequestContext {
  requestId: string;
  logger: Logger;
}

// One store and one root logger per process, even if the bundler loads this module twice.
const g = globalThis as unknown as { __crampLog?: { root: Logger | null; storage: AsyncLocalStorage<RequestContext> } };
const state = (g.__crampLog ??= { root: null, storage: new AsyncLocalStorage<RequestContext>() });

function root(): Logger {
  return (state.root ??= build());
}

/**
 * Sends the log to another destination (tests pass a stream to read the lines back), at `level`
 * (default from LOG_LEVEL). Requests already running keep the logger they started with.
 */
export function setLogDestination(destination: DestinationStream, level?: LevelWithSilent): void {
  state.root = build(destination, level);
}

/** Back to stdout at the level of LOG_LEVEL. */
export function resetLogDestination(): void {
  state.root = null;
}

/** The logger for here and now: inside a request, bound to its request id. */
export function currentLogger(): Logger {
  return state.storage.getStore()?.logger ?? root();
}

type LogMethods = Pick<Logger, Level>;

/** `log.error({ err }, "what failed")`: inside a request, each line carries its request id. */
export const log: LogMethods = {
  get trace() {
    const l = currentLogger();
    return l.trace.bind(l);
  },
  get debug() {
    const l = currentLogger();
    return l.debug.bind(l);
  },
  get info() {
    const l = currentLogger();
    return l.info.bind(l);
  },
  get warn() {
    const l = currentLogger();
    return l.warn.bind(l);
  },
  get error() {
    const l = currentLogger();
    return l.error.bind(l);
  },
  get fatal() {
    const l = currentLogger();
    return l.fatal.bind(l);
  },
};

/** An incoming X-Request-Id is kept only if it is short and plain (it is echoed and logged). */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id")?.trim();
  return incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Runs fn with every log line inside it carrying requestId. */
export function withRequestContext<T>(requestId: string, fn: () => T): T {
  return state.storage.run({ requestId, logger: root().child({ requestId }) }, fn);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return state.storage.getStore()?.requestId;
}
