import { PageCommitter } from '../../src/sync/page-committer';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { expectExactlyOnce, HOUR, MINUTE, orphans, query, syncState } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

describe('a marketplace serving the same page twice causes no duplicate and no gap', () => {
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

  /** Runs `work` with `after(n)` called after each committed page (n = 1, 2, ...). */
  async function onCommits<T>(after: (n: number) => void, work: () => Promise<T>): Promise<T> {
    const committer = s.app.get(PageCommitter);
    const commit = committer.commit.bind(committer);
    let n = 0;
    const spy = jest.spyOn(committer, 'commit').mockImplementation(async (...args) => {
      const done = await commit(...args);
      after(++n);
      return done;
    });
    try {
      return await work();
    } finally {
      spy.mockRestore();
    }
  }

  const eventCount = async (tenantId: string) =>
    (await query<{ n: number }>(s, `SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1`, [tenantId]))[0]
      .n;

  it('Amazon: the first page and a middle page served twice: one row and one event per order', async () => {
    const { tenant, amazon, ebay, amazonSeller } = await connectedTenant(m, s, 'Amazon twice');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, ebay.connectionId);
    const orders = m.amazon.addOrders(amazonSeller.sellingPartnerId, 650, { createdAt: m.clock.nowMs() - 5 * HOUR });
    m.clock.advance(10 * MINUTE);
    m.amazon.resetObservations();
    m.amazon.servePageTwice(); // page 1 is answered again to the request for page 2

    const [run] = await onCommits(
      (n) => n === 4 && m.amazon.servePageTwice(), // and page 5 again to the request for page 6
      () => s.sync.runOnce(tenant.tenantId),
    );
    expect(run).toMatchObject({ result: 'done', pages: 9, created: 650, updated: 0, unchanged: 200 });
    expect(m.amazon.requests.filter((r) => r.operation === 'searchOrders')).toHaveLength(9);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      orders.map((o) => o.orderId),
    );
    expect(await eventCount(tenant.tenantId)).toBe(650);
    expect(await orphans(s)).toEqual({ events: 0, dataKeys: 0 });
    expect((await syncState(s, tenant.tenantId, amazon.connectionId)).page_position).toBeNull();
  });

  it('Amazon: the last page of a window replayed as the first page of the next window loses nothing', async () => {
    const { tenant, amazon, ebay, amazonSeller } = await connectedTenant(m, s, 'Amazon stale page');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, ebay.connectionId);
    const first = m.amazon.addOrders(amazonSeller.sellingPartnerId, 250, { createdAt: m.clock.nowMs() - 5 * HOUR });
    m.clock.advance(10 * MINUTE);
    // Page 3 (the window's last) is captured and answered again to the next request: next run's page 1.
    await onCommits(
      (n) => n === 2 && m.amazon.servePageTwice(),
      () => s.sync.runOnce(tenant.tenantId),
    );
    // Orders of the next window, old enough (an hour) that the overlap of the window after it cannot
    // cover for a window that was wrongly taken as complete.
    const later = m.amazon.addOrders(amazonSeller.sellingPartnerId, 30, { createdAt: m.clock.nowMs() - 60_000 });
    m.clock.advance(HOUR);

    // The replayed page echoes the old window's end: refused, nothing of it commits, retried later.
    const [stale] = await s.sync.runOnce(tenant.tenantId);
    expect(stale).toMatchObject({ result: 'failed', errorCode: 'stale_page', pages: 0 });
    const state = await syncState(s, tenant.tenantId, amazon.connectionId);
    expect(state.window_from).toBeNull(); // the new window was not taken as done: cursor unmoved
    expect(state.cursor!.getTime()).toBeLessThan(m.clock.nowMs() - HOUR);
    m.clock.advance(stale.nextRunAt.getTime() - m.clock.nowMs());
    const [retried] = await s.sync.runOnce(tenant.tenantId);
    expect(retried).toMatchObject({ result: 'done', created: 30 });
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      [...first, ...later].map((o) => o.orderId),
    );
    expect(await eventCount(tenant.tenantId)).toBe(280);
  });

  it('eBay: the first page served again to the request for offset 200: nothing skipped, nothing doubled', async () => {
    const { tenant, amazon, ebay, ebaySeller } = await connectedTenant(m, s, 'eBay twice');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, amazon.connectionId);
    const orders = m.ebay.addOrders(ebaySeller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);
    m.ebay.resetObservations();
    m.ebay.servePageTwice();

    // Page 1 answered again to the request for offset 200 (its body says offset 0): refused, not
    // mistaken for offsets 200..399, which were never read.
    const [run] = await s.sync.runOnce(tenant.tenantId);
    expect(run).toMatchObject({ result: 'failed', errorCode: 'stale_page', pages: 1, created: 200 });
    expect(JSON.parse((await syncState(s, tenant.tenantId, ebay.connectionId)).page_position!)).toEqual({
      offset: 200,
      total: 950,
    });
    m.clock.advance(run.nextRunAt.getTime() - m.clock.nowMs());
    const [resumed] = await s.sync.runOnce(tenant.tenantId);
    expect(resumed).toMatchObject({ result: 'done', pages: 4, created: 750, updated: 0, unchanged: 0 });
    expect(m.ebay.requests.filter((r) => r.operation === 'getOrders').map((r) => Number(r.query.offset))).toEqual([
      0, 200, 200, 400, 600, 800,
    ]);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'ebay',
      orders.map((o) => o.orderId),
    );
    expect(await eventCount(tenant.tenantId)).toBe(950);
    expect((await syncState(s, tenant.tenantId, ebay.connectionId)).page_position).toBeNull();
  });

  it('eBay: the last page of a window replayed as the first page of the next window loses nothing', async () => {
    const { tenant, amazon, ebay, ebaySeller } = await connectedTenant(m, s, 'eBay stale page');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, amazon.connectionId);
    const first = m.ebay.addOrders(ebaySeller.sellerId, 450, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);
    await onCommits(
      (n) => n === 2 && m.ebay.servePageTwice(),
      () => s.sync.runOnce(tenant.tenantId),
    );
    const later = m.ebay.addOrders(ebaySeller.sellerId, 30, { spacingMs: 1000 });
    m.clock.advance(HOUR);

    const [stale] = await s.sync.runOnce(tenant.tenantId);
    expect(stale).toMatchObject({ result: 'failed', errorCode: 'stale_page', pages: 0 });
    expect((await syncState(s, tenant.tenantId, ebay.connectionId)).cursor!.getTime()).toBeLessThan(
      m.clock.nowMs() - HOUR,
    );
    m.clock.advance(stale.nextRunAt.getTime() - m.clock.nowMs());
    const [retried] = await s.sync.runOnce(tenant.tenantId);
    expect(retried).toMatchObject({ result: 'done', created: 30 });
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'ebay',
      [...first, ...later].map((o) => o.orderId),
    );
    expect(await eventCount(tenant.tenantId)).toBe(480);
  });
});
