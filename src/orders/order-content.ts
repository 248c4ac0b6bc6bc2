import type {
  BuyerPii,
  CanonicalLineItem,
  CanonicalOrder,
  PostalAddress,
  TaxId,
} from '../marketplaces/canonical-order';

/**
 * The exact bytes whose keyed digest tells whether an order changed. Each
 * object is rebuilt with a fixed field order (the compiler checks that every
 * field is listed), so the encoding does not depend on how a connector happened
 * to build its objects, and native JSON.stringify does the rest quickly (this
 * runs twice per ingested order).
 */
export function orderFactsJson(o: CanonicalOrder): string {
  const facts: Omit<CanonicalOrder, 'pii'> = {
    marketplace: o.marketplace,
    marketplaceOrderId: o.marketplaceOrderId,
    salesChannel: o.salesChannel,
    status: o.status,
    rawStatus: o.rawStatus,
    purchasedAt: o.purchasedAt,
    lastUpdatedAt: o.lastUpdatedAt,
    shippedAt: o.shippedAt,
    deliveredAt: o.deliveredAt,
    cancelledAt: o.cancelledAt,
    latestDeliveryAt: o.latestDeliveryAt,
    fulfilmentChannel: o.fulfilmentChannel,
    currency: o.currency,
    totalAmount: o.totalAmount,
    lineItems: o.lineItems.map(lineItem),
    shipToCountry: o.shipToCountry,
  };
  return JSON.stringify(facts);
}

export function piiJson(p: BuyerPii): string {
  const fixed: BuyerPii = {
    buyerName: p.buyerName,
    email: p.email,
    phone: p.phone,
    companyName: p.companyName,
    shippingAddress: p.shippingAddress ? address(p.shippingAddress) : null,
    taxIds: p.taxIds.map(taxId),
    giftMessages: [...p.giftMessages],
    buyerMarketplaceId: p.buyerMarketplaceId,
    notes: [...p.notes],
  };
  return JSON.stringify(fixed);
}

const lineItem = (l: CanonicalLineItem): CanonicalLineItem => ({
  lineItemId: l.lineItemId,
  sku: l.sku,
  marketplaceItemId: l.marketplaceItemId,
  title: l.title,
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  currency: l.currency,
});

const address = (a: PostalAddress): PostalAddress => ({
  name: a.name,
  companyName: a.companyName,
  lines: [...a.lines],
  postalCode: a.postalCode,
  city: a.city,
  region: a.region,
  countryCode: a.countryCode,
  phone: a.phone,
});

const taxId = (t: TaxId): TaxId => ({ type: t.type, value: t.value, issuingCountry: t.issuingCountry });
