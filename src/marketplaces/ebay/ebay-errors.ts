import { MarketplaceError } from '../marketplace-error';

interface EbayLibError {
  name?: string;
  errorCode?: number;
  code?: string;
  meta?: { res?: { status?: number } };
  response?: { status?: number };
}

/**
 * Maps errors thrown by the `ebay-api` client. It names classes by the first
 * error's message/domain (any ACCESS-domain error is EBayAccessDenied, 429
 * quota included), so the HTTP status and eBay errorId decide here.
 */
export function ebayError(err: unknown, sentOffset: boolean): MarketplaceError {
  if (err instanceof MarketplaceError) return err;
  const e = (err ?? {}) as EbayLibError;
  const status = e.meta?.res?.status ?? e.response?.status;
  const id = e.errorCode;
  const code = id !== undefined ? String(id) : (e.name ?? e.code ?? 'error');
  if (e.name === 'EBayInvalidGrant' || e.name === 'EBayInvalidScope') {
    return new MarketplaceError(
      'auth_revoked',
      e.name,
      'eBay refused the refresh token or its scopes',
      undefined,
      status,
    );
  }
  if (status === 429 || id === 2001) {
    return new MarketplaceError('rate_limited', code, 'eBay call limit reached', undefined, status);
  }
  if (status === 401 || e.name === 'EBayInvalidAccessToken') {
    return new MarketplaceError(
      'auth_revoked',
      code,
      'eBay rejected the access token after a refresh',
      undefined,
      status,
    );
  }
  if (status === 403) {
    return new MarketplaceError(
      'auth_revoked',
      code,
      'eBay denied access (missing scope or revoked consent)',
      undefined,
      status,
    );
  }
  if (status === 404 || id === 32100)
    return new MarketplaceError('not_found', code, 'eBay: order not found', undefined, status);
  if (status !== undefined && status >= 500) {
    return new MarketplaceError('temporary', code, `eBay answered ${status}`, undefined, status);
  }
  if (status === 400 && sentOffset && id === 31000) {
    return new MarketplaceError('cursor_invalid', code, 'eBay rejected the page offset', undefined, status);
  }
  if (status === undefined) {
    // No response at all: connection reset, timeout, TLS failure.
    return new MarketplaceError('temporary', e.code ?? 'network', 'eBay request failed before a response');
  }
  return new MarketplaceError('unknown', code, `eBay answered ${status}`, undefined, status);
}
