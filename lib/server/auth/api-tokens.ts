import "server-only";
import { createHash, randomBytes } from "node:crypto";

/**
 * API tokens: `cc_` followed by 32 random bytes in base64url (43 characters). Only the SHA-256 of
 * the token is stored; a plain hash is enough because the token is random, not a password.
 */
export const TOKEN_PREFIX = "cc_";
const TOKEN_PATTERN = /^cc_[A-Za-z0-9_-]{43}$/;
/** Characters kept in the clear to tell tokens apart in lists ("cc_" and 8 more). */
export const TOKEN_DISPLAY_PREFIX_LENGTH = 11;

/** lastUsedAt is written at most this often per token, so reads don't each cost a write. */
export const TOKEN_TOUCH_MS = 60 * 1000;

export function generateApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, TOKEN_DISPLAY_PREFIX_LENGTH) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** True when the string has the shape of a token we issue (checked before any database work). */
export function looksLikeApiToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * The token of an `Authorization` header: `null` when there is no header, `""` when the header is
 * present but not a bearer token (the caller answers 401 without looking further).
 */
export function bearerToken(header: string | null): string | null {
  if (header === null) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match ? match[1] : "";
}
