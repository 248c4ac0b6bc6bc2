import { EBayApiError } from 'ebay-api/lib/errors/index.js';
import type eBayApi from 'ebay-api';
import type { Order, OrderSearchPagedCollection } from '../../../src/sandbox/ebay';
import { DAY, failure, fixture, sellerClient, START, startHarness, type Harness } from './ebay-sim-harness';

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse(START);

type Page = Omit<OrderSearchPagedCollection, 'orders'> & { orders: Order[] };

describe('eBay simulator: getOrders', () => {
  let h: Harness;
  let sellerId: string;
  let eBay: eBayApi;

  beforeEach(async () => {
    h = await startHarness();
    const seller = h.sim.addSeller();
    sellerId = seller.sellerId;
    eBay = sellerClient(h, seller.refreshToken);
  });
  afterEach(() => h.close());

  const getOrders = (params: Record<string, unknown>) => eBay.sell.fulfillment.getOrders(params) as Promise<Page>;

  it('pages with limit/offset/next to the end, newest first, with hrefs built like the real ones', async () => {
    h.sim.addOrders(sellerId, 125, { createdAt: T0 - 125 * 60_000, spacingMs: 60_000 });
    const from = iso(T0 - DAY);
    const filter = `lastmodifieddate:[${from}..]`;
    const base = 'https://api.ebay.com/sell/fulfillment/v1/order';
    const encodedFilter = `lastmodifieddate:%5B${from}..%5D`;

    const pages: Page[] = [];
    let offset: number | undefined = 0;
    while (offset !== undefined) {
      const page = await getOrders({ filter, limit: 50, offset });
      pages.push(page);
      offset = page.next ? Number(new URL(page.next).searchParams.get('offset')) : undefined;
    }

    expect(pages.map((p) => [p.total, p.limit, p.offset, p.orders.length])).toEqual([
      [125, 50, 0, 50],
      [125, 50, 50, 50],
      [125, 50, 100, 25],
    ]);
    expect(pages[0].href).toBe(`${base}?filter=${encodedFilter}&limit=50&offset=0`);
    expect(pages[0].next).toBe(`${base}?filter=${encodedFilter}&limit=50&offset=50`);
    expect(pages[0].prev).toBeUndefined();
    expect(pages[1].prev).toBe(`${base}?filter=${encodedFilter}&limit=50&offset=0`);
    expect(pages[2].next).toBeUndefined();
    expect(Object.keys(pages[1])).toEqual(['href', 'total', 'next', 'prev', 'limit', 'offset', 'orders']);

    const created = pages.flatMap((p) => p.orders.map((o) => Date.parse(o.creationDate)));
    expect(new Set(pages.flatMap((p) => p.orders.map((o) => o.orderId))).size).toBe(125);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // What went over the wire: ebay-api's serialisation, decoded by the simulator.
    expect(h.sim.requests.filter((r) => r.status === 200).map((r) => r.query)).toContainEqual({
      filter,
      limit: '50',
      offset: '100',
    });
  });

  it('defaults to limit 50 and, without a filter, to orders created in the last 90 days', async () => {
    h.sim.addOrder(sellerId, { createdAt: T0 - 91 * DAY });
    const recent = h.sim.addOrders(sellerId, 3, { createdAt: T0 - 3 * DAY, spacingMs: DAY });

    const page = await getOrders({});

    expect(page.href).toBe('https://api.ebay.com/sell/fulfillment/v1/order?limit=50&offset=0');
    expect(page.limit).toBe(50);
    expect(page.orders.map((o) => o.orderId)).toEqual(recent.map((o) => o.orderId).reverse());
    const old = await getOrders({ filter: `creationdate:[${iso(T0 - 100 * DAY)}..]` });
    expect(old.total).toBe(4);
  });

  it.each([
    ['lastmodified:[2026-11-01T00:00:00.000Z..]', 30700, 'Invalid filter name: lastmodified'],
    [
      'lastmodifieddate:2026-11-01T00:00:00.000Z',
      30800,
      'Invalid filter value 2026-11-01T00:00:00.000Z for filter lastmodifieddate',
    ],
    [
      'orderfulfillmentstatus:{NOT_STARTED|FULFILLED}',
      30800,
      'Invalid filter value {NOT_STARTED|FULFILLED} for filter orderfulfillmentstatus',
    ],
    ['lastmodifieddate:[2026-11-01..]', 30810, 'Invalid date format'],
    ['lastmodifieddate:[2026-02-30T00:00:00.000Z..]', 30810, 'Invalid date format'],
    ['lastmodifieddate:[..2026-11-01T00:00:00.000Z]', 30820, 'Start date is missing'],
    [
      'creationdate:[2024-11-01T00:00:00.000Z..2026-11-02T00:00:00.000Z]',
      30830,
      "Time range between start date and end date must be within '2' years.",
    ],
    [
      'lastmodifieddate:[2026-11-10T00:00:00.000Z..2026-11-01T00:00:00.000Z]',
      30840,
      'Start date should be before end date',
    ],
    [
      'lastmodifieddate:[2026-11-01T00:00:00.000Z..2026-11-20T12:00:00.001Z]',
      30850,
      "Start and end dates can't be in the future",
    ],
  ])('rejects filter %s with errorId %d', async (filter, errorId, message) => {
    const error = await failure(getOrders({ filter }));
    expect(error).toBeInstanceOf(EBayApiError);
    expect(error.meta.res.status).toBe(400);
    expect(error.errorCode).toBe(errorId);
    expect(error.message).toBe(message);
    expect(error.firstError).toMatchObject({ domain: 'API_FULFILLMENT', category: 'REQUEST' });
  });

  it.each([
    ['limit=201', { limit: 201 }, 31100, 'Invalid limit: 201'],
    ['limit=0', { limit: 0 }, 31100, 'Invalid limit: 0'],
    ['offset=-1', { offset: -1 }, 31000, 'Invalid offset: -1'],
    ['fieldGroups=ITEMS', { fieldGroups: 'ITEMS' }, 32800, 'Invalid field group: ITEMS'],
    [
      '51 orderIds',
      { orderIds: Array.from({ length: 51 }, (_, i) => `01-00000-${String(i).padStart(5, '0')}`) },
      30900,
      'Exceeded maximum number of order IDs (the current limit is 50)',
    ],
  ])('rejects %s with errorId %d', async (_label, params, errorId, message) => {
    const error = await failure(getOrders(params));
    expect(error.meta.res.status).toBe(400);
    expect(error.errorCode).toBe(errorId);
    expect(error.message).toBe(message);
  });

  it('accepts a window ending exactly now and limit 200', async () => {
    await expect(
      getOrders({ filter: `lastmodifieddate:[${iso(T0 - DAY)}..${START}]`, limit: 200 }),
    ).resolves.toMatchObject({
      total: 0,
      limit: 200,
      orders: [],
    });
  });

  it('treats both lastmodifieddate bounds as inclusive', async () => {
    const [a, b, c] = h.sim.addOrders(sellerId, 3, { createdAt: T0 - 3 * 3600_000, spacingMs: 3600_000 });
    const lm = (o: Order) => Date.parse(o.lastModifiedDate);
    expect(lm(a)).toBe(T0 - 3 * 3600_000 + 2000);

    const ids = async (from: number, to: number) =>
      (await getOrders({ filter: `lastmodifieddate:[${iso(from)}..${iso(to)}]` })).orders.map((o) => o.orderId);

    expect(await ids(lm(a), lm(c))).toEqual([c.orderId, b.orderId, a.orderId]);
    expect(await ids(lm(a) + 1, lm(c) - 1)).toEqual([b.orderId]);
    expect(await ids(lm(b), lm(b))).toEqual([b.orderId]);

    // A change moves lastModifiedDate to the simulator's now, so the order shows up in the newest window.
    h.clock.advance(60_000);
    h.sim.ship(a.orderId);
    expect(await ids(T0 + 1, T0 + 60_000)).toEqual([a.orderId]);
  });

  it('uses only creationdate when both date filters are given, and filters by fulfillment status', async () => {
    const [a, b] = h.sim.addOrders(sellerId, 2, { createdAt: T0 - 10 * DAY, spacingMs: DAY });
    h.sim.ship(a.orderId);
    const both = await getOrders({
      filter: `creationdate:[${iso(T0 - 11 * DAY)}..],lastmodifieddate:[${START}..]`,
    });
    expect(both.orders.map((o) => o.orderId)).toEqual([b.orderId, a.orderId]);

    const shipped = await getOrders({
      filter: `creationdate:[${iso(T0 - 11 * DAY)}..],orderfulfillmentstatus:{FULFILLED|IN_PROGRESS}`,
    });
    expect(shipped.orders.map((o) => o.orderId)).toEqual([a.orderId]);
    const open = await getOrders({ filter: 'orderfulfillmentstatus:{IN_PROGRESS|NOT_STARTED}' });
    expect(open.orders.map((o) => o.orderId)).toEqual([b.orderId]);
  });

  it('keeps offset paging unstable while orders change, as on eBay (newest-first order)', async () => {
    const orders = h.sim.addOrders(sellerId, 60, { createdAt: T0 - 2 * 3600_000, spacingMs: 60_000 });
    const filter = `lastmodifieddate:[${iso(T0 - DAY)}..${START}]`;

    // A new order arriving between pages pushes everything down: page 2 repeats page 1's last order.
    const page1 = await getOrders({ filter: `lastmodifieddate:[${iso(T0 - DAY)}..]`, limit: 50, offset: 0 });
    h.clock.advance(1000);
    h.sim.addOrder(sellerId);
    const page2 = await getOrders({ filter: `lastmodifieddate:[${iso(T0 - DAY)}..]`, limit: 50, offset: 50 });
    expect(page2.orders[0].orderId).toBe(page1.orders[49].orderId);

    // An order on page 1 modified after a closed window's end leaves the window: page 2 skips one order.
    const closed1 = await getOrders({ filter, limit: 50, offset: 0 });
    h.clock.advance(1000);
    h.sim.updateOrder(closed1.orders[0].orderId, (o) => (o.buyerCheckoutNotes = 'changed'));
    const closed2 = await getOrders({ filter, limit: 50, offset: 50 });
    const seen = new Set([...closed1.orders, ...closed2.orders].map((o) => o.orderId));
    const missed = orders.map((o) => o.orderId).filter((id) => !seen.has(id));
    expect(missed).toEqual([orders[9].orderId]);
    expect(closed2.total).toBe(59);
  });

  it('returns orderIds lookups ignoring every other parameter', async () => {
    const [a, b] = h.sim.addOrders(sellerId, 2);
    const page = await getOrders({ orderIds: [b.orderId, '99-99999-99999', a.orderId], limit: 999, filter: 'bogus' });
    expect(page.total).toBe(2);
    expect(page.orders.map((o) => o.orderId)).toEqual([b.orderId, a.orderId]);
  });

  it('adds the fee breakdown only with fieldGroups=TAX_BREAKDOWN and does not echo it in href', async () => {
    h.sim.addOrder(sellerId);
    const plain = await getOrders({});
    const taxed = await getOrders({ fieldGroups: 'TAX_BREAKDOWN', limit: 5 });
    expect(plain.orders[0].pricingSummary.fee).toBeUndefined();
    expect(taxed.orders[0].pricingSummary.fee).toEqual({
      value: expect.stringMatching(/^\d+\.\d{1,2}$/),
      currency: 'USD',
    });
    expect(taxed.href).toBe('https://api.ebay.com/sell/fulfillment/v1/order?limit=5&offset=0');
  });

  it('returns total 0 with orders [] by default, or without orders when configured', async () => {
    await expect(getOrders({})).resolves.toEqual({
      href: 'https://api.ebay.com/sell/fulfillment/v1/order?limit=50&offset=0',
      total: 0,
      limit: 50,
      offset: 0,
      orders: [],
    });
    const other = await startHarness({ omitEmptyOrders: true });
    try {
      const seller = other.sim.addSeller();
      const page = await sellerClient(other, seller.refreshToken).sell.fulfillment.getOrders();
      expect(page).not.toHaveProperty('orders');
      expect(page.total).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("serves only the token owner's orders and nothing older than two years", async () => {
    const other = h.sim.addSeller();
    h.sim.addOrders(other.sellerId, 4);
    h.sim.addOrder(sellerId, { createdAt: T0 - 731 * DAY });
    const mine = h.sim.addOrder(sellerId);
    const page = await getOrders({ filter: `creationdate:[${iso(T0 - 729 * DAY)}..]` });
    expect(page.orders.map((o) => o.orderId)).toEqual([mine.orderId]);
    expect(page.orders[0].sellerId).toBe(sellerId);
  });

  it('produces orders whose every field path exists in the v1.20.7 spec, in the real field order', async () => {
    const orders: Order[] = [];
    for (const market of ['EBAY_US', 'EBAY_DE', 'EBAY_GB']) {
      const s = h.sim.addSeller({ marketplaceId: market });
      const created = h.sim.addOrders(s.sellerId, 30, { lineItems: market === 'EBAY_GB' ? 3 : undefined });
      h.sim.ship(created[0].orderId);
      h.sim.requestCancel(created[1].orderId);
      h.sim.cancel(created[2].orderId);
      const client = sellerClient(h, s.refreshToken);
      const page = (await client.sell.fulfillment.getOrders({ limit: 200, fieldGroups: 'TAX_BREAKDOWN' })) as {
        orders: Order[];
      };
      orders.push(...page.orders);
      for (const o of page.orders) orders.push((await client.sell.fulfillment.getOrder(o.orderId)) as Order);
    }

    const allowed = new Set(fixture<{ paths: string[] }>('order-schema-paths.v1.20.7.json').paths);
    allowed.add('legacyOrderId'); // dropped from the spec, still sent by production (reference §1.5)
    const paths = new Set<string>();
    const walk = (value: unknown, prefix: string): void => {
      if (Array.isArray(value)) return value.forEach((v) => walk(v, prefix));
      if (typeof value !== 'object' || value === null) return;
      for (const [k, v] of Object.entries(value)) {
        const p = `${prefix}${k}${Array.isArray(v) ? '[]' : ''}`;
        paths.add(p);
        walk(v, `${p}.`);
      }
    };
    orders.forEach((o) => walk(o, ''));
    expect(paths.size).toBeGreaterThan(60);
    expect([...paths].filter((p) => !allowed.has(p))).toEqual([]);

    const real = Object.keys(fixture<Record<string, unknown>>('getOrder.recent.sanitized.json'));
    for (const o of orders) {
      const keys = Object.keys(o).filter((k) => real.includes(k));
      expect(keys).toEqual(real.filter((k) => keys.includes(k)));
      expect(o.orderId).toMatch(/^\d{2}-\d{5}-\d{5}$/);
      expect(o.legacyOrderId).toBe(o.orderId);
      expect(['NOT_STARTED', 'IN_PROGRESS', 'FULFILLED']).toContain(o.orderFulfillmentStatus);
      expect(['PAID', 'FULLY_REFUNDED']).toContain(o.orderPaymentStatus);
      expect(o.pricingSummary.total.value).toMatch(/^\d+\.\d{1,2}$/);
      expect(o.fulfillmentStartInstructions).toHaveLength(1);
    }
    expect(new Set(orders.map((o) => o.pricingSummary.total.currency))).toEqual(new Set(['USD', 'EUR', 'GBP']));
  });
});
