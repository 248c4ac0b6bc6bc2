import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { Receiver } from '../delivery/support/receiver';
import { entries, HOUR, startDsrWorld, type DsrWorld } from './dsr-fixture';

const DAY = 24 * HOUR;

interface ExportedOrder {
  order: { orderId: string; marketplaceOrderId: string; buyer: { pii: string; data?: Record<string, unknown> } };
  events: Array<{ type: string; orderVersion: number; occurredAt: string; dispatchedAt: string | null }>;
  accessLog: Array<{ action: string; reason: string | null; actor: { kind: string } }>;
  deliveries: Array<Record<string, unknown>>;
}

/**
 * Access and portability: a JSON export of everything held about the buyer
 * (orders with buyer data opened, their events, who revealed them), generated
 * at download, handed out once, logged as `pii.exported`; expired or spent
 * exports are 410. Orders come from the eBay simulator through the real client.
 */
describe('data-subject request: access and portability exports', () => {
  let w: DsrWorld;
  let mine: string[];
  let orderIds: string[];
  let requestId: string;
  const BUYER = 911;
  beforeAll(async () => {
    // Private addresses allowed: a webhook receiver on loopback takes the orders' deliveries.
    w = await startDsrWorld('Export', { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    const seller = w.tenant.ebaySeller.sellerId;
    const createdAt = w.m.clock.nowMs() - HOUR;
    mine = [
      w.m.ebay.addOrder(seller, { createdAt, buyerIndex: BUYER }).orderId,
      w.m.ebay.addOrder(seller, { createdAt: createdAt + 1000, buyerIndex: BUYER }).orderId,
    ];
    w.m.ebay.addOrder(seller, { createdAt: createdAt + 2000, buyerIndex: BUYER + 1 });
    await w.sync();
    orderIds = (
      await w.sql<{ order_id: string }>(
        `SELECT order_id FROM orders WHERE tenant_id = $1 AND marketplace_order_id = ANY($2::text[]) ORDER BY purchased_at`,
        [w.tenantId, mine],
      )
    ).map((r) => r.order_id);
  });
  afterAll(() => w.close());

  it('an access request finds the buyer and offers one download for seven days', async () => {
    await w.t
      .http()
      .post(`/v1/orders/${orderIds[0]}/reveal`)
      .set(w.owner)
      .set('X-Access-Reason', 'buyer asked where the parcel is')
      .expect(200);
    const email = w.m.ebay.buyerOf(mine[0]).email;
    const res = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'access', subject: { email } })
      .expect(201);
    requestId = res.body.id;
    expect(res.body).toMatchObject({
      type: 'access',
      status: 'completed',
      counts: { ordersFound: 2, withBuyerData: 2 },
      export: {
        url: `/v1/data-subject-requests/${requestId}/export`,
        availableUntil: new Date(w.m.clock.nowMs() + 7 * DAY).toISOString(),
        downloadedAt: null,
      },
    });
    expect(JSON.stringify(res.body)).not.toContain(email);
  });

  it('the export holds the orders with buyer data, their events and the reveal from the access log', async () => {
    const buyer = w.m.ebay.buyerOf(mine[0]);
    const res = await w.t.http().get(`/v1/data-subject-requests/${requestId}/export`).set(w.owner).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body).toMatchObject({
      format: 'ordervault.data-subject-export/1',
      request: { id: requestId, type: 'access', subject: { kind: 'email', marketplace: null } },
    });
    const orders = res.body.orders as ExportedOrder[];
    expect(orders.map((o) => o.order.marketplaceOrderId)).toEqual(mine);
    for (const o of orders) {
      expect(o.order.buyer.pii).toBe('revealed');
      expect(o.order.buyer.data).toMatchObject({ email: buyer.email, buyerMarketplaceId: buyer.marketplaceBuyerId });
      expect(o.events[0]).toMatchObject({ type: 'order.created', orderVersion: 1, dispatchedAt: null });
    }
    expect(orders[0].accessLog).toEqual([
      expect.objectContaining({
        action: 'pii.revealed',
        reason: 'buyer asked where the parcel is',
        actor: { kind: 'seller', role: null },
      }),
    ]);
    expect(orders[1].accessLog).toEqual([]);

    const log = await entries(w, ['pii.exported']);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ outcome: 'allowed', dsr_id: requestId });
    expect([...log[0].order_ids!].sort()).toEqual([...orderIds].sort());
    expect(log[0].reason).toBe('access export downloaded: 2 order(s), 2 with buyer data');
  });

  it('downloadable once: the second download is 410 gone and logged; nothing of the export was stored', async () => {
    const again = await w.t.http().get(`/v1/data-subject-requests/${requestId}/export`).set(w.owner).expect(410);
    expect(again.body.error.message).toContain('make a new request');
    const log = await entries(w, ['pii.exported']);
    expect(log.map((e) => e.outcome)).toEqual(['allowed', 'denied']);
    const view = await w.t.http().get(`/v1/data-subject-requests/${requestId}`).set(w.owner).expect(200);
    expect(view.body.export.downloadedAt).toBe(w.m.clock.now().toISOString());
    const buyer = w.m.ebay.buyerOf(mine[0]);
    const rows = JSON.stringify(await w.sql(`SELECT * FROM data_subject_requests`));
    for (const needle of [buyer.email, buyer.familyName, buyer.marketplaceBuyerId, buyer.addressLine1]) {
      expect([needle, rows.includes(needle)]).toEqual([needle, false]);
    }
  });

  it('a portability export not fetched within seven days is gone; an erase request has no export', async () => {
    const username = w.m.ebay.buyerOf(mine[0]).marketplaceBuyerId;
    const res = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'portability', subject: { marketplace: 'ebay', buyerId: username } })
      .expect(201);
    expect(res.body.counts).toMatchObject({ ordersFound: 2, withBuyerData: 2 });
    w.m.clock.advance(7 * DAY);
    await w.t.http().get(`/v1/data-subject-requests/${res.body.id}/export`).set(w.owner).expect(410);

    const erase = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'erase', subject: { marketplace: 'ebay', marketplaceOrderId: mine[1] } })
      .expect(201);
    await w.t.http().get(`/v1/data-subject-requests/${erase.body.id}/export`).set(w.owner).expect(412);
  });

  it('after an erasure, a new access request exports the order as destroyed, without buyer data', async () => {
    const res = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'access', subject: { marketplace: 'ebay', marketplaceOrderId: mine[1] } })
      .expect(201);
    const body = (await w.t.http().get(`/v1/data-subject-requests/${res.body.id}/export`).set(w.owner).expect(200))
      .body as { orders: ExportedOrder[] };
    expect(body.orders).toHaveLength(1);
    expect(body.orders[0].order.buyer).toEqual({ pii: 'destroyed' });
    expect(body.orders[0].events.map((e) => e.type)).toEqual(['order.created', 'order.pii_destroyed']);
    expect(body.orders[0].accessLog.map((e) => e.action)).toEqual(['pii.erased', 'pii.exported']);
    expect(JSON.stringify(body)).not.toContain(w.m.ebay.buyerOf(mine[1]).email);
  });

  it('the export says when and to which endpoint each order was forwarded, and how each delivery ended', async () => {
    const receiver = await Receiver.start();
    try {
      const manager = (await w.t.seller(w.tenantId, ['endpoints:manage'])).auth;
      const endpoint = await w.t
        .http()
        .post('/v1/endpoints')
        .set(manager)
        .send({ url: receiver.url, payloadMode: 'full' })
        .expect(201);
      await w.t.app.get(FanOutService).fanOutAll();
      await w.t.app.get(Dispatcher).dispatchAllDue();
      const res = await w.t
        .http()
        .post('/v1/data-subject-requests')
        .set(w.owner)
        .send({ type: 'access', subject: { marketplace: 'ebay', marketplaceOrderId: mine[0] } })
        .expect(201);
      const body = (await w.t.http().get(`/v1/data-subject-requests/${res.body.id}/export`).set(w.owner).expect(200))
        .body as { orders: ExportedOrder[]; forwarding: string };
      expect(body.orders).toHaveLength(1);
      expect(body.orders[0].deliveries).toEqual([
        {
          endpointId: endpoint.body.endpointId,
          endpointUrl: receiver.url,
          eventType: 'order.created',
          orderVersion: 1,
          status: 'succeeded',
          attempts: 1,
          queuedAt: expect.any(String),
          lastAttemptAt: w.m.clock.now().toISOString(),
          deliveredAt: w.m.clock.now().toISOString(),
        },
      ]);
      // The full payload carried buyer data: its pii.forwarded entry is in the order's access history too.
      expect(body.orders[0].accessLog.map((e) => e.action)).toContain('pii.forwarded');
      expect(body.forwarding).toContain('deliveries lists each webhook delivery');
      expect(receiver.received.some((r) => r.body.includes(mine[0]))).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('the access log verifies', async () => {
    expect((await w.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });
});
