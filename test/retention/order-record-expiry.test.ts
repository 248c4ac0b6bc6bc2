import { AuditVerifier, ALL_TENANTS } from '../../src/audit';
import { jobActor } from '../../src/auth';
import { monthsBefore } from '../../src/retention/order-record-sweep';
import { RetentionSweeper } from '../../src/retention';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { receipts, seedDelivered, sql, type SeededOrders } from './retention-fixture';

const SWEEP = jobActor('retention-sweep');

/** Non-PII order records deleted 18 months after purchase, or later with a stated legal basis. */
describe('order-record expiry', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  let amazon: SeededOrders;
  let ebay: SeededOrders;
  // canonicalOrder(i) is purchased on 1 November 2026 at 10:00:i.
  const purchased = new Date('2026-11-01T10:00:00Z');
  const deliveredAt = new Date('2026-11-02T09:00:00Z');
  const sweep = () => t.app.get(RetentionSweeper).sweep(SWEEP);
  const present = (ids: string[]) =>
    sql<{ order_id: string }>(t.app, `SELECT order_id FROM orders WHERE order_id = ANY($1::uuid[])`, [ids]).then((r) =>
      r.map((x) => x.order_id).sort(),
    );
  const outboxRows = (ids: string[]) =>
    sql<{ n: number }>(t.app, `SELECT count(*)::int AS n FROM outbox_events WHERE order_id = ANY($1::uuid[])`, [
      ids,
    ]).then((r) => r[0].n);
  const recordReceipts = () =>
    sql<{ order_ids: string[]; reason: string }>(
      t.app,
      `SELECT targets->'orderIds' AS order_ids, reason FROM audit_entries
        WHERE tenant_id = $1 AND action = 'order_record.deleted' ORDER BY seq`,
      [tenantId],
    );

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Books');
    owner = (await t.seller(tenantId, ['retention:manage', 'orders:read'])).auth;
    amazon = await seedDelivered(t.app, tenantId, { marketplace: 'amazon', count: 3, deliveredAt, firstIndex: 1 });
    ebay = await seedDelivered(t.app, tenantId, { marketplace: 'ebay', count: 2, deliveredAt, firstIndex: 10 });
  });
  afterAll(() => t.close());

  it('months are calendar months, the day clamped to the month', () => {
    expect(monthsBefore(new Date('2028-05-01T10:00:00Z'), 18)).toEqual(new Date('2026-11-01T10:00:00Z'));
    expect(monthsBefore(new Date('2027-02-28T00:00:00Z'), 18)).toEqual(new Date('2025-08-28T00:00:00Z'));
    expect(monthsBefore(new Date('2027-03-31T12:00:00Z'), 1)).toEqual(new Date('2027-02-28T12:00:00Z'));
    expect(monthsBefore(new Date('2036-11-01T00:00:00Z'), 120)).toEqual(new Date('2026-11-01T00:00:00Z'));
  });

  it('the default is 18 months; longer needs a stated legal basis and at most 10 years; never shorter', async () => {
    const view = await t.http().get('/v1/retention').set(owner).expect(200);
    expect(view.body.marketplaces[0]).toMatchObject({
      marketplace: 'amazon',
      orderRecordMonths: 18,
      orderRecordMaxMonths: 120,
      orderRecordBasis: null,
    });
    const put = (body: object) => t.http().put('/v1/retention').set(owner).send(body);
    const noBasis = await put({ ebay: { orderRecordMonths: 36 } }).expect(400);
    expect(noBasis.body.error.message).toContain('needs a stated legal basis');
    await put({ ebay: { orderRecordMonths: 121, orderRecordBasis: 'tax' } }).expect(400);
    await put({ ebay: { orderRecordMonths: 12 } }).expect(400);
    await put({ ebay: { orderRecordBasis: 'tax' } }).expect(400);
    await put({ ebay: { orderRecordMonths: 36, orderRecordBasis: 'line\u0007' } }).expect(400);
    const ok = await put({
      ebay: { orderRecordMonths: 36, orderRecordBasis: 'tax record keeping (HGB 257)' },
    }).expect(200);
    expect(ok.body.marketplaces[1]).toMatchObject({
      marketplace: 'ebay',
      piiWindowDays: 90,
      isDefault: true,
      orderRecordMonths: 36,
      orderRecordBasis: 'tax record keeping (HGB 257)',
    });
    const [changed] = await sql<{ reason: string }>(
      t.app,
      `SELECT reason FROM audit_entries WHERE tenant_id = $1 AND action = 'retention.changed'`,
      [tenantId],
    );
    expect(changed.reason).toBe(
      'ebay order records 18 -> 36 months after purchase (legal basis: tax record keeping (HGB 257))',
    );
  });

  it('before 18 months only the buyer data goes; the records stay', async () => {
    t.clock.set(new Date(purchased.getTime() + 200 * 86_400_000));
    const s = await sweep();
    expect(s).toMatchObject({ destroyed: 5, recordsExpired: 0 });
    t.clock.set(new Date('2028-05-01T09:59:59Z'));
    expect((await sweep()).recordsExpired).toBe(0);
    expect(await present(amazon.orderIds)).toHaveLength(3);
  });

  it('at 18 months the Amazon records are deleted with their outbox rows, one receipt; a held order stays', async () => {
    const hold = await t
      .http()
      .post('/v1/legal-holds')
      .set((await t.seller(tenantId, ['legal_holds:manage'])).auth)
      .send({
        orderIds: [amazon.orderIds[0]],
        reason: 'Audit',
        requester: 'Auditor',
        expiresAt: '2028-06-01T00:00:00Z',
      })
      .expect(201);
    expect(await outboxRows(amazon.orderIds)).toBeGreaterThanOrEqual(6); // created + pii_destroyed each
    t.clock.set(new Date('2028-05-01T10:00:05Z'));
    const s = await sweep();
    expect(s.tenants[0].recordsExpired).toEqual({ amazon: 2, ebay: 0 });
    expect(s.tenants[0].recordRows).toMatchObject({ outbox_events: 4, dead_letters: 0 });
    expect(await present(amazon.orderIds)).toEqual([amazon.orderIds[0]]);
    expect(await outboxRows(amazon.orderIds.slice(1))).toBe(0);
    const [receipt] = await recordReceipts();
    expect([...receipt.order_ids].sort()).toEqual(amazon.orderIds.slice(1).sort());
    expect(receipt.reason).toContain('amazon order records 18 months after purchase');
    expect(receipt.reason).toContain('default period');
    await t.http().get(`/v1/orders/${amazon.orderIds[1]}`).set(owner).expect(404);

    await t.http().delete(`/v1/legal-holds/${hold.body.holdId}`).set(owner).expect(200);
    expect((await sweep()).recordsExpired).toBe(1);
    expect(await present(amazon.orderIds)).toEqual([]);
    // The buyer-data receipts written before stay: the log keeps what was done to orders that no longer exist.
    expect((await receipts(t.app, tenantId)).length).toBeGreaterThan(0);
  });

  it('eBay records kept for the stated basis are deleted at 36 months, the basis in the receipt', async () => {
    t.clock.set(new Date('2029-11-01T09:00:00Z'));
    expect((await sweep()).recordsExpired).toBe(0);
    t.clock.set(new Date('2029-11-01T10:00:30Z'));
    const s = await sweep();
    expect(s.tenants[0].recordsExpired).toEqual({ amazon: 0, ebay: 2 });
    expect(await present(ebay.orderIds)).toEqual([]);
    const last = (await recordReceipts()).at(-1)!;
    expect(last.reason).toContain('ebay order records 36 months after purchase');
    expect(last.reason).toContain('legal basis: tax record keeping (HGB 257)');
    const [{ keys }] = await sql<{ keys: number }>(
      t.app,
      `SELECT count(*)::int AS keys FROM data_keys WHERE subject_id = ANY($1::uuid[])`,
      [[...amazon.orderIds, ...ebay.orderIds]],
    );
    expect(keys).toBe(0);
    expect((await t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });
});
