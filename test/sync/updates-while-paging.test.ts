import { PageCommitter } from '../../src/sync/page-committer';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { eventsByOrder, expectExactlyOnce, HOUR, MINUTE, storedOrders, syncState } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

describe('orders that change while a window is being paged', () => {
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

  it('Amazon: an order changed after its page keeps its latest version; created then updated, nothing skipped', async () => {
    const { tenant, amazon, ebay, amazonSeller } = await connectedTenant(m, s, 'Amazon updates');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, ebay.connectionId);
    const orders = m.amazon.addOrders(amazonSeller.sellingPartnerId, 350, {
      createdAt: m.clock.nowMs() - 5 * HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    const onPage1 = orders[10].orderId; // served on page 1, then shipped
    const onPage3 = orders[250].orderId; // shipped before page 3 is served
    m.clock.advance(10 * MINUTE);

    const [run] = await onCommits(
      (n) => {
        if (n !== 1) return;
        m.clock.advance(1000);
        m.amazon.ship(onPage1);
        m.amazon.ship(onPage3);
      },
      () => s.sync.runOnce(tenant.tenantId),
    );
    // Amazon froze the window's result set at page 1: all 350 come, each once, page 3 with the new state.
    expect(run).toMatchObject({ result: 'done', pages: 4, created: 350, updated: 0 });
    let stored = await storedOrders(s, tenant.tenantId, 'amazon');
    expect(stored.get(onPage1)).toMatchObject({ status: 'unshipped', version: 1 });
    expect(stored.get(onPage3)).toMatchObject({ status: 'shipped', version: 1 });

    // The next window (from the cursor, with overlap) sees the change made after page 1.
    m.clock.advance(10 * MINUTE);
    const [next] = await s.sync.runOnce(tenant.tenantId);
    expect(next).toMatchObject({ result: 'done', created: 0, updated: 1, unchanged: 1 });
    stored = await storedOrders(s, tenant.tenantId, 'amazon');
    expect(stored.get(onPage1)).toMatchObject({ status: 'shipped', version: 2 });
    expect(stored.get(onPage3)).toMatchObject({ status: 'shipped', version: 1 });
    const events = await eventsByOrder(s, tenant.tenantId, 'amazon');
    expect(events.get(onPage1)).toEqual(['order.created', 'order.updated']);
    expect(events.get(onPage3)).toEqual(['order.created']);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      orders.map((o) => o.orderId),
    );
    expect([...events.values()].flat()).toHaveLength(351);
    expect((await syncState(s, tenant.tenantId, amazon.connectionId)).page_position).toBeNull();
  });

  it('eBay: orders leaving the window mid-paging shift the offsets; the reader steps back and skips nothing', async () => {
    const { tenant, amazon, ebay, ebaySeller } = await connectedTenant(m, s, 'eBay shifts');
    await s.connections.disconnect(TEST_ACTOR, tenant.tenantId, amazon.connectionId);
    // Newest first by creation: index 949 is on page 1, index 0 on page 5.
    const orders = m.ebay.addOrders(ebaySeller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    const readOnPage1 = orders[900].orderId; // leaves the window after page 1 was read: the list shifts
    const notYetRead = orders[100].orderId; // leaves the window before its page (5) is read
    const readOnPage2 = [orders[700].orderId, orders[690].orderId]; // two more leave after page 2
    m.clock.advance(10 * MINUTE);
    m.ebay.resetObservations();

    const [run] = await onCommits(
      (n) => {
        m.clock.advance(1000);
        if (n === 1) {
          m.ebay.ship(readOnPage1);
          m.ebay.ship(notYetRead);
        }
        if (n === 2) readOnPage2.forEach((id) => m.ebay.ship(id));
      },
      () => s.sync.runOnce(tenant.tenantId),
    );
    expect(run.result).toBe('done');
    // A smaller total makes the next read step back by the difference; repeats are harmless:
    // after page 1 two orders leave (950 → 948): offset 200 sees it and steps back to 198; after that
    // page two more leave (948 → 946): offset 198 steps back to 196; then 200 at a time to 946.
    const offsets = m.ebay.requests.filter((r) => r.operation === 'getOrders').map((r) => Number(r.query.offset));
    expect(offsets).toEqual([0, 200, 198, 196, 396, 596, 796]);
    expect(run.created).toBe(949); // notYetRead left the window before it was served
    expect(run.unchanged).toBeGreaterThan(0);

    // The next window brings the four modified orders back as their latest version.
    m.clock.advance(10 * MINUTE);
    const [next] = await s.sync.runOnce(tenant.tenantId);
    expect(next).toMatchObject({ result: 'done', created: 1, updated: 3 });
    const stored = await storedOrders(s, tenant.tenantId, 'ebay');
    const events = await eventsByOrder(s, tenant.tenantId, 'ebay');
    for (const id of [readOnPage1, ...readOnPage2]) {
      expect(stored.get(id)).toMatchObject({ status: 'shipped', version: 2 });
      expect(events.get(id)).toEqual(['order.created', 'order.updated']);
    }
    expect(stored.get(notYetRead)).toMatchObject({ status: 'shipped', version: 1 });
    expect(events.get(notYetRead)).toEqual(['order.created']);
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'ebay',
      orders.map((o) => o.orderId),
    );
    expect([...events.values()].flat()).toHaveLength(953);
    expect((await syncState(s, tenant.tenantId, ebay.connectionId)).page_position).toBeNull();
  });
});
