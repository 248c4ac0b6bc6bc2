import { MarketplaceError } from '../marketplace-error';

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

/** Maps failures thrown by the client itself: LWA errors (CustomError) and network errors. */
export function amazonThrownError(err: unknown): MarketplaceError {
  if (err instanceof MarketplaceError) return err;
  const e = err as { code?: string; name?: string; type?: string };
  const code = typeof e.code === 'string' ? e.code : (e.name ?? 'error');
  if (code === 'invalid_grant' || code === 'unauthorized_client') {
    return new MarketplaceError('auth_revoked', code, 'Login with Amazon refused the refresh token');
  }
  if (code === 'invalid_client') {
    return new MarketplaceError('unknown', code, 'Login with Amazon rejected the application credentials');
  }
  if (code === 'CREDENTIALS_MISSING') {
    return new MarketplaceError('unknown', code, 'Amazon application credentials are not configured');
  }
  // Network failures, timeouts and unparseable token responses are worth retrying.
  return new MarketplaceError('temporary', code, 'SP-API request failed before a response');
}
