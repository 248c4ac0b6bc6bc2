import { randomUUID } from 'node:crypto';
import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { OrderIngestService } from '../../src/orders';
import { DsrBackgroundWorker, DSR_BACKGROUND_QUEUE } from '../../src/rights';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { DSR_SCOPES } from './dsr-fixture';

const SHARED = 'shared.ovsim@example.org';

/**
 * Who may make data-subject requests (a seller key with dsr:manage and
 * orders:read_pii; no staff role), and every refusal, whatever was sent,
 * leaving a denied entry that does not repeat what was sent.
 */
describe('data-subject requests: who may, and every refusal logged', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  beforeAll(async () => {
    // Batches of 200: a background erasure of 501 orders takes three.
    t = await startTestApp({ env: { RETENTION_BATCH_SIZE: '200' } });
    tenantId = await t.tenant('Refusals');
    owner = (await t.seller(tenantId, DSR_SCOPES)).auth;
    // 501 orders of one buyer (same e-mail), stored through the real ingestion path.
    const orders = Array.from({ length: 501 }, (_, i) => {
      const o = canonicalOrder(5000 + i);
      return { ...o, pii: { ...o.pii!, email: SHARED } };
    });
    await t.app
      .get(TransactionManager)
      .run((tx) => t.app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId: randomUUID() }, orders));
  });
  afterAll(() => t.close());

  const denied = () =>
    t.app.get(TransactionManager).manager.query(
      `SELECT action, reason, tenant_id, actor_kind FROM audit_entries
          WHERE action IN ('dsr.requested', 'pii.exported') AND outcome = 'denied' ORDER BY seq`,
    ) as Promise<Array<{ action: string; reason: string; tenant_id: string | null; actor_kind: string }>>;
  const post = (auth: AuthHeader, body: unknown) =>
    t
      .http()
      .post('/v1/data-subject-requests')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  const valid = { type: 'erase', subject: { email: 'nobody.ovsim@example.org' } };

  it('keys lacking either scope, and staff (admin, support), are refused and logged', async () => {
    const onlyDsr = (await t.seller(tenantId, ['dsr:manage'])).auth;
    const onlyPii = (await t.seller(tenantId, ['orders:read_pii'])).auth;
    const admin = t.admin;
    const support = (await t.staff('support')).auth;
    const before = (await denied()).length;
    for (const auth of [onlyDsr, onlyPii]) {
      const res = await post(auth, valid).expect(403);
      expect(res.body.error.message).toContain('dsr:manage and orders:read_pii');
    }
    for (const auth of [admin, support]) {
      await post({ ...auth, 'X-Tenant-Id': tenantId } as unknown as AuthHeader, valid).expect(403);
      await t.http().get('/v1/data-subject-requests').set(auth).set('X-Tenant-Id', tenantId).expect(403);
    }
    const after = (await denied()).slice(before);
    expect(after).toHaveLength(6);
    expect(after.every((e) => e.action === 'dsr.requested' && e.tenant_id === tenantId)).toBe(true);
    expect(after[0].reason).toContain('POST /v1/data-subject-requests [denied:');
    expect(after[3].reason).toContain('GET /v1/data-subject-requests [denied:');
    expect(after.map((e) => e.actor_kind)).toEqual(['seller', 'seller', 'staff', 'staff', 'staff', 'staff']);
  });

  it('bad input is a 400 naming the field, with a denied entry that never repeats the value', async () => {
    const bad: Array<[string, unknown, string]> = [
      ['unknown type', { ...valid, type: 'delete' }, 'type'],
      ['no subject', { type: 'erase' }, 'subject'],
      ['two ways at once', { type: 'erase', subject: { email: 'a.ovsim@example.org', buyerId: 'x' } }, 'exactly one'],
      ['not an e-mail', { type: 'access', subject: { email: 'secret-ovsim-text' } }, 'subject.email'],
      ['e-mail too long', { type: 'access', subject: { email: `${'a'.repeat(250)}@ovsim.example` } }, 'email'],
      ['buyer id without marketplace', { type: 'erase', subject: { buyerId: 'ovsim_user' } }, 'subject.marketplace'],
      ['unknown marketplace', { type: 'erase', subject: { buyerId: 'u', marketplace: 'etsy' } }, 'subject.marketplace'],
      [
        'order id with spaces',
        { type: 'erase', subject: { marketplace: 'ebay', marketplaceOrderId: 'a b' } },
        'marketplaceOrderId',
      ],
      ['unknown field', { ...valid, note: 'ovsim note' }, 'note'],
      ['reference not ASCII', { ...valid, reference: 'tické' }, 'reference'],
      ['NUL in the e-mail', '{"type":"erase","subject":{"email":"a\\u0000@ovsim.example"}}', 'control'],
      ['not JSON', '{', ''],
    ];
    const before = (await denied()).length;
    for (const [name, body, names] of bad) {
      const res = await post(owner, body);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(JSON.stringify(res.body.error)).toContain(names);
      expect(JSON.stringify(res.body)).not.toMatch(/secret-ovsim|ovsim note|ovsim_user/);
    }
    const after = (await denied()).slice(before);
    // The malformed JSON is refused by the body parser before any route runs: no principal, nothing to attribute.
    expect(after.length).toBeGreaterThanOrEqual(bad.length - 1);
    expect(after.every((e) => e.tenant_id === tenantId)).toBe(true);
    expect(after.map((e) => e.reason).join('\n')).not.toMatch(/secret-ovsim|ovsim note|ovsim_user|a\.ovsim/);
  });

  it('an unknown request is a 404, logged; a malformed id too', async () => {
    const before = (await denied()).length;
    await t.http().get(`/v1/data-subject-requests/${randomUUID()}`).set(owner).expect(404);
    await t.http().get('/v1/data-subject-requests/not-an-id').set(owner).expect(404);
    await t.http().get('/v1/data-subject-requests?limit=0').set(owner).expect(400);
    expect((await denied()).length - before).toBe(3);
  });

  it('an access request for a buyer with more than 500 orders is answered in the call; its export lists every order', async () => {
    const res = await post(owner, { type: 'access', subject: { email: SHARED } }).expect(201);
    expect(res.body).toMatchObject({ status: 'completed', counts: { ordersFound: 501, withBuyerData: 501 } });
    const file = await t.http().get(`/v1/data-subject-requests/${res.body.id}/export`).set(owner).expect(200);
    expect(file.body.orders).toHaveLength(501);
    expect(new Set(file.body.orders.map((o: { order: { orderId: string } }) => o.order.orderId))).toEqual(
      new Set(res.body.orderIds),
    );
    expect(
      file.body.orders.every(
        (o: { order: { buyer: { data: { email: string } } } }) => o.order.buyer.data.email === SHARED,
      ),
    ).toBe(true);
  });

  it('a rectification of more than 500 orders is answered in the background; its corrected values are kept sealed only until it completes', async () => {
    const CITY = 'Backgroundburg Ovsim';
    const res = await post(owner, {
      type: 'rectify',
      subject: { email: SHARED },
      corrections: { shippingAddress: { city: CITY } },
    }).expect(201);
    expect(res.body).toMatchObject({
      status: 'running',
      completedAt: null,
      correctedFields: ['shippingAddress.city'],
      counts: { ordersFound: 501, processed: 0, rectified: 0 },
    });
    expect(JSON.stringify(res.body)).not.toContain(CITY);
    const manager = t.app.get(TransactionManager).manager;
    // The job names the request only; the corrected value is on the request, sealed, under a key of its own.
    const jobs = await manager.query(`SELECT payload::text AS p FROM jobs WHERE queue = $1`, [DSR_BACKGROUND_QUEUE]);
    expect(jobs.map((j: { p: string }) => j.p).join()).not.toContain(CITY);
    const key = () =>
      manager.query(`SELECT count(*)::int AS n FROM data_keys WHERE tenant_id = $1 AND subject_id = $2`, [
        tenantId,
        res.body.id,
      ]);

    await t.app.get(DsrBackgroundWorker).idle();
    const done = await t.http().get(`/v1/data-subject-requests/${res.body.id}`).set(owner).expect(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      correctedFields: ['shippingAddress.city'],
      counts: { ordersFound: 501, processed: 501, rectified: 501, withoutBuyerData: 0 },
    });
    const [sealed] = await manager.query(
      `SELECT corrections_ciphertext IS NULL AS cleared FROM data_subject_requests WHERE request_id = $1`,
      [res.body.id],
    );
    expect(sealed.cleared).toBe(true);
    expect((await key())[0].n).toBe(0);

    // Every order corrected, and its correction kept as an override a later sync respects.
    const overrides = await manager.query(
      `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND 'shippingAddress.city' = ANY(pii_overrides)`,
      [tenantId],
    );
    expect(overrides[0].n).toBe(501);
    const access = await post(owner, { type: 'access', subject: { email: SHARED } }).expect(201);
    const file = await t.http().get(`/v1/data-subject-requests/${access.body.id}/export`).set(owner).expect(200);
    expect(
      file.body.orders.every(
        (o: { order: { buyer: { data: { shippingAddress: { city: string } } } } }) =>
          o.order.buyer.data.shippingAddress.city === CITY,
      ),
    ).toBe(true);
    const receipts: Array<{ ids: string[]; dsr: string; reason: string }> = await manager.query(
      `SELECT targets->'orderIds' AS ids, targets->>'dsrId' AS dsr, reason FROM audit_entries
        WHERE tenant_id = $1 AND action = 'pii.rectified' ORDER BY audit_entries.seq`,
      [tenantId],
    );
    expect(receipts.map((r) => r.ids.length)).toEqual([200, 200, 101]);
    expect(new Set(receipts.map((r) => r.dsr))).toEqual(new Set([res.body.id]));
    expect(receipts.map((r) => r.reason).join()).not.toContain(CITY);
  });

  it('an erasure of more than 500 orders is answered in the background, with progress on the request', async () => {
    const res = await post(owner, { type: 'erase', subject: { email: SHARED } }).expect(201);
    expect(res.body).toMatchObject({ status: 'running', completedAt: null, counts: { ordersFound: 501 } });
    expect(res.body.orderIds).toHaveLength(501);
    await t.app.get(DsrBackgroundWorker).idle();
    const done = await t.http().get(`/v1/data-subject-requests/${res.body.id}`).set(owner).expect(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      heldOrderIds: [],
      counts: { ordersFound: 501, processed: 501, erased: 501, heldByLegalHold: 0, keysShredded: 501 },
    });
    const manager = t.app.get(TransactionManager).manager;
    const [{ n }] = await manager.query(
      `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND pii_state = 'present'`,
      [tenantId],
    );
    expect(n).toBe(0);
    // One receipt per batch, naming the request; together they name every order once.
    const receipts: Array<{ ids: string[]; dsr: string }> = await manager.query(
      `SELECT targets->'orderIds' AS ids, targets->>'dsrId' AS dsr FROM audit_entries
        WHERE tenant_id = $1 AND action = 'pii.erased' ORDER BY audit_entries.seq`,
      [tenantId],
    );
    expect(receipts.map((r) => r.ids.length)).toEqual([200, 200, 101]);
    expect(new Set(receipts.map((r) => r.dsr))).toEqual(new Set([res.body.id]));
    expect(new Set(receipts.flatMap((r) => r.ids)).size).toBe(501);
    expect((await t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('a request naming more than 1000 orders is refused with a 412 that says what to do, and nothing is done', async () => {
    const MANY = 'many.ovsim@example.org';
    const orders = Array.from({ length: 1001 }, (_, i) => {
      const o = canonicalOrder(7000 + i);
      return { ...o, pii: { ...o.pii!, email: MANY } };
    });
    await t.app
      .get(TransactionManager)
      .run((tx) => t.app.get(OrderIngestService).ingestPage(tx, { tenantId, connectionId: randomUUID() }, orders));
    const count = () =>
      t.app
        .get(TransactionManager)
        .manager.query(`SELECT count(*)::int AS n FROM data_subject_requests WHERE tenant_id = $1`, [tenantId]);
    const requests = (await count())[0].n;
    for (const type of ['access', 'erase']) {
      const before = (await denied()).length;
      const res = await post(owner, { type, subject: { email: MANY } }).expect(412);
      expect(res.body.error.message).toContain('more than 1000 orders');
      const after = (await denied()).slice(before);
      expect(after).toHaveLength(1);
      expect(after[0].reason).toContain('more than 1000 orders');
    }
    expect((await count())[0].n).toBe(requests);
    const [{ n }] = await t.app
      .get(TransactionManager)
      .manager.query(`SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND pii_state = 'present'`, [
        tenantId,
      ]);
    expect(n).toBe(1001);
  });
});
