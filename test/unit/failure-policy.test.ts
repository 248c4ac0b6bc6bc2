import type { MarketplaceErrorKind } from '../../src/marketplaces/marketplace-error';
import { backoffMs, decide } from '../../src/sync/failure-policy';

describe('what a sync failure means for a connection', () => {
  it('maps every kind of failure to one action', () => {
    // A Record, so a new kind of failure does not compile until it is given its action here.
    const table: Record<MarketplaceErrorKind | 'internal', string> = {
      rate_limited: 'retry',
      auth_revoked: 'auth_failed',
      cursor_invalid: 'restart_window',
      temporary: 'retry',
      bad_data: 'retry',
      not_found: 'retry',
      unknown: 'retry',
      internal: 'retry',
    };
    for (const [kind, action] of Object.entries(table) as Array<[MarketplaceErrorKind | 'internal', string]>)
      expect({ kind, action: decide(kind, 1, 5_000).action }).toEqual({ kind, action });
  });

  it('waits for the rate budget without counting a 429 as a failure', () => {
    expect(decide('rate_limited', 7, 12_345)).toEqual({ action: 'retry', afterMs: 12_345, countsAsFailure: false });
  });

  it('backs off exponentially with ±20 % jitter, capped at 30 minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(30_000);
    expect(backoffMs(2, () => 0.5)).toBe(60_000);
    expect(backoffMs(3, () => 0)).toBe(Math.round(120_000 * 0.8));
    expect(backoffMs(3, () => 1)).toBe(Math.round(120_000 * 1.2));
    expect(backoffMs(50, () => 0.5)).toBe(30 * 60_000);
  });

  it('backs off harder, at least five minutes, when the failure is ours or unknown', () => {
    for (const kind of ['unknown', 'internal'] as const) {
      const d = decide(kind, 1, 0);
      expect(d).toMatchObject({ action: 'retry', countsAsFailure: true });
      expect(d.action === 'retry' && d.afterMs).toBeGreaterThanOrEqual(5 * 60_000);
    }
  });
});
