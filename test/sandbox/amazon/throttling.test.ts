import { US, errorList, getOrder, rawRequest, rejection, searchOrders, startHarness, type Harness } from './support';

const QUOTA =
  '{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]}';

describe('Amazon simulator: usage plans', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('spends the published searchOrders burst of 20, then 429 QuotaExceeded until the clock refills it', async () => {
    h = await startHarness();
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const sp = h.client(seller.refreshToken);
    for (let i = 0; i < 20; i++) await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' });

    const err = await rejection(searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' }));
    expect(err).toMatchObject({
      code: 'QuotaExceeded',
      message: 'You exceeded your quota for the requested resource.',
      details: '',
    });
    const raw = await rawRequest(h, {
      host: 'sellingpartnerapi-na.amazon.com',
      path: '/orders/2026-01-01/orders?createdAfter=2026-03-01T00%3A00%3A00Z',
      headers: { 'x-amz-access-token': sp.access_token },
    });
    expect(raw.status).toBe(429);
    expect(raw.body).toBe(QUOTA);
    expect(raw.headers['x-amzn-ratelimit-limit']).toBeUndefined();
    expect(raw.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);

    // 0.0056 tokens/s: one token takes ~179 s.
    h.clock.advance(170 * 1000);
    await expect(searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z' })).rejects.toMatchObject({
      code: 'QuotaExceeded',
    });
    h.clock.advance(10 * 1000);
    const ok = await sp.callAPI({
      operation: 'orders.searchOrders',
      query: { createdAfter: '2026-03-01T00:00:00Z' },
      options: { raw_result: true },
    });
    const rawOk = ok as unknown as { statusCode: number; headers: Record<string, string> };
    expect(rawOk.statusCode).toBe(200);
    expect(rawOk.headers['x-amzn-ratelimit-limit']).toBe('0.0056');
  });

  it('keeps one bucket per seller and operation, with configurable plans', async () => {
    h = await startHarness({ usagePlans: { getOrder: { rate: 0.5, burst: 3 } } });
    const a = h.sim.addSeller({ marketplaceIds: [US] });
    const b = h.sim.addSeller({ marketplaceIds: [US], usagePlans: { getOrder: { rate: 2, burst: 1 } } });
    const orderA = h.sim.addOrder(a.sellingPartnerId, { createdAt: '2026-03-01T10:00:00Z' });
    const orderB = h.sim.addOrder(b.sellingPartnerId, { createdAt: '2026-03-01T10:00:00Z' });
    const spA = h.client(a.refreshToken);
    const spB = h.client(b.refreshToken);

    for (let i = 0; i < 3; i++) await getOrder(spA, orderA.orderId);
    await expect(getOrder(spA, orderA.orderId)).rejects.toMatchObject({ code: 'QuotaExceeded' });
    // Seller B and searchOrders of seller A are unaffected.
    await getOrder(spB, orderB.orderId);
    await searchOrders(spA, { createdAfter: '2026-03-01T00:00:00Z' });
    await expect(getOrder(spB, orderB.orderId)).rejects.toMatchObject({ code: 'QuotaExceeded' });

    h.clock.advance(2000);
    await expect(getOrder(spA, orderA.orderId)).resolves.toMatchObject({ order: { orderId: orderA.orderId } });
    await expect(getOrder(spB, orderB.orderId)).resolves.toMatchObject({ order: { orderId: orderB.orderId } });
    const statuses = h.sim.requests.filter((r) => r.operation === 'getOrder').map((r) => r.status);
    expect(statuses).toEqual([200, 200, 200, 429, 200, 429, 200, 200]);

    // A 400 also costs a token and carries the rate header (reference §3).
    h.clock.advance(2000);
    const bad = await rawRequest(h, {
      host: 'sellingpartnerapi-na.amazon.com',
      path: `/orders/2026-01-01/orders/${orderA.orderId}?includedData=ADDRESS`,
      headers: { 'x-amz-access-token': spA.access_token },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['x-amzn-ratelimit-limit']).toBe('0.5');
    expect(errorList(bad.body).errors[0]).toEqual({
      code: 'InvalidInput',
      message: 'Invalid Input',
      details: "Invalid value 'ADDRESS' for includedData.",
    });
  });
});
