import { MarketplaceError, type MarketplaceErrorKind } from './marketplace-error';

/**
 * What an OAuth token endpoint's `error` code (RFC 6749 §5.2, plus the codes Login with Amazon and eBay add)
 * means for a connection. Both marketplaces answer a refresh with these codes, whatever their client library
 * turns the answer into, so the classification is by code and HTTP status, never by the library's error class.
 */
const OAUTH_KINDS: Record<string, MarketplaceErrorKind> = {
  // The seller's refresh token is revoked, expired, or was issued to another app: only re-consent helps.
  invalid_grant: 'auth_revoked',
  // Scopes asked for exceed what the seller consented to (eBay), or the app lost the grant type (LWA).
  invalid_scope: 'auth_revoked',
  unauthorized_client: 'auth_revoked',
  // Our own application credentials are refused: the operator must act, not the seller.
  invalid_client: 'unknown',
  invalid_request: 'unknown',
  unsupported_grant_type: 'unknown',
  server_error: 'temporary',
  temporarily_unavailable: 'temporary',
  slow_down: 'rate_limited',
};

const OAUTH_CODE = /^[a-z_]{1,64}$/;

/** The `error` of an OAuth error body (`{"error": "...", "error_description": "..."}`), if the body is one. */
export function oauthErrorCode(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' && OAUTH_CODE.test(error) ? error : undefined;
}

/** Classifies a token endpoint's OAuth error; the status decides for codes nobody documented. */
export function oauthFailure(marketplace: string, code: string, status: number | undefined): MarketplaceError {
  const kind: MarketplaceErrorKind =
    OAUTH_KINDS[code] ??
    (status === 429 ? 'rate_limited' : status !== undefined && status >= 500 ? 'temporary' : 'unknown');
  const message =
    kind === 'auth_revoked'
      ? `${marketplace} refused the seller's refresh token (${code}): the seller must authorise the app again`
      : code === 'invalid_client'
        ? `${marketplace} rejected this server's application credentials (${code})`
        : `${marketplace} token endpoint answered ${status ?? 'without a status'} ${code}`;
  return new MarketplaceError(kind, code, message, undefined, status);
}
