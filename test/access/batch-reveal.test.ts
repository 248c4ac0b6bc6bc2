import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { PiiDestructionService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const DAY = 86_400_000;
const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';

/**
 * POST /v1/orders/reveal: up to 100 orders under one reason, one access-log entry per
 * batch, every refusal (bad input included) an entry too; destroyed, empty and unknown
 * orders answered in their place.
 */
describe('batch reveal', () => {
  let t: TestApp;
  let ds: DataSource;
  let tenantId: string;
  let orderIds: string[];
  let destroyedId: string;
  let owner: { keyId: string; auth: AuthHeader };

  const entries = async (outcome: 'allowed' | 'denied') =>
    ds.query(
      `SELECT actor_id, targets, reason, ticket_ref, break_glass FROM audit_entries
        WHERE action = 'pii.revealed' AND outcome = $1 ORDER BY seq`,
      [outcome],
    );
  const count = async (outcome: 'allowed' | 'denied') => (await entries(outcome)).length;

  const batch = (opts: { auth?: AuthHeader; reason?: string; body?: string | object; tenant?: string }) => {
    const r = t
      .http()
      .post('/v1/orders/reveal')
      .set(opts.auth ?? owner.auth)
      .set('Content-Type', 'application/json');
    if (opts.reason !== undefined) r.set('X-Access-Reason', opts.reason);
    if (opts.tenant) r.set('X-Tenant-Id', opts.tenant);
    const body = opts.body ?? {};
    return r.send(typeof body === 'string' ? body : JSON.stringify(body));
  };

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    tenantId = await t.tenant('Batch Reveals');
    orderIds = await seedOrders(t.app, tenantId, 5);
    owner = await t.seller(tenantId, [...SELLER_SCOPES]);
    destroyedId = orderIds[4];
    const [row] = await ds.query(
      `SELECT order_id, connection_id, marketplace, marketplace_order_id, retention_anchor_at FROM orders WHERE order_id = $1`,
      [destroyedId],
    );
    await t.app.get(TransactionManager).run((tx) =>
      t.app.get(PiiDestructionService).destroy(
        tx,
        tenantId,
        [
          {
            orderId: row.order_id,
            connectionId: row.connection_id,
            marketplace: row.marketplace,
            marketplaceOrderId: row.marketplace_order_id,
            retentionAnchorAt: row.retention_anchor_at,
          },
        ],
        t.clock.now(),
        'retention',
      ),
    );
  });
  afterAll(() => t.close());

  it('reveals every order it can, answers destroyed and unknown ones in place, with one entry for the batch', async () => {
    const allowedBefore = await count('allowed');
    const named = [orderIds[0], destroyedId, UNKNOWN, orderIds[1], orderIds[0].toUpperCase()];
    const res = await batch({ reason: 'nightly ERP import', body: { orderIds: named, ticketRef: 'ERP-7' } }).expect(
      200,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.results.map((r: { orderId: string; outcome: string }) => [r.orderId, r.outcome])).toEqual([
      [orderIds[0], 'revealed'],
      [destroyedId, 'destroyed'],
      [UNKNOWN, 'not_found'],
      [orderIds[1], 'revealed'],
    ]);
    expect(res.body.results[0].order.buyer.pii).toBe('revealed');
    expect(res.body.results[0].order.buyer.data.buyerName).toContain('Ovsim');
    expect(res.body.results[1]).toEqual({
      orderId: destroyedId,
      outcome: 'destroyed',
      piiDestroyedAt: '2026-11-02T10:00:00.000Z',
    });
    expect(await count('allowed')).toBe(allowedBefore + 1);
    const [entry] = (await entries('allowed')).slice(-1);
    expect(entry).toMatchObject({
      actor_id: `key:${owner.keyId}`,
      ticket_ref: 'ERP-7',
      break_glass: false,
      reason: 'nightly ERP import [batch of 4: 2 revealed, 1 destroyed, 0 without buyer data, 1 not found]',
    });
    expect(entry.targets).toEqual({ orderIds: [orderIds[0], orderIds[1]], actorKeyId: owner.keyId });
    // No buyer datum in the entry.
    expect(JSON.stringify(entry)).not.toContain('Ovsim');
  });

  it('takes 100 orders in one entry, and a batch with nothing to open still leaves its entry', async () => {
    const many = [
      ...orderIds.slice(0, 4),
      ...Array.from({ length: 96 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    ];
    const before = await count('allowed');
    const res = await batch({ reason: 'bulk', body: { orderIds: many } }).expect(200);
    expect(res.body.results).toHaveLength(100);
    expect(await count('allowed')).toBe(before + 1);
    await batch({ reason: 'only the destroyed one', body: { orderIds: [destroyedId] } }).expect(200);
    const [entry] = (await entries('allowed')).slice(-1);
    expect(entry.targets).toEqual({ orderIds: [], actorKeyId: owner.keyId });
    expect(entry.reason).toContain('[batch of 1: 0 revealed, 1 destroyed');
  });

  const refusals: Array<[string, Parameters<typeof batch>[0], number]> = [
    ['no reason', { body: { orderIds: ['x'] } }, 400],
    ['a reason holding a TAB', { reason: 'erp\timport', body: {} }, 400],
    ['no orderIds', { reason: 'erp import', body: {} }, 400],
    ['an empty list', { reason: 'erp import', body: { orderIds: [] } }, 400],
    ['101 ids', { reason: 'erp import', body: { orderIds: Array.from({ length: 101 }, () => UNKNOWN) } }, 400],
    ['an id that is not a uuid', { reason: 'erp import', body: { orderIds: [UNKNOWN, 'nope'] } }, 400],
    ['orderIds not an array', { reason: 'erp import', body: { orderIds: UNKNOWN } }, 400],
    ['an unknown field', { reason: 'erp import', body: { orderIds: [UNKNOWN], extra: 1 } }, 400],
    ['a bad ticket', { reason: 'erp import', body: { orderIds: [UNKNOWN], ticketRef: 'T\u0000' } }, 400],
    ['a body that is an array', { reason: 'erp import', body: '[]' }, 400],
    ['a body that is not JSON', { reason: 'erp import', body: '{"orderIds":' }, 400],
  ];

  it.each(refusals)('%s: refused with a 4xx and exactly one denied entry', async (_name, opts, status) => {
    const before = await count('denied');
    const res = await batch(opts);
    expect(res.status).toBe(status);
    expect(await count('denied')).toBe(before + 1);
  });

  it('records the well-formed ids a refused batch named', async () => {
    await batch({ reason: 'erp import', body: { orderIds: [orderIds[2], 'nope'] } }).expect(400);
    const [entry] = (await entries('denied')).slice(-1);
    expect(entry.targets.orderIds).toEqual([orderIds[2]]);
    expect(entry.reason).toBe('erp import [denied: invalid reveal: orderIds]');
  });

  it('decides the batch as a whole: read-only keys, auditors, staff without one grant covering every order', async () => {
    const readOnly = await t.seller(tenantId, ['orders:read']);
    const auditor = await t.staff('auditor', 'Batch Auditor');
    const support = await t.staff('support', 'Batch Support');
    const grantOf = async (ids: string[] | null) =>
      t
        .http()
        .post('/v1/grants')
        .set(owner.auth)
        .send({
          granteeStaffId: support.staffId,
          ...(ids ? { orderIds: ids } : {}),
          expiresAt: new Date(t.clock.nowMs() + DAY).toISOString(),
        })
        .expect(201);
    const body = { orderIds: [orderIds[2], orderIds[3]] };
    for (const [auth, tenant] of [
      [readOnly.auth, undefined],
      [auditor.auth, tenantId],
      [support.auth, tenantId],
    ] as const) {
      const before = await count('denied');
      await batch({ auth, tenant, reason: 'looking', body }).expect(403);
      expect(await count('denied')).toBe(before + 1);
      const [entry] = (await entries('denied')).slice(-1);
      expect(entry.targets.orderIds).toEqual(body.orderIds);
    }
    // A grant covering one of the two does not open the other: the whole batch is refused.
    await grantOf([orderIds[2]]);
    await batch({ auth: support.auth, tenant: tenantId, reason: 'ticket 12', body }).expect(403);
    // One grant covering both: allowed, recorded under it.
    const grant = await grantOf([orderIds[2], orderIds[3]]);
    const ok = await batch({ auth: support.auth, tenant: tenantId, reason: 'ticket 12', body }).expect(200);
    expect(ok.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['revealed', 'revealed']);
    const [entry] = (await entries('allowed')).slice(-1);
    expect(entry.targets).toMatchObject({ orderIds: body.orderIds, grantId: grant.body.grantId });
  });

  it('lets an admin break glass for a batch with a long reason, flagged', async () => {
    await batch({ auth: t.admin, tenant: tenantId, reason: 'short', body: { orderIds: [orderIds[0]] } }).expect(403);
    const res = await batch({
      auth: t.admin,
      tenant: tenantId,
      reason: 'incident 88: carrier data loss, seller unreachable',
      body: { orderIds: [orderIds[0], orderIds[1]] },
    }).expect(200);
    expect(res.body.results).toHaveLength(2);
    const [entry] = (await entries('allowed')).slice(-1);
    expect(entry).toMatchObject({ actor_id: t.adminStaffId, break_glass: true });
    expect(t.logs.lines.some((l) => l.includes('ALERT break-glass'))).toBe(true);
  });
});
