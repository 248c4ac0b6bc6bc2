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
