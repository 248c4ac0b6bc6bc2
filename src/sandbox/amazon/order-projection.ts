import { MARKETPLACES } from './marketplaces';
import type { SimOrder, SimOrderItem } from './sim-model';
import type {
  Buyer,
  CustomerAddress,
  FulfillmentStatus,
  IncludedData,
  ItemCancellation,
  ItemFulfillment,
  ItemProceeds,
  Money,
  Order,
  OrderItem,
  OrderPackage,
  OrderProceeds,
} from './wire-types';

export interface ProjectionContext {
  readonly included: ReadonlySet<IncludedData>;
  /** Whether the calling application holds the PII roles for this seller. */
  readonly piiRoles: boolean;
  readonly now: number;
}

/**
 * Statuses in which Amazon releases the buyer e-mail (FBM only) and the delivery address.
 * Access-orders-pii page: buyer e-mail needs FBM and UNSHIPPED/PARTIALLY_SHIPPED/SHIPPED
 * (reference §1.2 "Key differences" 1). The address follows v0's rule "only available for
 * Unshipped, PartiallyShipped, Shipped and InvoiceUnconfirmed" (reference §1.1 ShippingAddress);
 * InvoiceUnconfirmed no longer exists in v2026-01-01.
 */
const PII_RELEASE_STATUSES: ReadonlySet<FulfillmentStatus> = new Set(['UNSHIPPED', 'PARTIALLY_SHIPPED', 'SHIPPED']);
const PENDING_STATUSES: ReadonlySet<FulfillmentStatus> = new Set(['PENDING', 'PENDING_AVAILABILITY']);

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function money(minor: number, order: SimOrder): Money {
  const amount =
    order.currencyDecimals === 0
      ? String(minor)
      : (minor / 10 ** order.currencyDecimals).toFixed(order.currencyDecimals);
  return { amount, currencyCode: order.currencyCode };
}

/**
 * What one request sees of an order. `orderItems` and the identity fields are always
 * present; every other section only when its `includedData` value was asked for
 * (model, `includedData` enum table; reference §1.2 migration table "items always included").
 */
export function projectOrder(order: SimOrder, ctx: ProjectionContext): Order {
  const market = MARKETPLACES.get(order.marketplaceId);
  const wire: Order = {
    orderId: order.orderId,
    ...(order.sellerOrderId
      ? { orderAliases: [{ aliasId: order.sellerOrderId, aliasType: 'SELLER_ORDER_ID' as const }] }
      : {}),
    createdTime: isoSeconds(order.createdTime),
    lastUpdatedTime: isoSeconds(order.lastUpdatedTime),
    ...(order.programs.length > 0 ? { programs: [...order.programs] } : {}),
    salesChannel: {
      channelName: order.channelName,
      marketplaceId: order.marketplaceId,
      ...(order.channelName === 'AMAZON' && market ? { marketplaceName: market.name } : {}),
    },
    orderItems: [],
  };
  if (ctx.included.has('BUYER')) {
    const buyer = projectBuyer(order, ctx);
    if (buyer) wire.buyer = buyer;
  }
  if (ctx.included.has('RECIPIENT')) {
    const deliveryAddress = projectAddress(order, ctx);
    if (deliveryAddress) wire.recipient = { deliveryAddress };
  }
  if (ctx.included.has('PROCEEDS')) {
    const proceeds = projectProceeds(order);
    if (proceeds) wire.proceeds = proceeds;
  }
  if (ctx.included.has('FULFILLMENT')) wire.fulfillment = projectFulfillment(order);
  wire.orderItems = order.items.map((item) => projectItem(order, item, ctx));
  // Packages exist only for merchant-fulfilled orders (model `packages` description; reference §1.2).
  if (ctx.included.has('PACKAGES') && order.fulfilledBy === 'MERCHANT' && order.packages.length > 0) {
    wire.packages = order.packages.map(projectPackage);
  }
  return wire;
}

function projectBuyer(order: SimOrder, ctx: ProjectionContext): Buyer | undefined {
  const b = order.buyer;
  const buyer: Buyer = {};
  // buyerName and buyerEmail are PII; buyerCompanyName and the PO number are not on Amazon's PII list.
  if (ctx.piiRoles) {
    buyer.buyerName = b.fullName;
    // "Only available for merchant-fulfilled (FBM) orders" (model Buyer.buyerEmail) and only once releasable.
    if (order.fulfilledBy === 'MERCHANT' && PII_RELEASE_STATUSES.has(order.status)) buyer.buyerEmail = b.email;
  }
  if (b.companyName) buyer.buyerCompanyName = b.companyName;
  if (order.purchaseOrderNumber) buyer.buyerPurchaseOrderNumber = order.purchaseOrderNumber;
  return Object.keys(buyer).length > 0 ? buyer : undefined;
}

function projectAddress(order: SimOrder, ctx: ProjectionContext): CustomerAddress | undefined {
  if (!PII_RELEASE_STATUSES.has(order.status)) return undefined;
  const b = order.buyer;
  const address: CustomerAddress = {};
  if (ctx.piiRoles) address.name = b.fullName;
  if (b.companyName) address.companyName = b.companyName;
  if (ctx.piiRoles) {
    address.addressLine1 = b.addressLine1;
    if (b.addressLine2) address.addressLine2 = b.addressLine2;
  }
  address.city = b.city;
  address.stateOrRegion = b.region;
  if (ctx.piiRoles) address.postalCode = b.postalCode;
  address.countryCode = b.countryCode;
  // Phone is "suppressed for all FBA orders" and for shipped FBM orders past the latest
  // delivery date (model CustomerAddress.phone; reference §1.1 Phone note).
  const pastDelivery = order.status === 'SHIPPED' && ctx.now > order.deliverByWindow.latest;
  if (ctx.piiRoles && order.fulfilledBy === 'MERCHANT' && !pastDelivery) address.phone = b.phone;
  address.addressType = order.addressType;
  return address;
}

function itemTotal(item: SimOrderItem): number {
  return item.unitPrice * item.quantityOrdered;
}

/**
 * Pending orders carry no pricing: v0 says getOrderItems "does not return information about
 * pricing, taxes, shipping charges" while Pending (reference §1.1). The 2026 model says nothing;
 * the simulator assumes the same so that consumers cope with proceeds arriving later.
 */
function projectProceeds(order: SimOrder): OrderProceeds | undefined {
  if (PENDING_STATUSES.has(order.status)) return undefined;
  const items = order.items.reduce((sum, i) => sum + itemTotal(i), 0);
  const shipping = order.items.reduce((sum, i) => sum + i.shipping, 0);
  const tax = order.items.reduce((sum, i) => sum + i.tax, 0);
  return {
    grandTotal: money(items + shipping + tax, order),
    breakdowns: [
      { type: 'ITEM', subtotal: money(items, order) },
      ...(shipping > 0 ? [{ type: 'SHIPPING' as const, subtotal: money(shipping, order) }] : []),
      { type: 'TAX', subtotal: money(tax, order) },
    ],
  };
}

function projectFulfillment(order: SimOrder): NonNullable<Order['fulfillment']> {
  // deliverByWindow mirrors v0's EarliestDeliveryDate/LatestDeliveryDate: "Only returned for
  // seller-fulfilled orders" and absent for Pending and Canceled (reference §1.1 Order table).
  const deliverBy =
    order.fulfilledBy === 'MERCHANT' && !PENDING_STATUSES.has(order.status) && order.status !== 'CANCELLED';
  return {
    fulfillmentStatus: order.status,
    fulfilledBy: order.fulfilledBy,
    fulfillmentServiceLevel: order.serviceLevel,
    shipByWindow: {
      earliestDateTime: isoSeconds(order.shipByWindow.earliest),
      latestDateTime: isoSeconds(order.shipByWindow.latest),
    },
    ...(deliverBy
      ? {
          deliverByWindow: {
            earliestDateTime: isoSeconds(order.deliverByWindow.earliest),
            latestDateTime: isoSeconds(order.deliverByWindow.latest),
          },
        }
      : {}),
  };
}

function projectItem(order: SimOrder, item: SimOrderItem, ctx: ProjectionContext): OrderItem {
  const wire: OrderItem = {
    orderItemId: item.orderItemId,
    quantityOrdered: item.quantityOrdered,
    product: {
      asin: item.asin,
      title: item.title,
      sellerSku: item.sellerSku,
      condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
      price: { unitPrice: money(item.unitPrice, order) },
    },
  };
  if (ctx.included.has('PROCEEDS') && !PENDING_STATUSES.has(order.status))
    wire.proceeds = projectItemProceeds(order, item);
  if (ctx.included.has('CANCELLATION') && item.cancellation) wire.cancellation = projectCancellation(item);
  if (ctx.included.has('FULFILLMENT')) wire.fulfillment = projectItemFulfillment(item, ctx);
  return wire;
}

function projectItemProceeds(order: SimOrder, item: SimOrderItem): ItemProceeds {
  return {
    proceedsTotal: money(itemTotal(item) + item.shipping + item.tax, order),
    breakdowns: [
      { type: 'ITEM', subtotal: money(itemTotal(item), order) },
      ...(item.shipping > 0 ? [{ type: 'SHIPPING' as const, subtotal: money(item.shipping, order) }] : []),
      { type: 'TAX', subtotal: money(item.tax, order) },
    ],
  };
}

function projectCancellation(item: SimOrderItem): ItemCancellation {
  const c = item.cancellation ?? {};
  return {
    ...(c.requestedByBuyer
      ? { cancellationRequest: { requester: 'BUYER' as const, cancelReason: c.requestedByBuyer.reason } }
      : {}),
    ...(c.execution
      ? { cancellationExecution: { cancelledBy: c.execution.cancelledBy, cancelReason: c.execution.reason } }
      : {}),
  };
}

function projectItemFulfillment(item: SimOrderItem, ctx: ProjectionContext): ItemFulfillment {
  const fulfillment: ItemFulfillment = {
    quantityFulfilled: item.quantityShipped,
    quantityUnfulfilled: item.quantityOrdered - item.quantityShipped,
  };
  // The gift message is PII (access-orders-pii list, reference §1.2); the wrap level is not.
  const giftMessage = ctx.piiRoles ? item.giftMessage : undefined;
  if (giftMessage || item.giftWrapLevel) {
    fulfillment.packing = {
      giftOption: {
        ...(giftMessage ? { giftMessage } : {}),
        ...(item.giftWrapLevel ? { giftWrapLevel: item.giftWrapLevel } : {}),
      },
    };
  }
  return fulfillment;
}

function projectPackage(pkg: SimOrder['packages'][number]): OrderPackage {
  return {
    packageReferenceId: pkg.packageReferenceId,
    createdTime: isoSeconds(pkg.createdTime),
    packageStatus: { status: pkg.status, detailedStatus: pkg.detailedStatus },
    carrier: pkg.carrier,
    shipTime: isoSeconds(pkg.shipTime),
    shippingService: pkg.shippingService,
    trackingNumber: pkg.trackingNumber,
    packageItems: pkg.items.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantity })),
  };
}
