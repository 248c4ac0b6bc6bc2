import { jobActor } from '../../src/auth';
import { MetricsRegistry } from '../../src/platform/metrics/metrics-registry';
import { RetentionOverview, RetentionSweeper } from '../../src/retention';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { DAY, seedDelivered, sql, type SeededOrders } from './retention-fixture';

const SWEEP = jobActor('retention-sweep');

/** Legal holds: placed, listed, renewed, released; held orders skipped by the sweep and reported; the injected clock. */
describe('legal holds', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  let amazon: SeededOrders;
  let ebay: SeededOrders;
  let orderHoldId: string;
  let tenantHoldId: string;
  const deliveredAt = new Date('2026-11-02T09:00:00Z');
  const start = new Date('2026-11-03T10:00:00Z');
  const sweeper = () => t.app.get(RetentionSweeper);
  const state = async (ids: string[]) =>
    (
      await sql<{ pii_state: string }>(t.app, `SELECT pii_state FROM orders WHERE order_id = ANY($1::uuid[])`, [ids])
    ).map((r) => r.pii_state);
  const entries = (action: string) =>
    sql<{ targets: { holdId?: string; orderIds?: string[] }; reason: string; actor_kind: string }>(
      t.app,
      `SELECT targets, reason, actor_kind FROM audit_entries WHERE tenant_id = $1 AND action = $2 ORDER BY seq`,
      [tenantId, action],
    );
  const inDays = (d: number) => new Date(t.clock.nowMs() + d * DAY).toISOString();

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(start);
    tenantId = await t.tenant('Held');
    owner = (await t.seller(tenantId, ['retention:manage'])).auth;
    amazon = await seedDelivered(t.app, tenantId, { marketplace: 'amazon', count: 5, deliveredAt, firstIndex: 1 });
    ebay = await seedDelivered(t.app, tenantId, { marketplace: 'ebay', count: 3, deliveredAt, firstIndex: 20 });
  });
  afterAll(() => t.close());

  it('the seller holds two orders (reason, requester, expiry), logged as legal_hold.placed', async () => {
    const res = await t
      .http()
      .post('/v1/legal-holds')
      .set(owner)
      .send({
        orderIds: amazon.orderIds.slice(0, 2),
        reason: 'Dispute 2026-114 with a carrier',
        requester: 'Legal department',
        expiresAt: inDays(120),
      })
      .expect(201);
    orderHoldId = res.body.holdId;
    expect(res.body).toMatchObject({
      tenantId,
      scope: 'orders',
      orderIds: amazon.orderIds.slice(0, 2),
      requester: 'Legal department',
      status: 'active',
      expiresAt: inDays(120),
    });
    const [placed] = await entries('legal_hold.placed');
    expect(placed.targets).toMatchObject({ holdId: orderHoldId, orderIds: amazon.orderIds.slice(0, 2) });
    expect(placed.reason).toContain('requested by Legal department: Dispute 2026-114');
    const list = await t.http().get('/v1/legal-holds').set(owner).expect(200);
    expect(list.body.map((h: { holdId: string }) => h.holdId)).toEqual([orderHoldId]);
    await t.http().get(`/v1/legal-holds/${orderHoldId}`).set(owner).expect(200);
  });

  it('refuses an expiry beyond a year or in the past, unknown orders, empty text; 404 for unknown holds', async () => {
    const place = (body: Record<string, unknown>) =>
      t
        .http()
        .post('/v1/legal-holds')
        .set(owner)
        .send({ reason: 'r', requester: 'q', expiresAt: inDays(10), ...body });
    const tooLong = await place({ expiresAt: inDays(366) }).expect(400);
    expect(tooLong.body.error.message).toContain('at most 365 days');
    await place({ expiresAt: inDays(-1) }).expect(400);
    const unknown = await place({ orderIds: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
    expect(unknown.body.error.message).toContain('not orders of this seller');
    await place({ reason: '   ' }).expect(400);
    await place({ requester: 'a\u0007b' }).expect(400);
    await place({ orderIds: [] }).expect(400);
    await t.http().get('/v1/legal-holds/00000000-0000-4000-8000-000000000000').set(owner).expect(404);
    await t.http().delete('/v1/legal-holds/00000000-0000-4000-8000-000000000000').set(owner).expect(404);
    expect(await entries('legal_hold.placed')).toHaveLength(1);
  });

  it('past the window the sweep skips the held orders; preview, status and metrics report them', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 31 * DAY));
    const preview = await t.app.get(RetentionOverview).preview({ tenantId });
    expect(preview.rows.find((r) => r.marketplace === 'amazon')).toMatchObject({ withBuyerData: 5, due: 3, held: 2 });
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.tenants[0].destroyed).toEqual({ amazon: 3, ebay: 0 });
    expect(await state(amazon.orderIds.slice(0, 2))).toEqual(['present', 'present']);
    expect(await state(amazon.orderIds.slice(2))).toEqual(['destroyed', 'destroyed', 'destroyed']);

    const status = (await t.http().get('/v1/retention/status').set(owner).expect(200)).body;
    expect(status.marketplaces[0]).toMatchObject({ withBuyerData: 2, overdue: 0, held: 2, heldOverdue: 2 });
    const metrics = await t.app.get(MetricsRegistry).render();
    expect(metrics).toMatch(/ordervault_retention_orders_held\{[^}]*marketplace="amazon"[^}]*\} 2/);
    // Held data is not overdue: the alert on overdue buyer data stays quiet.
    expect(metrics).toMatch(/ordervault_retention_oldest_overdue_seconds\{[^}]*marketplace="amazon"[^}]*\} 0/);
  });

  it('admin staff place a tenant-wide hold only with the seller grant; support staff never', async () => {
    const body = { reason: 'Tax audit 2026', requester: 'Finanzamt Berlin', expiresAt: inDays(365) };
    const send = (auth: AuthHeader) =>
      t.http().post('/v1/legal-holds').set(auth).set('X-Tenant-Id', tenantId).send(body);
    await send(t.admin).expect(403);
    const support = await t.staff('support', 'Sam Support');
    await t
      .http()
      .post('/v1/grants')
      .set((await t.seller(tenantId, ['grants:manage'])).auth)
      .send({ granteeRole: 'admin', expiresAt: inDays(5) })
      .expect(201);
    await send(support.auth).expect(403);
    const res = await send(t.admin).expect(201);
    tenantHoldId = res.body.holdId;
    expect(res.body).toMatchObject({ scope: 'tenant', orderIds: null, placedBy: t.adminStaffId });
    const placed = (await entries('legal_hold.placed')).at(-1)!;
    expect(placed.actor_kind).toBe('staff');
    expect(placed.reason).toContain('every order of the seller');
    // A seller key with only orders:read may not see holds.
    const reader = (await t.seller(tenantId, ['orders:read'])).auth;
    await t.http().get('/v1/legal-holds').set(reader).expect(403);
  });

  it('under a tenant-wide hold nothing of the tenant is destroyed, however overdue', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 91 * DAY));
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.destroyed).toBe(0);
    expect(summary.tenants[0]).toMatchObject({ heldWholeTenant: true });
    expect(await state(ebay.orderIds)).toEqual(['present', 'present', 'present']);
    const preview = await t.app.get(RetentionOverview).preview({ tenantId });
    expect(preview.totals).toEqual({ withBuyerData: 5, due: 0, held: 5, recordsDue: 0, recordsHeld: 0 });
    // Past the records' 18 months as well, the hold keeps every record of the tenant.
    const later = await t.app.get(RetentionOverview).preview({ tenantId, asOf: new Date('2028-06-01T00:00:00Z') });
    expect(later.totals).toMatchObject({ due: 0, recordsDue: 0, recordsHeld: 8 });
  });

  it('released, the hold logs legal_hold.released and the overdue orders go in the next sweep', async () => {
    const res = await t.http().delete(`/v1/legal-holds/${tenantHoldId}`).set(owner).expect(200);
    expect(res.body).toMatchObject({ status: 'released', releasedAt: t.clock.now().toISOString() });
    await t.http().delete(`/v1/legal-holds/${tenantHoldId}`).set(owner).expect(409);
    const [released] = await entries('legal_hold.released');
    expect(released.targets).toEqual({ holdId: tenantHoldId, actorKeyId: expect.any(String) });
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.tenants[0].destroyed).toEqual({ amazon: 0, ebay: 3 });
    // The per-order hold still stands (120 days from placement).
    expect(await state(amazon.orderIds.slice(0, 2))).toEqual(['present', 'present']);
  });

  it('a hold is renewed up to a year ahead; once it expires, its orders go in the next sweep', async () => {
    const renew = (expiresAt: string) =>
      t.http().post(`/v1/legal-holds/${orderHoldId}/renew`).set(owner).send({ expiresAt });
    expect((await renew(inDays(400)).expect(400)).body.error.message).toContain('at most 365 days');
    const renewed = await renew(inDays(365)).expect(201);
    expect(renewed.body).toMatchObject({ expiresAt: inDays(365), renewedAt: t.clock.now().toISOString() });
    expect((await entries('legal_hold.placed')).at(-1)!.reason).toContain('renewed until');
    expect((await sweeper().sweep(SWEEP)).destroyed).toBe(0);

    t.clock.set(new Date(t.clock.nowMs() + 365 * DAY));
    const expired = await t.http().get(`/v1/legal-holds/${orderHoldId}`).set(owner).expect(200);
    expect(expired.body.status).toBe('expired');
    // An expired hold is not renewed: a new one is placed (and logged) instead.
    await renew(inDays(30)).expect(409);
    const summary = await sweeper().sweep(SWEEP);
    expect(summary.tenants[0].destroyed).toEqual({ amazon: 2, ebay: 0 });
    expect(await state(amazon.orderIds)).toEqual(Array(5).fill('destroyed'));
  });
});
