/**
 * The JSON the simulator puts on the wire for Orders API v2026-01-01, typed after the
 * official model (`models/orders-api-model/orders_2026-01-01.json`, see
 * docs reference §1.2). Only the parts the simulator emits are typed; field names and
 * enum spellings are copied from the model, including the lower-case `Money` keys and
 * amounts as strings.
 */

export const FULFILLMENT_STATUSES = [
  'PENDING_AVAILABILITY',
  'PENDING',
  'UNSHIPPED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
  'UNFULFILLABLE',
] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

export const FULFILLED_BY = ['MERCHANT', 'AMAZON'] as const;
export type FulfilledBy = (typeof FULFILLED_BY)[number];

export const INCLUDED_DATA = [
  'BUYER',
  'RECIPIENT',
  'PROCEEDS',
  'EXPENSE',
  'PROMOTION',
  'CANCELLATION',
  'FULFILLMENT',
  'PACKAGES',
  'TAX',
  'PAYMENT',
  'FULFILLMENT_ORDERS',
] as const;
export type IncludedData = (typeof INCLUDED_DATA)[number];

export const FULFILLMENT_SERVICE_LEVELS = [
  'EXPEDITED',
  'FREE_ECONOMY',
  'NEXT_DAY',
  'PRIORITY',
  'SAME_DAY',
  'SECOND_DAY',
  'SCHEDULED',
  'STANDARD',
] as const;
export type FulfillmentServiceLevel = (typeof FULFILLMENT_SERVICE_LEVELS)[number];

export const PACKAGE_STATUSES = [
  'PENDING',
  'IN_TRANSIT',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'UNDELIVERABLE',
] as const;
export type PackageStatusValue = (typeof PACKAGE_STATUSES)[number];

export type ProceedsType =
  'ITEM' | 'SHIPPING' | 'GIFT_WRAP' | 'COD_FEE' | 'TAX' | 'DISCOUNT' | 'DELIVERY_TIP' | 'OTHER';
export type ProgramName =
  | 'AMAZON_BAZAAR'
  | 'AMAZON_BUSINESS'
  | 'AMAZON_EASY_SHIP'
  | 'AMAZON_HAUL'
  | 'DELIVERY_BY_AMAZON'
  | 'FBM_SHIP_PLUS'
  | 'INVOICE_BY_AMAZON'
  | 'IN_STORE_PICK_UP'
  | 'PREMIUM'
  | 'PREORDER'
  | 'PRIME';
export type AddressType = 'RESIDENTIAL' | 'COMMERCIAL' | 'PICKUP_POINT';
export type CancelledBy = 'BUYER' | 'MERCHANT' | 'AMAZON';

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface DateTimeRange {
  earliestDateTime?: string;
  latestDateTime?: string;
}

export interface Alias {
  aliasId: string;
  aliasType: 'SELLER_ORDER_ID';
}

export interface SalesChannel {
  channelName: 'AMAZON' | 'NON_AMAZON';
  marketplaceId?: string;
  marketplaceName?: string;
}

export interface Buyer {
  buyerName?: string;
  buyerEmail?: string;
  buyerCompanyName?: string;
  buyerPurchaseOrderNumber?: string;
}

export interface CustomerAddress {
  name?: string;
  companyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  city?: string;
  districtOrCounty?: string;
  stateOrRegion?: string;
  municipality?: string;
  postalCode?: string;
  countryCode?: string;
  phone?: string;
  addressType?: AddressType;
}

export interface Recipient {
  deliveryAddress?: CustomerAddress;
}

export interface OrderProceedsBreakdown {
  type: ProceedsType;
  status?: 'PENDING' | 'FINALIZED';
  subtotal: Money;
}

export interface OrderProceeds {
  grandTotal?: Money;
  breakdowns?: OrderProceedsBreakdown[];
}

export interface OrderFulfillment {
  fulfillmentStatus: FulfillmentStatus;
  fulfilledBy?: FulfilledBy;
  fulfillmentServiceLevel?: FulfillmentServiceLevel;
  shipByWindow?: DateTimeRange;
  deliverByWindow?: DateTimeRange;
}

export interface ItemProduct {
  asin?: string;
  title?: string;
  sellerSku?: string;
  condition?: { conditionType?: string; conditionSubtype?: string };
  price?: { unitPrice?: Money };
}

export interface ItemProceeds {
  proceedsTotal?: Money;
  breakdowns?: Array<{ type: Exclude<ProceedsType, 'DELIVERY_TIP'>; subtotal: Money }>;
}

export interface ItemCancellation {
  cancellationRequest?: { requester?: 'BUYER'; cancelReason?: string };
  cancellationExecution?: { cancelledBy?: CancelledBy; cancelReason?: string };
}

export interface ItemFulfillment {
  quantityFulfilled?: number;
  quantityUnfulfilled?: number;
  packing?: { giftOption?: { giftMessage?: string; giftWrapLevel?: string } };
}

export interface OrderItem {
  orderItemId: string;
  quantityOrdered: number;
  product: ItemProduct;
  proceeds?: ItemProceeds;
  cancellation?: ItemCancellation;
  fulfillment?: ItemFulfillment;
}

export interface OrderPackage {
  packageReferenceId: string;
  createdTime?: string;
  packageStatus?: { status: PackageStatusValue; detailedStatus?: string };
  carrier?: string;
  shipTime?: string;
  shippingService?: string;
  trackingNumber?: string;
  packageItems?: Array<{ orderItemId: string; quantity: number }>;
}

export interface Order {
  orderId: string;
  orderAliases?: Alias[];
  createdTime: string;
  lastUpdatedTime: string;
  programs?: ProgramName[];
  salesChannel: SalesChannel;
  buyer?: Buyer;
  recipient?: Recipient;
  proceeds?: OrderProceeds;
  fulfillment?: OrderFulfillment;
  orderItems: OrderItem[];
  packages?: OrderPackage[];
}

export interface SearchOrdersResponse {
  orders: Order[];
  pagination?: { nextToken?: string };
  lastUpdatedBefore?: string;
  createdBefore?: string;
}

export interface GetOrderResponse {
  order: Order;
}

/** `Error` / `ErrorList` of every SP-API model (reference §1.1 "Error object", §3). */
export interface SpApiError {
  code: string;
  message: string;
  details?: string;
}

export interface ErrorList {
  errors: SpApiError[];
}
