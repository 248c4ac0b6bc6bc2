import type { EbayErrorDetail } from './wire-types';

/**
 * eBay's error bodies, byte-for-byte where a real one is known. The REST envelope is
 * `{"errors":[…]}` (reference §4); the identity endpoint uses OAuth's `{error, error_description}` (§2).
 */

/** An HTTP answer the simulator sends: status plus JSON body (or raw text for gateway-style pages). */
export interface SimResponse {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export const restError = (status: number, ...errors: EbayErrorDetail[]): SimResponse => ({
  status,
  body: { errors },
});

/**
 * Exact 401 body (reference §2 table, examples/ebay/errors.401-invalid-access-token.json). ebay-api refreshes the
 * token and retries once only when errors[0].message is exactly "Invalid access token" (§5.4).
 */
export const invalidAccessToken = (): SimResponse =>
  restError(401, {
    errorId: 1001,
    domain: 'OAuth',
    category: 'REQUEST',
    message: 'Invalid access token',
    longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.',
  });

/** 403 for a token without the operation's scope (§2 table, errors.403-insufficient-scope.json). */
export const insufficientScope = (): SimResponse =>
  restError(403, {
    errorId: 1100,
    domain: 'ACCESS',
    category: 'REQUEST',
    message: 'Access denied',
    longMessage: 'Insufficient permissions to fulfill the request.',
  });

/** Daily quota body copied from a live 429 (§4, errors.429-daily-quota.json). */
export const quotaExceeded = (): SimResponse =>
  restError(429, {
    errorId: 2001,
    domain: 'ACCESS',
    category: 'REQUEST',
    message: 'Too many requests.',
    longMessage: 'The request limit has been reached for the resource.',
  });

/** Spec x-response-codes 30500 (§1.2); body as examples/ebay/errors.500-system.json (message ends with a period). */
export const fulfillmentSystemError = (): SimResponse =>
  restError(500, { errorId: 30500, domain: 'API_FULFILLMENT', category: 'APPLICATION', message: 'System error.' });

/** Spec x-response-codes 195000 of the Notification API. */
export const notificationSystemError = (): SimResponse =>
  restError(500, {
    errorId: 195000,
    domain: 'API_NOTIFICATION',
    category: 'APPLICATION',
    message:
      'There was a problem with an eBay internal system or process. Contact eBay developer support for assistance.',
  });

/** A fulfillment 400 (domain API_FULFILLMENT, category REQUEST, §1.2 table). */
export const fulfillmentRequestError = (
  errorId: number,
  message: string,
  parameters?: Array<{ name: string; value: string }>,
): SimResponse =>
  restError(400, {
    errorId,
    domain: 'API_FULFILLMENT',
    category: 'REQUEST',
    message,
    ...(parameters ? { parameters } : {}),
  });

/** OAuth-style error of the identity endpoint (§2 "Token-endpoint errors"). */
export const oauthError = (status: number, error: string, description: string): SimResponse => ({
  status,
  body: { error, error_description: description },
});

export const OAUTH_DESCRIPTIONS = {
  invalidClient: 'client authentication failed',
  invalidRefreshToken: 'the provided authorization refresh token is invalid or was issued to another client',
  invalidGrantCode: 'the provided authorization grant code is invalid or was issued to another client',
  invalidScope: 'The requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client',
  // Not quoted from a captured eBay response; the RFC 6749 §5.2 error codes are certain, the wording is ours.
  invalidRequest: 'request is missing a required parameter or malformed.',
  unsupportedGrantType: 'grant type in request is not supported by the authorization server',
} as const;

/**
 * A request the simulator does not implement. Deliberately not dressed up as an eBay error so a test
 * that reaches an unsimulated path fails loudly instead of being mistaken for eBay behaviour.
 */
export const notSimulated = (method: string, path: string): SimResponse =>
  restError(404, {
    errorId: 0,
    domain: 'ORDERVAULT_EBAY_SIMULATOR',
    category: 'REQUEST',
    message: `Not simulated: ${method} ${path}`,
  });
