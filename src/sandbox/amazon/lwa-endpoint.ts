import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendJson } from './http-io';
import type { LwaAuthority } from './lwa-authority';
import type { ObservedRequest } from './observations';

export const LWA_TOKEN_PATH = '/auth/o2/token';

/**
 * `POST https://api.amazon.com/auth/o2/token`. The documented encoding is
 * `application/x-www-form-urlencoded`, but amazon-sp-api posts JSON (reference §4.1, §6.4),
 * so both are accepted. Successful responses are not cacheable (`Cache-Control: no-store`).
 */
export async function handleLwaToken(
  lwa: LwaAuthority,
  req: IncomingMessage,
  res: ServerResponse,
  entry: ObservedRequest,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'POST') {
    return sendJson(
      res,
      405,
      { error_description: 'HTTP method not allowed', error: 'invalid_request' },
      {
        ...headers,
        Allow: 'POST',
      },
    );
  }
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'invalid_request' }, headers);
    throw err;
  }
  const params = parseParams(raw, req.headers['content-type'] ?? '');
  if (!params) {
    return sendJson(res, 400, { error_description: 'Malformed request body', error: 'invalid_request' }, headers);
  }
  entry.grantType = params.grant_type;
  const result = lwa.token(params);
  sendJson(res, result.status, result.body, {
    ...headers,
    ...(result.status === 200 ? { 'Cache-Control': 'no-store', Pragma: 'no-cache' } : {}),
  });
}

function parseParams(raw: string, contentType: string): Record<string, string | undefined> | undefined {
  if (/json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      const out: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
