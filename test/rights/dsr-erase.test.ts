import { DataSource } from 'typeorm';
import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { dumpAllRows } from '../../src/demo/database-dump';
import { buyerStrings } from '../../src/sandbox/buyers';
import { everythingStillReadable } from '../retention/retention-fixture';
import { entries, HOUR, startDsrWorld, type DsrWorld } from './dsr-fixture';

interface OrderRow {
  order_id: string;
  marketplace_order_id: string;
  pii_state: string;
  pii_ciphertext: Buffer | null;
  email_index: Buffer | null;
  buyer_index: Buffer | null;
  version: number;
}

/**
 * Erasure at a buyer's request: found by e-mail through the blind index,
 * destroyed through the retention destruction step (keys, ciphertext, indexes,
 * event, receipt `pii.erased`), idempotent, and an order the marketplace serves
 * again afterwards (real eBay client against the simulator) stays destroyed.
 */
describe('data-subject request: erase', () => {
  let w: DsrWorld;
  let mine: string[];
  let other: string;
  let requestId: string;
  const BUYER = 901;
  beforeAll(async () => {
    w = await startDsrWorld('Erase');
    const seller = w.tenant.ebaySeller.sellerId;
    const createdAt = w.m.clock.nowMs() - HOUR;
    mine = [
      w.m.ebay.addOrder(seller, { createdAt, buyerIndex: BUYER }).orderId,
      w.m.ebay.addOrder(seller, { createdAt: createdAt + 1000, buyerIndex: BUYER }).orderId,
    ];
    other = w.m.ebay.addOrder(seller, { createdAt: createdAt + 2000, buyerIndex: BUYER + 1 }).orderId;
    await w.sync();
  });
  afterAll(() => w.close());

  const order = (marketplaceOrderId: string) =>
    w
      .sql<OrderRow>(
        `SELECT order_id, marketplace_order_id, pii_state, pii_ciphertext, email_index, buyer_index, version
           FROM orders WHERE tenant_id = $1 AND marketplace_order_id = $2`,
        [w.tenantId, marketplaceOrderId],
      )
      .then((r) => r[0]);
  const keysOf = (ids: string[]) =>
    w
      .sql<{ n: number }>(`SELECT count(*)::int AS n FROM data_keys WHERE subject_id = ANY($1::uuid[])`, [ids])
      .then((r) => r[0].n);
  const post = (body: unknown) =>
    w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send(body as object);

  it('the buyer orders are held with buyer data', async () => {
    for (const id of [...mine, other]) expect((await order(id)).pii_state).toBe('present');
  });

  it('erase by e-mail destroys exactly that buyer’s orders, through the destruction step, with its receipt', async () => {
    const before = await order(mine[0]);
    const email = w.m.ebay.buyerOf(mine[0]).email;
    // Another spelling of the same address finds the same buyer (the index normalises).
    const res = await post({ type: 'erase', subject: { email: `  ${email.toUpperCase()} ` }, reference: 'TICKET-1' });
    expect(res.status).toBe(201);
    requestId = res.body.id;
    const ids = await Promise.all(mine.map(async (m) => (await order(m)).order_id));
    expect(res.body).toMatchObject({
      type: 'erase',
      status: 'completed',
      subject: { kind: 'email', marketplace: null },
      reference: 'TICKET-1',
      counts: { ordersFound: 2, erased: 2, alreadyDestroyed: 0, keysShredded: 2 },
      export: null,
    });
    expect([...res.body.orderIds].sort()).toEqual([...ids].sort());
    expect(JSON.stringify(res.body)).not.toContain(email);

    for (const m of mine) {
      expect(await order(m)).toMatchObject({
        pii_state: 'destroyed',
        pii_ciphertext: null,
        email_index: null,
        buyer_index: null,
        version: before.version + 1,
      });
    }
    expect(await keysOf(ids)).toBe(0);
    expect((await order(other)).pii_state).toBe('present');
    const events = await w.sql<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM outbox_events WHERE type = 'order.pii_destroyed' AND order_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(events.map((e) => e.payload.cause)).toEqual(['erasure', 'erasure']);

    const log = await entries(w, ['dsr.requested', 'pii.erased', 'pii.destroyed']);
    expect(log.map((e) => [e.action, e.outcome, e.dsr_id])).toEqual([
      ['dsr.requested', 'allowed', requestId],
      ['pii.erased', 'allowed', requestId],
    ]);
    expect([...log[1].order_ids!].sort()).toEqual([...ids].sort());
    expect(log[0].reason).toBe('erase request, buyer named by e-mail: 2 order(s) found');
    expect(log[1].reason).toContain('data keys shredded: 2');
    expect(log.map((e) => e.reason).join()).not.toContain(email);
  });

  it('the request is stored without the e-mail and listed', async () => {
    const row = await w.sql(`SELECT * FROM data_subject_requests WHERE request_id = $1`, [requestId]);
    expect(JSON.stringify(row)).not.toContain(w.m.ebay.buyerOf(mine[0]).email);
    expect(row[0]).toMatchObject({ subject_kind: 'email', actor_kind: 'seller', status: 'completed' });
    expect(row[0].actor_key_id).toEqual(expect.any(String));
    const one = await w.t.http().get(`/v1/data-subject-requests/${requestId}`).set(w.owner).expect(200);
    expect(one.body.counts.erased).toBe(2);
    const list = await w.t.http().get('/v1/data-subject-requests').set(w.owner).expect(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([requestId]);
  });

  it('repeating it is harmless: by e-mail nothing is found any more; by order id it is already destroyed', async () => {
    const email = w.m.ebay.buyerOf(mine[0]).email;
    const again = await post({ type: 'erase', subject: { email } }).expect(201);
    expect(again.body.counts).toMatchObject({ ordersFound: 0, erased: 0 });
    const byOrder = await post({
      type: 'erase',
      subject: { marketplace: 'ebay', marketplaceOrderId: mine[1] },
    }).expect(201);
    expect(byOrder.body.counts).toMatchObject({ ordersFound: 1, erased: 0, alreadyDestroyed: 1, keysShredded: 0 });
    // Each request was looked up and logged; nothing new was erased, so no new receipt.
    const log = await entries(w, ['dsr.requested', 'pii.erased']);
    expect(log.map((e) => e.action)).toEqual(['dsr.requested', 'pii.erased', 'dsr.requested', 'dsr.requested']);
  });

  it('served again by eBay with its buyer data, an erased order stores nothing of the buyer', async () => {
    const before = await order(mine[0]);
    w.m.ebay.updateOrder(mine[0], () => undefined);
    w.m.ebay.ship(mine[1]);
    await w.sync();
    for (const m of mine) {
      const after = await order(m);
      expect(after).toMatchObject({
        pii_state: 'destroyed',
        pii_ciphertext: null,
        email_index: null,
        buyer_index: null,
      });
      expect(await keysOf([after.order_id])).toBe(0);
    }
    expect((await order(mine[0])).version).toBeGreaterThan(before.version);
    const buyer = w.m.ebay.buyerOf(mine[0]);
    const dump = (await dumpAllRows(w.t.app.get(DataSource))).text;
    const readable = (await everythingStillReadable(w.t.app)).join('\n');
    for (const needle of buyerStrings(buyer)) expect([needle, dump.includes(needle)]).toEqual([needle, false]);
    for (const needle of [buyer.email, buyer.familyName, buyer.marketplaceBuyerId]) {
      expect([needle, readable.includes(needle)]).toEqual([needle, false]);
    }
    // The other buyer's order is untouched and still readable.
    expect(readable).toContain(w.m.ebay.buyerOf(other).familyName);
  });

  it('by eBay buyer id (username) another buyer’s order is found and erased', async () => {
    const username = w.m.ebay.buyerOf(other).marketplaceBuyerId;
    const res = await post({ type: 'erase', subject: { marketplace: 'ebay', buyerId: username } }).expect(201);
    expect(res.body).toMatchObject({ subject: { kind: 'buyer_id', marketplace: 'ebay' }, counts: { erased: 1 } });
    expect((await order(other)).pii_state).toBe('destroyed');
  });

  it('the access log verifies with every entry in it', async () => {
    expect((await w.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });
});
