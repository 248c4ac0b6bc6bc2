import { amazonThrownError } from '../../marketplaces/amazon/amazon-errors';
import { ebayError } from '../../marketplaces/ebay/ebay-errors';
import { MarketplaceError } from '../../marketplaces/marketplace-error';
import { DomainError, ErrorCodes, validationFailed } from '../../platform/errors/domain-error';
import type { OAuthMarketplace } from './oauth-state';

const NAME: Record<OAuthMarketplace, string> = { amazon: 'Amazon', ebay: 'eBay' };
/** OAuth error codes are short ASCII tokens; anything else is not echoed back. */
const OAUTH_ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** The app keys or redirect name are not configured: the operator must act, the seller cannot. */
export const notConfigured = (marketplace: OAuthMarketplace, variables: string[]) =>
  new DomainError(
    ErrorCodes.PRECONDITION_FAILED,
    `${NAME[marketplace]} connections are not configured on this server (set ${variables.join(', ')})`,
  );

/** The marketplace redirected back with an `error` instead of a code: the seller did not consent. */
export function sellerDeclined(marketplace: OAuthMarketplace, error: string | undefined): DomainError {
  const code = error && OAUTH_ERROR_CODE.test(error) ? error : 'access_denied';
  return validationFailed(`the seller declined the authorisation on ${NAME[marketplace]}; nothing was connected`, [
    { field: 'error', issue: code },
  ]);
}

export const missingParameter = (field: string) =>
  validationFailed(`the ${field} parameter is missing or malformed`, [{ field, issue: 'required' }]);

/** The token endpoint refused the authorisation code (invalid_grant): wrong, used or older than its lifetime. */
export const codeRejected = (marketplace: OAuthMarketplace, lifetime: string) =>
  validationFailed(
    `the authorisation code is invalid or expired (${NAME[marketplace]} codes are single-use and valid for ${lifetime}); start the connection again`,
    [{ field: marketplace === 'amazon' ? 'spapi_oauth_code' : 'code', issue: 'invalid or expired' }],
  );

const errorCode = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Failures of `SellingPartner.exchange(code)` (LWA answers as CustomError{code: error}). */
export function amazonExchangeError(err: unknown): DomainError {
  const code = errorCode(err);
  if (code === 'invalid_grant') return codeRejected('amazon', '5 minutes');
  if (code === 'CREDENTIALS_MISSING')
    return notConfigured('amazon', ['AMAZON_LWA_CLIENT_ID', 'AMAZON_LWA_CLIENT_SECRET']);
  // invalid_client (our app keys), unparseable gateway pages, resets, timeouts: 502.
  return amazonThrownError(err);
}

/** Failures of `OAuth2.mintUserAccessToken(code)`: raw axios errors carrying eBay's OAuth error body. */
export function ebayExchangeError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const e = err as { response?: { status?: number; data?: { error?: unknown } } } | null;
  const status = e?.response?.status;
  const oauthError = typeof e?.response?.data?.error === 'string' ? e.response.data.error : undefined;
  if (oauthError === 'invalid_grant') return codeRejected('ebay', '299 seconds');
  if (status === undefined) {
    return new MarketplaceError('temporary', errorCode(err) ?? 'network', 'eBay token endpoint unreachable');
  }
  return new MarketplaceError(
    status >= 500 ? 'temporary' : 'unknown',
    oauthError ?? `http_${status}`,
    `eBay token endpoint answered ${status}`,
    undefined,
    status,
  );
}

/** Failures of the Commerce Identity getUser call right after the exchange. */
export const ebayIdentityError = (err: unknown): DomainError => ebayError(err, false);
