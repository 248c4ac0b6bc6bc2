/**
 * When a failed delivery is tried again. Ten retries after the first attempt,
 * spread over about three days (Standard Webhooks' example schedule, with an
 * extra step at one minute), each with ±20 % jitter so that receivers coming
 * back from an outage are not hit by every queued delivery at once.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  14 * 3600_000,
  20 * 3600_000,
  24 * 3600_000,
];
/** The first attempt plus every retry. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const JITTER = 0.2;
/** Overload (timeout, 429) waits at least this long. */
export const OVERLOAD_MIN_DELAY_MS = 60_000;
/** Retry-After is honoured within these bounds. */
export const RETRY_AFTER_MIN_MS = 60_000;
export const RETRY_AFTER_MAX_MS = 24 * 3600_000;

/** How an attempt ended, as far as retrying goes. */
export type AttemptResult =
  | 'ok'
  | 'http_status'
  | 'redirect'
  | 'rate_limited'
  | 'unavailable'
  | 'gone'
  | 'timeout'
  | 'connection'
  | 'blocked_address'
  | 'payload_too_large'
  | 'no_secret'
  | 'no_sealing_key'
  | 'order_missing'
  | 'internal';

export interface AttemptVerdict {
  readonly result: AttemptResult;
  readonly statusCode: number | null;
  /** Milliseconds asked by Retry-After (429/503), already parsed. */
  readonly retryAfterMs?: number | null;
}

export type NextStep =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'give_up' }
  /** 410 Gone: the receiver says the endpoint no longer exists; it is disabled at once. */
  | { kind: 'disable_endpoint' };

/** Failures no retry can cure: the delivery is given up at once. */
const PERMANENT = new Set<AttemptResult>(['payload_too_large', 'no_secret', 'no_sealing_key', 'order_missing']);

/** A status code's class. 2xx only is success; 3xx is a failure (redirects are never followed). */
export function classifyStatus(status: number): AttemptResult {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 410) return 'gone';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 300 && status < 400) return 'redirect';
  return 'http_status';
}

/**
 * What follows attempt number `attemptNumber` (1 = the first). `random` returns
 * [0, 1) and is injected so tests can pin the jitter.
 */
export function nextStep(attemptNumber: number, verdict: AttemptVerdict, random: () => number = Math.random): NextStep {
  if (verdict.result === 'ok') return { kind: 'succeeded' };
  if (verdict.result === 'gone') return { kind: 'disable_endpoint' };
  if (PERMANENT.has(verdict.result)) return { kind: 'give_up' };
  if (attemptNumber >= MAX_ATTEMPTS) return { kind: 'give_up' };
  const base = RETRY_DELAYS_MS[Math.min(attemptNumber, RETRY_DELAYS_MS.length) - 1];
  let delay = Math.round(base * (1 - JITTER + 2 * JITTER * random()));
  const askedFor = verdict.retryAfterMs;
  if ((verdict.result === 'rate_limited' || verdict.result === 'unavailable') && askedFor != null) {
    delay = Math.min(Math.max(askedFor, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS);
  }
  if (verdict.result === 'timeout' || verdict.result === 'rate_limited') delay = Math.max(delay, OVERLOAD_MIN_DELAY_MS);
  return { kind: 'retry', delayMs: delay };
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
