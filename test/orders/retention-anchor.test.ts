import { anchorOfSighting, firstSeen, nextRetentionAnchor, type AnchorFacts } from '../../src/orders/retention-anchor';

const DAY = 86_400_000;
const purchasedAt = new Date('2026-10-01T12:00:00Z');
const seenAt = new Date('2026-10-05T08:00:00Z');
const at = (iso: string) => new Date(iso);

const facts = (over: Partial<AnchorFacts>): AnchorFacts => ({
  status: 'unshipped',
  purchasedAt,
  shippedAt: null,
  deliveredAt: null,
  cancelledAt: null,
  latestDeliveryAt: null,
  ...over,
});

describe('retention anchor: first matching rule of one sighting', () => {
  it('1. delivered: the delivery instant, before any promise or ship time', () => {
    const f = facts({
      status: 'delivered',
      deliveredAt: at('2026-10-04T09:00:00Z'),
      shippedAt: at('2026-10-02T09:00:00Z'),
      latestDeliveryAt: at('2026-10-09T00:00:00Z'),
    });
    expect(anchorOfSighting(f, seenAt)).toEqual({ at: at('2026-10-04T09:00:00Z'), rule: 'delivered' });
  });

  it('1. delivered without an instant from the marketplace: when we saw it delivered', () => {
    expect(anchorOfSighting(facts({ status: 'delivered' }), seenAt)).toEqual({ at: seenAt, rule: 'delivered' });
  });

  it('2. cancelled: the cancellation instant, else when we saw it cancelled', () => {
    const cancelledAt = at('2026-10-03T10:00:00Z');
    expect(anchorOfSighting(facts({ status: 'cancelled', cancelledAt }), seenAt)).toEqual({
      at: cancelledAt,
      rule: 'cancelled',
    });
    expect(anchorOfSighting(facts({ status: 'cancelled' }), seenAt).at).toEqual(seenAt);
  });

  it('3. shipped with a promised latest delivery date: that date', () => {
    const latestDeliveryAt = at('2026-10-09T23:59:59Z');
    const f = facts({ status: 'shipped', shippedAt: at('2026-10-02T09:00:00Z'), latestDeliveryAt });
    expect(anchorOfSighting(f, seenAt)).toEqual({ at: latestDeliveryAt, rule: 'promised_delivery' });
  });

  it('4. shipped without a promise: the ship time + 14 days, else first seen shipped + 14 days', () => {
    const shippedAt = at('2026-10-02T09:00:00Z');
    expect(anchorOfSighting(facts({ status: 'shipped', shippedAt }), seenAt)).toEqual({
      at: new Date(shippedAt.getTime() + 14 * DAY),
      rule: 'shipped_plus_transit',
    });
    // eBay FULFILLED carries no ship instant.
    expect(anchorOfSighting(facts({ status: 'shipped' }), seenAt).at).toEqual(new Date(seenAt.getTime() + 14 * DAY));
  });

  it('5. backstop: purchase + 60 days for every other status, promise or not', () => {
    for (const status of ['pending', 'unshipped', 'partially_shipped'] as const) {
      const f = facts({ status, latestDeliveryAt: at('2026-10-09T00:00:00Z') });
      expect(anchorOfSighting(f, seenAt)).toEqual({
        at: new Date(purchasedAt.getTime() + 60 * DAY),
        rule: 'backstop',
      });
    }
  });
});

describe('retention anchor across sightings', () => {
  it('a first sighting sets it', () => {
    expect(nextRetentionAnchor(null, facts({ status: 'delivered', deliveredAt: seenAt }), seenAt)).toEqual(seenAt);
  });

  it('drift: an update after delivery (newer update time) does not move it later', () => {
    const delivered = at('2026-10-04T09:00:00Z');
    const later = at('2026-10-20T09:00:00Z');
    // The marketplace reports "delivered" again with its newer update time as the delivery instant...
    const repeat = facts({ status: 'delivered', deliveredAt: firstSeen(delivered, later) });
    // ...first-seen keeps the first delivery instant, and the anchor stays.
    expect(repeat.deliveredAt).toEqual(delivered);
    expect(nextRetentionAnchor(delivered, repeat, later)).toEqual(delivered);
    // Even if a later instant got through, the stored anchor would not move.
    expect(nextRetentionAnchor(delivered, facts({ status: 'delivered', deliveredAt: later }), later)).toEqual(
      delivered,
    );
  });

  it('a repeat "shipped" sighting without a promise does not restart the 14 days', () => {
    const first = nextRetentionAnchor(null, facts({ status: 'shipped' }), seenAt);
    const again = nextRetentionAnchor(first, facts({ status: 'shipped' }), new Date(seenAt.getTime() + 5 * DAY));
    expect(again).toEqual(first);
  });

  it('news that makes the order due sooner moves it earlier (backstop, then delivered)', () => {
    const backstop = nextRetentionAnchor(null, facts({ status: 'unshipped' }), purchasedAt);
    expect(backstop).toEqual(new Date(purchasedAt.getTime() + 60 * DAY));
    const delivered = at('2026-10-06T10:00:00Z');
    expect(nextRetentionAnchor(backstop, facts({ status: 'delivered', deliveredAt: delivered }), delivered)).toEqual(
      delivered,
    );
  });

  it('a late delivery after the promised date keeps the earlier promised date', () => {
    const promised = at('2026-10-09T00:00:00Z');
    const stored = nextRetentionAnchor(null, facts({ status: 'shipped', latestDeliveryAt: promised }), seenAt);
    const late = at('2026-10-12T00:00:00Z');
    expect(nextRetentionAnchor(stored, facts({ status: 'delivered', deliveredAt: late }), late)).toEqual(promised);
  });

  it('first seen: the stored instant wins while the status holds; gone when the marketplace drops it', () => {
    const stored = at('2026-10-04T09:00:00Z');
    expect(firstSeen(stored, at('2026-10-05T09:00:00Z'))).toEqual(stored);
    expect(firstSeen(null, at('2026-10-05T09:00:00Z'))).toEqual(at('2026-10-05T09:00:00Z'));
    expect(firstSeen(stored, null)).toBeNull();
  });
});
