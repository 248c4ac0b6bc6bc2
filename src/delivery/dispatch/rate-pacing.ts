/**
 * Per-endpoint rate limits. Sends to a limited endpoint are given evenly spaced
 * send times: each claim reserves the next free time (at least now) and moves
 * the endpoint's `rate_next_send_at` one interval on. The reservation is made
 * while the claim holds the endpoint's lock, so dispatchers on every replica
 * share one sequence; a dispatcher waits for each reserved time before it
 * sends. Deliveries beyond what fits in the horizon are not claimed: they stay
 * queued, in order, for a later pass.
 */

/** How far ahead a claim may reserve send times (the dispatcher waits this long at most). */
export const PACING_HORIZON_MS = 1000;
/**
 * Sends are spaced 1/r s apart plus this margin, so that timer and network jitter cannot bring r + 1
 * requests within one second of each other at the receiver (the limit is a ceiling, not a target).
 */
export const PACING_MARGIN = 0.2;

/**
 * A paced send that would leave later than this after its reserved time is not sent: it is handed back
 * and takes a new time in a later pass. Sends spaced I = (1000 / r)(1 + margin) apart, each leaving at
 * most L late, put at most r in any second while L < 1000 × margin (200 ms); half of that is kept for
 * the request's own way to the receiver. Without it a busy dispatcher (or two replicas) sent a late
 * request right before an on-time one, and r + 1 arrived within a second.
 */
export const MAX_PACED_LATENESS_MS = 100;

export function pacingIntervalMs(ratePerSecond: number): number {
  return (1000 / ratePerSecond) * (1 + PACING_MARGIN);
}

export interface PacingState {
  readonly ratePerSecond: number;
  nextSendAt: number;
}

/** The send time reserved for one more request to the endpoint, or null when none is free within the horizon. */
export function reserveSendTime(state: PacingState, nowMs: number): number | null {
  const at = Math.max(state.nextSendAt, nowMs);
  if (at > nowMs + PACING_HORIZON_MS) return null;
  state.nextSendAt = at + pacingIntervalMs(state.ratePerSecond);
  return at;
}
