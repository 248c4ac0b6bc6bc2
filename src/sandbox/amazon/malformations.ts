import type { MalformationKind } from './sim-model';
import type { Order } from './wire-types';

export const MALFORMATION_KINDS: readonly MalformationKind[] = [
  'missing-order-id',
  'bad-timestamp',
  'non-string-amount',
  'unknown-status',
  'missing-order-items',
];

/**
 * Corrupts one already-projected order the way a faulty upstream record would look, so a
 * consumer can prove it quarantines the bad record and keeps the rest of the page.
 * Kinds that touch an optional section only show when that section was requested
 * ('unknown-status' needs FULFILLMENT; 'non-string-amount' always hits the item unit price).
 */
export function malform(order: Order, kind: MalformationKind): Record<string, unknown> {
  const raw = structuredClone(order) as unknown as Record<string, unknown>;
  switch (kind) {
    case 'missing-order-id':
      delete raw.orderId;
      break;
    case 'bad-timestamp':
      // Shaped like ISO 8601 so naive pattern checks pass, but not a real instant.
      raw.lastUpdatedTime = '2026-02-30T25:61:00Z';
      break;
    case 'non-string-amount': {
      const wire = raw as unknown as Order;
      for (const item of wire.orderItems) {
        const unit = item.product.price?.unitPrice;
        if (unit) (unit as unknown as Record<string, unknown>).amount = Number(unit.amount);
      }
      const total = wire.proceeds?.grandTotal;
      if (total) (total as unknown as Record<string, unknown>).amount = Number(total.amount);
      break;
    }
    case 'unknown-status': {
      const fulfillment = raw.fulfillment as Record<string, unknown> | undefined;
      if (fulfillment) fulfillment.fulfillmentStatus = 'ON_HOLD_FOR_REVIEW';
      break;
    }
    case 'missing-order-items':
      delete raw.orderItems;
      break;
  }
  return raw;
}
