import type { CanonicalLineItem, FulfilmentChannel, OrderStatus } from '../marketplaces/canonical-order';
import type { PiiState } from './order.entity';

/** What the ingest path needs to know about an order already stored. */
export interface StoredOrderState {
  readonly orderId: string;
  readonly marketplaceOrderId: string;
  readonly status: OrderStatus;
  readonly version: number;
  readonly piiState: PiiState;
  readonly piiCiphertext: Buffer | null;
  readonly contentHash: Buffer;
  readonly emailIndex: Buffer | null;
  readonly buyerIndex: Buffer | null;
  readonly marketplaceUpdatedAt: Date;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly retentionAnchorAt: Date;
}

/** One row to insert or overwrite (all clear columns plus the sealed blob). */
export interface OrderRowWrite {
  readonly orderId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly salesChannel: string | null;
  readonly status: OrderStatus;
  readonly rawStatus: string;
  readonly purchasedAt: Date;
  readonly marketplaceUpdatedAt: Date;
  readonly shippedAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly latestDeliveryAt: Date | null;
  readonly fulfilmentChannel: FulfilmentChannel;
  readonly retentionAnchorAt: Date;
  readonly currency: string | null;
  readonly totalAmount: string | null;
  readonly lineItems: readonly CanonicalLineItem[];
  readonly shipToCountry: string | null;
  readonly piiState: PiiState;
  readonly piiCiphertext: Buffer | null;
  readonly contentHash: Buffer;
  readonly emailIndex: Buffer | null;
  readonly buyerIndex: Buffer | null;
  readonly version: number;
}
