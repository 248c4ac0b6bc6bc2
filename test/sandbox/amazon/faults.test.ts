import { SellingPartner } from 'amazon-sp-api';
import { APP, US, getOrder, rawRequest, rejection, searchOrders, startHarness, type Harness } from './support';

const SINCE = '2026-03-01T00:00:00Z';

describe('Amazon simulator: injected faults', () => {
  let h: Harness;
  let sp: SellingPartner;
  let sellerId: string;
  beforeEach(async () => {
    h = await startHarness();
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    sellerId = seller.sellingPartnerId;
    sp = h.client(seller.refreshToken);
    await sp.refreshAccessToken();
  });
  afterEach(async () => {
    await h.close();
  });

  it('fails the next requests with each kind, as the client sees them, then recovers', async () => {
    const expectations: Array<[Parameters<Harness['sim']['failNextRequests']>[1], Record<string, unknown>]> = [
      ['500', { code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' }],
      ['503', { code: 'ServiceUnavailable' }],
      ['429', { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
      ['empty-200', { code: 'JSON_PARSE_ERROR', message: '' }],
    ];
    for (const [kind, shape] of expectations) {
      h.sim.failNextRequests(1, kind);
      expect(await rejection(searchOrders(sp, { createdAfter: SINCE }))).toMatchObject(shape);
    }
    h.sim.failNextRequests(2, 'html-502');
    const html = await rejection(searchOrders(sp, { createdAfter: SINCE }));
    expect(html.code).toBe('JSON_PARSE_ERROR');
    expect(html.message).toContain('502 Bad Gateway');
    await expect(getOrder(sp, '111-0000000-0000000')).rejects.toMatchObject({ code: 'JSON_PARSE_ERROR' });

    h.sim.failNextRequests(1, 'html-503');
    expect((await rejection(searchOrders(sp, { createdAfter: SINCE }))).message).toContain(
      'Website Temporarily Unavailable',
    );

    h.sim.failNextRequests(1, 'reset');
    const reset = await rejection(searchOrders(sp, { createdAfter: SINCE }));
    expect(reset.code).toBe('ECONNRESET');

    await expect(searchOrders(sp, { createdAfter: SINCE })).resolves.toMatchObject({ orders: [] });
    const log = h.sim.requests.filter((r) => r.operation !== 'lwaToken');
    expect(log.map((r) => [r.fault ?? null, r.status ?? null])).toEqual([
      ['500', 500],
      ['503', 503],
      ['429', 429],
      ['empty-200', 200],
      ['html-502', 502],
      ['html-502', 502],
      ['html-503', 503],
      ['reset', null],
      [null, 200],
    ]);
    // Faults do not consume quota.
    expect(log.filter((r) => r.fault === undefined)).toHaveLength(1);
  });

  it('hangs until the client times out', async () => {
    h.sim.failNextRequests(1, 'hang');
    const err = await rejection(
      sp.callAPI({
        operation: 'orders.searchOrders',
        query: { createdAfter: SINCE },
        options: { timeouts: { response: 150 } },
      }),
    );
    expect(err.code).toBe('API_RESPONSE_TIMEOUT');
  });

  it('can fail the LWA token endpoint instead', async () => {
    h.sim.failNextRequests(1, '500', 'lwa');
    const fresh = new SellingPartner({
      region: 'na',
      refresh_token: h.sim.addSeller({ marketplaceIds: [US] }).refreshToken,
      credentials: { SELLING_PARTNER_APP_CLIENT_ID: APP.clientId, SELLING_PARTNER_APP_CLIENT_SECRET: APP.clientSecret },
      options: { https_proxy_agent: h.agent, auto_request_throttled: false, retry_remote_timeout: false },
    });
    await expect(fresh.refreshAccessToken()).rejects.toMatchObject({ code: 'server_error' });
    await expect(fresh.refreshAccessToken()).resolves.toBeUndefined();
    // The SP-API queue was untouched.
    await expect(searchOrders(sp, { createdAfter: SINCE })).resolves.toMatchObject({ orders: [] });
  });

  it('corrupts single orders and keeps the rest of the page valid', async () => {
    const orders = h.sim.addOrders(sellerId, 6, { fulfilledBy: 'MERCHANT', createdAt: '2026-03-01T10:00:00Z' });
    h.sim.makeOrderMalformed(orders[0].orderId, 'missing-order-id');
    h.sim.makeOrderMalformed(orders[1].orderId, 'bad-timestamp');
    h.sim.makeOrderMalformed(orders[2].orderId, 'non-string-amount');
    h.sim.makeOrderMalformed(orders[3].orderId, 'unknown-status');
    h.sim.makeOrderMalformed(orders[4].orderId, 'missing-order-items');
    const page = await searchOrders(sp, { createdAfter: SINCE, includedData: ['PROCEEDS', 'FULFILLMENT'] });
    const raw = page.orders as unknown as Array<Record<string, any>>;
    expect(raw).toHaveLength(6);
    expect(raw[0]).not.toHaveProperty('orderId');
    expect(raw[0].createdTime).toBe('2026-03-01T10:00:00Z');
    expect(raw[1].lastUpdatedTime).toBe('2026-02-30T25:61:00Z');
    expect(Number.isNaN(Date.parse(raw[1].lastUpdatedTime))).toBe(true);
    expect(typeof raw[2].proceeds.grandTotal.amount).toBe('number');
    expect(typeof raw[2].orderItems[0].product.price.unitPrice.amount).toBe('number');
    expect(raw[3].fulfillment.fulfillmentStatus).toBe('ON_HOLD_FOR_REVIEW');
    expect(raw[4]).not.toHaveProperty('orderItems');
    expect(raw[5]).toMatchObject({ orderId: orders[5].orderId, fulfillment: { fulfillmentStatus: 'UNSHIPPED' } });
    expect(typeof raw[5].proceeds.grandTotal.amount).toBe('string');

    // getOrder serves the same corruption; repairing restores the order.
    expect(await getOrder(sp, orders[1].orderId)).toMatchObject({ order: { lastUpdatedTime: '2026-02-30T25:61:00Z' } });
    h.sim.repairOrder(orders[1].orderId);
    expect(await getOrder(sp, orders[1].orderId)).toMatchObject({ order: { lastUpdatedTime: '2026-03-01T10:00:01Z' } });
  });

  it('serves a searchOrders page twice when asked', async () => {
    const orders = h.sim.addOrders(sellerId, 5, { createdAt: '2026-03-01T10:00:00Z' });
    h.sim.servePageTwice();
    const query = { createdAfter: SINCE, maxResultsPerPage: 2 };
    const pages = [await searchOrders(sp, query)];
    for (let i = 0; i < 3; i++) {
      pages.push(await searchOrders(sp, { ...query, paginationToken: pages[i].pagination?.nextToken }));
    }
    expect(pages[1]).toEqual(pages[0]);
    expect(pages.map((p) => p.orders.map((o) => o.orderId))).toEqual([
      [orders[0].orderId, orders[1].orderId],
      [orders[0].orderId, orders[1].orderId],
      [orders[2].orderId, orders[3].orderId],
      [orders[4].orderId],
    ]);
    expect(pages[3].pagination).toBeUndefined();
  });

  it('answers unknown SP-API paths with 404 and never with a real-looking payload', async () => {
    const res = await rawRequest(h, {
      host: 'sellingpartnerapi-na.amazon.com',
      path: '/orders/v0/orders?CreatedAfter=2026-03-01T00%3A00%3A00Z&MarketplaceIds=ATVPDKIKX0DER',
      headers: { 'x-amz-access-token': sp.access_token },
    });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ errors: [{ code: 'NotFound' }] });
  });
});
