import { simulatedBuyer } from '../../../src/sandbox/buyers';
import {
  DE,
  HOUR,
  UK,
  US,
  errorList,
  getOrder,
  rawRequest,
  rejection,
  searchOrders,
  startHarness,
  type Harness,
} from './support';

const ALL = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PACKAGES', 'CANCELLATION'];
const SEED = 'amazon-sim-tests';

describe('Amazon simulator: getOrder, includedData and PII visibility', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns {order} for an own order and 404 NotFound for unknown and foreign ones', async () => {
    const a = h.sim.addSeller({ marketplaceIds: [US] });
    const b = h.sim.addSeller({ marketplaceIds: [US] });
    const own = h.sim.addOrder(a.sellingPartnerId, { createdAt: '2026-03-01T10:00:00Z' });
    const foreign = h.sim.addOrder(b.sellingPartnerId, { createdAt: '2026-03-01T10:00:00Z' });
    const sp = h.client(a.refreshToken);

    const found = await getOrder(sp, own.orderId);
    expect(Object.keys(found)).toEqual(['order']);
    expect(found.order).toMatchObject({
      orderId: own.orderId,
      createdTime: '2026-03-01T10:00:00Z',
      lastUpdatedTime: '2026-03-01T10:00:00Z',
      salesChannel: { channelName: 'AMAZON', marketplaceId: US, marketplaceName: 'Amazon.com' },
    });
    expect(found.order.orderItems.length).toBeGreaterThan(0);
    // Without includedData only the identity fields and the items come back.
    expect(found.order.buyer).toBeUndefined();
    expect(found.order.recipient).toBeUndefined();
    expect(found.order.fulfillment).toBeUndefined();
    expect(found.order.proceeds).toBeUndefined();

    for (const missing of ['111-0000000-0000000', foreign.orderId]) {
      const err = await rejection(getOrder(sp, missing));
      expect(err).toMatchObject({ code: 'NotFound', details: `Order ${missing} was not found.` });
    }
    const raw = await rawRequest(h, {
      host: 'sellingpartnerapi-na.amazon.com',
      path: `/orders/2026-01-01/orders/${foreign.orderId}`,
      headers: { 'x-amz-access-token': sp.access_token },
    });
    expect(raw.status).toBe(404);
    expect(raw.headers['x-amzn-ratelimit-limit']).toBe('0.5');
    expect(errorList(raw.body).errors[0].code).toBe('NotFound');
  });

  it('gates each section on includedData and fills PII from the simulated buyer', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const order = h.sim.addOrder(seller.sellingPartnerId, {
      fulfilledBy: 'MERCHANT',
      createdAt: '2026-03-01T10:00:00Z',
    });
    const buyer = simulatedBuyer(SEED, order.buyerIndex);
    const sp = h.client(seller.refreshToken);

    const onlyBuyer = (await getOrder(sp, order.orderId, ['BUYER'])).order;
    expect(onlyBuyer.buyer).toMatchObject({ buyerName: buyer.fullName, buyerEmail: buyer.email });
    expect(onlyBuyer.recipient).toBeUndefined();

    const full = (await getOrder(sp, order.orderId, ALL)).order;
    expect(full.recipient?.deliveryAddress).toMatchObject({
      name: buyer.fullName,
      addressLine1: buyer.addressLine1,
      city: buyer.city,
      stateOrRegion: buyer.region,
      postalCode: buyer.postalCode,
      countryCode: buyer.countryCode,
      phone: buyer.phone,
      addressType: buyer.companyName ? 'COMMERCIAL' : 'RESIDENTIAL',
    });
    expect(full.fulfillment).toMatchObject({ fulfillmentStatus: 'UNSHIPPED', fulfilledBy: 'MERCHANT' });
    expect(full.fulfillment?.deliverByWindow?.latestDateTime).toMatch(/^2026-03-08T23:59:59Z$/);
    const sum = (full.proceeds?.breakdowns ?? []).reduce((s, b) => s + Number(b.subtotal.amount), 0);
    expect(Number(full.proceeds?.grandTotal?.amount)).toBeCloseTo(sum, 2);
    expect(full.proceeds?.grandTotal?.amount).toMatch(/^\d+\.\d{2}$/);
    expect(full.orderItems[0].fulfillment).toMatchObject({ quantityFulfilled: 0 });

    const withBuyerSeller = (
      await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z', includedData: ['RECIPIENT'] })
    ).orders[0];
    expect(withBuyerSeller.buyer).toBeUndefined();
    expect(withBuyerSeller.recipient?.deliveryAddress?.name).toBe(buyer.fullName);
  });

  it('applies the real visibility rules: FBM-only e-mail, no address while pending, no phone for FBA', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const id = seller.sellingPartnerId;
    const createdAt = '2026-03-01T10:00:00Z';
    const fba = h.sim.addOrder(id, { fulfilledBy: 'AMAZON', createdAt });
    const pending = h.sim.addOrder(id, { fulfilledBy: 'MERCHANT', status: 'PENDING', createdAt });
    const cancelled = h.sim.addOrder(id, { fulfilledBy: 'MERCHANT', createdAt });
    h.sim.cancel(cancelled.orderId, 'MERCHANT', 'Out of stock');
    const sp = h.client(seller.refreshToken);

    const fbaWire = (await getOrder(sp, fba.orderId, ALL)).order;
    expect(fbaWire.buyer?.buyerName).toBe(fba.buyer.fullName);
    expect(fbaWire.buyer?.buyerEmail).toBeUndefined();
    expect(fbaWire.recipient?.deliveryAddress?.addressLine1).toBe(fba.buyer.addressLine1);
    expect(fbaWire.recipient?.deliveryAddress).not.toHaveProperty('phone');
    expect(fbaWire.fulfillment).not.toHaveProperty('deliverByWindow');
    expect(fbaWire.packages).toBeUndefined();

    const pendingWire = (await getOrder(sp, pending.orderId, ALL)).order;
    expect(pendingWire.recipient).toBeUndefined();
    expect(pendingWire.buyer?.buyerEmail).toBeUndefined();
    expect(pendingWire.proceeds).toBeUndefined();
    expect(pendingWire.fulfillment?.fulfillmentStatus).toBe('PENDING');

    const cancelledWire = (await getOrder(sp, cancelled.orderId, ALL)).order;
    expect(cancelledWire.fulfillment?.fulfillmentStatus).toBe('CANCELLED');
    expect(cancelledWire.orderItems[0].cancellation).toEqual({
      cancellationExecution: { cancelledBy: 'MERCHANT', cancelReason: 'Out of stock' },
    });
    const noCancellation = (await getOrder(sp, cancelled.orderId, ['FULFILLMENT'])).order;
    expect(noCancellation.orderItems[0].cancellation).toBeUndefined();
  });

  it('reports shipping and delivery of FBM packages and suppresses the phone after the delivery window', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [UK, DE] });
    const order = h.sim.addOrder(seller.sellingPartnerId, {
      fulfilledBy: 'MERCHANT',
      marketplaceId: UK,
      createdAt: '2026-03-01T10:00:00Z',
    });
    const sp = h.client(seller.refreshToken, { region: 'eu' });
    h.sim.ship(order.orderId);
    let wire = (await getOrder(sp, order.orderId, ALL)).order;
    expect(wire.salesChannel).toEqual({ channelName: 'AMAZON', marketplaceId: UK, marketplaceName: 'Amazon.co.uk' });
    expect(wire.proceeds?.grandTotal?.currencyCode).toBe('GBP');
    expect(wire.lastUpdatedTime).toBe('2026-03-02T09:00:00Z');
    expect(wire.packages).toHaveLength(1);
    expect(wire.packages?.[0]).toMatchObject({
      packageReferenceId: '1',
      packageStatus: { status: 'SHIPPED', detailedStatus: 'PICKED_UP' },
      shipTime: '2026-03-02T09:00:00Z',
      packageItems: order.items.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantityOrdered })),
    });
    expect(wire.packages?.[0].carrier).toMatch(/^(Royal Mail|DPD)$/);
    expect(wire.recipient?.deliveryAddress?.phone).toBe(order.buyer.phone);
    expect(wire.orderItems.every((i) => i.fulfillment?.quantityUnfulfilled === 0)).toBe(true);
    expect(h.sim.requests.at(-1)?.host).toBe('sellingpartnerapi-eu.amazon.com');

    h.clock.advance(HOUR);
    h.sim.deliver(order.orderId);
    wire = (await getOrder(sp, order.orderId, ['PACKAGES', 'RECIPIENT'])).order;
    expect(wire.packages?.[0].packageStatus).toEqual({ status: 'DELIVERED', detailedStatus: 'DELIVERED' });
    expect(wire.lastUpdatedTime).toBe('2026-03-02T10:00:00Z');

    h.clock.set('2026-03-09T00:00:00Z');
    wire = (await getOrder(sp, order.orderId, ['RECIPIENT'])).order;
    expect(wire.recipient?.deliveryAddress).not.toHaveProperty('phone');
    expect(wire.recipient?.deliveryAddress?.name).toBe(order.buyer.fullName);
  });

  it('omits PII fields for an application without the PII roles', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US], piiRoles: false });
    const orders = h.sim.addOrders(seller.sellingPartnerId, 40, {
      fulfilledBy: 'MERCHANT',
      createdAt: '2026-03-01T10:00:00Z',
    });
    const sp = h.client(seller.refreshToken);
    const page = await searchOrders(sp, { createdAfter: '2026-03-01T00:00:00Z', includedData: ALL });
    expect(page.orders).toHaveLength(40);
    const text = JSON.stringify(page);
    for (const o of orders) {
      for (const secret of [o.buyer.fullName, o.buyer.email, o.buyer.phone, o.buyer.addressLine1, o.buyer.postalCode]) {
        expect(text).not.toContain(secret);
      }
      if (o.buyer.giftMessage) expect(text).not.toContain(o.buyer.giftMessage);
    }
    const withGift = orders.find((o) => o.buyer.giftMessage);
    expect(withGift).toBeDefined();
    const wire = page.orders.find((o) => o.orderId === withGift?.orderId);
    expect(wire?.orderItems[0].fulfillment?.packing).toEqual({ giftOption: { giftWrapLevel: 'STANDARD' } });
    expect(wire?.recipient?.deliveryAddress).toMatchObject({
      city: withGift?.buyer.city,
      countryCode: withGift?.buyer.countryCode,
    });

    h.sim.setPiiRoles(seller.sellingPartnerId, true);
    const granted = (await getOrder(sp, withGift?.orderId as string, ['FULFILLMENT'])).order;
    expect(granted.orderItems[0].fulfillment?.packing?.giftOption?.giftMessage).toBe(withGift?.buyer.giftMessage);
  });

  it('keeps a seller behind its region host', async () => {
    const seller = h.sim.addSeller({ marketplaceIds: [US] });
    const order = h.sim.addOrder(seller.sellingPartnerId, { createdAt: '2026-03-01T10:00:00Z' });
    const err = await rejection(getOrder(h.client(seller.refreshToken, { region: 'eu' }), order.orderId));
    expect(err).toMatchObject({
      code: 'Unauthorized',
      message: 'Access to requested resource is denied.',
      details: '',
    });
  });
});
