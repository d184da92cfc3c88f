import "server-only";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Prometheus metrics of this process (GET /api/metrics, behind METRICS_TOKEN). One registry per
 * process: with several workers (scripts/start.js) each answers for itself, so a scraper sums
 * them. Labels are bounded sets (route patterns, status classes, statement kinds, limiter
 * names), never ids, and never anything about a patient.
 */

const RATE_LIMITERS = ["api_principal", "api_ip", "sign_in", "diary_link", "diary_ip"] as const;
export type RateLimiterName = (typeof RATE_LIMITERS)[number];

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const rateLimitRefusals = new Counter({
    name: "rate_limit_refusals_total",
    help: "Requests refused by a rate limit, by limiter (api_principal, api_ip, sign_in).",
    labelNames: ["limiter"] as const,
    registers: [registry],
  });
  // Shown at 0 from the start, so an alert on the rate needs no "absent" case.
  for (const limiter of RATE_LIMITERS) rateLimitRefusals.inc({ limiter }, 0);
  return {
    registry,
    rateLimitRefusals,
    requests: new Counter({
      name: "http_requests_total",
      help: "API requests answered, by method, route pattern and status class.",
      labelNames: ["method", "route", "status_class"] as const,
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from receiving an API request to its response (headers; a streamed export may go on), in seconds.",
      labelNames: ["method", "route", "status_class"] as const,
      buckets: durationBuckets,
      registers: [registry],
    }),
    dbQueryDuration: new Histogram({
      name: "db_query_duration_seconds",
      help: "Time of each database statement as Prisma reports it, by statement kind, in seconds.",
      labelNames: ["statement"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    accountLockouts: new Counter({
      name: "account_lockouts_total",
      help: "Accounts locked after too many failed sign-in proofs.",
      registers: [registry],
    }),
    diarySubmissions: new Counter({
      name: "diary_submissions_total",
      help: "Patient diary entries submitted.",
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof create>;

// On globalThis: dev hot reloads and route bundles that load this module twice share one set
// (prom-client refuses to register a name twice in a registry).
const g = globalThis as unknown as { __crampMetrics?: Metrics };
function metrics(): Metrics {
  return (g.__crampMetrics ??= create());
}


export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const labels = { method, route, status_class: statusClass(status) };
  const m = metrics();
  m.requests.inc(labels);
  m.requestDuration.observe(labels, seconds);
}

const STATEMENTS = new Set(["select", "insert", "update", "delete", "begin", "commit", "rollback", "with", "pragma", "savepoint", "release"]);

/** Called for every statement Prisma runs (lib/server/db.ts); `sql` only gives its kind. */
export function observeDbQuery(sql: string, milliseconds: number): void {
  const first = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase() ?? "";
  metrics().dbQueryDuration.observe({ statement: STATEMENTS.has(first) ? first : "other" }, milliseconds / 1000);
}

export function countRateLimitRefusal(limiter: RateLimiterName): void {
  metrics().rateLimitRefusals.inc({ limiter });
}

export function countAccountLockout(): void {
  metrics().accountLockouts.inc();
}

export function countDiarySubmission(): void {
  metrics().diarySubmissions.inc();
}

/** The exposition text and its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
