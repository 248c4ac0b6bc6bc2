import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CanonicalOrder } from '../../src/marketplaces/canonical-order';
import { OrderIngestService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { simulatedBuyer } from '../../src/sandbox/buyers';

/** A canonical order with a simulated buyer (its strings all carry the "Ovsim" marker). */
export function canonicalOrder(index: number, overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  const buyer = simulatedBuyer('factory', index);
  const at = new Date(Date.UTC(2026, 10, 1, 10, 0, index));
  return {
    marketplace: 'amazon',
    marketplaceOrderId: `${String(100 + (index % 900)).padStart(3, '0')}-${String(1000000 + index).slice(-7)}-${String(index).padStart(7, '0')}`,
    salesChannel: 'A1PA6795UKMFR9',
    status: 'unshipped',
    rawStatus: 'UNSHIPPED',
    purchasedAt: at,
    lastUpdatedAt: at,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    latestDeliveryAt: null,
    fulfilmentChannel: 'merchant',
    currency: 'EUR',
    totalAmount: '42.50',
    lineItems: [
      {
        lineItemId: `li-${index}`,
        sku: `SKU-${index}`,
        marketplaceItemId: 'B0TEST0001',
        title: 'Tent',
        quantity: 1,
        unitPrice: '42.50',
        currency: 'EUR',
      },
    ],
    shipToCountry: buyer.countryCode,
    pii: {
      buyerName: buyer.fullName,
      email: buyer.email,
      phone: buyer.phone,
      companyName: buyer.companyName ?? null,
      shippingAddress: {
        name: buyer.fullName,
        companyName: null,
        lines: [buyer.addressLine1, ...(buyer.addressLine2 ? [buyer.addressLine2] : [])],
        postalCode: buyer.postalCode,
        city: buyer.city,
        region: buyer.region,
        countryCode: buyer.countryCode,
        phone: buyer.phone,
      },
      taxIds: buyer.taxId ? [{ type: 'VAT', value: buyer.taxId, issuingCountry: buyer.countryCode }] : [],
      giftMessages: buyer.giftMessage ? [buyer.giftMessage] : [],
      buyerMarketplaceId: null,
      notes: [],
    },
    ...overrides,
  };
}

/** Stores `count` orders for a tenant through the real ingestion path; returns their order ids. */
export async function seedOrders(
  app: INestApplicationContext,
  tenantId: string,
  count: number,
  firstIndex = Math.floor(Math.random() * 1e6),
): Promise<string[]> {
  const orders = Array.from({ length: count }, (_, i) => canonicalOrder(firstIndex + i));
  const summary = await app
    .get(TransactionManager)
    .run((tx) => app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId: randomUUID() }, orders));
  return [...summary.orderIds];
}
