import type { PayloadMode } from '../payload-modes';
import { EVENT_SCHEMA_VERSION, orderLink } from '../feed/thin-event';

/** A made-up buyer for the catalog's examples (no real person). */
export const EXAMPLE_BUYER = {
  buyerName: 'Erika Example',
  email: 'erika.example@example.com',
  phone: '+49 30 5550100',
  companyName: null,
  shippingAddress: {
    name: 'Erika Example',
    companyName: null,
    lines: ['Beispielweg 1'],
    postalCode: '10115',
    city: 'Berlin',
    region: null,
    countryCode: 'DE',
    phone: '+49 30 5550100',
  },
  taxIds: [],
  giftMessages: [],
  buyerMarketplaceId: null,
  notes: [],
};

const ORDER_ID = '3f6c1f0e-8a4b-4c1d-9e2f-7a5b6c4d3e21';

/** The status and version an example of this event type shows. */
function stateOf(type: string): { status: string; version: number; cancelled: boolean; destroyed: boolean } {
  switch (type) {
    case 'order.created':
      return { status: 'unshipped', version: 1, cancelled: false, destroyed: false };
    case 'order.cancelled':
      return { status: 'cancelled', version: 3, cancelled: true, destroyed: false };
    case 'order.pii_destroyed':
      return { status: 'delivered', version: 5, cancelled: false, destroyed: true };
    default:
      return { status: 'shipped', version: 2, cancelled: false, destroyed: false };
  }
}

/** The order view of an example, with the buyer block of the mode. */
export function exampleOrder(type: string, mode: Exclude<PayloadMode, 'thin'>): Record<string, unknown> {
  const s = stateOf(type);
  const buyer = s.destroyed
    ? { pii: 'destroyed' }
    : mode === 'full'
      ? { pii: 'revealed', data: EXAMPLE_BUYER }
      : { pii: 'sealed', sealedBuyer: 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8=' };
  return {
    orderId: ORDER_ID,
    marketplace: 'amazon',
    marketplaceOrderId: '302-1234567-7654321',
    salesChannel: 'A1PA6795UKMFR9',
    status: s.status,
    rawStatus: s.status.toUpperCase(),
    purchasedAt: '2026-11-01T09:12:00.000Z',
    marketplaceUpdatedAt: '2026-11-02T09:55:00.000Z',
    shippedAt: s.status === 'shipped' || s.status === 'delivered' ? '2026-11-02T08:00:00.000Z' : null,
    deliveredAt: s.status === 'delivered' ? '2026-11-04T12:00:00.000Z' : null,
    cancelledAt: s.cancelled ? '2026-11-02T09:55:00.000Z' : null,
    latestDeliveryAt: '2026-11-05T23:59:59.000Z',
    fulfilmentChannel: 'merchant',
    retentionAnchorAt: '2026-11-04T12:00:00.000Z',
    currency: 'EUR',
    totalAmount: '42.5',
    lineItems: [
      {
        lineItemId: '12345678901234',
        sku: 'TENT-2P',
        marketplaceItemId: 'B0TEST0001',
        title: 'Tent',
        quantity: 1,
        unitPrice: '42.5',
        currency: 'EUR',
      },
    ],
    shipToCountry: 'DE',
    buyer,
    piiDestroyedAt: s.destroyed ? '2026-12-04T03:00:00.000Z' : null,
    version: s.version,
    acknowledgement: null,
    createdAt: '2026-11-01T09:15:00.000Z',
    updatedAt: '2026-11-02T10:00:00.000Z',
  };
}

/** A whole example event of an order type in a payload mode. */
export function exampleEvent(type: string, mode: PayloadMode): Record<string, unknown> {
  const s = stateOf(type);
  const data = {
    orderId: ORDER_ID,
    marketplace: 'amazon',
    marketplaceOrderId: '302-1234567-7654321',
    status: s.status,
    version: s.version,
    link: orderLink(ORDER_ID),
  };
  return {
    schemaVersion: EVENT_SCHEMA_VERSION,
    id: '9d2f6b1a-4e3c-4b7a-8f50-1c2d3e4f5a6b',
    type,
    timestamp: '2026-11-02T10:00:00.000Z',
    data: mode === 'thin' ? data : { ...data, order: exampleOrder(type, mode) },
  };
}
