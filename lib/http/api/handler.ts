import "server-only";
import type { Actor } from "@/lib/server/permissions";
import { bearerToken } from "@/lib/server/auth/api-tokens";
import { clientIp } from "@/lib/http/auth-options";
import { RateLimiter } from "@/lib/server/auth/rate-limit";
import { hasSessionCookie, sessionActorFromRequest } from "@/lib/http/session";
import { authenticateApiToken } from "@/lib/features/accounts/api-tokens";
import { isDataError, type DataError } from "@/lib/server/errors";
import { log, requestIdFrom, withRequestContext } from "@/lib/server/log";
import { countRateLimitRefusal, observeRequest, type RateLimiterName } from "@/lib/server/metrics";

/**
 * The one request pipeline of the JSON API (docs/api.md): authenticate (bearer token, or a
 * same-origin browser session), rate-limit, read and parse a bounded JSON body, run the handler
 * as the actor, and turn every refusal into the contract's error body. Handlers stay thin: they
 * call lib/features and return what comes back.
 */

/** Largest request body accepted, in bytes (documented in docs/api.md). */
export const API_MAX_BODY_BYTES = 64 * 1024;

/** Per-minute limits; each can be set by environment variable (documented in docs/api.md). */
/** A positive whole number from the environment, else the default. */
export function limitFromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function apiRateLimits() {
  const num = limitFromEnv;
  return {
    /** Requests per minute for one token, or one signed-in user's browser session. */
    perPrincipal: num("API_RATE_LIMIT_PER_MINUTE", 600),
    /** Requests per minute from one IP address that carry no valid credentials. */
    unauthenticatedPerIp: num("API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE", 300),
  };
}

// Created on first use so the limits follow the environment the server (or a test) starts with.
let limiters: { principal: RateLimiter; ip: RateLimiter } | null = null;
function getLimiters() {
  if (!limiters) {
    const limits = apiRateLimits();
    limiters = {
      principal: new RateLimiter(limits.perPrincipal, 60_000, "api_principal"),
      ip: new RateLimiter(limits.unauthenticatedPerIp, 60_000, "api_ip"),
    };
  }
  return limiters;
}

export type ApiErrorCode =
  | "VALIDATION"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "INTERNAL";

const STATUS: Record<ApiErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** A refusal decided by the API layer itself (the data layer throws DataError). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const BASE_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

/** A JSON answer. Dates serialise as ISO 8601 UTC (`Date.prototype.toJSON`). */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { ...BASE_HEADERS, "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

export function errorResponse(code: ApiErrorCode, message: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}): Response {
  return json({ error: { code, message, fields } }, STATUS[code], headers);
}

export function fromDataError(error: DataError): Response {
  return errorResponse(error.code, error.message, error.fields);
}

export interface ApiContext<P> {
  params: P;
  /** The parsed JSON body of a POST, PUT or PATCH; undefined for other methods. */
  body: unknown;
  query: URLSearchParams;
  /** The `Idempotency-Key` header, for creates (lib/features checks its shape). */
  idempotencyKey: string | null;
}

type Handler<P> = (request: Request, ctx: ApiContext<P>, actor: Actor) => Promise<Response>;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function rateLimited(retryAfter: number, limiter: RateLimiterName): ApiError {
  countRateLimitRefusal(limiter);
  return new ApiError("RATE_LIMITED", `Too many requests. Try again in ${retryAfter} seconds.`, {}, { "Retry-After": String(retryAfter) });
}

function unauthenticatedError(message: string): ApiError {
  return new ApiError("UNAUTHENTICATED", message, {}, { "WWW-Authenticate": 'Bearer realm="api"' });
}

/** Counts a request without valid credentials against its IP address; the 401 to throw, or 429 past the limit. */
async function unauthenticatedRefusal(ip: string, message: string): Promise<ApiError> {
  const retryAfter = await getLimiters().ip.hit(ip);
  return retryAfter > 0 ? rateLimited(retryAfter, "api_ip") : unauthenticatedError(message);
}

async function authenticate(request: Request, ip: string | null): Promise<{ actor: Actor; rateKey: string }> {
  const ipKey = ip ?? "unknown";
  // An address that keeps sending bad credentials is refused before any token is looked at.
  const blocked = await getLimiters().ip.blockedFor(ipKey);
  if (blocked > 0) throw rateLimited(blocked, "api_ip");

  const token = bearerToken(request.headers.get("authorization"));
  if (token !== null) {
    if (!token) throw await unauthenticatedRefusal(ipKey, "Send the token as: Authorization: Bearer <token>.");
    const result = await authenticateApiToken(token, ip);
    if (!result.ok) throw await unauthenticatedRefusal(ipKey, "The API token is not valid, has been revoked, or its user is deactivated.");
    return { actor: result.actor, rateKey: `token:${result.tokenId}` };
  }
  if (hasSessionCookie(request)) {
    const actor = await sessionActorFromRequest(request);
    if (!actor) throw await unauthenticatedRefusal(ipKey, "Your session has ended. Sign in again, or send an API token.");
    checkSameOrigin(request);
    return { actor, rateKey: `user:${actor.userId}` };
  }
  throw await unauthenticatedRefusal(ipKey, "Sign in or send an API token: Authorization: Bearer <token>.");
}

/**
 * A browser session is an ambient credential: cross-site pages could make the browser send it.
 * Requests that change data must come from this origin (Sec-Fetch-Site, else Origin against the
 * Host the browser used); no cookie-authenticated request is accepted from another site.
 */
function checkSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  const refuse = () => {
    throw new ApiError("FORBIDDEN", "Cross-origin requests with a browser session are refused. Use an API token.");
  };
  if (site === "cross-site") refuse();
  if (SAFE_METHODS.has(request.method)) return;
  if (site) {
    if (site !== "same-origin") refuse();
    return;
  }
  const origin = request.headers.get("origin");
  if (!origin) refuse();
  let originHost: string;
  try {
    originHost = new URL(origin!).host;
  } catch {
    return refuse();
  }
  const host = request.headers.get("x-forwarded-host")?.split(",")[0].trim() || request.headers.get("host") || new URL(request.url).host;
  if (originHost !== host) refuse();
}

/** Reads at most `max` bytes: Content-Length is checked first, then the bytes actually sent. */
async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const tooLarge = () => new ApiError("PAYLOAD_TOO_LARGE", `The request body is larger than ${max} bytes.`);
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

const bodyError = (message: string) => new ApiError("VALIDATION", message, { _body: message });

export async function parseJsonBody(request: Request, max: number): Promise<unknown> {
  const type = request.headers.get("content-type");
  // JSON only: a form post or text/plain (what a cross-site form can send) is never read.
  if (!type || !/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new ApiError("VALIDATION", "Send the body as JSON with the header Content-Type: application/json.", {
      _body: "Content-Type must be application/json",
    });
  }
  const bytes = await readBody(request, max);
  if (bytes.byteLength === 0) throw bodyError("The request body is empty: send a JSON object.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw bodyError("The request body is not valid UTF-8 text.");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 200) : "";
    throw bodyError(`The request body is not valid JSON${detail ? `: ${detail}` : "."}`);
  }
}

/**
 * The route as Next names it, from the path and the params Next matched: ids become `[id]`, so
 * the log and the metrics group requests by route and never carry a record's id. The query
 * string (a search may hold a name or an MRN) is never part of it.
 */
export function routePattern(pathname: string, params: Record<string, unknown>): string {
  const byValue = new Map<string, string>();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && value) byValue.set(value, `[${key}]`);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === "string" && v) byValue.set(v, `[...${key}]`);
  }
  const segments: string[] = [];
  for (const raw of pathname.split("/")) {
    let segment = raw;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      // left as sent
    }
    const name = byValue.get(segment);
    if (name?.startsWith("[...") && segments.at(-1) === name) continue; // one name for a catch-all
    segments.push(name ?? raw);
  }
  return segments.join("/");
}

/** Sets X-Request-Id on the answer (a Response made elsewhere may have immutable headers). */
export function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("X-Request-Id", requestId);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set("X-Request-Id", requestId);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Wraps a route handler: `export const POST = apiRoute(async (request, ctx, actor) => ...)`.
 * The handler returns a Response (use `json()`, or a streamed Response for exports); a thrown
 * DataError or ApiError becomes the contract's error body; anything else is logged and answered
 * with a generic 500.
 *
 * Every request gets an id (a plain incoming X-Request-Id is kept, else a new UUID), sent back
 * as X-Request-Id and carried by each log line written while it runs; one line per request says
 * method, route pattern, status, duration and user id (lib/server/log.ts keeps patient data and
 * secrets out), and the request counts in the metrics (lib/server/metrics.ts).
 */
export function apiRoute<P extends Record<string, string> = Record<string, never>>(
  handler: Handler<P>,
  options: { maxBodyBytes?: number; bodyOptional?: boolean } = {},
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  const max = options.maxBodyBytes ?? API_MAX_BODY_BYTES;
  // A POST whose every field is optional may come with no body at all (no Content-Type, nothing sent).
  const noBody = (request: Request) => options.bodyOptional === true && !request.headers.get("content-type") && (request.headers.get("content-length") ?? "0") === "0";
  return (request, context) => {
    const started = performance.now();
    const requestId = requestIdFrom(request.headers);
    return withRequestContext(requestId, async () => {
      let userId: string | undefined;
      let errorCode: string | undefined;
      let params: P | undefined;
      let unexpected: { error: unknown } | undefined;
      let response: Response;
      try {
        const { actor, rateKey } = await authenticate(request, clientIp(request.headers));
        userId = actor.userId;
        const retryAfter = await getLimiters().principal.hit(rateKey);
        if (retryAfter > 0) throw rateLimited(retryAfter, "api_principal");
        const body = BODY_METHODS.has(request.method) && !noBody(request) ? await parseJsonBody(request, max) : undefined;
        params = (await context?.params) ?? ({} as P);
        response = await handler(
          request,
          { params, body, query: new URL(request.url).searchParams, idempotencyKey: request.headers.get("idempotency-key") },
          actor,
        );
      } catch (error) {
        if (error instanceof ApiError) {
          errorCode = error.code;
          response = errorResponse(error.code, error.message, error.fields, error.headers);
        } else if (isDataError(error)) {
          errorCode = error.code;
          response = fromDataError(error);
        } else {
          // Unexpected: the details stay in the server log (made safe there), never in the answer.
          errorCode = "INTERNAL";
          unexpected = { error };
          response = errorResponse("INTERNAL", "Something went wrong on the server. Please try again.");
        }
      }
      if (params === undefined) params = await Promise.resolve(context?.params).catch(() => undefined);
      const route = routePattern(new URL(request.url).pathname, params ?? {});
      if (unexpected) log.error({ err: unexpected.error, method: request.method, route, userId }, "API request failed");
      const seconds = (performance.now() - started) / 1000;
      observeRequest(request.method, route, response.status, seconds);
      log.info(
        { method: request.method, route, status: response.status, durationMs: Math.round(seconds * 10000) / 10, userId, errorCode },
        "request",
      );
      return withRequestId(response, requestId);
    });
  };
}
