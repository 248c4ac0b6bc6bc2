import { getMetadataArgsStorage } from 'typeorm';
import type { BuyerPii, CanonicalOrder } from '../../src/marketplaces/canonical-order';
import { contentDigestBytes, NO_BUYER_DATA, readContentDigest } from '../../src/orders/content-digest';
import { orderFactsJson, piiJson } from '../../src/orders/order-content';
import { Order } from '../../src/orders/order.entity';
import { ORDER_WRITE_COLUMNS, ORDER_WRITE_LIST } from '../../src/orders/order-rows';

const pii: BuyerPii = {
  buyerName: 'Ada Buyer',
  email: 'ada@example.test',
  phone: '+49 30 1234',
  companyName: null,
  shippingAddress: {
    name: 'Ada Buyer',
    companyName: null,
    lines: ['Street 1'],
    postalCode: '10115',
    city: 'Berlin',
    region: null,
    countryCode: 'DE',
    phone: null,
  },
  taxIds: [{ type: 'VAT', value: 'DE123', issuingCountry: 'DE' }],
  giftMessages: [],
  buyerMarketplaceId: 'ada-1',
  notes: [],
};

const order: CanonicalOrder = {
  marketplace: 'amazon',
  marketplaceOrderId: '028-0000000-0000001',
  salesChannel: 'Amazon.de',
  status: 'shipped',
  rawStatus: 'Shipped',
  purchasedAt: new Date('2026-11-01T10:00:00Z'),
  lastUpdatedAt: new Date('2026-11-02T10:00:00Z'),
  shippedAt: new Date('2026-11-02T09:00:00Z'),
  deliveredAt: null,
  cancelledAt: null,
  latestDeliveryAt: new Date('2026-11-05T18:00:00Z'),
  fulfilmentChannel: 'merchant',
  currency: 'EUR',
  totalAmount: '19.99',
  lineItems: [
    {
      lineItemId: 'L1',
      sku: 'SKU-1',
      marketplaceItemId: 'B000000001',
      title: 'Thing',
      quantity: 1,
      unitPrice: '19.99',
      currency: 'EUR',
    },
  ],
  shipToCountry: 'DE',
  pii,
};

/** Another value of the same kind, so every field can be changed one at a time. */
function changed(value: unknown): unknown {
  if (value === null) return 'set';
  if (value instanceof Date) return new Date(value.getTime() + 1);
  if (typeof value === 'string') return `${value}x`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  throw new Error(`no change rule for ${typeof value}`);
}

describe("the order's shape has one source", () => {
  it('every fact of an order, line items included, takes part in change detection', () => {
    const base = orderFactsJson(order);
    const factKeys = Object.keys(order).filter((k) => k !== 'pii') as Array<keyof CanonicalOrder>;
    expect(factKeys.length).toBeGreaterThanOrEqual(16);
    for (const key of factKeys) {
      if (key === 'lineItems') continue;
      const variant = { ...order, [key]: changed(order[key]) } as CanonicalOrder;
      expect({ key, changed: orderFactsJson(variant) !== base }).toEqual({ key, changed: true });
    }
    const item = order.lineItems[0];
    for (const key of Object.keys(item) as Array<keyof typeof item>) {
      const variant = { ...order, lineItems: [{ ...item, [key]: changed(item[key]) }] } as CanonicalOrder;
      expect({ key, changed: orderFactsJson(variant) !== base }).toEqual({ key, changed: true });
    }
    // Buyer data is digested apart: changing it leaves the facts' bytes alone.
    expect(orderFactsJson({ ...order, pii: { ...pii, email: 'other@example.test' } })).toBe(base);
  });

  it('every buyer field takes part in the buyer digest', () => {
    const base = piiJson(pii);
    for (const key of Object.keys(pii) as Array<keyof BuyerPii>) {
      const value = pii[key];
      const next = Array.isArray(value)
        ? [...value, value[0] ?? 'x']
        : key === 'shippingAddress'
          ? null
          : changed(value);
      expect({ key, changed: piiJson({ ...pii, [key]: next } as BuyerPii) !== base }).toEqual({ key, changed: true });
    }
  });

  it('every written column exists on the entity, and every fact of an order is written', () => {
    const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const entityColumns = new Set(
      getMetadataArgsStorage()
        .columns.filter((c) => c.target === Order)
        .map((c) => c.options.name ?? snake(c.propertyName)),
    );
    for (const c of ORDER_WRITE_LIST)
      expect({ column: c.column, onEntity: entityColumns.has(c.column) }).toEqual({
        column: c.column,
        onEntity: true,
      });
    // A fact of the canonical order is either written under its own name or under the one named here.
    const renamed: Record<string, string> = { lastUpdatedAt: 'marketplaceUpdatedAt' };
    for (const key of Object.keys(order).filter((k) => k !== 'pii')) {
      expect({ key, written: (renamed[key] ?? key) in ORDER_WRITE_COLUMNS }).toEqual({ key, written: true });
    }
  });

  it('reads and writes the content digest as two named halves', () => {
    const digest = { facts: Buffer.alloc(32, 1), buyer: Buffer.alloc(32, 2) };
    const bytes = contentDigestBytes(digest);
    expect(bytes).toHaveLength(64);
    expect(readContentDigest(bytes)).toEqual(digest);
    expect(readContentDigest(contentDigestBytes({ facts: digest.facts, buyer: NO_BUYER_DATA })).buyer).toEqual(
      Buffer.alloc(32),
    );
    expect(() => readContentDigest(Buffer.alloc(63))).toThrow(/64 bytes/);
  });
});
