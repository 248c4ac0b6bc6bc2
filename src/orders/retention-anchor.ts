import type { OrderStatus } from '../marketplaces/canonical-order';

const DAY_MS = 86_400_000;

/** Shipped without a promised delivery date: assume it arrived this long after it shipped. */
export const SHIPPED_ASSUMED_TRANSIT_DAYS = 14;
/** Whatever the status: no order keeps buyer data longer than this after purchase plus its window. */
export const BACKSTOP_AFTER_PURCHASE_DAYS = 60;

/** The facts of one sighting the anchor is read from (first-seen instants already applied). */
export interface AnchorFacts {
  readonly status: OrderStatus;
  readonly purchasedAt: Date;
  readonly shippedAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly latestDeliveryAt: Date | null;
}

export type AnchorRule = 'delivered' | 'cancelled' | 'promised_delivery' | 'shipped_plus_transit' | 'backstop';

/**
 * The instant an order's retention window is counted from, as one sighting
 * shows it. First match wins:
 *   1. delivered: when it was delivered (first seen so);
 *   2. cancelled: when it was cancelled (first seen so);
 *   3. shipped with a promised latest delivery date: that date;
 *   4. shipped without one: when it shipped (the marketplace's ship time, else
 *      when we first saw it shipped) + 14 days;
 *   5. backstop: purchase + 60 days, whatever the status.
 * `seenAt` stands in for a first-seen instant the marketplace does not give.
 */
export function anchorOfSighting(facts: AnchorFacts, seenAt: Date): { at: Date; rule: AnchorRule } {
  switch (facts.status) {
    case 'delivered':
      return { at: facts.deliveredAt ?? seenAt, rule: 'delivered' };
    case 'cancelled':
      return { at: facts.cancelledAt ?? seenAt, rule: 'cancelled' };
    case 'shipped':
      if (facts.latestDeliveryAt) return { at: facts.latestDeliveryAt, rule: 'promised_delivery' };
      return {
        at: addDays(earliest(facts.shippedAt, seenAt), SHIPPED_ASSUMED_TRANSIT_DAYS),
        rule: 'shipped_plus_transit',
      };
    default:
      return { at: addDays(facts.purchasedAt, BACKSTOP_AFTER_PURCHASE_DAYS), rule: 'backstop' };
  }
}

/**
 * The anchor to store after a sighting: never later than the one already
 * stored. A repeat sighting (an update after delivery, a later "shipped"
 * sighting, a status the marketplace reports late) cannot push the clock back;
 * news that makes the order due sooner (it was delivered early) moves it forward.
 */
export function nextRetentionAnchor(stored: Date | null, facts: AnchorFacts, seenAt: Date): Date {
  const sighted = anchorOfSighting(facts, seenAt).at;
  return stored && stored.getTime() <= sighted.getTime() ? stored : sighted;
}

/**
 * Delivery and cancellation instants are kept from the first sighting that
 * carried them: a marketplace that reports "delivered" again with a newer
 * update time has not delivered again.
 */
export function firstSeen(stored: Date | null | undefined, incoming: Date | null): Date | null {
  if (!incoming) return null;
  return stored ?? incoming;
}

const addDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);
const earliest = (a: Date | null, b: Date) => (a && a.getTime() < b.getTime() ? a : b);
