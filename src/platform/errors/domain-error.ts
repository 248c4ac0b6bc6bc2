/**
 * Every rule a service enforces fails with a DomainError carrying a stable code.
 * Services never throw HTTP exceptions; the one HTTP filter maps codes to statuses.
 * Messages must never contain buyer data or secrets: they reach logs and clients.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: 'validation_failed',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  RATE_LIMITED: 'rate_limited',
  PRECONDITION_FAILED: 'precondition_failed',
  /** The thing existed and is gone for good (buyer data destroyed under its retention window). */
  GONE: 'gone',
  UNAVAILABLE: 'unavailable',
  CRYPTO_FAILURE: 'crypto_failure',
  CONFIG_INVALID: 'config_invalid',
  MARKETPLACE_ERROR: 'marketplace_error',
  INTERNAL: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface ErrorDetail {
  readonly field?: string;
  readonly issue: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError(ErrorCodes.NOT_FOUND, `${what} not found`);
export const validationFailed = (message: string, details: ErrorDetail[] = []) =>
  new DomainError(ErrorCodes.VALIDATION_FAILED, message, details);
export const conflict = (message: string) => new DomainError(ErrorCodes.CONFLICT, message);
