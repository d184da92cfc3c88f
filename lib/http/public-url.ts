import "server-only";

/**
 * The address patients reach the app at, for links handed to them (a diary link, its QR code):
 * NEXTAUTH_URL when set (the canonical address behind a proxy), else the request's own origin.
 */
export function publicUrl(path: string, requestUrl?: string | null): string {
  const configured = process.env.NEXTAUTH_URL?.trim();
  const base = configured || requestUrl || "http://localhost:3000";
  return new URL(path, base).toString();
}
