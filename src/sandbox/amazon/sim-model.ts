import type { SimBuyer } from '../buyers';
import type { AmazonRegion } from './marketplaces';
import type { UsagePlan, UsagePlanOperation } from './usage-plan';
import type {
  AddressType,
  CancelledBy,
  FulfilledBy,
  FulfillmentServiceLevel,
  FulfillmentStatus,
  PackageStatusValue,
  ProgramName,
} from './wire-types';

/**
 * The simulator's own record of the world. It holds every fact once, in the shape that
 * is easiest to mutate; `order-projection.ts` decides what a given request may see.
 * Times are epoch milliseconds on the simulator clock, amounts are integer minor units.
 */

export interface SimSeller {
  readonly sellingPartnerId: string;
  readonly marketplaceIds: readonly string[];
  readonly region: AmazonRegion;
  /** False simulates an app without the PII roles: PII fields are omitted (reference §1.2 "No RDT"). */
  piiRoles: boolean;
  /** The LWA client (application) this seller authorized. */
  readonly clientId: string;
  /** Overrides of the published usage plans: the Orders API uses dynamic plans per seller (reference §3). */
  readonly usagePlans: Partial<Record<UsagePlanOperation, UsagePlan>>;
}

export interface SimOrderItem {
  orderItemId: string;
  asin: string;
  title: string;
  sellerSku: string;
  quantityOrdered: number;
  quantityShipped: number;
  unitPrice: number;
  /** Tax on the whole line. */
  tax: number;
  /** Shipping charge attributed to this line. */
  shipping: number;
  giftMessage?: string;
  giftWrapLevel?: string;
  cancellation?: {
    requestedByBuyer?: { reason: string };
    execution?: { cancelledBy: CancelledBy; reason: string };
  };
}

export interface SimPackage {
  packageReferenceId: string;
  createdTime: number;
  shipTime: number;
  status: PackageStatusValue;
  detailedStatus: string;
  carrier: string;
  shippingService: string;
  trackingNumber: string;
  items: Array<{ orderItemId: string; quantity: number }>;
}

export type MalformationKind =
  'missing-order-id' | 'bad-timestamp' | 'non-string-amount' | 'unknown-status' | 'missing-order-items';

export interface SimOrder {
  readonly orderId: string;
  readonly sellingPartnerId: string;
  marketplaceId: string;
  channelName: 'AMAZON' | 'NON_AMAZON';
  createdTime: number;
  lastUpdatedTime: number;
  status: FulfillmentStatus;
  fulfilledBy: FulfilledBy;
  serviceLevel: FulfillmentServiceLevel;
  programs: ProgramName[];
  sellerOrderId?: string;
  /** Index passed to `simulatedBuyer(seed, index)`. */
  readonly buyerIndex: number;
  buyer: SimBuyer;
  purchaseOrderNumber?: string;
  addressType: AddressType;
  currencyCode: string;
  currencyDecimals: number;
  items: SimOrderItem[];
  shipByWindow: { earliest: number; latest: number };
  deliverByWindow: { earliest: number; latest: number };
  packages: SimPackage[];
  deliveredTime?: number;
  /** Fault injection: how this order is corrupted on the wire (see `malformations.ts`). */
  malformation?: MalformationKind;
}

export type OrderMutation = (order: SimOrder) => void;
