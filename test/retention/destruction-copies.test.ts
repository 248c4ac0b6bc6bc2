import { jobActor } from '../../src/auth';
import { dumpAllRows } from '../../src/demo/database-dump';
import { RetentionSweeper } from '../../src/retention';
import { buyerStrings } from '../../src/sandbox/buyers';
import { DataSource } from 'typeorm';
import {
  connectedTenant,
  startMarketplaces,
  startSyncApp,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { HOUR, MINUTE, query } from '../sync/sync-checks';
import { DAY, everythingStillReadable, receipts } from './retention-fixture';

interface LetterRow {
  dead_letter_id: string;
  marketplace_order_id: string;
  resolution: string | null;
  payload_ciphertext: Buffer | null;
}

/**
 * Every copy goes with the order: dead letters of a destroyed order (open and
 * resolved), unidentified letters by age, and an order the marketplace serves
 * again after destruction never takes buyer data back, not even as a letter.
 * Real Amazon client against the simulator.
 */
describe('destruction reaches every copy; a re-served order stays destroyed', () => {
  let m: MarketplaceHarness;
  let s: SyncApp;
  let t: Awaited<ReturnType<typeof connectedTenant>>;
  let a: string;
  let b: string;
  let c: string;
  beforeAll(async () => {
    m = await startMarketplaces();
    s = await startSyncApp(m);
    t = await connectedTenant(m, s, 'Copies');
  });
  afterAll(async () => {
    await s.close();
    await m.close();
  });

  const sync = async () => {
    m.clock.advance(10 * MINUTE);
    await s.sync.runOnce(t.tenant.tenantId);
  };
  const letters = () =>
    query<LetterRow>(
      s,
      `SELECT dead_letter_id, marketplace_order_id, resolution, payload_ciphertext FROM dead_letters
        WHERE tenant_id = $1 ORDER BY first_seen_at, marketplace_order_id`,
      [t.tenant.tenantId],
    );
  const order = (marketplaceOrderId: string) =>
    query<{ order_id: string; pii_state: string; pii_ciphertext: Buffer | null; version: number }>(
      s,
      `SELECT order_id, pii_state, pii_ciphertext, version FROM orders WHERE tenant_id = $1 AND marketplace_order_id = $2`,
      [t.tenant.tenantId, marketplaceOrderId],
    ).then((r) => r[0]);
  const keysOf = (ids: string[]) =>
    query<{ n: number }>(s, `SELECT count(*)::int AS n FROM data_keys WHERE subject_id = ANY($1::uuid[])`, [ids]).then(
      (r) => r[0].n,
    );

  it('sets up: a delivered order with an open letter, one with a resolved letter, one kept, one unidentified letter', async () => {
    const seller = t.amazonSeller.sellingPartnerId;
    [a, b, c] = m.amazon
      .addOrders(seller, 3, { createdAt: m.clock.nowMs() - HOUR, status: 'UNSHIPPED', fulfilledBy: 'MERCHANT' })
      .map((o) => o.orderId);
    const unidentified = m.amazon.addOrder(seller, { createdAt: m.clock.nowMs() - HOUR, fulfilledBy: 'MERCHANT' });
    m.amazon.makeOrderMalformed(b, 'bad-timestamp');
    m.amazon.makeOrderMalformed(unidentified.orderId, 'missing-order-id');
    await sync();
    m.amazon.repairOrder(b);
    m.amazon.updateOrder(b, () => undefined);
    await sync();
    for (const id of [a, b]) m.amazon.ship(id);
    await sync();
    for (const id of [a, b]) m.amazon.deliver(id);
    await sync();
    m.amazon.makeOrderMalformed(a, 'non-string-amount');
    m.amazon.updateOrder(a, () => undefined);
    await sync();

    const rows = await letters();
    expect(
      rows.map((r) => [r.marketplace_order_id.startsWith('?') ? '?' : r.marketplace_order_id, r.resolution]),
    ).toEqual(
      expect.arrayContaining([
        [b, 'ingested'],
        ['?', null],
        [a, null],
      ]),
    );
    expect(rows.every((r) => r.payload_ciphertext !== null)).toBe(true);
    expect((await order(a)).pii_state).toBe('present');
    expect((await order(c)).pii_state).toBe('present');
  });

  it('31 days on, the delivered orders are destroyed with their letters (open and resolved); the old unidentified letter expires', async () => {
    m.clock.advance(31 * DAY);
    const summary = await s.app.get(RetentionSweeper).sweep(jobActor('retention-sweep'));
    expect(summary.tenants[0]).toMatchObject({ destroyed: { amazon: 2, ebay: 0 }, copies: { dead_letters: 2 } });
    expect(summary.unidentifiedLetters).toBe(1);
    for (const id of [a, b]) expect((await order(id)).pii_state).toBe('destroyed');
    expect((await order(c)).pii_state).toBe('present');

    const rows = await letters();
    expect(rows.every((r) => r.payload_ciphertext === null)).toBe(true);
    expect(await keysOf(rows.map((r) => r.dead_letter_id))).toBe(0);
    const rs = await receipts(s.app, t.tenant.tenantId);
    expect(rs).toHaveLength(2);
    expect(rs[0].order_ids!.sort()).toEqual([(await order(a)).order_id, (await order(b)).order_id].sort());
    expect(rs[0].reason).toContain('copies destroyed: 2 dead_letters');
    expect(rs[1].order_ids).toBeNull();
    expect(rs[1].reason).toContain('dead-letter payload(s) without an order id');
  });

  it('served again by the marketplace (with buyer data, readable or not), the orders stay destroyed', async () => {
    const before = await order(a);
    m.amazon.repairOrder(a);
    m.amazon.updateOrder(a, () => undefined);
    m.amazon.makeOrderMalformed(b, 'non-string-amount');
    m.amazon.updateOrder(b, () => undefined);
    await sync();
    const after = await order(a);
    expect(after).toMatchObject({ pii_state: 'destroyed', pii_ciphertext: null, version: before.version + 1 });
    expect(await keysOf([after.order_id, (await order(b)).order_id])).toBe(0);
    // b's new letter records the failure without keeping the payload it came with.
    const fresh = (await letters()).filter((r) => r.marketplace_order_id === b && r.resolution === null);
    expect(fresh).toHaveLength(1);
    expect(fresh[0].payload_ciphertext).toBeNull();
    expect(await keysOf([fresh[0].dead_letter_id])).toBe(0);
  });

  it('no buyer string of the destroyed orders is anywhere: full dump, or anything the remaining keys open', async () => {
    const dump = (await dumpAllRows(s.app.get(DataSource))).text;
    const readable = (await everythingStillReadable(s.app)).join('\n');
    const unique = (id: string) => {
      const buyer = m.amazon.buyerOf(id);
      return [buyer.familyName, buyer.email, buyer.marketplaceBuyerId];
    };
    for (const id of [a, b]) {
      for (const needle of [...buyerStrings(m.amazon.buyerOf(id))])
        expect([needle, dump.includes(needle)]).toEqual([needle, false]);
      for (const needle of unique(id)) expect([needle, readable.includes(needle)]).toEqual([needle, false]);
    }
    // Control: the kept order's buyer data is still there to be read.
    expect(unique(c).some((needle) => readable.includes(needle))).toBe(true);
  });

  it('when the order records expire (18 months after purchase) their dead letters are deleted with them', async () => {
    const ids = [(await order(a)).order_id, (await order(b)).order_id];
    expect((await letters()).filter((r) => [a, b].includes(r.marketplace_order_id)).length).toBeGreaterThanOrEqual(3);
    m.clock.advance(550 * DAY);
    const summary = await s.app.get(RetentionSweeper).sweep(jobActor('retention-sweep'));
    // c's buyer data goes first (its window ended long ago), then all three records (18 months after purchase).
    expect(summary.tenants[0].recordsExpired.amazon).toBe(3);
    expect(summary.tenants[0].recordRows.dead_letters).toBeGreaterThanOrEqual(3);
    expect((await letters()).filter((r) => [a, b, c].includes(r.marketplace_order_id))).toEqual([]);
    expect(await keysOf(ids)).toBe(0);
  });
});
