import { randomUUID } from 'node:crypto';
import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { OrderIngestService } from '../../src/orders';
import { DsrErasureWorker } from '../../src/rights';
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

  it('an access request for a buyer with more than 500 orders is refused with a 412 that says what to do, and nothing is done', async () => {
    const before = (await denied()).length;
    const res = await post(owner, { type: 'access', subject: { email: SHARED } }).expect(412);
    expect(res.body.error.message).toContain('more than 500 orders');
    const [{ n }] = await t.app
      .get(TransactionManager)
      .manager.query(`SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND pii_state = 'present'`, [
        tenantId,
      ]);
    expect(n).toBe(501);
    const after = (await denied()).slice(before);
    expect(after).toHaveLength(1);
    expect(after[0].reason).toContain('more than 500 orders');
    const rows = await t.app
      .get(TransactionManager)
      .manager.query(`SELECT count(*)::int AS n FROM data_subject_requests WHERE tenant_id = $1`, [tenantId]);
    expect(rows[0].n).toBe(0);
  });

  it('an erasure of more than 500 orders is answered in the background, with progress on the request', async () => {
    const res = await post(owner, { type: 'erase', subject: { email: SHARED } }).expect(201);
    expect(res.body).toMatchObject({ status: 'running', completedAt: null, counts: { ordersFound: 501 } });
    expect(res.body.orderIds).toHaveLength(501);
    await t.app.get(DsrErasureWorker).idle();
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
});
