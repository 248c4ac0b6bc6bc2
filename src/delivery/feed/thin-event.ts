import type { FeedRow } from '../../orders';

/** The version of the event envelope and its `data`; bumped only for a breaking change. */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * A thin event: what happened to which order, never buyer data. The receiver fetches the
 * order at `link` (masked) and reveals buyer data through the audited reveal routes.
 */
export interface ThinEvent {
  readonly schemaVersion: typeof EVENT_SCHEMA_VERSION;
  readonly id: string;
  readonly type: string;
  /** When the change was recorded (ISO 8601, UTC). */
  readonly timestamp: string;
  readonly data: {
    readonly orderId: string;
    readonly marketplace: string;
    readonly marketplaceOrderId: string;
    /** The order's status as of this event. */
    readonly status: string;
    /** The order version this event describes: versions only grow. */
    readonly version: number;
    readonly link: string;
  };
}

export const orderLink = (orderId: string) => `/v1/orders/${orderId}`;

export function toThinEvent(e: FeedRow): ThinEvent {
  return {
    schemaVersion: EVENT_SCHEMA_VERSION,
    id: e.eventId,
    type: e.type,
    timestamp: e.occurredAt.toISOString(),
    data: {
      orderId: e.orderId,
      marketplace: e.marketplace,
      marketplaceOrderId: e.marketplaceOrderId,
      status: e.status,
      version: e.orderVersion,
      link: orderLink(e.orderId),
    },
  };
}
