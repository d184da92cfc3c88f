/**
 * Calls the JSON API's route handlers directly with real Request objects, as Next would.
 */
import { expect } from "vitest";
import type { Actor } from "../../lib/server/permissions";
import { createApiToken } from "../../lib/features/accounts/api-tokens";

export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export const BASE = "http://localhost:3000";

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** A body sent as is (malformed JSON, wrong types), instead of JSON.stringify(body). */
  rawBody?: string | Uint8Array | ReadableStream<Uint8Array>;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function call(handler: unknown, method: string, path: string, opts: CallOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody as BodyInit;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  const init: RequestInit & { duplex?: "half" } = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = "half";
  const request = new Request(`${BASE}${path}`, init);
  const response = await (handler as RouteHandler)(request, { params: Promise.resolve(opts.params ?? {}) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

/** A real token, made through the same library function the settings page uses. */
export async function tokenFor(actor: Actor, name = "test"): Promise<string> {
  return (await createApiToken(actor, { name })).token;
}

/** Asserts the contract's error body and returns it. */
export function expectError(answer: ApiAnswer, status: number, code: string) {
  expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code });
  expect(typeof answer.json.error.message).toBe("string");
  expect(answer.json.error.fields).toBeTypeOf("object");
  if (code === "VALIDATION") expect(Object.keys(answer.json.error.fields).length).toBeGreaterThan(0);
  expect(JSON.stringify(answer.json)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  return answer.json.error as { code: string; message: string; fields: Record<string, string> };
}
