import type { CanonicalOrder } from '../marketplaces/canonical-order';
import { simulatedBuyer } from './buyers';

/**
 * Canonical orders with simulated buyers (their strings all carry the "Ovsim"
 * marker), for tests and benchmarks that need stored orders without a marketplace.
 */

/** The `index`-th order of a seed (`seed` picks the buyers). */
export function canonicalOrder(
  index: number,
  overrides: Partial<CanonicalOrder> = {},
  seed = 'factory',
): CanonicalOrder {
  const buyer = simulatedBuyer(seed, index);
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
