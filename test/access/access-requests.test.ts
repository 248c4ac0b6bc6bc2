import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;

/**
 * Support access requests over the JSON API: staff ask, the seller approves
 * (narrowing, never widening) or denies, staff withdraw, unanswered requests
 * lapse; each step an access-log entry, each tenant seeing only its own.
 */
describe('access requests', () => {
  let t: TestApp;
  let ds: DataSource;
  let tenantA: string;
  let tenantB: string;
  let ordersA: string[];
  let sellerA: AuthHeader;
  let sellerB: AuthHeader;
  let sellerANoGrants: AuthHeader;
  let support: { staffId: string; auth: AuthHeader };
  let otherSupport: { staffId: string; auth: AuthHeader };
  let auditor: { staffId: string; auth: AuthHeader };

  const ask = (who: AuthHeader, body: Record<string, unknown>) =>
    t.http().post('/v1/access-requests').set(who).send(body);
  const askA = (body: Record<string, unknown> = {}) =>
    ask(support.auth, {
      tenantId: tenantA,
      access: 'reveal',
      reason: 'buyer says the address is wrong',
      ticketRef: 'SUP-1',
      ...body,
    }).expect(201);
  const act = (who: AuthHeader, id: string, verb: 'approve' | 'deny' | 'cancel', body: object = {}) =>
    t.http().post(`/v1/access-requests/${id}/${verb}`).set(who).send(body);
  const entries = (requestId: string) =>
    ds.query(
      `SELECT action, actor_kind, actor_id, tenant_id, targets, reason, ticket_ref FROM audit_entries
        WHERE targets->>'accessRequestId' = $1 ORDER BY occurred_at, seq`,
      [requestId],
    ) as Promise<Array<Record<string, any>>>;
  const reveal = (who: AuthHeader, orderId: string) =>
    t
      .http()
      .post(`/v1/orders/${orderId}/reveal`)
      .set(who)
      .set('X-Tenant-Id', tenantA)
      .set('X-Access-Reason', 'checking the address for ticket SUP-1');

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    tenantA = await t.tenant('Alpha');
    tenantB = await t.tenant('Bravo');
    ordersA = await seedOrders(t.app, tenantA, 3);
    sellerA = (await t.seller(tenantA, [...SELLER_SCOPES])).auth;
    sellerB = (await t.seller(tenantB, [...SELLER_SCOPES])).auth;
    sellerANoGrants = (await t.seller(tenantA, ['orders:read'])).auth;
    support = await t.staff('support', 'Sam Support');
    otherSupport = await t.staff('support', 'Other Support');
    auditor = await t.staff('auditor', 'Audrey Auditor');
  });
  afterAll(() => t.close());

  it('lets staff ask, the seller approve as asked, and the grant let the staff member reveal', async () => {
    const asked = await askA({ orderIds: [ordersA[0]] });
    expect(asked.body).toMatchObject({
      tenantId: tenantA,
      requestedBy: support.staffId,
      access: 'reveal',
      orderIds: [ordersA[0]],
      durationHours: 8,
      status: 'pending',
      expiresAt: new Date(t.clock.nowMs() + 72 * HOUR).toISOString(),
    });
    const id = asked.body.requestId as string;
    // No grant yet: the reveal is refused.
    await reveal(support.auth, ordersA[0]).expect(403);

    const pending = await t.http().get('/v1/access-requests?status=pending').set(sellerA).expect(200);
    expect(pending.body.map((r: { requestId: string }) => r.requestId)).toContain(id);

    const approved = await act(sellerA, id, 'approve').expect(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      approved: { access: 'reveal', orderIds: [ordersA[0]], durationHours: 8 },
    });
    const grant = await t.http().get('/v1/grants').set(sellerA).expect(200);
    const made = grant.body.find((g: { grantId: string }) => g.grantId === approved.body.grantId);
    expect(made).toMatchObject({
      granteeStaffId: support.staffId,
      orderIds: [ordersA[0]],
      revealAllowed: true,
      ticketRef: 'SUP-1',
      expiresAt: new Date(t.clock.nowMs() + 8 * HOUR).toISOString(),
    });
    await reveal(support.auth, ordersA[0]).expect(200);
    // The grant covers the order asked for, nothing else.
    await reveal(support.auth, ordersA[1]).expect(403);

    const log = await entries(id);
    expect(log.map((e) => e.action)).toEqual(['access_request.created', 'access_request.approved']);
    expect(log[0]).toMatchObject({
      actor_kind: 'staff',
      actor_id: support.staffId,
      tenant_id: tenantA,
      ticket_ref: 'SUP-1',
    });
    expect(log[0].reason).toBe('buyer says the address is wrong');
    expect(log[1]).toMatchObject({ actor_kind: 'seller', tenant_id: tenantA });
    expect(log[1].targets.grantId).toBe(approved.body.grantId);
    // The grant's own entry commits with them.
    const [grantEntry] = await ds.query(
      `SELECT action FROM audit_entries WHERE targets->>'grantId' = $1 AND action = 'grant.created'`,
      [approved.body.grantId],
    );
    expect(grantEntry).toBeDefined();
  });

  it('lets the seller narrow scope and duration: masked only, fewer orders, fewer hours', async () => {
    const id = (await askA({ durationHours: 24 })).body.requestId as string;
    const approved = await act(sellerA, id, 'approve', {
      access: 'masked',
      orderIds: [ordersA[2]],
      durationHours: 2,
    }).expect(200);
    expect(approved.body.approved).toEqual({ access: 'masked', orderIds: [ordersA[2]], durationHours: 2 });
    const grant = (await t.http().get('/v1/grants').set(sellerA).expect(200)).body.find(
      (g: { grantId: string }) => g.grantId === approved.body.grantId,
    );
    expect(grant).toMatchObject({ revealAllowed: false, orderIds: [ordersA[2]] });
    expect(Date.parse(grant.expiresAt) - t.clock.nowMs()).toBe(2 * HOUR);
    // A masked-only grant shows masked orders but never reveals.
    await t.http().get(`/v1/orders/${ordersA[2]}`).set(support.auth).set('X-Tenant-Id', tenantA).expect(200);
    await reveal(support.auth, ordersA[2]).expect(403);
  });

  it('refuses an approval that would widen the request, and leaves it pending with no grant', async () => {
    const masked = (await askA({ access: 'masked', orderIds: [ordersA[0]], durationHours: 4 })).body
      .requestId as string;
    const before = (await t.http().get('/v1/grants').set(sellerA)).body.length;
    const widen = async (body: object, field: string) => {
      const res = await act(sellerA, masked, 'approve', body).expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await widen({ access: 'reveal' }, 'access');
    await widen({ orderIds: [ordersA[1]] }, 'orderIds');
    await widen({ orderIds: [ordersA[0], ordersA[1]] }, 'orderIds');
    await widen({ durationHours: 5 }, 'durationHours');
    // Past the absolute cap the validator refuses it before the service sees it.
    await act(sellerA, masked, 'approve', { durationHours: 100 }).expect(400);
    expect((await t.http().get(`/v1/access-requests/${masked}`).set(sellerA).expect(200)).body.status).toBe('pending');
    expect((await t.http().get('/v1/grants').set(sellerA)).body.length).toBe(before);
  });

  it('lets the seller deny with a reason, and an answered request cannot be answered again', async () => {
    const id = (await askA()).body.requestId as string;
    const denied = await act(sellerA, id, 'deny', { reason: 'we handle this ourselves' }).expect(200);
    expect(denied.body).toMatchObject({ status: 'denied', decisionReason: 'we handle this ourselves', grantId: null });
    await act(sellerA, id, 'approve').expect(409);
    await act(support.auth, id, 'cancel').expect(409);
    const log = await entries(id);
    expect(log.map((e) => e.action)).toEqual(['access_request.created', 'access_request.denied']);
    expect(log[1].reason).toBe('we handle this ourselves');
    // The staff member sees the answer.
    const mine = await t.http().get(`/v1/access-requests/${id}`).set(support.auth).expect(200);
    expect(mine.body.status).toBe('denied');
  });

  it('lets the requester (and only them) cancel a pending request', async () => {
    const id = (await askA()).body.requestId as string;
    await act(otherSupport.auth, id, 'cancel').expect(404);
    await t.http().get(`/v1/access-requests/${id}`).set(otherSupport.auth).expect(404);
    const cancelled = await act(support.auth, id, 'cancel').expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await act(sellerA, id, 'approve').expect(409);
    expect((await entries(id)).map((e) => e.action)).toEqual(['access_request.created', 'access_request.cancelled']);
  });

  it('lapses a request left unanswered for 72 hours, logged by the system', async () => {
    const id = (await askA()).body.requestId as string;
    t.clock.advance(72 * HOUR - 1000);
    expect((await t.http().get(`/v1/access-requests/${id}`).set(support.auth).expect(200)).body.status).toBe('pending');
    t.clock.advance(1000);
    const after = await t.http().get(`/v1/access-requests/${id}`).set(support.auth).expect(200);
    expect(after.body).toMatchObject({ status: 'expired', decidedBy: 'access-requests:expiry' });
    await act(sellerA, id, 'approve').expect(409);
    const log = await entries(id);
    expect(log.map((e) => [e.action, e.actor_kind])).toEqual([
      ['access_request.created', 'staff'],
      ['access_request.expired', 'system'],
    ]);
  });

  it('keeps tenants apart: a seller sees and answers only its own tenant’s requests', async () => {
    const id = (await askA()).body.requestId as string;
    const listB = await t.http().get('/v1/access-requests').set(sellerB).expect(200);
    expect(JSON.stringify(listB.body)).not.toContain(tenantA);
    await t.http().get(`/v1/access-requests/${id}`).set(sellerB).expect(404);
    await act(sellerB, id, 'approve').expect(404);
    await act(sellerB, id, 'deny').expect(404);
    // Naming tenant A does not help seller B.
    await act(sellerB, id, 'approve').set('X-Tenant-Id', tenantA).expect(404);
    // A seller key without grants:manage neither lists nor answers.
    await t.http().get('/v1/access-requests').set(sellerANoGrants).expect(403);
    await act(sellerANoGrants, id, 'approve').expect(403);
    expect((await t.http().get(`/v1/access-requests/${id}`).set(sellerA).expect(200)).body.status).toBe('pending');
  });

  it('never lets staff approve a request, their own included', async () => {
    const id = (await askA()).body.requestId as string;
    await act(support.auth, id, 'approve').set('X-Tenant-Id', tenantA).expect(403);
    await act(t.admin, id, 'approve').set('X-Tenant-Id', tenantA).expect(403);
    await act(support.auth, id, 'deny').set('X-Tenant-Id', tenantA).expect(403);
    expect((await t.http().get(`/v1/access-requests/${id}`).set(support.auth)).body.status).toBe('pending');
  });

  it('refuses bad input with 4xx: unknown tenant, bad scope, too long, no reason or ticket; auditors and sellers cannot ask', async () => {
    const base = { tenantId: tenantA, access: 'reveal', reason: 'case', ticketRef: 'SUP-9' };
    await ask(support.auth, { ...base, tenantId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await ask(support.auth, { ...base, tenantId: 'not-a-uuid' }).expect(400);
    await ask(support.auth, { ...base, access: 'everything' }).expect(400);
    await ask(support.auth, { ...base, durationHours: 73 }).expect(400);
    await ask(support.auth, { ...base, durationHours: 0 }).expect(400);
    await ask(support.auth, { ...base, durationHours: 1.5 }).expect(400);
    await ask(support.auth, { ...base, orderIds: [] }).expect(400);
    await ask(support.auth, { ...base, orderIds: ['nope'] }).expect(400);
    await ask(support.auth, { ...base, reason: '' }).expect(400);
    await ask(support.auth, { ...base, reason: '   ' }).expect(400);
    await ask(support.auth, { ...base, ticketRef: undefined }).expect(400);
    await ask(support.auth, { ...base, reason: 'x'.repeat(501) }).expect(400);
    await ask(auditor.auth, base).expect(403);
    await ask(sellerA, base).expect(403);
    await t.http().get('/v1/access-requests?status=whatever').set(support.auth).expect(400);
    await t.http().get('/v1/access-requests/not-a-uuid').set(support.auth).expect(400);
    await act(sellerA, '00000000-0000-4000-8000-000000000000', 'approve').expect(404);
    await act(sellerA, (await askA()).body.requestId, 'approve', { orderIds: 'all' }).expect(400);
  });

  it('lists a staff member’s own requests only, filtered by status', async () => {
    const mine = await t.http().get('/v1/access-requests').set(support.auth).expect(200);
    expect(mine.body.length).toBeGreaterThan(3);
    expect(mine.body.every((r: { requestedBy: string }) => r.requestedBy === support.staffId)).toBe(true);
    const expired = await t.http().get('/v1/access-requests?status=expired').set(support.auth).expect(200);
    expect(expired.body.length).toBeGreaterThan(0);
    expect(expired.body.every((r: { status: string }) => r.status === 'expired')).toBe(true);
    expect((await t.http().get('/v1/access-requests').set(otherSupport.auth).expect(200)).body).toEqual([]);
  });
});
