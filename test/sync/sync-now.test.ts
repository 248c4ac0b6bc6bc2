import { syncOnce, syncSummaryText } from '../../src/cli/commands';
import { DomainError } from '../../src/platform/errors/domain-error';
import { startMarketplaces, startSyncApp, type MarketplaceHarness, type SyncApp } from '../support/marketplace-harness';
import { TEST_ACTOR } from '../support/test-actor';
import { amazonConnection, ebayConnection, HOUR, MINUTE } from './sync-checks';

/**
 * `ordervault sync --once [--now] [--connection C]` (the command's own function, in-process): a pass says, for
 * each connection it did not sync, why; `--now` syncs regardless of the schedule but never past a rate budget.
 */
describe('sync --once: --now, --connection and why a connection was not synced', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  const runs = (summary: Awaited<ReturnType<typeof syncOnce>>) =>
    summary.runs.map((r) => `${r.marketplace}:${r.result}:${r.created}:${r.errorCode ?? ''}`);
  const skips = (summary: Awaited<ReturnType<typeof syncOnce>>) =>
    summary.skipped.map((k) => `${k.marketplace}:${k.reason}:${k.until ?? ''}`);

  it('a second pass within the interval syncs nothing and says until when; --now syncs', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Impatient seller');
    const amazon = await amazonConnection(m, s, tenant.tenantId);
    const ebay = await ebayConnection(m, s, tenant.tenantId);
    m.amazon.addOrders(amazon.seller.sellingPartnerId, 3, { createdAt: m.clock.nowMs() - HOUR });
    m.ebay.addOrders(ebay.seller.sellerId, 2, { createdAt: new Date(m.clock.nowMs() - HOUR) });
    m.clock.advance(10 * MINUTE);

    const first = await syncOnce(s.app, { tenant: tenant.tenantId });
    expect(runs(first).sort()).toEqual(['amazon:done:3:', 'ebay:done:2:']);
    expect(first.skipped).toEqual([]);
    const nextRun = new Date(m.clock.nowMs() + s.config.sync.intervalSeconds * 1000).toISOString();

    m.clock.advance(MINUTE);
    m.amazon.addOrders(amazon.seller.sellingPartnerId, 1, { createdAt: m.clock.nowMs() - 5 * MINUTE });
    m.clock.advance(3 * MINUTE);
    const second = await syncOnce(s.app, { tenant: tenant.tenantId });
    expect(second.runs).toEqual([]);
    expect(skips(second).sort()).toEqual([`amazon:not_due:${nextRun}`, `ebay:not_due:${nextRun}`]);
    const text = syncSummaryText(second);
    expect(text).toContain('no connection was synced');
    expect(text).toContain(`not due until ${nextRun}`);

    const forced = await syncOnce(s.app, { tenant: tenant.tenantId, now: true });
    expect(runs(forced).sort()).toEqual(['amazon:done:1:', 'ebay:done:0:']);
    expect(forced.skipped).toEqual([]);

    // --connection: only that one is synced, and only that one is explained.
    m.clock.advance(MINUTE);
    const one = await syncOnce(s.app, { tenant: tenant.tenantId, now: true, connection: ebay.connection.connectionId });
    expect(runs(one)).toEqual(['ebay:done:0:']);
    expect(one.skipped).toEqual([]);
    const unknown = await syncOnce(s.app, { connection: '00000000-0000-4000-8000-000000000000' }).catch((e) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect((unknown as DomainError).code).toBe('not_found');
  });

  it('--now honours the rate budget: after a 429 the connection waits, and the pass says until when', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Throttled seller');
    // One request of burst, then one every 20 s at the marketplace.
    const amazon = await amazonConnection(m, s, tenant.tenantId, {
      usagePlans: { searchOrders: { rate: 0.05, burst: 1 } },
    });
    m.amazon.addOrders(amazon.seller.sellingPartnerId, 2, { createdAt: m.clock.nowMs() - HOUR });
    m.clock.advance(10 * MINUTE);
    expect(runs(await syncOnce(s.app, { tenant: tenant.tenantId }))).toEqual(['amazon:done:2:']);

    m.amazon.resetObservations();
    m.clock.advance(5_000); // a few seconds: the window has something to ask for, the marketplace's bucket not
    const throttled = await syncOnce(s.app, { tenant: tenant.tenantId, now: true });
    expect(runs(throttled)).toEqual(['amazon:throttled:0:QuotaExceeded']);
    const until = throttled.runs[0].nextRunAt;
    expect(new Date(until).getTime() - m.clock.nowMs()).toBe(20_000);

    // --now again before the budget refills: our own budget stops it, the marketplace is not called.
    const again = await syncOnce(s.app, { tenant: tenant.tenantId, now: true });
    expect(runs(again)).toEqual(['amazon:throttled:0:budget']);
    expect(m.amazon.requests.filter((r) => r.path === '/orders/2026-01-01/orders')).toHaveLength(1);
    const waiting = await syncOnce(s.app, { tenant: tenant.tenantId });
    expect(skips(waiting)).toEqual([`amazon:rate_budget:${until}`]);
    expect(syncSummaryText(waiting)).toContain(`rate budget empty until ${until}`);

    m.clock.advance(21_000);
    expect(runs(await syncOnce(s.app, { tenant: tenant.tenantId, now: true }))).toEqual(['amazon:done:0:']);
  });

  it('explains a connection backing off after failures and one whose seller must reconnect', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Unlucky seller');
    const amazon = await amazonConnection(m, s, tenant.tenantId);
    const ebay = await ebayConnection(m, s, tenant.tenantId);
    m.clock.advance(10 * MINUTE);
    m.amazon.failNextRequests(1, '500');
    m.ebay.revokeRefreshToken(ebay.seller.refreshToken);
    const failed = await syncOnce(s.app, { tenant: tenant.tenantId });
    expect(runs(failed).sort()).toEqual(['amazon:failed:0:InternalFailure', 'ebay:auth_failed:0:invalid_grant']);

    const later = await syncOnce(s.app, { tenant: tenant.tenantId });
    expect(later.runs).toEqual([]);
    const byMarketplace = Object.fromEntries(later.skipped.map((k) => [k.marketplace, k]));
    expect(byMarketplace.ebay).toMatchObject({
      connectionId: ebay.connection.connectionId,
      reason: 'auth_failed',
      detail: 'auth failed (invalid_grant): the seller must authorise the app again',
      until: null,
    });
    expect(byMarketplace.amazon).toMatchObject({
      connectionId: amazon.connection.connectionId,
      reason: 'backing_off',
      until: failed.runs.find((r) => r.marketplace === 'amazon')!.nextRunAt,
    });
    expect(byMarketplace.amazon.detail).toMatch(/^backing off after 1 failure\(s\), last InternalFailure, until /);
    // --now does not bring back a connection whose seller must reconnect.
    const forced = await syncOnce(s.app, { tenant: tenant.tenantId, now: true });
    expect(runs(forced)).toEqual(['amazon:done:0:']);
    expect(skips(forced)).toEqual(['ebay:auth_failed:']);
  });
});
