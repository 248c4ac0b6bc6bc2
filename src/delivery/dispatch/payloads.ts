import type { MaskedOrderView, OrderForDispatch } from '../../orders';
import type { PayloadMode } from '../payload-modes';

/** Bumped when a payload's shape changes in a way receivers must notice. */
export const PAYLOAD_SCHEMA_VERSION = 1;
/** Bodies above this are not sent (the delivery is given up as `payload_too_large`). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface EventFacts {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: Date;
}

/** What a webhook says about buyers in each mode. */
export type BuyerSection =
  | { pii: 'included'; data: NonNullable<OrderForDispatch['pii']> }
  /** Base64 of crypto_box_seal(JSON of the buyer data) to the endpoint's X25519 key. */
  | { pii: 'sealed'; sealed: string }
  | { pii: 'none' | 'destroyed' };

/** `thin`: ids, status, version and a link; the receiver reveals buyer data through the audited API. */
export function thinPayload(event: EventFacts, order: MaskedOrderView, link: string): Record<string, unknown> {
  return {
    schemaVersion: PAYLOAD_SCHEMA_VERSION,
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: {
      orderId: order.orderId,
      marketplace: order.marketplace,
      marketplaceOrderId: order.marketplaceOrderId,
      status: order.status,
      version: order.version,
      link,
    },
  };
}

/** `full` and `sealed`: the order as it is at send time, with its buyer section. */
export function orderPayload(
  event: EventFacts,
  order: MaskedOrderView,
  buyer: BuyerSection,
  link: string,
): Record<string, unknown> {
  const { buyer: _masked, ...facts } = order;
  return {
    schemaVersion: PAYLOAD_SCHEMA_VERSION,
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: { ...facts, link, buyer },
  };
}

/** An event about no order (ping, operational events). */
export function plainPayload(event: EventFacts, data: Record<string, unknown>): Record<string, unknown> {
  return {
    schemaVersion: PAYLOAD_SCHEMA_VERSION,
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data,
  };
}

/** Whether a mode puts buyer data on the wire (and so needs a `pii.forwarded` entry first). */
export const carriesBuyerData = (mode: PayloadMode) => mode === 'full' || mode === 'sealed';
