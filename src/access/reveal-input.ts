import { validationFailed, type DomainError } from '../platform/errors/domain-error';
import { RejectedBody } from '../platform/http/json-body.middleware';
import { isUuid } from '../platform/validation/uuid';
import { isCleanText, sanitiseAscii, sanitiseText } from '../platform/validation/text';

export const MAX_REASON = 500;
export const MAX_TICKET_REF = 100;
const TICKET_REF = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;

/** A reveal as it arrived: nothing here has been trusted yet. */
export interface RevealAttempt {
  readonly orderId: unknown;
  /** X-Access-Reason: why this person needs this buyer's data now. */
  readonly reason: unknown;
  /** The request body: absent, or `{ "ticketRef": "..." }`. */
  readonly body?: unknown;
}

/** A reveal whose every field is what the access log and the decision can take. */
export interface RevealInput {
  readonly orderId: string;
  readonly reason: string;
  readonly ticketRef: string | null;
}

/** What the access log records of an attempt that could not be parsed: printable, bounded, never the raw bytes. */
export interface SanitisedAttempt {
  readonly orderId: string | null;
  readonly reason: string | null;
  readonly ticketRef: string | null;
}

export type ParsedReveal = { ok: true; input: RevealInput } | { ok: false; error: DomainError; seen: SanitisedAttempt };

/**
 * Validates a reveal before anything is decided: a uuid order id, a reason of
 * clean text (1-500 characters after trimming), an optional ticket reference of
 * printable ASCII, and no other body field. A bad attempt comes back with its
 * sanitised form, so it is refused and still logged.
 */
export function parseRevealAttempt(a: RevealAttempt): ParsedReveal {
  const seen = sanitise(a);
  const issues: Array<{ field: string; issue: string }> = [];
  const orderId = typeof a.orderId === 'string' && isUuid(a.orderId) ? a.orderId.toLowerCase() : null;
  if (!orderId) issues.push({ field: 'orderId', issue: 'must be a uuid' });

  const rawReason = typeof a.reason === 'string' ? a.reason.trim() : '';
  if (!rawReason) issues.push({ field: 'X-Access-Reason', issue: 'required: why this buyer data is needed' });
  else if (!isCleanText(rawReason)) issues.push({ field: 'X-Access-Reason', issue: 'no control characters' });
  else if (rawReason.length > MAX_REASON)
    issues.push({ field: 'X-Access-Reason', issue: `at most ${MAX_REASON} characters` });

  let ticketRef: string | null = null;
  const body = a.body;
  if (body instanceof RejectedBody) {
    issues.push({ field: 'body', issue: body.problem });
  } else if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    issues.push({ field: 'body', issue: 'must be an object' });
  } else if (body) {
    for (const key of Object.keys(body)) {
      if (key !== 'ticketRef') issues.push({ field: 'body', issue: 'only ticketRef is accepted' });
    }
    const raw = (body as { ticketRef?: unknown }).ticketRef;
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'string' || !TICKET_REF.test(raw.trim())) {
        issues.push({ field: 'ticketRef', issue: `1-${MAX_TICKET_REF} printable ASCII characters` });
      } else ticketRef = raw.trim();
    }
  }
  if (issues.length) {
    return {
      ok: false,
      error: validationFailed(`invalid reveal: ${issues.map((i) => i.field).join(', ')}`, issues),
      seen,
    };
  }
  return { ok: true, input: { orderId: orderId!, reason: rawReason, ticketRef } };
}

function sanitise(a: RevealAttempt): SanitisedAttempt {
  const orderId = typeof a.orderId === 'string' && isUuid(a.orderId) ? a.orderId.toLowerCase() : null;
  const reason = typeof a.reason === 'string' && a.reason.trim() ? sanitiseText(a.reason.trim(), MAX_REASON) : null;
  const rawTicket =
    a.body && typeof a.body === 'object' && !Array.isArray(a.body)
      ? (a.body as { ticketRef?: unknown }).ticketRef
      : undefined;
  const ticket = typeof rawTicket === 'string' ? sanitiseAscii(rawTicket, MAX_TICKET_REF) : '';
  return { orderId, reason, ticketRef: ticket ? ticket : null };
}

/** Orders one batch reveal may name. */
export const MAX_BATCH_ORDERS = 100;

/** A batch reveal as it arrived: the reason header and the body `{ "orderIds": [...], "ticketRef"?: "..." }`. */
export interface BatchRevealAttempt {
  readonly reason: unknown;
  readonly body?: unknown;
}

export interface BatchRevealInput {
  /** Distinct, lower-cased, in the order first named. */
  readonly orderIds: string[];
  readonly reason: string;
  readonly ticketRef: string | null;
}

/** What the access log records of a batch that could not be parsed: the well-formed ids it named, at most 100. */
export interface SanitisedBatch {
  readonly orderIds: string[];
  readonly reason: string | null;
  readonly ticketRef: string | null;
}

export type ParsedBatchReveal =
  { ok: true; input: BatchRevealInput } | { ok: false; error: DomainError; seen: SanitisedBatch };

/**
 * Validates a batch reveal as a single one is validated (same reason and ticket rules),
 * plus `orderIds`: an array of 1 to 100 uuids (repeats are read once). Nothing else may
 * be in the body. A bad batch comes back with its sanitised form, to be refused and logged.
 */
export function parseBatchRevealAttempt(a: BatchRevealAttempt): ParsedBatchReveal {
  const body = a.body;
  const single = parseRevealAttempt({ orderId: NIL_ORDER, reason: a.reason, body: withoutOrderIds(body) });
  const issues: Array<{ field: string; issue: string }> = single.ok
    ? []
    : [...single.error.details].map((d) => ({ field: d.field ?? 'body', issue: d.issue }));
  const raw = body && typeof body === 'object' && !Array.isArray(body) ? (body as { orderIds?: unknown }).orderIds : [];
  const named = Array.isArray(raw) ? raw : [];
  const wellFormed = named.filter((id): id is string => typeof id === 'string' && isUuid(id));
  const orderIds = [...new Set(wellFormed.map((id) => id.toLowerCase()))];
  if (!(body instanceof RejectedBody)) {
    if (!Array.isArray(raw) || named.length === 0)
      issues.push({ field: 'orderIds', issue: `required: an array of 1-${MAX_BATCH_ORDERS} order ids` });
    else if (named.length > MAX_BATCH_ORDERS)
      issues.push({ field: 'orderIds', issue: `at most ${MAX_BATCH_ORDERS} order ids` });
    else if (wellFormed.length !== named.length) issues.push({ field: 'orderIds', issue: 'every id must be a uuid' });
  }
  const seen: SanitisedBatch = {
    orderIds: orderIds.slice(0, MAX_BATCH_ORDERS),
    reason: single.ok ? single.input.reason : single.seen.reason,
    ticketRef: single.ok ? single.input.ticketRef : single.seen.ticketRef,
  };
  if (issues.length) {
    const fields = [...new Set(issues.map((i) => i.field))];
    return { ok: false, error: validationFailed(`invalid reveal: ${fields.join(', ')}`, issues), seen };
  }
  return { ok: true, input: { orderIds, reason: seen.reason!, ticketRef: seen.ticketRef } };
}

/** A placeholder id for reusing the single reveal's checks on the reason and ticket. */
const NIL_ORDER = '00000000-0000-4000-8000-000000000000';

function withoutOrderIds(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || body instanceof RejectedBody) return body;
  const { orderIds: _ids, ...rest } = body as Record<string, unknown>;
  return rest;
}
