import { DataSource } from 'typeorm';
import { AuditVerifier, ALL_TENANTS } from '../../src/audit';
import { jobActor } from '../../src/auth';
import { dumpAllRows } from '../../src/demo/database-dump';
import { RetentionSweeper } from '../../src/retention';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { DAY, everythingStillReadable, receipts, seedDelivered, sql, type SeededOrders } from './retention-fixture';

const SWEEP = jobActor('retention-sweep');

/**
 * Destroying buyer data when its window has passed: what an order looks like
 * afterwards, the receipt, windows and their changes, a batch that fails half
 * way, and a dump that no longer holds anything of the destroyed orders.
 */
describe('retention sweep: destroying buyer data that is due', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  let amazon: SeededOrders;
  let ebay: SeededOrders;
  const deliveredAt = new Date('2026-11-02T09:00:00Z');
  const sweeper = () => t.app.get(RetentionSweeper);
  beforeAll(async () => {
    // Batches of 4 so a handful of orders exercises several batches and receipts.
    t = await startTestApp({ env: { RETENTION_BATCH_SIZE: '4' } });
    tenantId = await t.tenant('Retention');
    owner = (await t.seller(tenantId, ['retention:manage', 'orders:read', 'orders:read_pii'])).auth;
    amazon = await seedDelivered(t.app, tenantId, { marketplace: 'amazon', count: 10, deliveredAt, firstIndex: 100 });
    ebay = await seedDelivered(t.app, tenantId, { marketplace: 'ebay', count: 6, deliveredAt, firstIndex: 200 });
  });
  afterAll(() => t.close());

  const orderRow = (orderId: string) =>
    sql<{
      pii_state: string;
      pii_ciphertext: Buffer | null;
      email_index: Buffer | null;
      buyer_index: Buffer | null;
      content_hash: Buffer;
      version: number;
      pii_destroyed_at: Date | null;
    }>(
      t.app,
      `SELECT pii_state, pii_ciphertext, email_index, buyer_index, content_hash, version, pii_destroyed_at
         FROM orders WHERE order_id = $1`,
      [orderId],
    ).then((r) => r[0]);
  const keyCount = (ids: string[]) =>
    sql<{ n: number }>(t.app, `SELECT count(*)::int AS n FROM data_keys WHERE subject_id = ANY($1::uuid[])`, [
      ids,
    ]).then((r) => r[0].n);
  const destroyedEvents = (ids: string[]) =>
    sql<{ order_id: string; order_version: number; payload: Record<string, unknown> }>(
      t.app,
      `SELECT order_id, order_version, payload FROM outbox_events
        WHERE type = 'order.pii_destroyed' AND order_id = ANY($1::uuid[])`,
      [ids],
    );

  it('nothing is destroyed before the window has passed', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 30 * DAY - 1000));
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.destroyed).toBe(0);
    expect(await keyCount([...amazon.orderIds, ...ebay.orderIds])).toBe(16);
  });

  it('30 days after delivery the Amazon orders are destroyed: key, ciphertext, indexes, digest, state, version, event', async () => {
    const before = await orderRow(amazon.orderIds[0]);
    expect(before.pii_state).toBe('present');
    expect(before.email_index).not.toBeNull();
    t.clock.set(new Date(deliveredAt.getTime() + 30 * DAY));
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.tenants).toEqual([
      expect.objectContaining({ tenantId, destroyed: { amazon: 10, ebay: 0 }, batches: 3 }),
    ]);

    for (const orderId of amazon.orderIds) {
      const row = await orderRow(orderId);
      expect(row).toMatchObject({
        pii_state: 'destroyed',
        pii_ciphertext: null,
        email_index: null,
        buyer_index: null,
        version: before.version + 1,
        pii_destroyed_at: t.clock.now(),
      });
      expect(row.content_hash.subarray(32).equals(Buffer.alloc(32))).toBe(true);
    }
    // The order facts' half of the digest is untouched.
    const after = await orderRow(amazon.orderIds[0]);
    expect(after.content_hash.subarray(0, 32).equals(before.content_hash.subarray(0, 32))).toBe(true);
    expect(before.content_hash.subarray(32).equals(Buffer.alloc(32))).toBe(false);
    expect(await keyCount(amazon.orderIds)).toBe(0);
    expect(await keyCount(ebay.orderIds)).toBe(6);
    const events = await destroyedEvents(amazon.orderIds);
    expect(events.map((e) => e.order_id).sort()).toEqual([...amazon.orderIds].sort());
    expect(events[0].order_version).toBe(before.version + 1);
    expect(events[0].payload).toMatchObject({ status: 'delivered', marketplace: 'amazon' });
    expect(JSON.stringify(events)).not.toMatch(/Ovsim/i);
  });

  it('one pii.destroyed receipt per batch (at most the batch size) lists every order once, with the window applied', async () => {
    const rs = await receipts(t.app, tenantId);
    expect(rs).toHaveLength(3);
    expect(rs.map((r) => r.order_ids!.length)).toEqual([4, 4, 2]);
    expect(rs.flatMap((r) => r.order_ids!).sort()).toEqual([...amazon.orderIds].sort());
    expect(rs[0].actor_id).toBe('job:retention-sweep');
    expect(rs[0].reason).toContain('amazon buyer-data window 30 days after the retention anchor');
    expect(rs[0].reason).toContain('data keys shredded: 4');
  });

  it('a second sweep finds nothing to do', async () => {
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.destroyed).toBe(0);
    expect(await receipts(t.app, tenantId)).toHaveLength(3);
  });

  it('the masked view says destroyed; a reveal is a 410 gone, not a crypto failure', async () => {
    const orderId = amazon.orderIds[0];
    const view = await t.http().get(`/v1/orders/${orderId}`).set(owner).expect(200);
    expect(view.body.buyer).toEqual({ pii: 'destroyed' });
    expect(view.body.piiDestroyedAt).toBe(t.clock.now().toISOString());
    const reveal = await t
      .http()
      .post(`/v1/orders/${orderId}/reveal`)
      .set(owner)
      .set('X-Access-Reason', 'customer asked about the delivery')
      .expect(410);
    expect(reveal.body.error.code).toBe('gone');
    expect(reveal.body.error.message).toContain('destroyed');
    // Orders still in their window reveal as before.
    await t
      .http()
      .post(`/v1/orders/${ebay.orderIds[0]}/reveal`)
      .set(owner)
      .set('X-Access-Reason', 'customer asked about the delivery')
      .expect(200);
  });

  it('shortening the eBay window makes its orders due at once: the next sweep destroys them', async () => {
    expect((await sweeper().sweep(SWEEP)).destroyed).toBe(0);
    await t
      .http()
      .put('/v1/retention')
      .set(owner)
      .send({ ebay: { piiWindowDays: 20 } })
      .expect(200);
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.tenants[0].destroyed).toEqual({ amazon: 0, ebay: 6 });
    const last = (await receipts(t.app, tenantId)).at(-1)!;
    expect(last.reason).toContain('ebay buyer-data window 20 days');
    expect(await keyCount(ebay.orderIds)).toBe(0);
  });

  it('no buyer string of a destroyed order is left: not in a full dump, not in anything the keys still open', async () => {
    const dump = await dumpAllRows(t.app.get(DataSource));
    const readable = (await everythingStillReadable(t.app)).join('\n');
    for (const needle of [...amazon.buyerNeedles, ...ebay.buyerNeedles]) {
      expect([needle, dump.text.includes(needle)]).toEqual([needle, false]);
      expect([needle, readable.includes(needle)]).toEqual([needle, false]);
    }
  });

  it('the access log verifies with the receipts in it', async () => {
    const report = await t.app.get(AuditVerifier).verify(ALL_TENANTS);
    expect(report.ok).toBe(true);
  });
});
