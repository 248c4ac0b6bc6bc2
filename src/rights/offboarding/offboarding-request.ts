import { validationFailed, type ErrorDetail } from '../../platform/errors/domain-error';

/** The seller's request as an admin records it: who asked, why, which ticket; `force` overrides legal holds. */
export interface OffboardingRequest {
  readonly requestedBy: string;
  readonly reason: string;
  readonly ticketRef?: string | null;
  readonly force?: boolean;
}

export const MAX_REQUESTED_BY = 200;
export const MAX_OFFBOARDING_REASON = 300;
export const MAX_TICKET_REF = 100;

// Controls and bidi overrides would let operator text forge how a log line or a certificate reads.
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Trimmed, bounded, printable: the request is written to the access log and into the certificate. */
export function checkOffboardingRequest(input: OffboardingRequest): {
  requestedBy: string;
  reason: string;
  ticketRef: string | null;
  force: boolean;
} {
  const details: ErrorDetail[] = [];
  const text = (field: string, value: unknown, max: number, required: boolean): string | null => {
    if (value === undefined || value === null || value === '') {
      if (required) details.push({ field, issue: 'required' });
      return null;
    }
    if (typeof value !== 'string') {
      details.push({ field, issue: 'must be a string' });
      return null;
    }
    const t = value.trim();
    if ((required && t.length < 1) || t.length > max) details.push({ field, issue: `1 to ${max} characters` });
    else if (UNSAFE_TEXT.test(t)) details.push({ field, issue: 'control characters are not allowed' });
    return t;
  };
  const requestedBy = text('requestedBy', input.requestedBy, MAX_REQUESTED_BY, true);
  const reason = text('reason', input.reason, MAX_OFFBOARDING_REASON, true);
  const ticketRef = text('ticketRef', input.ticketRef, MAX_TICKET_REF, false);
  if (input.force !== undefined && typeof input.force !== 'boolean') details.push({ field: 'force', issue: 'boolean' });
  if (details.length) throw validationFailed('invalid offboarding request', details);
  return { requestedBy: requestedBy!, reason: reason!, ticketRef: ticketRef || null, force: input.force === true };
}
