import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Encrypts small secrets kept in the database (TOTP seeds) with AES-256-GCM under a key derived
 * from NEXTAUTH_SECRET, so a database dump or backup alone does not yield them. The record's id
 * is bound in as associated data: a sealed value copied onto another user's row does not open.
 *
 * Changing NEXTAUTH_SECRET makes existing values unreadable: those users then need an admin to
 * reset their two-factor sign-in (app/admin/users) and enrol again.
 */
const VERSION = "v1";
const INFO = "cramp-clinic/totp-secret/v1";

let cached: { secret: string; key: Buffer } | null = null;

function key(): Buffer {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: two-factor secrets cannot be encrypted or read.");
  if (cached?.secret !== secret) {
    cached = { secret, key: Buffer.from(hkdfSync("sha256", secret, "cramp-clinic", INFO, 32)) };
  }
  return cached.key;
}

/** "v1.<iv>.<tag>.<ciphertext>", each part base64url. */
export function sealSecret(plaintext: Buffer, boundTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(Buffer.from(boundTo, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/** The plaintext, or null when the value was not sealed for `boundTo` under the current key. */
export function openSecret(sealed: string, boundTo: string): Buffer | null {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, "base64url"));
  if (iv.length !== 12 || tag.length !== 16) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), iv);
    decipher.setAAD(Buffer.from(boundTo, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}
