import type { BuyerPii, CanonicalLineItem } from '../marketplaces/canonical-order';
import type { Order } from './order.entity';

export interface MaskedOrderView {
  orderId: string;
  marketplace: string;
  marketplaceOrderId: string;
  salesChannel: string | null;
  status: string;
  rawStatus: string;
  purchasedAt: string;
  marketplaceUpdatedAt: string;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  latestDeliveryAt: string | null;
  fulfilmentChannel: string;
  /** What the buyer-data retention window is counted from (the seller's window per marketplace applies). */
  retentionAnchorAt: string;
  currency: string | null;
  totalAmount: string | null;
  lineItems: CanonicalLineItem[];
  shipToCountry: string | null;
  /** Whether buyer data is held, never the data itself. */
  buyer: { pii: 'sealed' | 'none' | 'destroyed' };
  piiDestroyedAt: string | null;
  version: number;
  /** Whether and when the seller's system took the order (`POST /v1/orders/:id/acknowledge`). */
  acknowledgement: { at: string; keyId: string; version: number } | null;
  createdAt: string;
  updatedAt: string;
}

export interface RevealedOrderView extends Omit<MaskedOrderView, 'buyer'> {
  buyer: { pii: 'revealed'; data: BuyerPii };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Decimal strings keep their scale from the column (18,4); trim trailing zeros for display. */
const amount = (v: string | null) => (v === null ? null : v.replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, ''));

/** The fields of an order its masked view shows. */
export type MaskableOrder = Pick<
  Order,
  | 'orderId'
  | 'marketplace'
  | 'marketplaceOrderId'
  | 'salesChannel'
  | 'status'
  | 'rawStatus'
  | 'purchasedAt'
  | 'marketplaceUpdatedAt'
  | 'shippedAt'
  | 'deliveredAt'
  | 'cancelledAt'
  | 'latestDeliveryAt'
  | 'fulfilmentChannel'
  | 'retentionAnchorAt'
  | 'currency'
  | 'totalAmount'
  | 'lineItems'
  | 'shipToCountry'
  | 'piiState'
  | 'piiDestroyedAt'
  | 'version'
  | 'acknowledgedAt'
  | 'acknowledgedByKeyId'
  | 'acknowledgedVersion'
  | 'createdAt'
  | 'updatedAt'
>;

/** The default shape of an order for every caller: no buyer datum, only whether one is held. */
export function toMaskedOrderView(o: MaskableOrder): MaskedOrderView {
  return {
    orderId: o.orderId,
    marketplace: o.marketplace,
    marketplaceOrderId: o.marketplaceOrderId,
    salesChannel: o.salesChannel,
    status: o.status,
    rawStatus: o.rawStatus,
    purchasedAt: o.purchasedAt.toISOString(),
    marketplaceUpdatedAt: o.marketplaceUpdatedAt.toISOString(),
    shippedAt: iso(o.shippedAt),
    deliveredAt: iso(o.deliveredAt),
    cancelledAt: iso(o.cancelledAt),
    latestDeliveryAt: iso(o.latestDeliveryAt),
    fulfilmentChannel: o.fulfilmentChannel,
    retentionAnchorAt: o.retentionAnchorAt.toISOString(),
    currency: o.currency?.trim() ?? null,
    totalAmount: amount(o.totalAmount),
    lineItems: o.lineItems,
    shipToCountry: o.shipToCountry,
    buyer: { pii: o.piiState === 'present' ? 'sealed' : o.piiState === 'destroyed' ? 'destroyed' : 'none' },
    piiDestroyedAt: iso(o.piiDestroyedAt),
    version: o.version,
    acknowledgement:
      o.acknowledgedAt && o.acknowledgedByKeyId && o.acknowledgedVersion !== null
        ? { at: o.acknowledgedAt.toISOString(), keyId: o.acknowledgedByKeyId, version: o.acknowledgedVersion }
        : null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

/** Only for an authorised, audited reveal: the masked view plus the opened buyer data. */
export function toRevealedOrderView(o: Order, pii: BuyerPii): RevealedOrderView {
  return { ...toMaskedOrderView(o), buyer: { pii: 'revealed', data: pii } };
}
