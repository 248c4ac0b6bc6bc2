import { MarketplaceError } from '../marketplace-error';
import { oauthErrorCode, oauthFailure } from '../oauth-error-kind';

/** The HTTP answer behind an error, wherever the client put it. */
interface HttpAnswer {
  status?: number;
  body?: unknown;
}

/**
 * `ebay-api` wraps API answers in its own classes (status and body under `meta.res`), but re-throws the raw
 * Axios error (status and body under `response`) on paths such as `refreshUserAccessToken`, which is the one
 * our token renewal uses. Both are read here so the answer, not the wrapper, decides.
 */
function answerOf(err: unknown): HttpAnswer {
  const e = (err ?? {}) as {
    meta?: { res?: { status?: unknown; data?: unknown } };
    response?: { status?: unknown; data?: unknown };
  };
  const res = e.meta?.res ?? e.response;
  return { status: typeof res?.status === 'number' ? res.status : undefined, body: res?.data };
}

/** errorId of the first entry of eBay's REST error envelope `{"errors":[{errorId, domain, ...}]}`. */
function restErrorId(body: unknown): number | undefined {
  const first = (body as { errors?: Array<{ errorId?: unknown }> } | null)?.errors?.[0];
  return typeof first?.errorId === 'number' ? first.errorId : undefined;
}

/**
 * Maps anything the `ebay-api` client throws by the HTTP status and eBay's own codes: the OAuth `error` of the
 * identity endpoint, or the errorId of the REST envelope. (The client names its classes by message and domain:
 * any ACCESS-domain error is EBayAccessDenied, the 429 quota included.)
 */
export function ebayError(err: unknown, sentOffset: boolean): MarketplaceError {
  if (err instanceof MarketplaceError) return err;
  const { status, body } = answerOf(err);
  if (status === undefined) {
    // No response at all: connection reset, timeout, TLS failure (Axios errors carry a code).
    const network = (err as { code?: unknown } | null)?.code;
    if (typeof network === 'string') {
      return new MarketplaceError('temporary', network, 'eBay request failed before a response');
    }
    // The client refused before sending anything (no token set, bad arguments): retrying will not help.
    return new MarketplaceError('unknown', 'client_error', 'the eBay client failed without an HTTP answer');
  }
  const oauth = oauthErrorCode(body);
  if (oauth) return oauthFailure('eBay', oauth, status);

  const id = restErrorId(body);
  const code = id !== undefined ? String(id) : `http_${status}`;
  if (status === 429 || id === 2001) {
    return new MarketplaceError('rate_limited', code, 'eBay call limit reached', undefined, status);
  }
  if (status === 401) {
    // The client has already refreshed the token and retried once (ebay-api §5.4): the new token is refused too.
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
  if (status === 404 || id === 32100) {
    return new MarketplaceError('not_found', code, 'eBay: order not found', undefined, status);
  }
  if (status >= 500) return new MarketplaceError('temporary', code, `eBay answered ${status}`, undefined, status);
  if (status === 400 && sentOffset && id === 31000) {
    return new MarketplaceError('cursor_invalid', code, 'eBay rejected the page offset', undefined, status);
  }
  return new MarketplaceError('unknown', code, `eBay answered ${status}`, undefined, status);
}
