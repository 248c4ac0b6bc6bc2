import { PageCommitter } from '../../src/sync/page-committer';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { expectExactlyOnce, HOUR, MINUTE } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

describe('access tokens expiring in the middle of a sync', () => {
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

  /** Runs `fn` after the `n`-th committed page of the next sync (on whichever connection commits it). */
  async function afterCommit<T>(n: number, fn: () => void, work: () => Promise<T>): Promise<T> {
    const committer = s.app.get(PageCommitter);
    const commit = committer.commit.bind(committer);
    let commits = 0;
    const spy = jest.spyOn(committer, 'commit').mockImplementation(async (...args) => {
      const done = await commit(...args);
      if (++commits === n) fn();
      return done;
    });
    try {
      return await work();
    } finally {
      spy.mockRestore();
    }
  }

  it('Amazon: tokens expire between pages; the client refreshes once with LWA and the run completes', async () => {
    const { tenant, amazon, ebay, amazonSeller } = await connectedTenant(m, s, 'Amazon tokens');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, ebay.connectionId); // this test is about Amazon only
    const orders = m.amazon.addOrders(amazonSeller.sellingPartnerId, 1050, { createdAt: m.clock.nowMs() - 5 * HOUR });
    m.clock.advance(10 * MINUTE);
    m.amazon.resetObservations();

    let expired = 0;
    const outcomes = await afterCommit(
      3,
      () => (expired = m.amazon.expireAccessTokens({ sellingPartnerId: amazonSeller.sellingPartnerId })),
      () => s.sync.runOnce(tenant.tenantId),
    );
    expect(expired).toBe(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ connectionId: amazon.connectionId, result: 'done', pages: 11, created: 1050 });

    // One token at the start, one refresh after the API called the old one expired; the page was retried once.
    const lwa = m.amazon.requests.filter((r) => r.operation === 'lwaToken');
    expect(lwa.map((r) => `${r.grantType}:${r.status}`)).toEqual(['refresh_token:200', 'refresh_token:200']);
    const searches = m.amazon.requests.filter((r) => r.operation === 'searchOrders');
    expect(searches.map((r) => r.status)).toEqual([200, 200, 200, 403, ...Array(8).fill(200)]);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      orders.map((o) => o.orderId),
    );

    // An hour later our own clock says the token is old: renewed before the call, no 403 needed.
    m.amazon.resetObservations();
    m.clock.advance(HOUR);
    m.amazon.addOrders(amazonSeller.sellingPartnerId, 5, { createdAt: m.clock.nowMs() - 20 * MINUTE });
    const [next] = await s.sync.runOnce(tenant.tenantId);
    expect(next).toMatchObject({ result: 'done', created: 5 });
    expect(m.amazon.requests.map((r) => `${r.operation}:${r.status}`)).toEqual(['lwaToken:200', 'searchOrders:200']);
  });

  it('eBay: tokens expire between pages; ebay-api refreshes on the 401 and the run completes', async () => {
    const { tenant, amazon, ebay, ebaySeller } = await connectedTenant(m, s, 'eBay tokens');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, amazon.connectionId); // this test is about eBay only
    const orders = m.ebay.addOrders(ebaySeller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);
    m.ebay.resetObservations();

    let expired = 0;
    const outcomes = await afterCommit(
      2,
      () => (expired = m.ebay.expireAccessTokens({ sellerId: ebaySeller.sellerId })),
      () => s.sync.runOnce(tenant.tenantId),
    );
    expect(expired).toBe(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ connectionId: ebay.connectionId, result: 'done', pages: 5, created: 950 });
    expect(m.ebay.tokenCalls.map((c) => `${c.grantType}:${c.status}`)).toEqual([
      'refresh_token:200',
      'refresh_token:200',
    ]);
    const calls = m.ebay.requests.filter((r) => r.operation === 'getOrders');
    expect(calls.map((r) => `${r.status}@${r.query.offset}`)).toEqual([
      '200@0',
      '200@200',
      '401@400',
      '200@400',
      '200@600',
      '200@800',
    ]);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'ebay',
      orders.map((o) => o.orderId),
    );

    // Two hours later (eBay tokens live 7200 s) the connector renews ahead of the call.
    m.ebay.resetObservations();
    m.clock.advance(2 * HOUR);
    m.ebay.addOrders(ebaySeller.sellerId, 3, { createdAt: new Date(m.clock.nowMs() - 20 * MINUTE) });
    const [next] = await s.sync.runOnce(tenant.tenantId);
    expect(next).toMatchObject({ result: 'done', created: 3 });
    expect(m.ebay.requests.map((r) => `${r.operation}:${r.status}`)).toEqual(['token:200', 'getOrders:200']);
  });
});
