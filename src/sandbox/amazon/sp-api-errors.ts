import type { ErrorList } from './wire-types';

/** Error bodies as the real service sends them; sources cited per entry (reference §3). */

const DENIED = 'Access to requested resource is denied.';

/** Dev Guide "Response format" example for a request without a token. */
export const MISSING_TOKEN: ErrorList = {
  errors: [{ message: DENIED, code: 'Unauthorized', details: 'Access token is missing in the request header.' }],
};

export const INVALID_TOKEN: ErrorList = {
  errors: [
    {
      code: 'Unauthorized',
      message: DENIED,
      details: 'The access token you provided is revoked, malformed or invalid.',
    },
  ],
};

/** The client's `/access token.*expired/` test refreshes the token on this one (reference §6.2, §6.3). */
export const EXPIRED_TOKEN: ErrorList = {
  errors: [{ code: 'Unauthorized', message: DENIED, details: 'The access token you provided has expired.' }],
};

/** Missing role or a seller the token does not cover: details are empty (reference §3 "403 variants"). */
export const ACCESS_DENIED: ErrorList = { errors: [{ code: 'Unauthorized', message: DENIED, details: '' }] };

export const QUOTA_EXCEEDED: ErrorList = {
  errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }],
};

/** Sandbox 400 of the 2026 model: message "Invalid Input", details say what is wrong. */
export function invalidInput(details: string): ErrorList {
  return { errors: [{ code: 'InvalidInput', message: 'Invalid Input', details }] };
}

export function notFound(details: string): ErrorList {
  return { errors: [{ code: 'NotFound', message: 'The requested resource was not found.', details }] };
}
