import type { Response } from 'express';

/**
 * No inline script or style, no eval, nothing from another origin, never in a
 * frame, forms only to ourselves. htmx runs under it because the console uses
 * only its request attributes (no `hx-on`, no filter expressions: those compile
 * code at run time).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Headers on every console response (pages, fragments, errors, assets): the
 * CSP above, no referrer (URLs may carry ids and filters), no MIME sniffing, no
 * framing, no caching of anything that can show buyer data (assets, whose names
 * carry their version or hash, override the cache policy).
 */
export function applyConsoleHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  res.setHeader('Cache-Control', 'no-store');
}
