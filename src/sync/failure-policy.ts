import type { MarketplaceErrorKind } from '../marketplaces/marketplace-error';

export type FailureAction =
  | { readonly action: 'retry'; readonly afterMs: number; readonly countsAsFailure: boolean }
  | { readonly action: 'auth_failed' }
  | { readonly action: 'restart_window' };

const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 30 * 60_000;

/** Exponential backoff with ±20 % jitter so replicas and connections do not retry in step. */
export function backoffMs(consecutiveFailures: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, consecutiveFailures - 1));
  return Math.round(exp * (0.8 + random() * 0.4));
}

/**
 * The one place that decides what a failure means for a connection's sync.
 * (Single malformed orders never get here: they are dead-lettered in the page.)
 */
export function decide(
  kind: MarketplaceErrorKind | 'internal',
  consecutiveFailures: number,
  throttleWaitMs: number,
): FailureAction {
  switch (kind) {
    case 'rate_limited':
      return { action: 'retry', afterMs: throttleWaitMs, countsAsFailure: false };
    case 'auth_revoked':
      return { action: 'auth_failed' };
    case 'cursor_invalid':
      return { action: 'restart_window' };
    case 'temporary':
    case 'bad_data':
    case 'not_found':
      return { action: 'retry', afterMs: backoffMs(consecutiveFailures), countsAsFailure: true };
    case 'unknown':
    case 'internal':
      // Our own bug or a configuration problem: back off harder, someone must look.
      return {
        action: 'retry',
        afterMs: Math.max(backoffMs(consecutiveFailures + 2), 5 * 60_000),
        countsAsFailure: true,
      };
  }
}
