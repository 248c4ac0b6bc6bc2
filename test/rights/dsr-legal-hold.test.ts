import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { LegalHoldsService } from '../../src/retention';
import { TEST_ACTOR } from '../support/test-actor';
import { entries, HOUR, startDsrWorld, type DsrWorld } from './dsr-fixture';

/**
 * An erasure meets a legal hold: the buyer's orders under the hold keep their buyer data (GDPR Art. 17(3)(e):
 * needed for legal claims) and are reported; the others are erased. Once the hold is released, the same
 * request erases the rest.
 */
describe('data-subject request: erase under a legal hold', () => {
  let w: DsrWorld;
  let orderIds: string[];
  const BUYER = 1301;
  beforeAll(async () => {
    w = await startDsrWorld('Held erase');
    const seller = w.tenant.ebaySeller.sellerId;
    const createdAt = w.m.clock.nowMs() - HOUR;
    const mine = [0, 1, 2].map(
      (i) => w.m.ebay.addOrder(seller, { createdAt: createdAt + i * 1000, buyerIndex: BUYER }).orderId,
    );
    await w.sync();
    orderIds = await Promise.all(
      mine.map(async (m) => {
        const [row] = await w.sql<{ order_id: string }>(
          `SELECT order_id FROM orders WHERE tenant_id = $1 AND marketplace_order_id = $2`,
          [w.tenantId, m],
        );
        return row.order_id;
      }),
    );
  });
  afterAll(() => w.close());

  const states = async () =>
    (
      await w.sql<{ order_id: string; pii_state: string }>(
        `SELECT order_id, pii_state FROM orders WHERE tenant_id = $1 AND order_id = ANY($2::uuid[])`,
        [w.tenantId, orderIds],
      )
    ).reduce<Record<string, string>>((acc, r) => ({ ...acc, [r.order_id]: r.pii_state }), {});
  it('erases the orders no hold covers and reports the held ones, which keep their buyer data', async () => {
    const hold = await w.t.app.get(LegalHoldsService).place(TEST_ACTOR, w.tenantId, {
      orderIds: [orderIds[1]],
      reason: 'chargeback dispute',
      requester: 'Legal',
      expiresAt: new Date(w.m.clock.nowMs() + 30 * 24 * HOUR),
    });
    const email = await buyerEmail();
    const res = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'erase', subject: { email } })
      .expect(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      heldOrderIds: [orderIds[1]],
      counts: { ordersFound: 3, erased: 2, heldByLegalHold: 1 },
    });
    expect(await states()).toEqual({
      [orderIds[0]]: 'destroyed',
      [orderIds[1]]: 'present',
      [orderIds[2]]: 'destroyed',
    });
    const [receipt] = await entries(w, ['pii.erased']);
    expect(receipt.order_ids?.sort()).toEqual([orderIds[0], orderIds[2]].sort());
    expect(receipt.reason).toMatch(/1 order\(s\) kept under legal hold \(GDPR Art\. 17\(3\)\(e\)\)/);
    // The request as stored says the same on reading.
    const read = await w.t.http().get(`/v1/data-subject-requests/${res.body.id}`).set(w.owner).expect(200);
    expect(read.body.heldOrderIds).toEqual([orderIds[1]]);

    await w.t.app.get(LegalHoldsService).release(TEST_ACTOR, w.tenantId, hold.holdId);
    const again = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'erase', subject: { email } })
      .expect(201);
    expect(again.body).toMatchObject({ heldOrderIds: [], counts: { erased: 1, heldByLegalHold: 0 } });
    expect(Object.values(await states())).toEqual(['destroyed', 'destroyed', 'destroyed']);
  });

  it('a tenant-wide hold keeps every order of the buyer', async () => {
    // Bought after the last sync, so the next one takes it.
    const createdAt = w.m.clock.nowMs();
    const next = w.m.ebay.addOrder(w.tenant.ebaySeller.sellerId, { createdAt, buyerIndex: BUYER + 1 }).orderId;
    await w.sync();
    await w.t.app.get(LegalHoldsService).place(TEST_ACTOR, w.tenantId, {
      reason: 'tax audit',
      requester: 'Finance',
      expiresAt: new Date(w.m.clock.nowMs() + 30 * 24 * HOUR),
    });
    const res = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'erase', subject: { email: w.m.ebay.buyerOf(next).email } })
      .expect(201);
    expect(res.body.counts).toMatchObject({ ordersFound: 1, erased: 0, heldByLegalHold: 1 });
    expect(res.body.heldOrderIds).toHaveLength(1);
    expect((await w.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });

  async function buyerEmail(): Promise<string> {
    const [row] = await w.sql<{ marketplace_order_id: string }>(
      `SELECT marketplace_order_id FROM orders WHERE order_id = $1`,
      [orderIds[0]],
    );
    return w.m.ebay.buyerOf(row.marketplace_order_id).email;
  }
});
