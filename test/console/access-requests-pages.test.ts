import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { CONSOLE_CSP } from '../../src/console/console-headers';
import { simulatedBuyer } from '../../src/sandbox/buyers';
import { enrolStaff, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

/**
 * The access-request pages over HTTP: staff ask and withdraw on theirs, the
 * seller answers on "staff access", each role sees what it may, forms need the
 * session's token from our origin, and typed text comes back as text.
 */
describe('console access requests', () => {
  let t: TestApp;
  let ds: DataSource;
  let support: BrowserSession;
  let supportId: string;
  let auditor: BrowserSession;
  let tenantA: string;
  let tenantB: string;
  let orderIds: string[];
  let sellerA: AuthHeader;
  let sellerB: AuthHeader;
  let sellerAReadOnly: AuthHeader;

  const get = (path: string, who: BrowserSession | AuthHeader) => {
    const req = t.http().get(path);
    return 'cookie' in who ? req.set('Cookie', who.cookie) : req.set(who);
  };
  const post = (path: string, who: BrowserSession | AuthHeader, fields: Record<string, string>, origin = ORIGIN) => {
    const req = t.http().post(path).type('form');
    if ('cookie' in who) req.set('Cookie', who.cookie).set('Origin', origin);
    else req.set(who);
    return req.send('cookie' in who ? { _csrf: who.csrf, ...fields } : fields);
  };
  const requestsOf = (tenantId: string) =>
    ds.query(`SELECT * FROM access_requests WHERE tenant_id = $1 ORDER BY created_at, request_id`, [
      tenantId,
    ]) as Promise<Array<Record<string, any>>>;

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    const person = await enrolStaff(t, 'support');
    supportId = person.staffId;
    support = await signIn(t, person);
    auditor = await signIn(t, await enrolStaff(t, 'auditor'));
    tenantA = await t.tenant('Alpha');
    tenantB = await t.tenant('Bravo');
    orderIds = await seedOrders(t.app, tenantA, 2, 700);
    sellerA = (await t.seller(tenantA, [...SELLER_SCOPES])).auth;
    sellerB = (await t.seller(tenantB, [...SELLER_SCOPES])).auth;
    sellerAReadOnly = (await t.seller(tenantA, ['orders:read', 'audit:read'])).auth;
  });
  afterAll(() => t.close());

  it('serves the request page to support staff only, with the strict headers', async () => {
    const page = await get('/console/access-requests', support).expect(200);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.text).toContain('<form method="post" action="/console/access-requests"');
    expect(page.text).toContain(`name="_csrf" value="${support.csrf}"`);
    expect(page.text).toContain('href="/console/access-requests"');
    await get('/console/access-requests', auditor).expect(403);
    await get('/console/access-requests', sellerAReadOnly).expect(403);
    // A seller answers on the staff access page.
    const seller = await get('/console/access-requests', sellerA).expect(303);
    expect(seller.headers.location).toBe('/console/staff-access');
    await t.http().get('/console/access-requests').expect(401);
  });

  it('sends a request from the form, from our origin with the page token only', async () => {
    const fields = {
      tenantId: tenantA,
      access: 'reveal',
      orderIds: `${orderIds[0]}, ${orderIds[1]}`,
      durationHours: '12',
      reason: `case about delivery ${HOSTILE}`,
      ticketRef: 'SUP-42',
    };
    await post('/console/access-requests', support, fields, 'https://evil.example').expect(403);
    await post('/console/access-requests', { ...support, csrf: 'wrong' }, fields).expect(403);
    expect(await requestsOf(tenantA)).toHaveLength(0);
    const sent = await post('/console/access-requests', support, fields).expect(303);
    expect(sent.headers.location).toBe('/console/access-requests');
    const [row] = await requestsOf(tenantA);
    expect(row).toMatchObject({ requested_by: supportId, access: 'reveal', duration_hours: 12, status: 'pending' });
    expect(row.order_ids).toEqual([orderIds[0], orderIds[1]].map((id) => id.toLowerCase()));
    const page = await get('/console/access-requests', support).expect(200);
    expect(page.text).toContain('SUP-42');
    expect(page.text).toContain('reveal buyer data, 2 listed orders, 12 h');
    expect(page.text).toContain(`aria-label="Cancel request ${row.request_id}"`);
  });

  it('sends the form back with the problems and what was typed, never a 5xx', async () => {
    const bad = await post('/console/access-requests', support, {
      tenantId: 'nope',
      access: 'everything',
      orderIds: 'not-an-order',
      durationHours: '100',
      reason: HOSTILE,
      ticketRef: 'T',
    }).expect(400);
    expect(bad.text).toContain('tenant: a tenant id (uuid)');
    expect(bad.text).toContain('duration: whole hours from 1 to 72');
    expect(bad.text).not.toContain('<script>alert');
    expect(bad.text).toContain('&lt;script>alert');
    await post('/console/access-requests', support, {
      tenantId: '00000000-0000-4000-8000-000000000000',
      access: 'reveal',
      reason: 'r',
      ticketRef: 't',
    }).expect(404);
    await post('/console/access-requests', support, {
      tenantId: tenantA,
      access: 'masked',
      reason: ' ',
      ticketRef: 't',
    }).expect(400);
  });

  it('shows the seller its pending requests (escaped) and no other tenant’s; approves narrowed', async () => {
    await post('/console/access-requests', support, {
      tenantId: tenantB,
      access: 'masked',
      reason: 'tenant B case',
      ticketRef: 'SUP-B',
    }).expect(303);
    const page = await get('/console/staff-access', sellerA).expect(200);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.text).toContain('Access requests waiting for your answer');
    expect(page.text).toContain('SUP-42');
    expect(page.text).not.toContain('SUP-B');
    expect(page.text).not.toContain('<script>alert');
    // A seller key that may not manage grants sees no requests and cannot answer.
    const readOnly = await get('/console/staff-access', sellerAReadOnly).expect(200);
    expect(readOnly.text).not.toContain('SUP-42');
    const [row] = await requestsOf(tenantA);
    await post(`/console/staff-access/requests/${row.request_id}/approve`, sellerAReadOnly, {}).expect(403);
    await post(`/console/staff-access/requests/${row.request_id}/approve`, sellerB, {}).expect(404);
    // Staff never answer.
    await post(`/console/staff-access/requests/${row.request_id}/approve`, support, {}).expect(403);
    // Wider than asked is refused and nothing changes.
    await post(`/console/staff-access/requests/${row.request_id}/approve`, sellerA, { durationHours: '13' }).expect(
      400,
    );
    await post(`/console/staff-access/requests/${row.request_id}/approve`, sellerA, { orderIds: 'x' }).expect(400);
    expect((await requestsOf(tenantA))[0].status).toBe('pending');
    const approved = await post(`/console/staff-access/requests/${row.request_id}/approve`, sellerA, {
      access: 'reveal',
      orderIds: orderIds[0],
      durationHours: '3',
    }).expect(303);
    expect(approved.headers.location).toBe('/console/staff-access');
    const [after] = await requestsOf(tenantA);
    expect(after).toMatchObject({ status: 'approved', approved_hours: 3, approved_access: 'reveal' });
    expect(after.approved_order_ids).toEqual([orderIds[0].toLowerCase()]);
    const grants = await get('/console/staff-access', sellerA).expect(200);
    expect(grants.text).toContain(`Revoke grant ${after.grant_id}`);
    expect(grants.text).toContain('No staff member is waiting for your answer.');
  });

  it('lets the staff member reveal under the approved request, as a fragment or a page, logged with the case ticket', async () => {
    const [row] = await requestsOf(tenantA);
    const path = `/console/access-requests/${row.request_id}/reveal`;
    const fragment = await post(path, support, { orderId: orderIds[0], reason: 'checking the address' })
      .set('HX-Request', 'true')
      .expect(200);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain(simulatedBuyer('factory', 700).fullName);
    const page = await post(path, support, { orderId: orderIds[0], reason: 'checking again' }).expect(200);
    expect(page.text).toContain('<html');
    expect(page.headers['cache-control']).toBe('no-store');
    // Outside the grant: refused, and logged as a refusal.
    await post(path, support, { orderId: orderIds[1], reason: 'not granted' }).expect(403);
    // Refused before the reveal service (no such request of theirs; a seller on the staff route, refused by the
    // guard, which reads a reason from X-Access-Reason only): logged too.
    await post('/console/access-requests/00000000-0000-4000-8000-000000000000/reveal', support, {
      orderId: orderIds[0],
      reason: 'no such request',
    }).expect(404);
    await post(path, sellerA, { orderId: orderIds[0], reason: 'seller on the staff route' }).expect(403);
    const refusedEarly = await ds.query(
      `SELECT tenant_id, actor_kind FROM audit_entries WHERE action = 'pii.revealed' AND outcome = 'denied'
        AND (reason LIKE 'no such request [denied:%' OR (actor_kind = 'seller' AND reason LIKE '[denied: this key may not%'))
        ORDER BY actor_kind DESC`,
    );
    expect(refusedEarly).toEqual([
      { tenant_id: null, actor_kind: 'staff' },
      { tenant_id: tenantA, actor_kind: 'seller' },
    ]);
    const entries = await ds.query(
      `SELECT outcome, ticket_ref, targets FROM audit_entries WHERE action = 'pii.revealed' AND actor_id = $1 ORDER BY seq`,
      [supportId],
    );
    expect(entries.map((e: { outcome: string }) => e.outcome)).toEqual(['allowed', 'allowed', 'denied', 'denied']);
    expect(entries[0]).toMatchObject({ ticket_ref: 'SUP-42', targets: { grantId: row.grant_id } });
  });

  it('lets the seller deny with a reason, and the staff member withdraw a pending request', async () => {
    for (const reason of ['deny me', 'cancel me']) {
      await post('/console/access-requests', support, {
        tenantId: tenantA,
        access: 'masked',
        reason,
        ticketRef: 'SUP-7',
      }).expect(303);
    }
    const rows = await requestsOf(tenantA);
    const toDeny = rows.find((r) => r.reason === 'deny me')!;
    const toCancel = rows.find((r) => r.reason === 'cancel me')!;
    await post(`/console/staff-access/requests/${toDeny.request_id}/deny`, sellerA, { reason: HOSTILE }).expect(303);
    await post(`/console/access-requests/${toCancel.request_id}/cancel`, support, {}, 'https://evil.example').expect(
      403,
    );
    await post(`/console/access-requests/${toCancel.request_id}/cancel`, support, {}).expect(303);
    const after = await requestsOf(tenantA);
    expect(after.find((r) => r.request_id === toDeny.request_id)).toMatchObject({
      status: 'denied',
      decision_reason: HOSTILE,
    });
    expect(after.find((r) => r.request_id === toCancel.request_id)!.status).toBe('cancelled');
    const page = await get('/console/access-requests', support).expect(200);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain('cancelled');
    const log = await ds.query(
      `SELECT action FROM audit_entries WHERE targets->>'accessRequestId' = ANY($1) ORDER BY seq`,
      [[toDeny.request_id, toCancel.request_id]],
    );
    expect(log.map((e: { action: string }) => e.action).sort()).toEqual([
      'access_request.cancelled',
      'access_request.created',
      'access_request.created',
      'access_request.denied',
    ]);
  });
});
