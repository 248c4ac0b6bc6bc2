import { HOUR, MINUTE, CA, US, UK, rejection, searchOrders, startHarness, type Harness } from './support';

const SINCE = '2026-03-01T00:00:00Z';

describe('Amazon simulator: searchOrders', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('pages through a query with opaque tokens in (lastUpdatedTime, orderId) order, echoing createdBefore', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US, CA] });
    const created = h.sim.addOrders(seller.sellingPartnerId, 7, {
      createdAt: '2026-03-01T10:00:00Z',
      marketplaceId: US,
    });
    const sp = h.client(seller.refreshToken);

    const seen: string[] = [];
    const tokens: string[] = [];
    let page = await searchOrders(sp, { createdAfter: SINCE, marketplaceIds: [US, CA], maxResultsPerPage: 3 });
    for (;;) {
      expect(page.createdBefore).toBe('2026-03-02T08:58:00Z');
      expect(page.lastUpdatedBefore).toBeUndefined();
      seen.push(...page.orders.map((o) => o.orderId));
      if (!page.pagination) break;
      tokens.push(page.pagination.nextToken as string);
      page = await searchOrders(sp, {
        createdAfter: SINCE,
        marketplaceIds: [US, CA],
        maxResultsPerPage: 3,
        paginationToken: page.pagination.nextToken,
      });
    }
    expect(seen).toEqual(created.map((o) => o.orderId));
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(new Set(seen).size).toBe(7);

    // The client comma-joins arrays, percent-encodes them and sorts the keys (reference §6.1).
    const first = h.sim.requests.find((r) => r.operation === 'searchOrders');
    expect(first).toMatchObject({
      host: 'sellingpartnerapi-na.amazon.com',
      query: { createdAfter: SINCE, marketplaceIds: `${US},${CA}`, maxResultsPerPage: '3' },
    });
    expect(JSON.stringify(h.sim.requests)).not.toContain('Atza|');
  });

  it('keeps a token bound to the snapshot of its first page, so later updates neither skip nor repeat orders', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const created = h.sim.addOrders(seller.sellingPartnerId, 4, { createdAt: '2026-03-01T10:00:00Z' });
    const sp = h.client(seller.refreshToken);
    const first = await searchOrders(sp, { lastUpdatedAfter: SINCE, maxResultsPerPage: 2 });
    expect(first.lastUpdatedBefore).toBe('2026-03-02T08:58:00Z');
    // An order of page one moves to "now": re-running the query would shift the pages.
    h.sim.updateOrder(created[0].orderId, (o) => {
      o.serviceLevel = 'EXPEDITED';
    });
    h.clock.advance(10 * MINUTE);
    const second = await searchOrders(sp, {
      lastUpdatedAfter: SINCE,
      maxResultsPerPage: 2,
      paginationToken: first.pagination?.nextToken,
    });
    expect([...first.orders, ...second.orders].map((o) => o.orderId)).toEqual(created.map((o) => o.orderId));
    expect(second.lastUpdatedBefore).toBe('2026-03-02T08:58:00Z');
    expect(second.pagination).toBeUndefined();
  });

  it('rejects a pagination token after 24 hours, for another seller, or with changed filters', async () => {
    const a = h.sim.addSeller({ marketplaceIds: [US] });
    const b = h.sim.addSeller({ marketplaceIds: [US] });
    h.sim.addOrders(a.sellingPartnerId, 3, { createdAt: '2026-03-01T10:00:00Z' });
    const spA = h.client(a.refreshToken);
    const page = await searchOrders(spA, { createdAfter: SINCE, maxResultsPerPage: 1 });
    const paginationToken = page.pagination?.nextToken;
    expect(paginationToken).toBeDefined();

    const foreign = await rejection(searchOrders(h.client(b.refreshToken), { createdAfter: SINCE, paginationToken }));
    expect(foreign).toMatchObject({ code: 'InvalidInput', details: 'The paginationToken is invalid or has expired.' });

    const changed = await rejection(searchOrders(spA, { createdAfter: '2026-03-01T05:00:00Z', paginationToken }));
    expect(changed).toMatchObject({ code: 'InvalidInput' });
    expect(changed.details).toMatch(/does not match/);

    // maxResultsPerPage and includedData may change between pages (model, pagination description).
    const next = await searchOrders(spA, {
      createdAfter: SINCE,
      maxResultsPerPage: 5,
      includedData: ['BUYER'],
      paginationToken,
    });
    expect(next.orders).toHaveLength(2);
    expect(next.orders[0].buyer?.buyerName).toContain('Ovsim');

    h.clock.advance(24 * HOUR);
    const expired = await rejection(searchOrders(spA, { createdAfter: SINCE, paginationToken }));
    expect(expired).toMatchObject({
      code: 'InvalidInput',
      message: 'Invalid Input',
      details: 'The paginationToken is invalid or has expired.',
    });
    expect(h.sim.requests.at(-1)).toMatchObject({ status: 400 });
  });

  it('validates the time window like the model describes', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const sp = h.client(seller.refreshToken);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /Exactly one of createdAfter and lastUpdatedAfter/],
      [{ createdAfter: SINCE, lastUpdatedAfter: SINCE }, /Exactly one/],
      [{ createdAfter: SINCE, lastUpdatedBefore: '2026-03-01T12:00:00Z' }, /cannot be combined/],
      [{ createdAfter: 'yesterday' }, /ISO 8601/],
      // Now is 09:00; 08:59 is within two minutes of the request.
      [{ createdAfter: SINCE, createdBefore: '2026-03-02T08:59:00Z' }, /at least two minutes before/],
      [{ lastUpdatedAfter: SINCE, lastUpdatedBefore: '2026-02-28T00:00:00Z' }, /equal to or after/],
      [{ createdAfter: '2026-03-02T08:59:30Z' }, /at least two minutes before/],
      [{ createdAfter: SINCE, maxResultsPerPage: 101 }, /between 1 and 100/],
      [{ createdAfter: SINCE, maxResultsPerPage: 0 }, /between 1 and 100/],
      [{ createdAfter: SINCE, fulfillmentStatuses: ['Canceled'] }, /Invalid value 'Canceled' for fulfillmentStatuses/],
      [{ createdAfter: SINCE, fulfilledBy: ['AFN'] }, /Invalid value 'AFN' for fulfilledBy/],
      [{ createdAfter: SINCE, includedData: ['ADDRESS'] }, /Invalid value 'ADDRESS' for includedData/],
      [{ createdAfter: SINCE, marketplaceIds: [UK] }, /Invalid marketplaceId/],
      // v0 spelling on the 2026 path: the camelCase parameter is simply missing.
      [{ CreatedAfter: SINCE }, /Exactly one/],
    ];
    for (const [query, details] of cases) {
      const err = await rejection(searchOrders(sp, query));
      expect({ query, code: err.code, message: err.message }).toEqual({
        query,
        code: 'InvalidInput',
        message: 'Invalid Input',
      });
      expect(err.details).toMatch(details);
    }
    const ok = await searchOrders(sp, { createdAfter: SINCE, createdBefore: '2026-03-02T08:58:00Z' });
    expect(ok).toEqual({ orders: [], createdBefore: '2026-03-02T08:58:00Z' });
  });

  it('hides orders younger than two minutes and filters by marketplace, status and fulfilment channel', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US, CA] });
    const id = seller.sellingPartnerId;
    const fbm = h.sim.addOrders(id, 2, { fulfilledBy: 'MERCHANT', createdAt: '2026-03-01T10:00:00Z' });
    const fba = h.sim.addOrders(id, 2, { fulfilledBy: 'AMAZON', createdAt: '2026-03-01T11:00:00Z' });
    const ca = h.sim.addOrder(id, { marketplaceId: CA, fulfilledBy: 'MERCHANT', createdAt: '2026-03-01T12:00:00Z' });
    const pending = h.sim.addOrder(id, {
      status: 'PENDING',
      fulfilledBy: 'MERCHANT',
      createdAt: '2026-03-01T13:00:00Z',
    });
    const fresh = h.sim.addOrder(id, { fulfilledBy: 'MERCHANT' });
    const sp = h.client(seller.refreshToken);
    const ids = async (q: Record<string, unknown>) =>
      (await searchOrders(sp, { createdAfter: SINCE, ...q })).orders.map((o) => o.orderId);

    expect(await ids({})).toEqual([...fbm, ...fba, ca, pending].map((o) => o.orderId));
    expect(await ids({ fulfilledBy: ['AMAZON'] })).toEqual(fba.map((o) => o.orderId));
    expect(await ids({ marketplaceIds: [CA] })).toEqual([ca.orderId]);
    expect(await ids({ fulfillmentStatuses: ['PENDING', 'CANCELLED'] })).toEqual([pending.orderId]);
    h.clock.advance(2 * MINUTE);
    expect(await ids({ fulfilledBy: ['MERCHANT'], marketplaceIds: [US] })).toEqual(
      [...fbm, pending, fresh].map((o) => o.orderId),
    );
  });

  it('finds changed orders through lastUpdatedAfter once they are two minutes old', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const [a, b] = h.sim.addOrders(seller.sellingPartnerId, 2, {
      fulfilledBy: 'MERCHANT',
      createdAt: '2026-03-01T10:00:00Z',
    });
    const sp = h.client(seller.refreshToken);
    const cursor = (await searchOrders(sp, { lastUpdatedAfter: SINCE })).lastUpdatedBefore as string;
    expect(cursor).toBe('2026-03-02T08:58:00Z');

    h.clock.advance(5 * MINUTE);
    h.sim.ship(b.orderId);
    const tooEarly = await searchOrders(sp, { lastUpdatedAfter: cursor });
    expect(tooEarly.orders).toEqual([]);
    h.clock.advance(2 * MINUTE);
    const changed = await searchOrders(sp, { lastUpdatedAfter: cursor, includedData: ['FULFILLMENT'] });
    expect(changed.orders.map((o) => [o.orderId, o.lastUpdatedTime, o.fulfillment?.fulfillmentStatus])).toEqual([
      [b.orderId, '2026-03-02T09:05:00Z', 'SHIPPED'],
    ]);
    expect(changed.lastUpdatedBefore).toBe('2026-03-02T09:05:00Z');
    expect(a.lastUpdatedTime).toBe(Date.parse('2026-03-01T10:00:00Z'));
  });

  it('is deterministic for a seed', async () => {
    const other = await startHarness();
    try {
      const make = (hh: Harness) => {
        const s = hh.sim.addSeller({ marketplaceIds: [US] });
        return { seller: s.sellingPartnerId, orders: hh.sim.addOrders(s.sellingPartnerId, 3, { createdAt: SINCE }) };
      };
      const x = make(h);
      const y = make(other);
      expect(x.seller).toBe(y.seller);
      expect(x.seller).toMatch(/^A[A-Z0-9]{13}$/);
      expect(x.orders.map((o) => [o.orderId, o.buyer.fullName, o.items.map((i) => i.unitPrice)])).toEqual(
        y.orders.map((o) => [o.orderId, o.buyer.fullName, o.items.map((i) => i.unitPrice)]),
      );
      expect(x.orders[0].orderId).toMatch(/^11[1-4]-\d{7}-\d{7}$/);
    } finally {
      await other.close();
    }
  });
});
