import type {
  BuyerPii,
  CanonicalLineItem,
  CanonicalOrder,
  OrderStatus,
  PostalAddress,
  TaxId,
} from '../canonical-order';
import type { RejectedOrder } from '../marketplace-connector';
import {
  WireError,
  arr,
  country,
  currency,
  decimal,
  instant,
  int,
  obj,
  oneOf,
  optArr,
  optInstant,
  optObj,
  optStr,
  str,
  type Json,
} from '../wire';

/** Orders API v2026-01-01 `FulfillmentStatus`. */
const FULFILLMENT_STATUSES = [
  'PENDING_AVAILABILITY',
  'PENDING',
  'UNSHIPPED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
  'UNFULFILLABLE',
] as const;
type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

const PACKAGE_STATUSES = ['PENDING', 'IN_TRANSIT', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'UNDELIVERABLE'] as const;

const STATUS: Record<FulfillmentStatus, OrderStatus> = {
  PENDING_AVAILABILITY: 'pending',
  PENDING: 'pending',
  UNSHIPPED: 'unshipped',
  PARTIALLY_SHIPPED: 'partially_shipped',
  SHIPPED: 'shipped',
  CANCELLED: 'cancelled',
  // Amazon will never fulfil it: for the seller's systems it is as good as cancelled.
  UNFULFILLABLE: 'cancelled',
};

/** Maps one v2026-01-01 `Order` to the canonical shape, or explains why it cannot. */
export function mapAmazonOrder(raw: unknown): CanonicalOrder | RejectedOrder {
  const idGuess = raw && typeof raw === 'object' ? (raw as Json).orderId : undefined;
  try {
    return toCanonical(obj(raw, 'order'));
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return {
      marketplaceOrderId: typeof idGuess === 'string' && /^[\w-]{1,64}$/.test(idGuess) ? idGuess : null,
      reasonCode: 'bad_data',
      reasonDetail: err.message,
      raw,
    };
  }
}

function toCanonical(o: Json): CanonicalOrder {
  const orderId = str(o.orderId, 'orderId');
  if (!/^\d{3}-\d{7}-\d{7}$/.test(orderId)) throw new WireError('orderId', 'expected the 3-7-7 Amazon order id format');
  const createdTime = instant(o.createdTime, 'createdTime');
  const lastUpdatedTime = instant(o.lastUpdatedTime, 'lastUpdatedTime');
  const salesChannel = obj(o.salesChannel, 'salesChannel');
  const fulfillment = optObj(o.fulfillment, 'fulfillment');
  const rawStatus = fulfillment
    ? oneOf(fulfillment.fulfillmentStatus, FULFILLMENT_STATUSES, 'fulfillment.fulfillmentStatus')
    : 'PENDING';
  const packages = optArr(o.packages, 'packages').map((p, i) => {
    const pkg = obj(p, `packages[${i}]`);
    const status = optObj(pkg.packageStatus, `packages[${i}].packageStatus`);
    return {
      status: status ? oneOf(status.status, PACKAGE_STATUSES, `packages[${i}].packageStatus.status`) : null,
      shipTime: optInstant(pkg.shipTime, `packages[${i}].shipTime`),
    };
  });
  const shipTimes = packages.map((p) => p.shipTime).filter((d): d is Date => d !== null);
  const delivered = rawStatus === 'SHIPPED' && packages.length > 0 && packages.every((p) => p.status === 'DELIVERED');
  const status: OrderStatus = delivered ? 'delivered' : STATUS[rawStatus];

  const proceeds = optObj(o.proceeds, 'proceeds');
  const grandTotal = proceeds ? optObj(proceeds.grandTotal, 'proceeds.grandTotal') : null;
  const items = arr(o.orderItems, 'orderItems').map((it, i) => lineItem(obj(it, `orderItems[${i}]`), i));
  const fulfilledBy = fulfillment ? optStr(fulfillment.fulfilledBy, 'fulfillment.fulfilledBy') : null;
  const recipient = optObj(o.recipient, 'recipient');
  const address = recipient ? optObj(recipient.deliveryAddress, 'recipient.deliveryAddress') : null;
  const deliverBy = fulfillment ? optObj(fulfillment.deliverByWindow, 'fulfillment.deliverByWindow') : null;

  return {
    marketplace: 'amazon',
    marketplaceOrderId: orderId,
    salesChannel: optStr(salesChannel.marketplaceId, 'salesChannel.marketplaceId'),
    status,
    rawStatus,
    purchasedAt: createdTime,
    lastUpdatedAt: lastUpdatedTime,
    shippedAt: shipTimes.length ? new Date(Math.min(...shipTimes.map((d) => d.getTime()))) : null,
    // The package status carries no delivery time; the order's last update is when it turned DELIVERED.
    deliveredAt: delivered ? lastUpdatedTime : null,
    cancelledAt: status === 'cancelled' ? lastUpdatedTime : null,
    latestDeliveryAt: deliverBy
      ? optInstant(deliverBy.latestDateTime, 'fulfillment.deliverByWindow.latestDateTime')
      : null,
    fulfilmentChannel: fulfilledBy === 'AMAZON' ? 'marketplace' : 'merchant',
    currency: grandTotal ? currency(grandTotal.currencyCode, 'proceeds.grandTotal.currencyCode') : null,
    totalAmount: grandTotal ? decimal(grandTotal.amount, 'proceeds.grandTotal.amount') : null,
    lineItems: items.map((x) => x.item),
    shipToCountry: address ? country(address.countryCode, 'recipient.deliveryAddress.countryCode') : null,
    pii: buyerPii(o, address, items),
  };
}

function lineItem(
  it: Json,
  i: number,
): { item: CanonicalLineItem; giftMessage: string | null; customizedUrl: string | null } {
  const product = obj(it.product, `orderItems[${i}].product`);
  const price = optObj(product.price, `orderItems[${i}].product.price`);
  const unit = price ? optObj(price.unitPrice, `orderItems[${i}].product.price.unitPrice`) : null;
  const packing = optObj(optObj(it.fulfillment, `orderItems[${i}].fulfillment`)?.packing, `orderItems[${i}].packing`);
  const gift = packing ? optObj(packing.giftOption, `orderItems[${i}].packing.giftOption`) : null;
  const customization = optObj(product.customization, `orderItems[${i}].product.customization`);
  return {
    item: {
      lineItemId: str(it.orderItemId, `orderItems[${i}].orderItemId`),
      sku: optStr(product.sellerSku, `orderItems[${i}].product.sellerSku`),
      marketplaceItemId: optStr(product.asin, `orderItems[${i}].product.asin`),
      title: optStr(product.title, `orderItems[${i}].product.title`),
      quantity: int(it.quantityOrdered, `orderItems[${i}].quantityOrdered`),
      unitPrice: unit ? decimal(unit.amount, `orderItems[${i}].product.price.unitPrice.amount`) : null,
      currency: unit ? currency(unit.currencyCode, `orderItems[${i}].product.price.unitPrice.currencyCode`) : null,
    },
    giftMessage: gift ? optStr(gift.giftMessage, `orderItems[${i}].packing.giftOption.giftMessage`) : null,
    customizedUrl: customization
      ? optStr(customization.customizedUrl, `orderItems[${i}].customization.customizedUrl`)
      : null,
  };
}

function buyerPii(
  o: Json,
  address: Json | null,
  items: Array<{ giftMessage: string | null; customizedUrl: string | null }>,
): BuyerPii | null {
  const buyer = optObj(o.buyer, 'buyer');
  const taxIds: TaxId[] = [];
  const tax = optObj(o.tax, 'tax');
  for (const [i, r] of optArr(tax?.taxRegistrations, 'tax.taxRegistrations').entries()) {
    const reg = obj(r, `tax.taxRegistrations[${i}]`);
    if (reg.entityType !== 'BUYER') continue;
    const value = optStr(reg.taxRegistrationNumber, `tax.taxRegistrations[${i}].taxRegistrationNumber`);
    if (value) {
      const regAddress = optObj(reg.taxRegistrationAddress, `tax.taxRegistrations[${i}].taxRegistrationAddress`);
      taxIds.push({
        type: optStr(reg.taxRegistrationType, `tax.taxRegistrations[${i}].taxRegistrationType`),
        value,
        issuingCountry: regAddress ? country(regAddress.countryCode, `tax.taxRegistrations[${i}].countryCode`) : null,
      });
    }
  }
  const shippingAddress: PostalAddress | null = address
    ? {
        name: optStr(address.name, 'recipient.deliveryAddress.name'),
        companyName: optStr(address.companyName, 'recipient.deliveryAddress.companyName'),
        lines: ['addressLine1', 'addressLine2', 'addressLine3']
          .map((k) => optStr(address[k], `recipient.deliveryAddress.${k}`))
          .filter((s): s is string => s !== null),
        postalCode: optStr(address.postalCode, 'recipient.deliveryAddress.postalCode'),
        city: optStr(address.city, 'recipient.deliveryAddress.city'),
        region: optStr(address.stateOrRegion, 'recipient.deliveryAddress.stateOrRegion'),
        countryCode: country(address.countryCode, 'recipient.deliveryAddress.countryCode'),
        phone: optStr(address.phone, 'recipient.deliveryAddress.phone'),
      }
    : null;
  const notes = [
    buyer ? optStr(buyer.buyerPurchaseOrderNumber, 'buyer.buyerPurchaseOrderNumber') : null,
    ...items.map((i) => i.customizedUrl),
  ].filter((s): s is string => s !== null);
  const pii: BuyerPii = {
    buyerName: buyer ? optStr(buyer.buyerName, 'buyer.buyerName') : null,
    email: buyer ? optStr(buyer.buyerEmail, 'buyer.buyerEmail') : null,
    phone: shippingAddress?.phone ?? null,
    companyName: buyer ? optStr(buyer.buyerCompanyName, 'buyer.buyerCompanyName') : null,
    shippingAddress,
    taxIds,
    giftMessages: items.map((i) => i.giftMessage).filter((s): s is string => s !== null),
    buyerMarketplaceId: null,
    notes,
  };
  return pii;
}
