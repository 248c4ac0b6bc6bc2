import { GrantsService } from '../../src/access/grants.service';
import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { ALL_TENANTS, AuditQueryService, type AuditEntryView } from '../../src/audit';
import { CONSOLE_CSP } from '../../src/console/console-headers';
import { BUYER_MARKER } from '../../src/sandbox/buyers';
import {
  acceptInvitation,
  enrolStaff,
  ORIGIN,
  signIn,
  type BrowserSession,
  type ConsolePerson,
} from '../support/console-people';
import { randomUUID } from 'node:crypto';
import { OrderIngestService } from '../../src/orders';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder, seedOrders } from '../support/order-factory';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;
const ESCAPED = "&lt;script>alert(&quot;x&quot;)&lt;/script>&lt;img src=x onerror=alert(1)>&quot;'&amp;";
const FIRST_INDEX = 7100;

/**
 * The seller's orders pages (masked list and detail, reveal with a reason) and
 * "staff access to your data": status per role, the strict headers, buyer data
 * only after a reveal, every reveal decided and logged by the API's service,
 * and text from anyone rendered as text.
 */
describe('console orders and staff access', () => {
  let t: TestApp;
  let tenantA: string;
  let tenantB: string;
  let ordersA: string[];
  let orderB: string;
  let owner: BrowserSession;
  let member: BrowserSession;
  let viewer: BrowserSession;
  let otherOwner: BrowserSession;
  let supportPerson: ConsolePerson;
  let support: BrowserSession;

  const sellerUser = async (tenantId: string, role: 'owner' | 'member' | 'viewer', login: string) => {
    const invitation = await t.app.get(SellerUsersService).invite(TEST_ACTOR, tenantId, role);
    return signIn(t, await acceptInvitation(t, invitation.link, login));
  };

  beforeAll(async () => {
    t = await startTestApp();
    tenantA = await t.tenant('Alpha Orders');
    tenantB = await t.tenant('Bravo Orders');
    ordersA = await seedOrders(t.app, tenantA, 3, FIRST_INDEX);
    [orderB] = await seedOrders(t.app, tenantB, 1, FIRST_INDEX + 50);
    owner = await sellerUser(tenantA, 'owner', 'owner@alpha.example');
    member = await sellerUser(tenantA, 'member', 'member@alpha.example');
    viewer = await sellerUser(tenantA, 'viewer', 'viewer@alpha.example');
    otherOwner = await sellerUser(tenantB, 'owner', 'owner@bravo.example');
    supportPerson = await enrolStaff(t, 'support', 'Sam Support');
    support = await signIn(t, supportPerson);
  });
  afterAll(() => t.close());

  const get = (path: string, who?: BrowserSession, tenant?: string) => {
    const req = t.http().get(path);
    if (who) req.set('Cookie', who.cookie);
    if (tenant) req.set('X-Tenant-Id', tenant);
    return req;
  };
  const post = (
    path: string,
    who: BrowserSession,
    fields: Record<string, string>,
    opts: { hx?: boolean; tenant?: string } = {},
  ) => {
    const req = t.http().post(path).set('Cookie', who.cookie).set('Origin', ORIGIN).type('form');
    if (opts.hx) req.set('HX-Request', 'true');
    if (opts.tenant) req.set('X-Tenant-Id', opts.tenant);
    return req.send({ _csrf: who.csrf, ...fields });
  };
  const reveals = async (): Promise<AuditEntryView[]> =>
    (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'pii.revealed', limit: 500 })).items;
  /** Every buyer string of the seeded orders: none may appear on a masked page. */
  const buyerStrings = (index: number) => {
    const pii = canonicalOrder(index).pii!;
    return [pii.buyerName, pii.email, pii.phone, ...(pii.shippingAddress?.lines ?? [])].filter((s): s is string =>
      Boolean(s),
    );
  };

  it('lists masked orders for every seller role, with no buyer datum, and refuses the rest', async () => {
    for (const who of [owner, member, viewer]) {
      const res = await get('/console/orders', who).expect(200);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['cache-control']).toBe('no-store');
      for (const id of ordersA) expect(res.text).toContain(`href="/console/orders/${id}"`);
      expect(res.text).not.toContain(orderB);
      expect(res.text).not.toContain(BUYER_MARKER);
      for (let i = 0; i < 3; i++) for (const s of buyerStrings(FIRST_INDEX + i)) expect(res.text).not.toContain(s);
    }
    const anonymous = await get('/console/orders').expect(401);
    expect(anonymous.text).toContain('action="/console/sign-in"');
    // Another seller does not see A's orders, and A's order does not exist for it.
    const other = await get('/console/orders', otherOwner).expect(200);
    expect(other.text).toContain(`href="/console/orders/${orderB}"`);
    expect(other.text).not.toContain(ordersA[0]);
    await get(`/console/orders/${ordersA[0]}`, otherOwner).expect(404);
    // Staff reach a seller's orders only under the seller's grant.
    await get('/console/orders', support, tenantA).expect(403);
    await get('/console/orders', support).expect(400);
  });

  it('filters by marketplace, status and time, pages by links, and answers bad filters with the form', async () => {
    const none = await get('/console/orders?marketplace=ebay', owner).expect(200);
    expect(none.text).toContain('No orders match these filters.');
    const shipped = await get('/console/orders?status=shipped', owner).expect(200);
    expect(shipped.text).toContain('No orders match these filters.');
    const since = await get(
      '/console/orders?marketplace=amazon&status=unshipped&updatedSince=2026-01-01',
      owner,
    ).expect(200);
    expect(since.text.match(/href="\/console\/orders\/[0-9a-f-]{36}"/g)).toHaveLength(3);
    await seedOrders(t.app, tenantA, 50, FIRST_INDEX + 100);
    const first = await get('/console/orders?marketplace=amazon', owner).expect(200);
    const next = /href="(\/console\/orders\?[^"]*cursor=[^"]+)"/.exec(first.text)![1].replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/console\/orders\?marketplace=amazon&cursor=/);
    const second = await get(next, owner).expect(200);
    expect(second.text.match(/href="\/console\/orders\/[0-9a-f-]{36}"/g)).toHaveLength(3);
    expect(second.text).toContain('First page');
    for (const q of [
      'marketplace=etsy',
      'status=lost',
      'updatedSince=2026-13-01',
      `status=${encodeURIComponent(HOSTILE)}`,
    ]) {
      const res = await get(`/console/orders?${q}`, owner);
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.text).toContain('These filters could not be read');
      expect(res.text).not.toContain('<script>alert');
    }
    await get('/console/orders?cursor=not-a-cursor', owner).expect(400);
    await get('/console/orders?unknown=1', owner).expect(400);
    await get('/console/orders/not-an-id', owner).expect(400);
  });

  it('shows the reveal form only to roles that may reveal; a viewer is refused, and the refusal is logged', async () => {
    const detail = await get(`/console/orders/${ordersA[0]}`, viewer).expect(200);
    expect(detail.text).toContain('sealed (reveal with a reason)');
    expect(detail.text).not.toContain('/reveal"');
    expect(detail.text).not.toContain(BUYER_MARKER);
    const memberDetail = await get(`/console/orders/${ordersA[0]}`, member).expect(200);
    expect(memberDetail.text).toContain(`action="/console/orders/${ordersA[0]}/reveal"`);
    expect(memberDetail.text).not.toContain(BUYER_MARKER);
    const before = (await reveals()).length;
    const refused = await post(
      `/console/orders/${ordersA[0]}/reveal`,
      viewer,
      { reason: 'viewer trying' },
      { hx: true },
    );
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(BUYER_MARKER);
    const entries = await reveals();
    expect(entries.length).toBe(before + 1);
    expect(entries[0]).toMatchObject({ outcome: 'denied', tenantId: tenantA, targets: { orderIds: [ordersA[0]] } });
  });

  it('reveals with a reason: a fragment for htmx, the page without it, never without the CSRF token, each logged', async () => {
    const path = `/console/orders/${ordersA[1]}/reveal`;
    const [name] = buyerStrings(FIRST_INDEX + 1);
    // Without the page's token, or from another site, nothing is opened.
    const noToken = await t
      .http()
      .post(path)
      .set('Cookie', member.cookie)
      .set('Origin', ORIGIN)
      .type('form')
      .send({ reason: 'x' });
    expect(noToken.status).toBe(403);
    expect(noToken.text).not.toContain(name);
    const fragment = await post(
      path,
      member,
      { reason: 'buyer asked where the parcel is', ticketRef: 'T-100' },
      { hx: true },
    ).expect(200);
    expect(fragment.headers['cache-control']).toBe('no-store');
    expect(fragment.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(fragment.text).toMatch(/^<div class="notice revealed" role="status">/);
    expect(fragment.text).toContain(name);
    const [entry] = await reveals();
    expect(entry).toMatchObject({
      outcome: 'allowed',
      tenantId: tenantA,
      reason: 'buyer asked where the parcel is',
      ticketRef: 'T-100',
      targets: { orderIds: [ordersA[1]] },
      actor: { kind: 'seller', keyId: expect.stringMatching(/^session:/) },
    });
    const page = await post(path, member, { reason: 'again, as a plain form' }).expect(200);
    expect(page.text).toMatch(/^<!DOCTYPE html>/);
    expect(page.text).toContain(name);
    expect((await reveals())[0]).toMatchObject({ outcome: 'allowed', reason: 'again, as a plain form' });
    // No reason: refused by the reveal service, and logged as a refusal.
    const noReason = await post(path, member, { reason: '  ' }, { hx: true }).expect(400);
    expect(noReason.text).toContain('X-Access-Reason');
    expect((await reveals())[0]).toMatchObject({ outcome: 'denied', targets: { orderIds: [ordersA[1]] } });
    await post(`/console/orders/${orderB}/reveal`, member, { reason: 'not ours' }, { hx: true }).expect(404);
  });

  it('shows the seller every staff reveal of its buyers (who, why, ticket, grant) and lets it revoke the grant', async () => {
    const grant = await t.app.get(GrantsService).create(TEST_ACTOR, tenantA, {
      granteeStaffId: supportPerson.staffId,
      expiresAt: new Date(t.clock.nowMs() + 8 * 3600_000),
      ticketRef: 'T-555',
    });
    const staffDetail = await get(`/console/orders/${ordersA[2]}`, support, tenantA).expect(200);
    expect(staffDetail.text).not.toContain(BUYER_MARKER);
    const staffReveal = await post(
      `/console/orders/${ordersA[2]}/reveal`,
      support,
      { reason: HOSTILE, ticketRef: 'T-555' },
      { hx: true, tenant: tenantA },
    ).expect(200);
    expect(staffReveal.text).toContain(buyerStrings(FIRST_INDEX + 2)[0]);

    const res = await get('/console/staff-access', owner).expect(200);
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.text).not.toContain(HOSTILE);
    expect(res.text).not.toMatch(/<script>alert|<img src=x/);
    expect(res.text).toContain(ESCAPED);
    expect(res.text).toContain(`support ${supportPerson.staffId}`);
    expect(res.text).toContain(`grant ${grant.grantId}`);
    expect(res.text).toContain('T-555');
    expect(res.text).toContain(ordersA[2]);
    // Only staff: the member's own reveals are not listed here.
    expect(res.text).not.toContain('buyer asked where the parcel is');
    expect(res.text).not.toContain(BUYER_MARKER);
    expect(res.text).toContain(`action="/console/staff-access/grants/${grant.grantId}/revoke"`);
    // A viewer reads the list but manages no grants; another seller sees none of it.
    const forViewer = await get('/console/staff-access', viewer).expect(200);
    expect(forViewer.text).toContain(`grant ${grant.grantId}`);
    expect(forViewer.text).not.toContain('/revoke"');
    const other = await get('/console/staff-access', otherOwner).expect(200);
    expect(other.text).not.toContain(supportPerson.staffId);
    expect(other.text).toContain('No staff member has opened');
    await get(`/console/staff-access?tenant=${tenantA}`, otherOwner).expect(404);
    await get('/console/staff-access?tenant=x', owner).expect(400);
    await get('/console/staff-access', support).expect(403);
    await get('/console/staff-access').expect(401);
    // Viewing it is itself logged, as the access log's page is.
    const views = await t.app
      .get(AuditQueryService)
      .list({ kind: 'tenant', tenantId: tenantA }, { action: 'audit.viewed' });
    expect(views.items[0]).toMatchObject({ reason: 'filters: actorKind=staff action=pii.revealed' });

    const revokePath = `/console/staff-access/grants/${grant.grantId}/revoke`;
    await post(revokePath, viewer, {}).expect(403);
    await post(revokePath, otherOwner, {}).expect(404);
    await post(revokePath, owner, {}).expect(303).expect('Location', '/console/staff-access');
    await post(revokePath, owner, {}).expect(409);
    const after = await get('/console/staff-access', owner).expect(200);
    expect(after.text).toContain('No staff member may see your buyers');
    await post(
      `/console/orders/${ordersA[2]}/reveal`,
      support,
      { reason: 'after revoke' },
      { hx: true, tenant: tenantA },
    ).expect(403);
  });
  it('renders what a marketplace sent as text: a hostile item title and SKU on the list and the order page', async () => {
    const hostile = canonicalOrder(FIRST_INDEX + 900, {
      lineItems: [
        {
          lineItemId: 'li-hostile',
          sku: HOSTILE,
          marketplaceItemId: 'B0HOSTILE1',
          title: HOSTILE,
          quantity: 1,
          unitPrice: '1.00',
          currency: 'EUR',
        },
      ],
    });
    const summary = await t.app
      .get(TransactionManager)
      .run((tx) =>
        t.app.get(OrderIngestService).ingestPage(tx, { tenantId: tenantA, connectionId: randomUUID() }, [hostile]),
      );
    const [orderId] = summary.orderIds;
    const page = await get(`/console/orders/${orderId}`, member).expect(200);
    expect(page.text).not.toContain(HOSTILE);
    expect(page.text).not.toMatch(/<script>alert|<img src=x/);
    expect(page.text).toContain(`<td class="mono">${ESCAPED}</td><td>${ESCAPED}</td>`);
  });

  it('shows an auditor the staff reveals of every tenant or of one, and no grants', async () => {
    const auditor = await signIn(t, await enrolStaff(t, 'auditor', 'Ada Auditor'));
    const all = await get('/console/staff-access', auditor).expect(200);
    expect(all.text).toContain(`support ${supportPerson.staffId}`);
    expect(all.text).toContain(tenantA);
    expect(all.text).toContain('name="tenant"');
    expect(all.text).not.toContain('Active support grants');
    const onlyB = await get(`/console/staff-access?tenant=${tenantB}`, auditor).expect(200);
    expect(onlyB.text).not.toContain(supportPerson.staffId);
    const reflected = await get(`/console/staff-access?tenant=${encodeURIComponent(HOSTILE)}`, auditor).expect(400);
    expect(reflected.text).not.toContain(HOSTILE);
    expect(reflected.text).toContain('tenant: a tenant id (uuid)');
    // Auditors never see buyer data: the orders pages are not theirs.
    await get('/console/orders', auditor, tenantA).expect(403);
  });
});
