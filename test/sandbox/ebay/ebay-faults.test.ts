import { EBayAccessDenied, EBayApiError } from 'ebay-api/lib/errors/index.js';
import type eBayApi from 'ebay-api';
import type { Order } from '../../../src/sandbox/ebay';
import { APP, failure, fixture, sellerClient, startHarness, type Harness } from './ebay-sim-harness';

describe('eBay simulator: rate limits, faults and malformed data', () => {
  let h: Harness;
  let sellerId: string;
  let eBay: eBayApi;

  beforeEach(async () => {
    h = await startHarness();
    const seller = h.sim.addSeller();
    sellerId = seller.sellerId;
    eBay = sellerClient(h, seller.refreshToken);
    h.sim.addOrders(sellerId, 3);
    await eBay.sell.fulfillment.getOrders(); // token refreshed; later calls go straight through
    h.sim.resetObservations();
  });
  afterEach(() => h.close());

  it('surfaces an injected 429 as EBayAccessDenied with status 429 and errorCode 2001, then recovers', async () => {
    h.sim.failNextRequests(1, '429');
    const error = await failure(eBay.sell.fulfillment.getOrders());
    expect(error).toBeInstanceOf(EBayAccessDenied);
    expect(error.meta.res.status).toBe(429);
    expect(error.errorCode).toBe(2001);
    expect(error.message).toBe('Too many requests.');
    expect(error.meta.res.data).toEqual(fixture('errors.429-daily-quota.json'));
    await expect(eBay.sell.fulfillment.getOrders()).resolves.toMatchObject({ total: 3 });
    expect(h.sim.requests.map((r) => [r.status, r.fault])).toEqual([
      [429, '429'],
      [200, undefined],
    ]);
  });

  it('enforces a per-app daily quota that resets at midnight Pacific time', async () => {
    h.sim.setDailyQuota(2);
    expect(h.sim.quotaUsedToday(APP.clientId)).toBe(0);
    await eBay.sell.fulfillment.getOrders();
    await eBay.sell.fulfillment.getOrders();
    const error = await failure(eBay.sell.fulfillment.getOrders());
    expect(error).toBeInstanceOf(EBayAccessDenied);
    expect([error.meta.res.status, error.errorCode]).toEqual([429, 2001]);

    // 12:00Z is 04:00 in Los Angeles; 07:59Z the next day is still the same Pacific day (23:59 PST). The access
    // token has expired by then; the refresh is a token call and does not count against the API quota.
    h.clock.set('2026-11-21T07:59:00.000Z');
    expect((await failure(eBay.sell.fulfillment.getOrders())).meta.res.status).toBe(429);
    h.clock.set('2026-11-21T08:00:00.000Z');
    await expect(eBay.sell.fulfillment.getOrders()).resolves.toMatchObject({ total: 3 });
  });

  it('answers an injected 500 with errorId 30500 (APPLICATION) and an html-502 with a gateway page', async () => {
    h.sim.failNextRequests(1, '500');
    h.sim.failNextRequests(1, 'html-502');

    const e500 = await failure(eBay.sell.fulfillment.getOrders());
    expect(e500).toBeInstanceOf(EBayApiError);
    expect([e500.meta.res.status, e500.errorCode, e500.message]).toEqual([500, 30500, 'System error.']);
    expect(e500.firstError).toMatchObject({ domain: 'API_FULFILLMENT', category: 'APPLICATION' });

    const e502 = await failure(eBay.sell.fulfillment.getOrders());
    expect(e502).toBeInstanceOf(EBayApiError);
    expect(e502.meta.res.status).toBe(502);
    expect(e502.meta.res.headers['content-type']).toBe('text/html');
    expect(e502.meta.res.data).toContain('<h1>502 Bad Gateway</h1>');
  });

  it('resets the connection, or hangs until the client times out', async () => {
    h.sim.failNextRequests(1, 'reset');
    const reset = await failure(eBay.sell.fulfillment.getOrders());
    expect(reset.isAxiosError).toBe(true);
    expect(reset.code).toBe('ECONNRESET');

    const impatient = h.client({ timeout: 200 });
    impatient.OAuth2.setCredentials(eBay.OAuth2.getCredentials() as { access_token: string; refresh_token: string });
    h.sim.failNextRequests(1, 'hang');
    const hung = await failure(impatient.sell.fulfillment.getOrders());
    expect(hung.code).toBe('ECONNABORTED');
    await expect(eBay.sell.fulfillment.getOrders()).resolves.toMatchObject({ total: 3 });
  });

  it('can fail the token endpoint instead of the API', async () => {
    h.sim.failNextRequests(1, '500', 'identity');
    h.sim.expireAccessTokens();
    const error = await failure(eBay.sell.fulfillment.getOrders());
    expect(error.meta.res.status).toBe(500);
    expect(h.sim.requests.map((r) => [r.operation, r.status])).toEqual([
      ['getOrders', 401],
      ['token', 500],
    ]);
    await expect(eBay.sell.fulfillment.getOrders()).resolves.toMatchObject({ total: 3 });
  });

  it('serves malformed orders as asked while filtering on the true data', async () => {
    const orders = h.sim.addOrders(sellerId, 6, {
      createdAt: Date.parse('2026-11-19T00:00:00.000Z'),
      spacingMs: 60_000,
    });
    const [missingId, badTime, numeric, unknown, noBuyer, noItems] = orders.map((o) => o.orderId);
    h.sim.makeOrderMalformed(missingId, 'missing-order-id');
    h.sim.makeOrderMalformed(badTime, 'bad-timestamp');
    h.sim.makeOrderMalformed(numeric, 'non-string-amount');
    h.sim.makeOrderMalformed(unknown, 'unknown-status');
    h.sim.makeOrderMalformed(noBuyer, 'missing-buyer');
    h.sim.makeOrderMalformed(noItems, 'missing-line-items');

    const page = (await eBay.sell.fulfillment.getOrders({
      filter: 'creationdate:[2026-11-18T00:00:00.000Z..2026-11-19T01:00:00.000Z]',
    })) as { total: number; orders: Array<Record<string, any>> };

    expect(page.total).toBe(6);
    const [items, buyer, status, amount, time, id] = page.orders; // newest first
    expect(id).not.toHaveProperty('orderId');
    expect(id).not.toHaveProperty('legacyOrderId');
    expect(Number.isNaN(Date.parse(time.creationDate))).toBe(true);
    expect(time.lastModifiedDate).toBe('2024-02-30T25:61:00.000Z');
    expect(typeof amount.pricingSummary.total.value).toBe('number');
    expect(typeof amount.lineItems[0].lineItemCost.value).toBe('number');
    expect(status.orderFulfillmentStatus).toBe('PARTIALLY_DISPATCHED');
    expect(buyer).not.toHaveProperty('buyer');
    expect(items).not.toHaveProperty('lineItems');
    // getOrder by the real id still finds the order whose payload lacks it.
    expect(await eBay.sell.fulfillment.getOrder(missingId)).not.toHaveProperty('orderId');
  });

  it('repairOrder serves a malformed order intact again without modifying it (a lastmodifieddate poll misses it)', async () => {
    const [order] = h.sim.addOrders(sellerId, 1, { createdAt: Date.parse('2026-11-19T00:00:00.000Z') });
    h.sim.makeOrderMalformed(order.orderId, 'missing-line-items');
    h.sim.makeOrderMalformed(order.orderId, 'unknown-status');
    const broken = (await eBay.sell.fulfillment.getOrder(order.orderId)) as Record<string, unknown>;
    expect(broken).not.toHaveProperty('lineItems');
    expect(broken.orderFulfillmentStatus).toBe('PARTIALLY_DISPATCHED');

    h.clock.advance(60_000);
    const repairedAt = new Date(h.clock.nowMs()).toISOString();
    h.sim.repairOrder(order.orderId);
    // Every malformation is gone; the order itself is as it was (same lastModifiedDate).
    const repaired = (await eBay.sell.fulfillment.getOrder(order.orderId)) as Order;
    expect(repaired.orderFulfillmentStatus).toBe(order.orderFulfillmentStatus);
    expect(repaired.lineItems.map((l) => l.lineItemId)).toEqual(order.lineItems.map((l) => l.lineItemId));
    expect(repaired.lastModifiedDate).toBe(order.lastModifiedDate);
    const since = (await eBay.sell.fulfillment.getOrders({ filter: `lastmodifieddate:[${repairedAt}..]` })) as {
      total: number;
    };
    expect(since.total).toBe(0);
    expect(() => h.sim.repairOrder('99-99999-99999')).toThrow('Unknown order');
  });

  it('serves the next getOrders page twice when asked (a replayed page)', async () => {
    h.sim.addOrders(sellerId, 7);
    h.sim.servePageTwice();
    const first = (await eBay.sell.fulfillment.getOrders({ limit: 5, offset: 0 })) as {
      offset: number;
      orders: Order[];
    };
    const second = (await eBay.sell.fulfillment.getOrders({ limit: 5, offset: 5 })) as {
      offset: number;
      orders: Order[];
    };
    const third = (await eBay.sell.fulfillment.getOrders({ limit: 5, offset: 5 })) as {
      offset: number;
      orders: Order[];
    };
    expect(second).toEqual(first);
    expect(second.offset).toBe(0);
    expect(third.offset).toBe(5);
    expect(third.orders.map((o) => o.orderId)).not.toEqual(first.orders.map((o) => o.orderId));
  });

  it('rejects unknown paths loudly instead of pretending to be eBay', async () => {
    const error = await failure(eBay.sell.fulfillment.getShippingFulfillments('12-34567-89012'));
    expect(error.meta.res.status).toBe(404);
    expect(error.message).toBe('Not simulated: GET /sell/fulfillment/v1/order/12-34567-89012/shipping_fulfillment');
  });
});
