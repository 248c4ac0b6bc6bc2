import * as https from 'node:https';
import { US, getOrder, searchOrders, startHarness, type Harness } from './support';

interface Reply {
  status: number;
  body: any;
}

/** The control surface is plain HTTPS on the simulator's own address, as the demo calls it. */
function control(h: Harness, method: string, path: string, body?: unknown): Promise<Reply> {
  const url = new URL(path, h.sim.url);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, ca: h.tls.caPem, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

describe('Amazon simulator: /_sim control over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds a seller and orders, then serves them to the real client', async () => {
    const seller = await control(h, 'POST', '/_sim/sellers', {
      marketplaceIds: [US],
      sellingPartnerId: 'A1HTTPCONTROL01',
    });
    expect(seller.status).toBe(201);
    expect(seller.body).toEqual({
      sellingPartnerId: 'A1HTTPCONTROL01',
      refreshToken: expect.stringMatching(/^Atzr\|/),
    });

    const added = await control(h, 'POST', '/_sim/sellers/A1HTTPCONTROL01/orders', {
      count: 3,
      fulfilledBy: 'MERCHANT',
      createdAt: '2026-03-01T10:00:00Z',
    });
    expect(added.status).toBe(201);
    expect(added.body.orders).toHaveLength(3);
    expect(added.body.orders[0]).toMatchObject({
      sellingPartnerId: 'A1HTTPCONTROL01',
      marketplaceId: US,
      fulfilledBy: 'MERCHANT',
      status: 'UNSHIPPED',
      createdTime: '2026-03-01T10:00:00Z',
      lastUpdatedTime: '2026-03-01T10:00:00Z',
    });
    // Summaries are printable: no buyer data.
    expect(JSON.stringify(added.body)).not.toContain('Ovsim');

    const ids = added.body.orders.map((o: { orderId: string }) => o.orderId);
    const sp = h.client(seller.body.refreshToken);
    const page = await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });
    expect(page.orders.map((o) => o.orderId)).toEqual(ids);

    const shipped = await control(h, 'POST', `/_sim/orders/${ids[0]}/ship`);
    expect(shipped.body).toMatchObject({ orderId: ids[0], status: 'SHIPPED', lastUpdatedTime: '2026-03-02T09:00:00Z' });
    expect((await getOrder(sp, ids[0], ['FULFILLMENT'])).order.fulfillment?.fulfillmentStatus).toBe('SHIPPED');

    const malformed = await control(h, 'POST', `/_sim/orders/${ids[1]}/malformed`, { kind: 'bad-timestamp' });
    expect(malformed.body.malformation).toBe('bad-timestamp');

    const requests = await control(h, 'GET', '/_sim/requests');
    expect(requests.body.lwaCalls).toBe(1);
    expect(requests.body.requests.map((r: { operation: string }) => r.operation)).toEqual([
      'lwaToken',
      'searchOrders',
      'getOrder',
    ]);
    await control(h, 'POST', '/_sim/observations/reset');
    expect(h.sim.requests).toEqual([]);
  });

  it('queues faults, codes, expiry and revocation', async () => {
    const { body: seller } = await control(h, 'POST', '/_sim/sellers', { marketplaceIds: [US] });
    const sp = h.client(seller.refreshToken);
    expect((await control(h, 'POST', '/_sim/faults', { kind: '503', count: 1 })).body).toEqual({
      queued: 1,
      kind: '503',
      target: 'sp-api',
    });
    await expect(searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'ServiceUnavailable',
    });

    const code = await control(h, 'POST', `/_sim/sellers/${seller.sellingPartnerId}/authorization-codes`);
    expect(code.body.code).toMatch(/^AN/);
    await expect(sp.exchange(code.body.code)).resolves.toMatchObject({ token_type: 'bearer' });

    expect(
      (await control(h, 'POST', '/_sim/access-tokens/expire', { sellingPartnerId: 'A0THERSELLER00' })).body,
    ).toEqual({
      expired: 0,
    });
    // The token the client holds and the one minted by the code exchange.
    expect(
      (await control(h, 'POST', '/_sim/access-tokens/expire', { sellingPartnerId: seller.sellingPartnerId })).body,
    ).toEqual({ expired: 2 });
    h.sim.resetObservations();
    await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });
    expect(h.sim.lwaCalls).toBe(1);

    await control(h, 'POST', '/_sim/refresh-tokens/revoke', { refreshToken: seller.refreshToken });
    await expect(h.client(seller.refreshToken).refreshAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('moves the shared ManualClock, repeats a page and clears queued faults', async () => {
    const { body: seller } = await control(h, 'POST', '/_sim/sellers', { marketplaceIds: [US] });
    await control(h, 'POST', `/_sim/sellers/${seller.sellingPartnerId}/orders`, { count: 2 });
    const sp = h.client(seller.refreshToken);
    const before = (await control(h, 'GET', '/_sim/clock')).body.now as string;
    // Fresh orders are hidden for two minutes; move the clock over HTTP.
    const createdAfter = new Date(Date.parse(before) - 10 * 60_000).toISOString();
    expect((await searchOrders(sp, { createdAfter })).orders).toEqual([]);
    const advanced = await control(h, 'POST', '/_sim/clock/advance', { ms: 3 * 60_000 });
    expect(Date.parse(advanced.body.now) - Date.parse(before)).toBe(3 * 60_000);
    expect(h.clock.now().toISOString()).toBe(advanced.body.now);

    await control(h, 'POST', '/_sim/faults/serve-page-twice');
    const q = { createdAfter, maxResultsPerPage: 1 };
    const first = await searchOrders(sp, q);
    const repeated = await searchOrders(sp, { ...q, paginationToken: first.pagination?.nextToken });
    expect(repeated).toEqual(first);
    expect(first.orders).toHaveLength(1);

    await control(h, 'POST', '/_sim/faults', { kind: '500', count: 5 });
    expect((await control(h, 'DELETE', '/_sim/faults')).body).toEqual({ cleared: true });
    await control(h, 'POST', '/_sim/usage-plans/refill');
    await expect(searchOrders(sp, q)).resolves.toMatchObject({ orders: [{ orderId: first.orders[0].orderId }] });
  });

  it('rejects bad control input with 400 and unknown routes with 404', async () => {
    expect(await control(h, 'POST', '/_sim/sellers', { marketplaceIds: ['XX'] })).toEqual({
      status: 400,
      body: { error: 'Unknown Amazon marketplace id XX' },
    });
    expect((await control(h, 'POST', '/_sim/faults', { kind: 'meteor' })).status).toBe(400);
    expect((await control(h, 'POST', '/_sim/orders/111-0000000-0000000/ship')).body).toEqual({
      error: 'Unknown order 111-0000000-0000000',
    });
    expect((await control(h, 'GET', '/_sim/nothing')).status).toBe(404);
  });
});
