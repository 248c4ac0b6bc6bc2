import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { eventsByOrder, HOUR, MINUTE, query, storedOrders } from './sync-checks';

describe('cancellations reach the store and the outbox on both marketplaces', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  let t: Awaited<ReturnType<typeof connectedTenant>>;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
    t = await connectedTenant(m, s, 'Cancels');
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  const cancelledEventPayloads = async (orderId: string) =>
    query<{ type: string; payload: Record<string, unknown> }>(
      s,
      `SELECT type, payload FROM outbox_events WHERE tenant_id = $1 AND order_id = $2 ORDER BY seq`,
      [t.tenant.tenantId, orderId],
    );

  it('Amazon: a cancelled order becomes status cancelled with cancelledAt and one order.cancelled event', async () => {
    const orders = m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 5, {
      createdAt: m.clock.nowMs() - 2 * HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    const alreadyCancelled = m.amazon.addOrder(t.amazonSeller.sellingPartnerId, {
      createdAt: m.clock.nowMs() - 2 * HOUR,
      fulfilledBy: 'MERCHANT',
    });
    m.amazon.cancel(alreadyCancelled.orderId, 'MERCHANT', 'Out of stock');
    m.clock.advance(10 * MINUTE);
    expect((await s.sync.runOnce(t.tenant.tenantId)).map((o) => `${o.marketplace}:${o.created}`).sort()).toEqual([
      'amazon:6',
      'ebay:0',
    ]);

    const target = orders[2].orderId;
    m.clock.advance(MINUTE);
    const cancelledAt = m.amazon.cancel(target, 'BUYER', 'Order no longer needed').lastUpdatedTime;
    m.clock.advance(10 * MINUTE);
    const amazonRun = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'amazon')!;
    expect(amazonRun).toMatchObject({ result: 'done', created: 0, updated: 0, cancelled: 1 });

    const stored = await storedOrders(s, t.tenant.tenantId, 'amazon');
    expect(stored.get(target)).toMatchObject({ status: 'cancelled', version: 2 });
    expect(stored.get(target)!.cancelled_at!.getTime()).toBe(cancelledAt);
    expect(stored.get(orders[1].orderId)).toMatchObject({ status: 'unshipped', cancelled_at: null });
    const events = await eventsByOrder(s, t.tenant.tenantId, 'amazon');
    expect(events.get(target)).toEqual(['order.created', 'order.cancelled']);
    const payloads = await cancelledEventPayloads(stored.get(target)!.order_id);
    expect(payloads[1].payload).toMatchObject({ status: 'cancelled', previousStatus: 'unshipped', version: 2 });
    // Seen for the first time already cancelled: it is created (as cancelled), not "cancelled" again.
    expect(stored.get(alreadyCancelled.orderId)).toMatchObject({ status: 'cancelled', version: 1 });
    expect(stored.get(alreadyCancelled.orderId)!.cancelled_at).not.toBeNull();
    expect(events.get(alreadyCancelled.orderId)).toEqual(['order.created']);

    // Nothing new: a further pass adds no event.
    m.clock.advance(10 * MINUTE);
    await s.sync.runOnce(t.tenant.tenantId);
    expect((await eventsByOrder(s, t.tenant.tenantId, 'amazon')).get(target)).toEqual([
      'order.created',
      'order.cancelled',
    ]);
  });

  it('eBay: a buyer cancel request is an update; the completed cancellation is order.cancelled with its date', async () => {
    // This connection has synced already: new orders appear at "now" (a modified-since poll never sees
    // orders back-dated behind its cursor).
    const orders = m.ebay.addOrders(t.ebaySeller.sellerId, 4, { spacingMs: 1000 });
    m.clock.advance(10 * MINUTE);
    expect((await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'ebay')).toMatchObject({
      created: 4,
    });
    const target = orders[1].orderId;
    const sellerCancelled = orders[3].orderId;

    m.clock.advance(MINUTE);
    m.ebay.requestCancel(target, { initiator: 'Buyer' });
    m.clock.advance(10 * MINUTE);
    let run = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'ebay')!;
    expect(run).toMatchObject({ created: 0, updated: 1, cancelled: 0 });
    let stored = await storedOrders(s, t.tenant.tenantId, 'ebay');
    expect(stored.get(target)).toMatchObject({ status: 'unshipped', cancelled_at: null, version: 2 });

    m.clock.advance(MINUTE);
    const completed = m.ebay.cancel(target);
    m.ebay.cancel(sellerCancelled, { initiator: 'Seller' });
    m.clock.advance(10 * MINUTE);
    run = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'ebay')!;
    expect(run).toMatchObject({ created: 0, updated: 0, cancelled: 2 });

    stored = await storedOrders(s, t.tenant.tenantId, 'ebay');
    expect(stored.get(target)).toMatchObject({ status: 'cancelled', version: 3 });
    expect(stored.get(target)!.cancelled_at!.toISOString()).toBe(completed.cancelStatus.cancelledDate);
    expect(stored.get(sellerCancelled)).toMatchObject({ status: 'cancelled', version: 2 });
    expect(stored.get(orders[0].orderId)).toMatchObject({ status: 'unshipped', cancelled_at: null, version: 1 });
    const events = await eventsByOrder(s, t.tenant.tenantId, 'ebay');
    expect(events.get(target)).toEqual(['order.created', 'order.updated', 'order.cancelled']);
    expect(events.get(sellerCancelled)).toEqual(['order.created', 'order.cancelled']);
    expect(events.get(orders[0].orderId)).toEqual(['order.created']);
    const payloads = await cancelledEventPayloads(stored.get(target)!.order_id);
    expect(payloads.map((p) => p.type)).toEqual(['order.created', 'order.updated', 'order.cancelled']);
    expect(payloads[2].payload).toMatchObject({ status: 'cancelled', previousStatus: 'unshipped', version: 3 });
  });
});
