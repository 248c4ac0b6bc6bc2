import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { HOUR, MINUTE, query } from '../sync/sync-checks';

const DAY = 24 * HOUR;

interface AnchorRow {
  marketplace_order_id: string;
  status: string;
  version: number;
  shipped_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  latest_delivery_at: Date | null;
  purchased_at: Date;
  retention_anchor_at: Date;
}

/**
 * The retention anchor as ingestion sets it from real marketplace payloads
 * (Amazon and eBay simulators, real clients), across repeat sightings.
 */
describe('retention anchor set by ingestion', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  let t: Awaited<ReturnType<typeof connectedTenant>>;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
    t = await connectedTenant(m, s, 'Anchors');
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  const stored = async (marketplaceOrderId: string): Promise<AnchorRow> => {
    const [row] = await query<AnchorRow>(
      s,
      `SELECT marketplace_order_id, status, version, shipped_at, delivered_at, cancelled_at, latest_delivery_at,
              purchased_at, retention_anchor_at
         FROM orders WHERE tenant_id = $1 AND marketplace_order_id = $2`,
      [t.tenant.tenantId, marketplaceOrderId],
    );
    return row;
  };
  const sync = async () => {
    m.clock.advance(10 * MINUTE);
    await s.sync.runOnce(t.tenant.tenantId);
  };

  it('Amazon FBM: backstop, then the promised date, then the delivery; an update after delivery moves nothing', async () => {
    const order = m.amazon.addOrder(t.amazonSeller.sellingPartnerId, {
      createdAt: m.clock.nowMs() - HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    await sync();
    let row = await stored(order.orderId);
    expect(row.status).toBe('unshipped');
    expect(row.retention_anchor_at.getTime()).toBe(row.purchased_at.getTime() + 60 * DAY);

    m.clock.advance(HOUR);
    m.amazon.ship(order.orderId);
    await sync();
    row = await stored(order.orderId);
    expect(row.status).toBe('shipped');
    expect(row.latest_delivery_at).not.toBeNull();
    expect(row.retention_anchor_at).toEqual(row.latest_delivery_at);

    m.clock.advance(DAY);
    const deliveredAt = m.amazon.deliver(order.orderId).lastUpdatedTime;
    await sync();
    row = await stored(order.orderId);
    expect(row.status).toBe('delivered');
    expect(row.delivered_at!.getTime()).toBe(deliveredAt);
    expect(row.retention_anchor_at.getTime()).toBe(deliveredAt);
    const versionAfterDelivery = row.version;

    // The drift case: Amazon updates the delivered order later (a newer lastUpdatedTime).
    m.clock.advance(3 * DAY);
    m.amazon.updateOrder(order.orderId, () => undefined);
    await sync();
    row = await stored(order.orderId);
    expect(row.version).toBe(versionAfterDelivery + 1);
    expect(row.delivered_at!.getTime()).toBe(deliveredAt);
    expect(row.retention_anchor_at.getTime()).toBe(deliveredAt);
  });

  it('Amazon FBA: shipped without a promised date or ship time is anchored when first seen shipped + 14 days', async () => {
    const order = m.amazon.addOrder(t.amazonSeller.sellingPartnerId, {
      createdAt: m.clock.nowMs() - HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'AMAZON',
    });
    m.amazon.ship(order.orderId);
    await sync();
    const firstSeenShipped = m.clock.nowMs();
    const first = await stored(order.orderId);
    expect(first.status).toBe('shipped');
    expect(first.latest_delivery_at).toBeNull();
    expect(first.shipped_at).toBeNull();
    expect(first.retention_anchor_at.getTime()).toBe(firstSeenShipped + 14 * DAY);

    m.clock.advance(2 * DAY);
    m.amazon.updateOrder(order.orderId, () => undefined);
    await sync();
    const again = await stored(order.orderId);
    expect(again.version).toBe(first.version + 1);
    expect(again.retention_anchor_at).toEqual(first.retention_anchor_at);
  });

  it('Amazon cancellation: anchored when first seen cancelled; a later update keeps cancelled_at and the anchor', async () => {
    const order = m.amazon.addOrder(t.amazonSeller.sellingPartnerId, {
      createdAt: m.clock.nowMs() - HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    await sync();
    const cancelledAt = m.amazon.cancel(order.orderId).lastUpdatedTime;
    await sync();
    const first = await stored(order.orderId);
    expect(first.cancelled_at!.getTime()).toBe(cancelledAt);
    expect(first.retention_anchor_at.getTime()).toBe(cancelledAt);

    m.clock.advance(5 * DAY);
    m.amazon.updateOrder(order.orderId, () => undefined);
    await sync();
    const again = await stored(order.orderId);
    expect(again.version).toBe(first.version + 1);
    expect(again.cancelled_at!.getTime()).toBe(cancelledAt);
    expect(again.retention_anchor_at.getTime()).toBe(cancelledAt);
  });

  it('eBay: FULFILLED carries the promised delivery date; a cancellation anchors at its date', async () => {
    const [shipped, cancelled] = m.ebay.addOrders(t.ebaySeller.sellerId, 2, { spacingMs: 1000 });
    await sync();
    m.ebay.ship(shipped.orderId);
    const done = m.ebay.cancel(cancelled.orderId);
    await sync();
    const a = await stored(shipped.orderId);
    expect(a.status).toBe('shipped');
    expect(a.retention_anchor_at).toEqual(a.latest_delivery_at);
    const b = await stored(cancelled.orderId);
    expect(b.status).toBe('cancelled');
    expect(b.retention_anchor_at.toISOString()).toBe(done.cancelStatus.cancelledDate);
  });
});
