import { EBayApiError } from 'ebay-api/lib/errors/index.js';
import type eBayApi from 'ebay-api';
import { simulatedBuyer, type SimBuyer } from '../../../src/sandbox/buyers';
import type { Order } from '../../../src/sandbox/ebay';
import { DAY, failure, fixture, sellerClient, START, startHarness, type Harness } from './ebay-sim-harness';

const T0 = Date.parse(START);

/** The first buyer index of the harness seed whose simulated buyer has the wanted trait. */
function buyerWith(trait: (b: SimBuyer) => boolean): number {
  for (let i = 1; i < 1000; i++) if (trait(simulatedBuyer('ebay-test', i))) return i;
  throw new Error('no such buyer');
}

describe('eBay simulator: getOrder, order lifecycle and PII visibility windows', () => {
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

  const getOrder = (id: string) => eBay.sell.fulfillment.getOrder(id) as Promise<Order>;
  const listed = async (id: string) =>
    ((await eBay.sell.fulfillment.getOrders({ orderIds: id })) as { orders: Order[] }).orders[0];

  it('returns one Order, and 404 32100 for unknown orders and for another seller’s order', async () => {
    const mine = h.sim.addOrder(sellerId);
    const other = h.sim.addSeller();
    const theirs = h.sim.addOrder(other.sellerId);

    const order = await getOrder(mine.orderId);
    expect(order.orderId).toBe(mine.orderId);
    expect(order.sellerId).toBe(sellerId);
    expect(order.buyer.username).toBe(h.sim.buyerOf(mine.orderId).marketplaceBuyerId);

    for (const id of ['12-34567-89012', theirs.orderId]) {
      const error = await failure(getOrder(id));
      expect(error).toBeInstanceOf(EBayApiError);
      expect(error.meta.res.status).toBe(404);
      expect(error.errorCode).toBe(32100);
      expect(error.meta.res.data).toEqual(fixture('errors.404-getOrder-unknown.observed.json'));
    }
  });

  it('shows cancelRequests and buyer.taxIdentifier only in getOrder', async () => {
    const order = h.sim.addOrder(sellerId, { buyerIndex: buyerWith((b) => b.taxId !== undefined) });
    h.clock.advance(60_000);
    const requested = h.sim.requestCancel(order.orderId);
    expect(requested.cancelStatus.cancelState).toBe('IN_PROGRESS');

    const full = await getOrder(order.orderId);
    const inList = await listed(order.orderId);

    expect(full.cancelStatus).toEqual({
      cancelState: 'IN_PROGRESS',
      cancelRequests: [
        {
          cancelRequestId: expect.stringMatching(/^\d{10}$/),
          cancelInitiator: 'Buyer',
          cancelReason: 'BUYER_ASKED_CANCEL',
          cancelRequestedDate: '2026-11-20T12:01:00.000Z',
          cancelRequestState: 'REQUESTED',
        },
      ],
    });
    expect(inList.cancelStatus).toEqual({ cancelState: 'IN_PROGRESS', cancelRequests: [] });
    expect(full.buyer.taxIdentifier).toEqual({
      taxpayerId: h.sim.buyerOf(order.orderId).taxId,
      taxIdentifierType: 'VATIN',
      issuingCountry: h.sim.buyerOf(order.orderId).countryCode,
    });
    expect(inList.buyer).not.toHaveProperty('taxIdentifier');

    h.clock.advance(60_000);
    h.sim.cancel(order.orderId);
    const cancelled = await getOrder(order.orderId);
    expect(cancelled.cancelStatus.cancelState).toBe('CANCELED');
    expect(cancelled.cancelStatus.cancelledDate).toBe('2026-11-20T12:02:00.000Z');
    expect(cancelled.cancelStatus.cancelRequests[0]).toMatchObject({
      cancelRequestState: 'COMPLETED',
      cancelCompletedDate: '2026-11-20T12:02:00.000Z',
    });
    expect(cancelled.orderPaymentStatus).toBe('FULLY_REFUNDED');
    expect(cancelled.lastModifiedDate).toBe('2026-11-20T12:02:00.000Z');
    expect((await listed(order.orderId)).cancelStatus.cancelRequests).toEqual([]);
  });

  it('ships (FULFILLED, fulfillment href, lastModifiedDate bumped) and partially ships (IN_PROGRESS)', async () => {
    const single = h.sim.addOrder(sellerId, { lineItems: 1 });
    const multi = h.sim.addOrder(sellerId, { lineItems: 2 });
    h.clock.advance(3_600_000);

    h.sim.ship(single.orderId, { trackingNumber: '1Z999AA10123456784' });
    h.sim.ship(multi.orderId, { lineItemIds: [multi.lineItems[0].lineItemId] });

    const shipped = await getOrder(single.orderId);
    expect(shipped.orderFulfillmentStatus).toBe('FULFILLED');
    expect(shipped.lineItems.map((li) => li.lineItemFulfillmentStatus)).toEqual(['FULFILLED']);
    expect(shipped.fulfillmentHrefs).toEqual([
      `https://api.ebay.com/sell/fulfillment/v1/order/${single.orderId}/shipping_fulfillment/1Z999AA10123456784`,
    ]);
    expect(shipped.lastModifiedDate).toBe('2026-11-20T13:00:00.000Z');
    const partial = await getOrder(multi.orderId);
    expect(partial.orderFulfillmentStatus).toBe('IN_PROGRESS');
    expect(partial.lineItems.map((li) => li.lineItemFulfillmentStatus)).toEqual(['FULFILLED', 'NOT_STARTED']);
  });

  it('models delivery as invisible on the wire: eBay has no delivery signal, only the estimate window', async () => {
    const order = h.sim.addOrder(sellerId);
    expect(() => h.sim.deliver(order.orderId)).toThrow('has not been shipped');
    h.clock.advance(DAY);
    h.sim.ship(order.orderId);
    const before = await getOrder(order.orderId);
    h.clock.advance(3 * DAY);

    expect(h.sim.deliver(order.orderId)).toBe('2026-11-24T12:00:00.000Z');

    expect(await getOrder(order.orderId)).toEqual(before);
    expect(before.fulfillmentStartInstructions[0].maxEstimatedDeliveryDate).toBe('2026-11-26T07:00:00.000Z');
    expect(h.sim.deliveredAt(order.orderId)).toBe('2026-11-24T12:00:00.000Z');
  });

  it('applies updateOrder and bumps lastModifiedDate strictly forward even when the clock stands still', async () => {
    const order = h.sim.addOrder(sellerId);
    expect(order.lastModifiedDate).toBe(START); // created now: modified no later than now
    h.sim.updateOrder(order.orderId, (o) => (o.buyerCheckoutNotes = 'Ovsim note'));
    const first = await getOrder(order.orderId);
    expect(first.buyerCheckoutNotes).toBe('Ovsim note');
    expect(first.lastModifiedDate).toBe('2026-11-20T12:00:00.001Z');

    h.sim.updateOrder(order.orderId, (o) => (o.lastModifiedDate = '2026-11-20T11:00:00.000Z'));
    expect((await getOrder(order.orderId)).lastModifiedDate).toBe('2026-11-20T11:00:00.000Z');
  });

  it('hides the e-mail after 14 days and names, address lines, phones and gift details after 90 days', async () => {
    const giftBuyer = buyerWith((b) => b.giftMessage !== undefined && b.addressLine2 !== undefined);
    const gift = h.sim.addOrder(sellerId, { buyerIndex: giftBuyer });
    const buyer = h.sim.buyerOf(gift.orderId);

    const fresh = await getOrder(gift.orderId);
    expect(fresh.buyer.buyerRegistrationAddress).toEqual({
      fullName: buyer.fullName,
      contactAddress: {
        addressLine1: buyer.addressLine1,
        addressLine2: buyer.addressLine2,
        city: buyer.city,
        stateOrProvince: buyer.region,
        postalCode: buyer.postalCode,
        countryCode: buyer.countryCode,
      },
      primaryPhone: { phoneNumber: buyer.phone },
      email: buyer.email,
    });
    expect(fresh.fulfillmentStartInstructions[0].fulfillmentInstructionsType).toBe('DIGITAL');
    expect(fresh.lineItems[0].giftDetails).toEqual({
      message: buyer.giftMessage,
      recipientEmail: buyer.email,
      senderName: buyer.fullName,
    });

    h.clock.advance(14 * DAY);
    expect((await getOrder(gift.orderId)).buyer.buyerRegistrationAddress?.email).toBe(buyer.email);

    h.clock.advance(DAY); // 15 days
    const day15 = await getOrder(gift.orderId);
    const day15Listed = await listed(gift.orderId);
    for (const o of [day15, day15Listed]) {
      expect(o.buyer.buyerRegistrationAddress).not.toHaveProperty('email');
      expect(o.fulfillmentStartInstructions[0].shippingStep?.shipTo).not.toHaveProperty('email');
      expect(o.buyer.buyerRegistrationAddress?.fullName).toBe(buyer.fullName);
      expect(o.lineItems[0].giftDetails?.recipientEmail).toBe(buyer.email); // GiftDetails follow the 90-day rule
    }

    h.clock.set(T0 + 90 * DAY);
    expect((await getOrder(gift.orderId)).buyer.buyerRegistrationAddress?.fullName).toBe(buyer.fullName);

    h.clock.set(T0 + 91 * DAY);
    const old = await getOrder(gift.orderId);
    const cityOnly = {
      contactAddress: {
        city: buyer.city,
        stateOrProvince: buyer.region,
        postalCode: buyer.postalCode,
        countryCode: buyer.countryCode,
      },
    };
    expect(old.buyer.buyerRegistrationAddress).toEqual(cityOnly);
    expect(old.fulfillmentStartInstructions[0].shippingStep?.shipTo).toEqual(cityOnly);
    expect(old.lineItems[0]).not.toHaveProperty('giftDetails');
    expect(old.buyer.username).toBe(buyer.marketplaceBuyerId);
    expect(old.buyer.taxAddress).toEqual(fresh.buyer.taxAddress);
    const oldText = JSON.stringify(old);
    for (const gone of [
      buyer.fullName,
      buyer.email,
      buyer.phone,
      buyer.addressLine1,
      buyer.addressLine2!,
      buyer.giftMessage!,
    ]) {
      expect(oldText).not.toContain(gone);
    }

    // Same shape as eBay's own >90-day capture: registration address and shipTo reduced to contactAddress.
    const real = fixture<{ orders: Order[] }>('getOrders.page.older-than-90-days.sanitized.json').orders[0];
    expect(Object.keys(old.buyer.buyerRegistrationAddress!)).toEqual(Object.keys(real.buyer.buyerRegistrationAddress!));
    expect(Object.keys(old.buyer.buyerRegistrationAddress!.contactAddress!)).toEqual(
      Object.keys(real.buyer.buyerRegistrationAddress!.contactAddress!),
    );
  });

  it('honours configured visibility windows', async () => {
    const short = await startHarness({ emailVisibleDays: 1, piiVisibleDays: 2 });
    try {
      const seller = short.sim.addSeller();
      const order = short.sim.addOrder(seller.sellerId);
      const client = sellerClient(short, seller.refreshToken);
      short.clock.advance(DAY + 1);
      const a = (await client.sell.fulfillment.getOrder(order.orderId)) as Order;
      expect(a.buyer.buyerRegistrationAddress).not.toHaveProperty('email');
      expect(a.buyer.buyerRegistrationAddress).toHaveProperty('fullName');
      short.clock.advance(DAY);
      const b = (await client.sell.fulfillment.getOrder(order.orderId)) as Order;
      expect(b.buyer.buyerRegistrationAddress).not.toHaveProperty('fullName');
    } finally {
      await short.close();
    }
  });
});
