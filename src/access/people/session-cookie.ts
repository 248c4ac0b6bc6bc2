import type { Request } from 'express';

/**
 * The console's session cookie. `__Host-` makes browsers refuse it unless it is
 * Secure, has Path=/ and no Domain, so no subdomain can set or shadow it;
 * HttpOnly keeps it from scripts; SameSite=Strict keeps it off every request
 * another site starts.
 */
export const SESSION_COOKIE = '__Host-ov_session';

export function sessionCookieHeader(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Strict`;
}

/** Tells the browser to drop the cookie (sign out, or a cookie whose session has ended). */
export const clearedSessionCookieHeader = (): string =>
  `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;

/** Session tokens are 32 random bytes, base64url: 43 characters. Anything else is not ours. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token the request's Cookie header carries, if it looks like one. */
export function sessionTokenOf(req: Request): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : null;
  }
  return null;
}

/**
 * Whether a request that changes something comes from a page of our own
 * origin: the browser's Sec-Fetch-Site says same-origin, or (older browsers)
 * its Origin is our public origin or the host it was sent to. A request with
 * neither header is refused: every browser that can run the console sends one.
 */
export function isSameOrigin(req: Request, publicOrigin: string): boolean {
  const site = req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.header('origin');
  if (!origin) return false;
  if (origin === publicOrigin) return true;
  const host = req.header('host');
  return host !== undefined && (origin === `https://${host}` || origin === `http://${host}`);
}
