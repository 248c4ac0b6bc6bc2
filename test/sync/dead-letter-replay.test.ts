import { buyerStrings } from '../../src/sandbox/buyers';
import { REPLAY_SCHEDULE } from '../../src/sync/dead-letter-replay';
import type { SyncOutcome } from '../../src/sync/sync-outcome';
import { startMarketplaces, startSyncApp, type MarketplaceHarness, type SyncApp } from '../support/marketplace-harness';
import { amazonConnection, ebayConnection, expectExactlyOnce, HOUR, MINUTE, query } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

interface LetterRow {
  dead_letter_id: string;
  marketplace_order_id: string;
  reason_code: string;
  reason_detail: string;
  attempts: number;
  last_seen_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  gave_up_at: Date | null;
}

/** An order id Amazon never issued: what getOrder answers for an order the marketplace no longer knows. */
const UNKNOWN_AMAZON_ID = '999-0000000-0000000';

describe('dead letters are re-fetched on a budget after the window completes', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });
  beforeEach(() => {
    m.amazon.resetObservations();
    m.ebay.resetObservations();
  });

  const letters = async (connectionId: string) =>
    new Map(
      (
        await query<LetterRow>(
          s,
          `SELECT dead_letter_id, marketplace_order_id, reason_code, reason_detail, attempts, last_seen_at, resolved_at,
                  resolution, gave_up_at
             FROM dead_letters WHERE connection_id = $1 ORDER BY first_seen_at, marketplace_order_id`,
          [connectionId],
        )
      ).map((r) => [r.marketplace_order_id, r]),
    );
  const run = async (tenantId: string): Promise<SyncOutcome> => {
    const outcomes = await s.sync.runOnce(tenantId);
    expect(outcomes).toHaveLength(1);
    return outcomes[0];
  };
  /** Order ids Amazon's getOrder was asked for since the last reset, in order. */
  const amazonGetOrders = () =>
    m.amazon.requests
      .filter((r) => r.operation === 'getOrder')
      .map((r) => decodeURIComponent(r.path.split('/').pop()!));
  const budgets = (connectionId: string) =>
    query<{ operation: string; tokens: number; blocked_until: Date | null }>(
      s,
      `SELECT operation, tokens::float8 AS tokens, blocked_until FROM rate_budgets
        WHERE connection_id = $1 ORDER BY operation`,
      [connectionId],
    );
  /** No buyer datum of these orders in the dead-letter table or the logs. */
  const expectNoLeak = async (buyers: string[]) => {
    const table = (await query<{ j: string }>(s, `SELECT row_to_json(d)::text AS j FROM dead_letters d`))
      .map((r) => r.j)
      .join('\n');
    const logs = s.logs.text();
    expect(buyers.filter((v) => table.includes(v) || logs.includes(v))).toEqual([]);
    expect(table.toLowerCase()).not.toContain('ovsim');
  };

  it('Amazon: a repaired order is ingested, a vanished one resolved gone, an anonymous one never asked for, a stuck one given up on', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Replay Amazon');
    const { seller, connection } = await amazonConnection(m, s, tenant.tenantId);
    const orders = m.amazon.addOrders(seller.sellingPartnerId, 6, {
      createdAt: m.clock.nowMs() - HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    const [repaired, stuck, anonymous, vanished, ...fine] = orders.map((o) => o.orderId);
    m.amazon.makeOrderMalformed(repaired, 'bad-timestamp');
    m.amazon.makeOrderMalformed(stuck, 'unknown-status');
    m.amazon.makeOrderMalformed(anonymous, 'missing-order-id');
    m.amazon.makeOrderMalformed(vanished, 'non-string-amount');
    m.clock.advance(10 * MINUTE);

    // Fresh letters are not asked for again at once: the same order just failed.
    const first = await run(tenant.tenantId);
    expect(first).toMatchObject({ result: 'done', created: 2, deadLettered: 4 });
    expect(first.replay).toBeUndefined();
    expect(amazonGetOrders()).toEqual([]);
    const seenAt = m.clock.nowMs();

    // Amazon fixes one record on its side without modifying the order: no window would ever serve it again.
    m.amazon.repairOrder(repaired);
    // The simulator cannot delete an order: point the letter at an id Amazon never issued (getOrder → 404).
    await query(
      s,
      `UPDATE dead_letters SET marketplace_order_id = $2 WHERE connection_id = $1 AND marketplace_order_id = $3`,
      [connection.connectionId, UNKNOWN_AMAZON_ID, vanished],
    );

    m.clock.advance(30 * MINUTE);
    expect((await run(tenant.tenantId)).replay).toBeUndefined();
    expect(amazonGetOrders()).toEqual([]);

    // An hour after the sighting: due. The run completes its window first, then replays.
    m.clock.advance(seenAt + REPLAY_SCHEDULE.firstDelayMs - m.clock.nowMs());
    const replayed = await run(tenant.tenantId);
    expect(replayed).toMatchObject({ result: 'done', created: 0, deadLettered: 0 });
    expect(replayed.replay).toEqual({ fetched: 3, ingested: 1, stillBroken: 1, gone: 1, gaveUp: 0 });
    expect(amazonGetOrders().sort()).toEqual([repaired, stuck, UNKNOWN_AMAZON_ID].sort());
    expect(
      m.amazon.requests.filter((r) => r.operation === 'getOrder').every((r) => r.status === 200 || r.status === 404),
    ).toBe(true);
    // Drawn from the connection's own getOrder bucket (seeded from AMAZON_USAGE_PLANS), not from searchOrders'.
    const buckets = await budgets(connection.connectionId);
    expect(buckets.map((b) => b.operation)).toEqual(['getOrder', 'searchOrders']);
    expect(buckets[0].tokens).toBeCloseTo(30 - 3, 0);

    // The repaired order went through the page path: one row, one order.created, sealed PII.
    await expectExactlyOnce(s, tenant.tenantId, 'amazon', [repaired, ...fine]);
    let byOrder = await letters(connection.connectionId);
    expect(byOrder.get(repaired)).toMatchObject({ resolution: 'ingested', gave_up_at: null });
    expect(byOrder.get(repaired)!.resolved_at!.getTime()).toBe(m.clock.nowMs());
    expect(byOrder.get(UNKNOWN_AMAZON_ID)).toMatchObject({ resolution: 'gone', attempts: 1 });
    expect(byOrder.get(UNKNOWN_AMAZON_ID)!.resolved_at!.getTime()).toBe(m.clock.nowMs());
    expect(byOrder.get(stuck)).toMatchObject({
      attempts: 2,
      resolved_at: null,
      gave_up_at: null,
      reason_detail: 'fulfillment.fulfillmentStatus: unknown value',
    });
    expect(byOrder.get(stuck)!.last_seen_at.getTime()).toBe(m.clock.nowMs());
    const anonymousKey = [...byOrder.keys()].find((k) => k.startsWith('?'))!;
    expect(byOrder.get(anonymousKey)).toMatchObject({ attempts: 1, resolved_at: null });

    // Backoff: the second replay of the stuck order waits two hours, not one.
    m.clock.advance(90 * MINUTE);
    m.amazon.resetObservations();
    expect((await run(tenant.tenantId)).replay).toBeUndefined();
    expect(amazonGetOrders()).toEqual([]);

    // Replayed until the cap (attempts count the first sighting), then given up on: open, never asked again.
    const outcomes: SyncOutcome[] = [];
    for (let i = 0; i < REPLAY_SCHEDULE.maxAttempts; i++) {
      m.clock.advance(REPLAY_SCHEDULE.maxDelayMs + HOUR);
      outcomes.push(await run(tenant.tenantId));
    }
    expect(amazonGetOrders()).toEqual(Array(REPLAY_SCHEDULE.maxAttempts - 2).fill(stuck));
    expect(outcomes.map((o) => o.replay?.gaveUp ?? null)).toEqual([0, 0, 0, 0, 0, 1, null, null]);
    byOrder = await letters(connection.connectionId);
    expect(byOrder.get(stuck)).toMatchObject({ attempts: REPLAY_SCHEDULE.maxAttempts, resolved_at: null });
    expect(byOrder.get(stuck)!.gave_up_at).not.toBeNull();
    expect(s.logs.text()).toContain('dead-letter replay gave up on orders');
    expect(byOrder.get(anonymousKey)).toMatchObject({ attempts: 1, resolved_at: null, gave_up_at: null });

    await expectNoLeak([stuck, anonymous, vanished, repaired].flatMap((id) => buyerStrings(m.amazon.buyerOf(id))));
  });

  it('Amazon: replay never draws more than the getOrder budget holds, and a 429 empties it and stops the replay', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Replay budget');
    // The marketplace's own getOrder plan for this seller: three requests, then practically none.
    const { seller, connection } = await amazonConnection(m, s, tenant.tenantId, {
      usagePlans: { getOrder: { rate: 0.0001, burst: 3 } },
    });
    const ids = m.amazon
      .addOrders(seller.sellingPartnerId, 5, { createdAt: m.clock.nowMs() - HOUR, fulfilledBy: 'MERCHANT' })
      .map((o) => o.orderId);
    for (const id of ids) m.amazon.makeOrderMalformed(id, 'unknown-status');
    m.clock.advance(10 * MINUTE);
    expect(await run(tenant.tenantId)).toMatchObject({ result: 'done', deadLettered: 5 });
    m.clock.advance(HOUR);

    // Our shared bucket for getOrder holds two tokens (as if other replicas had drawn the rest).
    await query(
      s,
      `INSERT INTO rate_budgets (tenant_id, connection_id, operation, tokens, rate, burst, refilled_at)
       VALUES ($1, $2, 'getOrder', 2, 0.0001, 30, $3)`,
      [tenant.tenantId, connection.connectionId, m.clock.now()],
    );
    const limited = await run(tenant.tenantId);
    expect(limited).toMatchObject({ result: 'done' });
    expect(limited.replay).toEqual({
      fetched: 2,
      ingested: 0,
      stillBroken: 2,
      gone: 0,
      gaveUp: 0,
      stoppedBy: 'budget',
    });
    expect(m.amazon.requests.filter((r) => r.operation === 'getOrder').map((r) => r.status)).toEqual([200, 200]);
    expect([...(await letters(connection.connectionId)).values()].map((l) => l.attempts).sort()).toEqual([
      1, 1, 1, 2, 2,
    ]);

    // Our bucket refilled, but the marketplace has one request left: the second call is throttled.
    await query(
      s,
      `UPDATE rate_budgets SET tokens = 30, rate = 0.5 WHERE connection_id = $1 AND operation = 'getOrder'`,
      [connection.connectionId],
    );
    m.clock.advance(10 * MINUTE);
    m.amazon.resetObservations();
    const throttled = await run(tenant.tenantId);
    // The sync itself is fine: the run is done, only the replay stopped.
    expect(throttled).toMatchObject({ result: 'done' });
    expect(throttled.replay).toEqual({
      fetched: 1,
      ingested: 0,
      stillBroken: 1,
      gone: 0,
      gaveUp: 0,
      stoppedBy: 'QuotaExceeded',
    });
    expect(m.amazon.requests.filter((r) => r.operation === 'getOrder').map((r) => r.status)).toEqual([200, 429]);
    const [bucket] = await budgets(connection.connectionId);
    expect(bucket).toMatchObject({ operation: 'getOrder', tokens: 0 });
    expect(bucket.blocked_until!.getTime()).toBeGreaterThan(m.clock.nowMs());
    // The throttled request taught nothing about its order: still attempts 1.
    expect([...(await letters(connection.connectionId)).values()].map((l) => l.attempts).sort()).toEqual([
      1, 1, 2, 2, 2,
    ]);
  });

  it('eBay: a repaired order comes back through getOrder on its own budget; a still broken one counts an attempt', async () => {
    const tenant = await s.tenants.create(TEST_ACTOR, 'Replay eBay');
    const { seller, connection } = await ebayConnection(m, s, tenant.tenantId);
    const [repaired, stuck, anonymous, fine] = m.ebay
      .addOrders(seller.sellerId, 4, { createdAt: new Date(m.clock.nowMs() - HOUR), spacingMs: 1000 })
      .map((o) => o.orderId);
    m.ebay.makeOrderMalformed(repaired, 'non-string-amount');
    m.ebay.makeOrderMalformed(repaired, 'unknown-status');
    m.ebay.makeOrderMalformed(stuck, 'missing-line-items');
    m.ebay.makeOrderMalformed(anonymous, 'missing-order-id');
    m.clock.advance(10 * MINUTE);
    expect(await run(tenant.tenantId)).toMatchObject({ result: 'done', created: 1, deadLettered: 3 });

    m.ebay.repairOrder(repaired);
    m.clock.advance(REPLAY_SCHEDULE.firstDelayMs);
    m.ebay.resetObservations();
    const replayed = await run(tenant.tenantId);
    expect(replayed.replay).toEqual({ fetched: 2, ingested: 1, stillBroken: 1, gone: 0, gaveUp: 0 });
    const getOrders = m.ebay.requests.filter((r) => r.operation === 'getOrder');
    expect(getOrders.map((r) => decodeURIComponent(r.path.split('/').pop()!)).sort()).toEqual([repaired, stuck].sort());
    expect((await budgets(connection.connectionId)).map((b) => b.operation)).toEqual(['getOrder', 'getOrders']);

    await expectExactlyOnce(s, tenant.tenantId, 'ebay', [fine, repaired]);
    const byOrder = await letters(connection.connectionId);
    expect(byOrder.get(repaired)).toMatchObject({ resolution: 'ingested' });
    expect(byOrder.get(stuck)).toMatchObject({
      attempts: 2,
      resolved_at: null,
      reason_detail: 'lineItems: expected an array',
    });
    await expectNoLeak([stuck, anonymous].flatMap((id) => buyerStrings(m.ebay.buyerOf(id))));
  });
});
