import "server-only";
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/**
 * Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226) with node:crypto alone: no
 * network and no third-party code on the path that checks a sign-in. Authenticator apps use
 * SHA-1, 6 digits and 30-second steps; the other algorithms are here for the RFC's test vectors.
 */
export type TotpAlgorithm = "sha1" | "sha256" | "sha512";

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of now that are still accepted: ±30 s for clocks that drift or a slow typist. */
export const TOTP_WINDOW = 1;
/** 160 bits, the HMAC-SHA1 block the RFC recommends for the shared secret. */
export const TOTP_SECRET_BYTES = 20;

/** HOTP (RFC 4226 section 5.3): dynamic truncation of HMAC(secret, counter), `digits` long. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS, algorithm: TotpAlgorithm = "sha1"): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError("counter must be a non-negative integer");
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The time step that contains `timeMs` (RFC 6238 section 4.2, T0 = 0). */
export function totpStep(timeMs: number, stepSeconds = TOTP_STEP_SECONDS): number {
  return Math.floor(timeMs / 1000 / stepSeconds);
}

export function totp(secret: Buffer, timeMs: number, opts: { digits?: number; algorithm?: TotpAlgorithm; stepSeconds?: number } = {}): string {
  return hotp(secret, totpStep(timeMs, opts.stepSeconds), opts.digits, opts.algorithm);
}

/**
 * The step whose code `code` is, looking from `TOTP_WINDOW` steps before now to as many after,
 * or null. Steps at or before `lastUsedStep` are not looked at: a code signs in once, and an
 * older one may not follow a newer one (RFC 6238 section 5.2).
 */
export function matchTotp(secret: Buffer, code: string, timeMs: number, lastUsedStep: number | null = null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(timeMs);
  let found: number | null = null;
  // Every candidate is computed and compared in constant time, so timing does not tell which matched.
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const same = timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code));
    if (same && found === null && (lastUsedStep === null || step > lastUsedStep)) found = step;
  }
  return found;
}

/** What a person typed as a code: spaces and dashes dropped. */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}

/** True when the (normalized) code has the shape of an authenticator code rather than a recovery code. */
export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

// RFC 4648 base32, the encoding of secrets in otpauth:// URIs and for typing a secret by hand.
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

export function newTotpSecret(): Buffer {
  return randomBytes(TOTP_SECRET_BYTES);
}

/** The key URI authenticator apps read from the QR code (Google Authenticator's format). */
export function otpauthUri(secret: Buffer, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, "%20")}`;
}

/** Groups a base32 secret in fours, as apps show it, for typing by hand. */
export function formatSecret(base32: string): string {
  return base32.replace(/(.{4})/g, "$1 ").trim();
}

// Recovery codes: 10 characters of Crockford's base32 (no I, L, O, U), 50 bits each, shown as
// "xxxxx-xxxxx". Stored as argon2id hashes, so a database dump does not reveal them.
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_LENGTH = 10;

export function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < RECOVERY_LENGTH; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * The canonical form hashed and compared: lower case without separators, with the letters
 * people confuse with digits read as those digits (Crockford's rule).
 */
export function canonicalRecoveryCode(input: string): string | null {
  const code = normalizeCode(input).replace(/[il]/g, "1").replace(/o/g, "0");
  if (code.length !== RECOVERY_LENGTH) return null;
  for (const ch of code) if (!RECOVERY_ALPHABET.includes(ch)) return null;
  return code;
}
