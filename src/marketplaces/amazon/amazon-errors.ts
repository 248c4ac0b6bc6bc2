import { MarketplaceError } from '../marketplace-error';
import { oauthFailure } from '../oauth-error-kind';

interface SpApiError {
  code?: string;
  message?: string;
  details?: string;
}

/** Maps an SP-API HTTP response that was not a success. */
export function amazonResponseError(status: number, body: string, sentPaginationToken: boolean): MarketplaceError {
  let first: SpApiError;
  try {
    const parsed = JSON.parse(body) as { errors?: SpApiError[] };
    first = parsed.errors?.[0] ?? {};
  } catch {
    // Gateways answer with HTML; only the status tells us anything then.
    return new MarketplaceError(
      status >= 500 ? 'temporary' : 'unknown',
      `http_${status}`,
      `SP-API answered ${status} with a non-JSON body`,
      undefined,
      status,
    );
  }
  const code = first.code ?? `http_${status}`;
  if (status === 429 || code === 'QuotaExceeded') {
    return new MarketplaceError('rate_limited', code, 'SP-API quota exceeded', undefined, status);
  }
  if (status >= 500 || code === 'InternalFailure' || code === 'ServiceUnavailable') {
    return new MarketplaceError('temporary', code, `SP-API ${status} ${code}`, undefined, status);
  }
  if (status === 403 || status === 401) {
    return new MarketplaceError('auth_revoked', code, 'SP-API denied access for this seller', undefined, status);
  }
  if (status === 404) return new MarketplaceError('not_found', code, 'SP-API: not found', undefined, status);
  if (status === 400 && sentPaginationToken) {
    // The only input that changes between pages of a window is the token; a 400 means it expired.
    return new MarketplaceError('cursor_invalid', code, 'SP-API rejected the pagination token', undefined, status);
  }
  return new MarketplaceError('unknown', code, `SP-API ${status} ${code}`, undefined, status);
}

/**
 * Login with Amazon's OAuth error codes. amazon-sp-api throws an LWA error answer as
 * `CustomError{code: error, message: error_description}` and drops the HTTP status, so the code decides.
 */
const LWA_OAUTH_CODES = new Set([
  'invalid_grant',
  'invalid_scope',
  'unauthorized_client',
  'invalid_client',
  'invalid_request',
  'unsupported_grant_type',
  'server_error',
  'temporarily_unavailable',
  'slow_down',
]);

/** Maps failures thrown by the client itself: LWA errors (CustomError) and network errors. */
export function amazonThrownError(err: unknown): MarketplaceError {
  if (err instanceof MarketplaceError) return err;
  const e = err as { code?: string; name?: string; type?: string };
  const code = typeof e.code === 'string' ? e.code : (e.name ?? 'error');
  if (LWA_OAUTH_CODES.has(code)) return oauthFailure('Login with Amazon', code, undefined);
  if (code === 'CREDENTIALS_MISSING') {
    return new MarketplaceError('unknown', code, 'Amazon application credentials are not configured');
  }
  // Network failures, timeouts and unparseable token responses (a gateway's HTML page) are worth retrying.
  return new MarketplaceError('temporary', code, 'SP-API request failed before a response');
}
