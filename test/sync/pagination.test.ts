import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { expectExactlyOnce, HOUR, MINUTE, orphans, query, syncState } from './sync-checks';

describe('sync pagination: many pages on both marketplaces', () => {
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

  it('ingests 1,050 Amazon orders over 11 pages and 950 eBay orders over 5 pages, each exactly once', async () => {
    const { tenant, amazon, ebay, amazonSeller, ebaySeller } = await connectedTenant(m, s);
    const amazonOrders = m.amazon.addOrders(amazonSeller.sellingPartnerId, 1050, {
      createdAt: m.clock.nowMs() - 5 * HOUR,
    });
    const ebayOrders = m.ebay.addOrders(ebaySeller.sellerId, 950, {
      createdAt: new Date(m.clock.nowMs() - 5 * HOUR),
      spacingMs: 1000,
    });
    m.clock.advance(10 * MINUTE);

    const outcomes = await s.sync.runOnce(tenant.tenantId);
    const byMarketplace = Object.fromEntries(outcomes.map((o) => [o.marketplace, o]));
    expect(outcomes).toHaveLength(2);
    expect(byMarketplace.amazon).toMatchObject({ result: 'done', pages: 11, created: 1050, updated: 0 });
    expect(byMarketplace.ebay).toMatchObject({ result: 'done', pages: 5, created: 950, updated: 0 });

    // The marketplaces saw exactly one request per page (no refetch, no gap).
    const searches = m.amazon.requests.filter((r) => r.operation === 'searchOrders');
    expect(searches).toHaveLength(11);
    expect(searches.map((r) => r.status)).toEqual(Array(11).fill(200));
    const getOrders = m.ebay.requests.filter((r) => r.operation === 'getOrders');
    expect(getOrders.map((r) => Number(r.query.offset))).toEqual([0, 200, 400, 600, 800]);

    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'amazon',
      amazonOrders.map((o) => o.orderId),
    );
    await expectExactlyOnce(
      s,
      tenant.tenantId,
      'ebay',
      ebayOrders.map((o) => o.orderId),
    );
    const [{ n }] = await query<{ n: number }>(
      s,
      `SELECT count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND type = 'order.created'`,
      [tenant.tenantId],
    );
    expect(n).toBe(2000);
    expect(await query(s, `SELECT type FROM outbox_events WHERE type <> 'order.created'`)).toEqual([]);
    expect(await orphans(s)).toEqual({ events: 0, dataKeys: 0 });

    // Both windows are complete: the cursor sits at the window end and no page position is left.
    for (const connectionId of [amazon.connectionId, ebay.connectionId]) {
      const state = await syncState(s, tenant.tenantId, connectionId);
      expect(state).toMatchObject({ window_from: null, window_to: null, page_position: null, pages_in_window: 0 });
      expect(state.cursor).not.toBeNull();
      expect(state.cursor!.getTime()).toBeLessThan(m.clock.nowMs());
      expect(state.cursor!.getTime()).toBeGreaterThan(m.clock.nowMs() - 5 * MINUTE);
    }
    const ingested = await query<{ orders_ingested: string }>(
      s,
      `SELECT orders_ingested FROM sync_states WHERE tenant_id = $1 ORDER BY orders_ingested`,
      [tenant.tenantId],
    );
    expect(ingested.map((r) => Number(r.orders_ingested))).toEqual([950, 1050]);
  });
});
