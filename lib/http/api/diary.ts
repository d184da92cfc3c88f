import "server-only";
import { clientIp } from "@/lib/http/auth-options";
import { RateLimiter } from "@/lib/server/auth/rate-limit";
import { isDataError } from "@/lib/server/errors";
import { log, requestIdFrom, withRequestContext } from "@/lib/server/log";
import { observeRequest } from "@/lib/server/metrics";
import { workingDiaryLink, DIARY_NOT_FOUND_MESSAGE } from "@/lib/features/diary/data";
import { diaryErrorText } from "@/lib/core/diary/messages";
import type { DiaryLanguage } from "@/lib/core/diary/entry";
import { ApiError, errorResponse, fromDataError, limitFromEnv, parseJsonBody, rateLimited, routePattern, withRequestId } from "./handler";

/**
 * The request pipeline of the patient diary's API (`/api/diary/{token}/...`, docs/api.md): no
 * account, the token in the path is the credential. Requests are counted per address (so tokens
 * cannot be guessed at speed) and per link; refusals are worded in the link's language; the log
 * and the metrics name the route as `/api/diary/[token]/...`, never the token.
 */

/** A diary entry is small; the 64 KB of the clinicians' API, with room for a long note refused by field. */
const DIARY_MAX_BODY_BYTES = 256 * 1024;

function diaryRateLimits() {
  const num = limitFromEnv;
  return {
    /** Requests per minute through one diary link. */
    perLink: num("DIARY_RATE_LIMIT_PER_MINUTE", 30),
    /** Diary requests per minute from one address, with or without a working token. */
    perIp: num("DIARY_IP_RATE_LIMIT_PER_MINUTE", 120),
  };
}

let limiters: { link: RateLimiter; ip: RateLimiter } | null = null;
function getLimiters() {
  if (!limiters) {
    const limits = diaryRateLimits();
    limiters = { link: new RateLimiter(limits.perLink, 60_000, "diary_link"), ip: new RateLimiter(limits.perIp, 60_000, "diary_ip") };
  }
  return limiters;
}

export interface DiaryContext {
  token: string;
  /** The parsed JSON body of a POST; undefined for other methods. */
  body: unknown;
  idempotencyKey: string | null;
  ip: string | null;
  language: DiaryLanguage;
}

/** A refusal of the request itself (body, size, rate), in the link's language. */
function translated(error: ApiError, language: DiaryLanguage): ApiError {
  const key = error.code === "PAYLOAD_TOO_LARGE" ? "tooLarge" : error.code === "RATE_LIMITED" ? "rateLimited" : "body";
  const message = diaryErrorText(language, key);
  return new ApiError(error.code, message, Object.keys(error.fields).length ? { _body: message } : {}, error.headers);
}

export function diaryRoute(
  handler: (ctx: DiaryContext) => Promise<Response>,
): (request: Request, context: { params: Promise<{ token: string }> }) => Promise<Response> {
  return (request, context) => {
    const started = performance.now();
    const requestId = requestIdFrom(request.headers);
    return withRequestContext(requestId, async () => {
      let errorCode: string | undefined;
      let token = "";
      let response: Response;
      try {
        token = (await context.params).token ?? "";
        const ip = clientIp(request.headers);
        const ipWait = await getLimiters().ip.hit(ip ?? "unknown");
        if (ipWait > 0) throw translated(rateLimited(ipWait, "diary_ip"), "en");
        const link = await workingDiaryLink(token);
        if (!link) throw new ApiError("NOT_FOUND", DIARY_NOT_FOUND_MESSAGE);
        const linkWait = await getLimiters().link.hit(link.linkId);
        if (linkWait > 0) throw translated(rateLimited(linkWait, "diary_link"), link.language);
        let body: unknown;
        if (request.method === "POST") {
          try {
            body = await parseJsonBody(request, DIARY_MAX_BODY_BYTES);
          } catch (error) {
            throw error instanceof ApiError ? translated(error, link.language) : error;
          }
        }
        response = await handler({ token, body, idempotencyKey: request.headers.get("idempotency-key"), ip, language: link.language });
      } catch (error) {
        if (error instanceof ApiError) {
          errorCode = error.code;
          response = errorResponse(error.code, error.message, error.fields, error.headers);
        } else if (isDataError(error)) {
          errorCode = error.code;
          response = fromDataError(error);
        } else {
          errorCode = "INTERNAL";
          log.error({ err: error, method: request.method, route: "/api/diary/[token]" }, "Diary request failed");
          response = errorResponse("INTERNAL", "Something went wrong on the server. Please try again.");
        }
      }
      const route = routePattern(new URL(request.url).pathname, { token });
      const seconds = (performance.now() - started) / 1000;
      observeRequest(request.method, route, response.status, seconds);
      log.info({ method: request.method, route, status: response.status, durationMs: Math.round(seconds * 10000) / 10, errorCode }, "request");
      response.headers.set("Referrer-Policy", "no-referrer");
      return withRequestId(response, requestId);
    });
  };
}
