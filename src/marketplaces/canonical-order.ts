/**
 * The one order shape every connector produces and the store consumes. Only
 * `pii` holds personal data; everything else is safe to keep in clear columns.
 * Instants are UTC `Date`s; money is a decimal string.
 */
export type MarketplaceName = 'amazon' | 'ebay';

export type OrderStatus = 'pending' | 'unshipped' | 'partially_shipped' | 'shipped' | 'delivered' | 'cancelled';

/** Who ships: the seller (Amazon MFN, eBay) or the marketplace (Amazon FBA, eBay managed). */
export type FulfilmentChannel = 'merchant' | 'marketplace';

export interface CanonicalLineItem {
  readonly lineItemId: string;
  readonly sku: string | null;
  /** ASIN on Amazon, legacy item id on eBay. */
  readonly marketplaceItemId: string | null;
  readonly title: string | null;
  readonly quantity: number;
  readonly unitPrice: string | null;
  readonly currency: string | null;
}

export interface PostalAddress {
  readonly name: string | null;
  readonly companyName: string | null;
  readonly lines: readonly string[];
  readonly postalCode: string | null;
  readonly city: string | null;
  readonly region: string | null;
  readonly countryCode: string | null;
  readonly phone: string | null;
}

export interface TaxId {
  readonly type: string | null;
  readonly value: string;
  readonly issuingCountry: string | null;
}

/** Buyer personal data. Every field optional: marketplaces withhold them by role and age. */
export interface BuyerPii {
  readonly buyerName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly companyName: string | null;
  readonly shippingAddress: PostalAddress | null;
  readonly taxIds: readonly TaxId[];
  readonly giftMessages: readonly string[];
  /** eBay username (Amazon exposes no stable buyer id). */
  readonly buyerMarketplaceId: string | null;
  /** Free text the buyer wrote at checkout, customisation links, purchase order numbers. */
  readonly notes: readonly string[];
}

export interface CanonicalOrder {
  readonly marketplace: MarketplaceName;
  readonly marketplaceOrderId: string;
  readonly salesChannel: string | null;
  readonly status: OrderStatus;
  readonly rawStatus: string;
  readonly purchasedAt: Date;
  readonly lastUpdatedAt: Date;
  readonly shippedAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly latestDeliveryAt: Date | null;
  readonly fulfilmentChannel: FulfilmentChannel;
  readonly currency: string | null;
  readonly totalAmount: string | null;
  readonly lineItems: readonly CanonicalLineItem[];
  readonly shipToCountry: string | null;
  readonly pii: BuyerPii | null;
}
