import { DataKeyService } from '../../src/crypto';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { buyerStrings } from '../../src/sandbox/buyers';
import { DEAD_LETTER_PURPOSE } from '../../src/sync/page-committer';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { eventsByOrder, expectExactlyOnce, HOUR, MINUTE, query, storedOrders, syncState } from './sync-checks';

interface DeadLetterRow {
  dead_letter_id: string;
  marketplace: string;
  marketplace_order_id: string;
  reason_code: string;
  reason_detail: string;
  attempts: number;
  resolved_at: Date | null;
  payload_ciphertext: Buffer | null;
}

describe('malformed orders are dead-lettered, sealed and resolved; the rest of the page commits', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  let t: Awaited<ReturnType<typeof connectedTenant>>;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
    t = await connectedTenant(m, s, 'Poison');
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  const deadLetters = (marketplace: string) =>
    query<DeadLetterRow>(
      s,
      `SELECT dead_letter_id, marketplace, marketplace_order_id, reason_code, reason_detail, attempts, resolved_at,
              payload_ciphertext
         FROM dead_letters WHERE tenant_id = $1 AND marketplace = $2 ORDER BY first_seen_at, marketplace_order_id`,
      [t.tenant.tenantId, marketplace],
    );

  /** The whole dead_letters table as text (bytea as hex), as a dump or a support query would show it. */
  const deadLetterTableText = async () =>
    (await query<{ j: string }>(s, `SELECT row_to_json(d)::text AS j FROM dead_letters d`)).map((r) => r.j).join('\n');

  const openPayload = async (row: DeadLetterRow) =>
    s.app.get(TransactionManager).run(async (tx) => {
      const key = await s.app.get(DataKeyService).openDataKey(tx, t.tenant.tenantId, row.dead_letter_id);
      return key.open(DEAD_LETTER_PURPOSE, row.payload_ciphertext!).toString('utf8');
    });

  it('Amazon: every malformation is dead-lettered PII-free and sealed; repeats count; a repaired order resolves', async () => {
    const orders = m.amazon.addOrders(t.amazonSeller.sellingPartnerId, 250, {
      createdAt: m.clock.nowMs() - 5 * HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    const broken = {
      'bad-timestamp': orders[120].orderId,
      'non-string-amount': orders[121].orderId,
      'unknown-status': orders[122].orderId,
      'missing-order-items': orders[123].orderId,
      'missing-order-id': orders[124].orderId,
    } as const;
    for (const [kind, id] of Object.entries(broken)) m.amazon.makeOrderMalformed(id, kind as keyof typeof broken);
    m.clock.advance(10 * MINUTE);

    const run = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'amazon')!;
    expect(run).toMatchObject({ result: 'done', pages: 3, created: 245, deadLettered: 5 });
    const good = orders.map((o) => o.orderId).filter((id) => !Object.values(broken).includes(id as never));
    await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', good);
    // The cursor moved past the window although five orders could not be read.
    const state = await syncState(s, t.tenant.tenantId, t.amazon.connectionId);
    expect(state).toMatchObject({ page_position: null, window_from: null, consecutive_failures: 0 });
    expect(state.cursor!.getTime()).toBeGreaterThan(m.clock.nowMs() - 5 * MINUTE);

    let letters = await deadLetters('amazon');
    expect(letters).toHaveLength(5);
    const byOrder = new Map(letters.map((l) => [l.marketplace_order_id, l]));
    expect(byOrder.get(broken['bad-timestamp'])).toMatchObject({
      reason_code: 'bad_data',
      reason_detail: 'lastUpdatedTime: expected an ISO-8601 instant',
      attempts: 1,
      resolved_at: null,
    });
    expect(byOrder.get(broken['non-string-amount'])!.reason_detail).toBe(
      'orderItems[0].product.price.unitPrice.amount: expected a decimal string',
    );
    expect(byOrder.get(broken['unknown-status'])!.reason_detail).toBe('fulfillment.fulfillmentStatus: unknown value');
    expect(byOrder.get(broken['missing-order-items'])!.reason_detail).toBe('orderItems: expected an array');
    // No id on the wire: keyed by a keyed digest of the payload, never by anything readable.
    const anonymous = letters.find((l) => l.marketplace_order_id.startsWith('?'))!;
    expect(anonymous.marketplace_order_id).toMatch(/^\?[0-9a-f]{24}$/);
    expect(anonymous.reason_detail).toBe('orderId: expected a non-empty string');

    // PII-free reasons, sealed payloads: no buyer datum of the broken orders anywhere in the table...
    const secrets = Object.values(broken).flatMap((id) => buyerStrings(m.amazon.buyerOf(id)));
    const table = await deadLetterTableText();
    expect(secrets.filter((v) => table.includes(v))).toEqual([]);
    expect(table.toLowerCase()).not.toContain('ovsim');
    // ...but the sealed payload is the real order: its own data key opens it (for diagnosis).
    const opened = await openPayload(byOrder.get(broken['bad-timestamp'])!);
    expect(opened).toContain(broken['bad-timestamp']);
    expect(opened).toContain(m.amazon.buyerOf(broken['bad-timestamp']).fullName);
    // Nor in the logs the sync wrote about them.
    const logText = s.logs.text();
    expect(logText).toContain('orders dead-lettered');
    expect(secrets.filter((v) => logText.includes(v))).toEqual([]);

    // Seen again still broken (the order changed, so the next window serves it): attempts, not a new row.
    m.clock.advance(MINUTE);
    m.amazon.ship(broken['bad-timestamp']);
    m.clock.advance(10 * MINUTE);
    const again = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'amazon')!;
    expect(again).toMatchObject({ created: 0, deadLettered: 1 });
    letters = await deadLetters('amazon');
    expect(letters).toHaveLength(5);
    expect(letters.find((l) => l.marketplace_order_id === broken['bad-timestamp'])).toMatchObject({
      attempts: 2,
      resolved_at: null,
    });

    // The marketplace serves it well again (repaired, and changed so the poll sees it): ingested, resolved.
    m.amazon.repairOrder(broken['bad-timestamp']);
    m.clock.advance(MINUTE);
    m.amazon.deliver(broken['bad-timestamp']);
    m.clock.advance(10 * MINUTE);
    const healed = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'amazon')!;
    expect(healed).toMatchObject({ created: 1, deadLettered: 0 });
    letters = await deadLetters('amazon');
    expect(letters).toHaveLength(5);
    const resolved = letters.find((l) => l.marketplace_order_id === broken['bad-timestamp'])!;
    expect(resolved.attempts).toBe(2);
    expect(resolved.resolved_at!.getTime()).toBe(m.clock.nowMs());
    expect(letters.filter((l) => l.resolved_at === null)).toHaveLength(4);
    expect((await storedOrders(s, t.tenant.tenantId, 'amazon')).get(broken['bad-timestamp'])).toMatchObject({
      status: 'delivered',
      version: 1,
    });
    expect((await eventsByOrder(s, t.tenant.tenantId, 'amazon')).get(broken['bad-timestamp'])).toEqual([
      'order.created',
    ]);
    await expectExactlyOnce(s, t.tenant.tenantId, 'amazon', [...good, broken['bad-timestamp']]);

    // Broken again later: a new open dead letter (the resolved one stays as history).
    m.amazon.makeOrderMalformed(broken['bad-timestamp'], 'non-string-amount');
    m.clock.advance(MINUTE);
    m.amazon.updateOrder(broken['bad-timestamp'], (o) => (o.sellerOrderId = 'SO-relapse'));
    m.clock.advance(10 * MINUTE);
    await s.sync.runOnce(t.tenant.tenantId);
    letters = (await deadLetters('amazon')).filter((l) => l.marketplace_order_id === broken['bad-timestamp']);
    expect(letters.map((l) => [l.resolved_at === null, l.attempts])).toEqual([
      [false, 2],
      [true, 1],
    ]);
  });

  it('eBay: malformed orders are dead-lettered PII-free; the page commits; a repeat bumps attempts', async () => {
    // This connection has synced already (empty): orders appear at "now" so the next poll sees them.
    const orders = m.ebay.addOrders(t.ebaySeller.sellerId, 230, { spacingMs: 1000 });
    const kinds = [
      'missing-order-id',
      'bad-timestamp',
      'non-string-amount',
      'unknown-status',
      'missing-line-items',
    ] as const;
    const broken = Object.fromEntries(kinds.map((k, i) => [k, orders[10 + i].orderId])) as Record<
      (typeof kinds)[number],
      string
    >;
    for (const k of kinds) m.ebay.makeOrderMalformed(broken[k], k);
    // Tolerated, not dead-lettered: the mapper treats the buyer block as optional.
    m.ebay.makeOrderMalformed(orders[20].orderId, 'missing-buyer');
    m.clock.advance(10 * MINUTE);

    const run = (await s.sync.runOnce(t.tenant.tenantId)).find((o) => o.marketplace === 'ebay')!;
    expect(run).toMatchObject({ result: 'done', pages: 2, created: 225, deadLettered: 5 });
    const good = orders.map((o) => o.orderId).filter((id) => !Object.values(broken).includes(id));
    await expectExactlyOnce(s, t.tenant.tenantId, 'ebay', good);
    expect((await syncState(s, t.tenant.tenantId, t.ebay.connectionId)).page_position).toBeNull();

    const letters = await deadLetters('ebay');
    expect(letters.map((l) => l.reason_detail).sort()).toEqual(
      [
        'creationDate: expected an ISO-8601 instant',
        'lineItems: expected an array',
        'orderFulfillmentStatus: unknown value',
        'orderId: expected a non-empty string',
        'lineItems[0].lineItemCost.value: expected a decimal string',
      ].sort(),
    );
    expect(letters.every((l) => l.attempts === 1 && l.payload_ciphertext !== null)).toBe(true);
    const secrets = Object.values(broken).flatMap((id) => buyerStrings(m.ebay.buyerOf(id)));
    const table = await deadLetterTableText();
    expect(secrets.filter((v) => table.includes(v))).toEqual([]);
    expect(table.toLowerCase()).not.toContain('ovsim');

    // Still broken on the next sighting: attempts 2, one row per order.
    m.clock.advance(MINUTE);
    m.ebay.ship(broken['non-string-amount']);
    m.clock.advance(10 * MINUTE);
    await s.sync.runOnce(t.tenant.tenantId);
    const after = await deadLetters('ebay');
    expect(after).toHaveLength(5);
    expect(after.find((l) => l.marketplace_order_id === broken['non-string-amount'])!.attempts).toBe(2);
    // (The eBay simulator cannot un-break an order, so resolution is shown on Amazon only.)
  });
});
