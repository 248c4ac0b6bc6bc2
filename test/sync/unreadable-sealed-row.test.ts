import { DataKeyService } from '../../src/crypto';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { buyerStrings } from '../../src/sandbox/buyers';
import { REPLAY_SCHEDULE } from '../../src/sync/dead-letter-replay';
import { DEAD_LETTER_PURPOSE } from '../../src/sync/page-committer';
import type { SyncOutcome } from '../../src/sync/sync-outcome';
import { startMarketplaces, startSyncApp, type MarketplaceHarness, type SyncApp } from '../support/marketplace-harness';
import { amazonConnection, eventsByOrder, HOUR, MINUTE, openPii, query, sealedPii } from './sync-checks';
import { TEST_ACTOR } from '../support/test-actor';

interface RowState {
  version: number;
  pii_ciphertext: Buffer;
  content_hash: Buffer;
  marketplace_updated_at: Date;
}

interface LetterRow {
  dead_letter_id: string;
  marketplace_order_id: string;
  reason_code: string;
  reason_detail: string;
  attempts: number;
  resolved_at: Date | null;
  payload_ciphertext: Buffer;
}

/** Flips the last bit of a bytea column by SQL: what a bad restore, a disk fault or an attacker leaves behind. */
const FLIP_LAST_BIT = (column: string) =>
  `${column} = set_byte(${column}, length(${column}) - 1, get_byte(${column}, length(${column}) - 1) # 1)`;

describe('an unreadable sealed row is set aside alone; its connection keeps syncing', () => {
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

  const run = async (tenantId: string): Promise<SyncOutcome> => {
    const outcomes = await s.sync.runOnce(tenantId);
    expect(outcomes).toHaveLength(1);
    return outcomes[0];
  };
  const row = async (orderId: string) =>
    (
      await query<RowState>(
        s,
        `SELECT version, pii_ciphertext, content_hash, marketplace_updated_at FROM orders WHERE order_id = $1`,
        [orderId],
      )
    )[0];
  const letters = (connectionId: string) =>
    query<LetterRow>(
      s,
      `SELECT dead_letter_id, marketplace_order_id, reason_code, reason_detail, attempts, resolved_at, payload_ciphertext
         FROM dead_letters WHERE connection_id = $1 ORDER BY first_seen_at`,
      [connectionId],
    );
  /** The marketplace changes the buyer's street: a PII change the merge must open the stored row for. */
  let street = 0;
  const moveBuyer = (orderId: string) =>
    m.amazon.updateOrder(orderId, (o) => {
      o.buyer = { ...o.buyer, addressLine1: `Ovsimallee ${++street}` };
    });
  /** A tenant whose Amazon connection has synced `count` merchant-fulfilled orders (buyer data sealed). */
  const syncedOrders = async (name: string, count: number) => {
    const tenant = await s.tenants.create(TEST_ACTOR, name);
    const { seller, connection } = await amazonConnection(m, s, tenant.tenantId);
    m.amazon.addOrders(seller.sellingPartnerId, count, {
      createdAt: m.clock.nowMs() - HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    m.clock.advance(10 * MINUTE);
    expect(await run(tenant.tenantId)).toMatchObject({ result: 'done', created: count });
    const sealed = await sealedPii(s, tenant.tenantId, 'amazon');
    expect(sealed).toHaveLength(count);
    return { tenant, connection, sealed };
  };

  it('tampered pii_ciphertext: that order is dead-lettered PII-free with an error alert, the rest commits, the row stays as it was', async () => {
    const { tenant, connection, sealed } = await syncedOrders('Tampered row', 3);
    const [tampered, other, untouched] = sealed;
    await query(s, `UPDATE orders SET ${FLIP_LAST_BIT('pii_ciphertext')} WHERE order_id = $1`, [tampered.orderId]);
    const before = await row(tampered.orderId);
    expect(before.pii_ciphertext.equals(tampered.ciphertext)).toBe(false);

    moveBuyer(tampered.marketplaceOrderId);
    moveBuyer(other.marketplaceOrderId);
    m.clock.advance(10 * MINUTE);
    const outcome = await run(tenant.tenantId);
    // Before: crypto_failure failed the page, every run, and the other order never arrived.
    expect(outcome).toMatchObject({ result: 'done', updated: 1, deadLettered: 1 });

    // The other order's move is stored (merged, resealed, its event written).
    const otherPii = (await openPii(s, tenant.tenantId, [(await sealedPii(s, tenant.tenantId, 'amazon'))[1]])).get(
      other.orderId,
    )!;
    expect(otherPii.shippingAddress!.lines).toContain(m.amazon.buyerOf(other.marketplaceOrderId).addressLine1);
    const events = await eventsByOrder(s, tenant.tenantId, 'amazon');
    expect(events.get(other.marketplaceOrderId)).toEqual(['order.created', 'order.updated']);
    // The tampered one is untouched: not re-sealed over, not versioned, no event.
    expect(await row(tampered.orderId)).toEqual(before);
    expect(events.get(tampered.marketplaceOrderId)).toEqual(['order.created']);
    expect(events.get(untouched.marketplaceOrderId)).toEqual(['order.created']);

    // Dead-lettered with a PII-free reason; the order as it came in is sealed under the letter's own key.
    const [letter] = await letters(connection.connectionId);
    expect(letter).toMatchObject({
      marketplace_order_id: tampered.marketplaceOrderId,
      reason_code: 'sealed_data_unreadable',
      attempts: 1,
      resolved_at: null,
    });
    expect(letter.reason_detail).toMatch(/could not be opened/);
    const payload = await s.app.get(TransactionManager).run(async (tx) => {
      const key = await s.app.get(DataKeyService).openDataKey(tx, tenant.tenantId, letter.dead_letter_id);
      return key.open(DEAD_LETTER_PURPOSE, letter.payload_ciphertext).toString('utf8');
    });
    expect(payload).toContain(m.amazon.buyerOf(tampered.marketplaceOrderId).addressLine1);

    // One error-level alert naming our order id, and no buyer datum (old or new) anywhere in logs or letters.
    const alerts = s.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
    expect(alerts).toEqual([
      expect.objectContaining({
        orderId: tampered.orderId,
        reason: 'sealed_data_unreadable',
        msg: expect.stringMatching(/set aside/),
      }),
    ]);
    const table = (await query<{ j: string }>(s, `SELECT row_to_json(d)::text AS j FROM dead_letters d`)).map(
      (r) => r.j,
    );
    const secrets = [tampered, other].flatMap((o) => buyerStrings(m.amazon.buyerOf(o.marketplaceOrderId)));
    expect(secrets.filter((v) => s.logs.text().includes(v) || table.join('\n').includes(v))).toEqual([]);
    expect(s.logs.text().toLowerCase()).not.toContain('ovsim');

    // Still failing closed: the next change is set aside too (attempts, not a new letter), the row never rewritten.
    moveBuyer(tampered.marketplaceOrderId);
    m.clock.advance(10 * MINUTE);
    expect(await run(tenant.tenantId)).toMatchObject({ result: 'done', updated: 0, deadLettered: 1 });
    expect(await row(tampered.orderId)).toEqual(before);
    expect((await letters(connection.connectionId)).map((l) => [l.reason_code, l.attempts])).toEqual([
      ['sealed_data_unreadable', 2],
    ]);
    // Not a letter replay can settle: no getOrder for it, however long it waits; and it stays open.
    m.amazon.resetObservations();
    m.clock.advance(REPLAY_SCHEDULE.maxDelayMs);
    expect((await run(tenant.tenantId)).replay).toBeUndefined();
    expect(m.amazon.requests.filter((r) => r.operation === 'getOrder')).toEqual([]);
    // (The next window's overlap served the order once more: one more sighting, set aside again.)
    expect(await letters(connection.connectionId)).toEqual([
      expect.objectContaining({ reason_code: 'sealed_data_unreadable', resolved_at: null }),
    ]);
    expect(await row(tampered.orderId)).toEqual(before);
  });

  it('a tampered wrapped data key fails the batch of keys: the other orders are still told apart and merged', async () => {
    const { tenant, connection, sealed } = await syncedOrders('Tampered key', 3);
    const [tampered, ...others] = sealed;
    await query(s, `UPDATE data_keys SET ${FLIP_LAST_BIT('wrapped_key')} WHERE subject_id = $1`, [tampered.orderId]);
    const before = await row(tampered.orderId);

    for (const o of sealed) moveBuyer(o.marketplaceOrderId);
    m.clock.advance(10 * MINUTE);
    expect(await run(tenant.tenantId)).toMatchObject({ result: 'done', updated: 2, deadLettered: 1 });
    expect(await row(tampered.orderId)).toEqual(before);
    const resealed = (await sealedPii(s, tenant.tenantId, 'amazon')).filter((r) => r.orderId !== tampered.orderId);
    const opened = await openPii(s, tenant.tenantId, resealed);
    for (const o of others) {
      expect(opened.get(o.orderId)!.shippingAddress!.lines).toContain(
        m.amazon.buyerOf(o.marketplaceOrderId).addressLine1,
      );
    }
    expect(await letters(connection.connectionId)).toEqual([
      expect.objectContaining({
        marketplace_order_id: tampered.marketplaceOrderId,
        reason_code: 'sealed_data_unreadable',
      }),
    ]);
  });

  it('more than five unreadable rows in one page is a key problem, not a row: the page fails whole, nothing set aside', async () => {
    const { tenant, connection, sealed } = await syncedOrders('Key problem', 7);
    await query(s, `UPDATE orders SET ${FLIP_LAST_BIT('pii_ciphertext')} WHERE order_id = ANY($1::uuid[])`, [
      sealed.slice(0, 6).map((o) => o.orderId),
    ]);
    const readable = sealed[6];
    for (const o of sealed) moveBuyer(o.marketplaceOrderId);
    m.clock.advance(10 * MINUTE);
    expect(await run(tenant.tenantId)).toMatchObject({ result: 'failed', errorCode: 'crypto_failure', updated: 0 });
    expect(await letters(connection.connectionId)).toEqual([]);
    expect((await row(readable.orderId)).version).toBe(1);
  });
});
