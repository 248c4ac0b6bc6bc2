import { DomainError, ErrorCodes } from '../platform/errors/domain-error';

/**
 * Every marketplace failure is normalised into one of these kinds, and one
 * handler in the sync decides what each means (back off, mark the connection,
 * restart the window, dead-letter the order).
 */
export type MarketplaceErrorKind =
  /** Throttled: wait (retryAfterMs when known) and try again. */
  | 'rate_limited'
  /** 5xx, timeouts, resets, unparseable gateway pages: retry with backoff. */
  | 'temporary'
  /** The seller's authorisation is gone (revoked/expired refresh token, missing role): needs re-consent. */
  | 'auth_revoked'
  /** Our position in the marketplace's result set is no longer valid (expired page token): restart the window. */
  | 'cursor_invalid'
  /** The marketplace sent data we cannot interpret. */
  | 'bad_data'
  /** The requested object does not exist (for single-order fetches). */
  | 'not_found'
  /** Anything else (including our own application credentials being rejected): back off and alert. */
  | 'unknown';

export class MarketplaceError extends DomainError {
  constructor(
    readonly kind: MarketplaceErrorKind,
    /** Marketplace error code (e.g. QuotaExceeded, 2001), safe to log: never buyer data. */
    readonly marketplaceCode: string,
    message: string,
    readonly retryAfterMs?: number,
    readonly httpStatus?: number,
  ) {
    super(ErrorCodes.MARKETPLACE_ERROR, message);
    this.name = 'MarketplaceError';
  }
}

/**
 * The seller (or the marketplace on their behalf) withdrew our authorisation: the token endpoint refused the
 * refresh token with OAuth `invalid_grant` (revoked, expired or issued to another app). Other `auth_revoked`
 * failures (a 401 after a renewal, a 403, `invalid_scope`) stop the connection too but are not taken as the
 * seller's withdrawal: they may be a transient fault or a scope the app asks for, cured without re-consent.
 */
export function isExplicitRevocation(err: unknown): boolean {
  return err instanceof MarketplaceError && err.kind === 'auth_revoked' && err.marketplaceCode === 'invalid_grant';
}
