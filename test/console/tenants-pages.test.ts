import { DataSource } from 'typeorm';
import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { SELLER_SCOPES } from '../../src/auth';
import { ConnectionsService } from '../../src/connections/connections.service';
import { DeliveriesService } from '../../src/delivery/dispatch/deliveries.service';
import { EndpointsService } from '../../src/delivery/endpoints/endpoints.service';
import { SyncStateRepository } from '../../src/sync/sync-state.repository';
import { acceptInvitation, enrolStaff, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { seedOrders } from '../support/order-factory';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const HOSTILE = '<script>alert(1)</script>';

/**
 * Support's tenants roll-up (sync and delivery health in figures, the staff member's access to each) and the
 * staff member's way into one seller's pages: the tenant named in the URL, carried by every link and form, and
 * the seller's grant deciding as it does on the API.
 */
describe('console tenants roll-up and staff pages of one seller', () => {
  let t: TestApp;
  const tenants = {} as Record<'healthy' | 'troubled' | 'empty', string>;
  let support: BrowserSession;
  let supportStaffId: string;
  let auditor: BrowserSession;
  let owner: BrowserSession;
  let supportKey: AuthHeader;
  let healthyOrderId: string;
  let ownerKey: AuthHeader;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    tenants.healthy = await t.tenant(`Healthy ${HOSTILE}`);
    tenants.troubled = await t.tenant('Troubled Seller');
    tenants.empty = await t.tenant('Empty Seller');
    const person = await enrolStaff(t, 'support');
    supportStaffId = person.staffId;
    support = await signIn(t, person);
    auditor = await signIn(t, await enrolStaff(t, 'auditor'));
    supportKey = (await t.staff('support')).auth;
    const users = t.app.get(SellerUsersService);
    owner = await signIn(
      t,
      await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenants.healthy, 'owner')).link, 'o@healthy.example'),
    );
    ownerKey = (await t.seller(tenants.healthy, [...SELLER_SCOPES])).auth;

    [healthyOrderId] = await seedOrders(t.app, tenants.healthy, 2);
    await seedOrders(t.app, tenants.troubled, 1);

    // Sync: the healthy seller's account synced a minute ago; the troubled one's authorisation failed.
    const connections = t.app.get(ConnectionsService);
    const connect = async (tenantId: string, accountId: string) =>
      (
        await connections.connect(TEST_ACTOR, {
          tenantId,
          marketplace: 'ebay',
          region: 'EBAY_DE',
          marketplaceIds: [],
          accountId,
          credentials: { refreshToken: `refresh-token-${accountId}` },
        })
      ).connectionId;
    const healthyConnection = await connect(tenants.healthy, 'healthy-ebay-account');
    const troubledConnection = await connect(tenants.troubled, 'troubled-ebay-account');
    secrets.push(healthyConnection, troubledConnection, 'healthy-ebay-account', 'troubled-ebay-account');
    const states = t.app.get(SyncStateRepository);
    const now = t.clock.nowMs();
    await states.ensure(tenants.healthy, healthyConnection, new Date(now + 300_000));
    await states.update(undefined, tenants.healthy, healthyConnection, {
      cursor: new Date(now - 60_000),
      lastSuccessAt: new Date(now - 60_000),
    });
    await connections.markAuthFailed(TEST_ACTOR, tenants.troubled, troubledConnection, 'invalid_grant');

    // Delivery: the healthy seller has an endpoint with one delivery waiting; the troubled one's endpoint was
    // disabled by ordervault (its receiver answered 410).
    const endpoints = t.app.get(EndpointsService);
    const healthyEndpoint = await endpoints.create(TEST_ACTOR, tenants.healthy, {
      url: 'https://127.0.0.1:9/healthy-hook',
    });
    const troubledEndpoint = await endpoints.create(TEST_ACTOR, tenants.troubled, {
      url: 'https://127.0.0.1:9/troubled-hook',
    });
    secrets.push('healthy-hook', 'troubled-hook', healthyEndpoint.endpointId, troubledEndpoint.endpointId);
    await t.app.get(DeliveriesService).ping(tenants.healthy, healthyEndpoint.endpointId);
    await t.app
      .get(DataSource)
      .query(
        `UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'gone', disabled_at = now() WHERE endpoint_id = $1`,
        [troubledEndpoint.endpointId],
      );
  });
  afterAll(() => t?.close());

  const get = (path: string, s: BrowserSession) => t.http().get(path).set('Cookie', s.cookie);
  /** The row of one tenant in the roll-up table (from its id to the end of its row). */
  const rowOf = (html: string, tenantId: string) => {
    const start = html.indexOf(tenantId);
    return start === -1 ? '' : html.slice(start, html.indexOf('</tr>', start));
  };

  it('shows support every seller with sync and delivery health in words and figures, nothing of their records', async () => {
    const res = await get('/console/tenants', support).expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toContain(HOSTILE);
    expect(res.text).toContain('Healthy &lt;script>alert(1)&lt;/script>');

    const healthy = rowOf(res.text, tenants.healthy);
    expect(healthy).toContain('On time');
    expect(healthy).toContain('1 on time');
    expect(healthy).toContain('Healthy');
    expect(healthy).toContain('backlog 1');
    expect(healthy).toContain('Request access');

    const troubled = rowOf(res.text, tenants.troubled);
    expect(troubled).toContain('Action required');
    expect(troubled).toContain('Endpoint disabled');

    const empty = rowOf(res.text, tenants.empty);
    expect(empty).toContain('No account');
    expect(empty).toContain('No endpoint');

    // Figures only: no account, connection, endpoint, order or buyer.
    for (const secret of [...secrets, healthyOrderId, 'Ovsim']) expect(res.text).not.toContain(secret);

    // "Needing attention" keeps the troubled seller and leaves out the others.
    const attention = await get('/console/tenants?show=attention', support).expect(200);
    expect(attention.text).toContain(tenants.troubled);
    expect(attention.text).not.toContain(tenants.healthy);
    expect(attention.text).not.toContain(tenants.empty);
  });

  it('is for support and admin staff; auditors and sellers are refused, strangers asked to sign in', async () => {
    await get('/console/tenants', auditor).expect(403);
    await get('/console/tenants', owner).expect(403);
    const anonymous = await t.http().get('/console/tenants');
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain('action="/console/sign-in"');
    await get('/console/tenants?after=not-a-uuid', support).expect(400);
    await get('/console/tenants?show=everything', support).expect(400);
  });

  it('has its API twins: the tenants and their sync and delivery figures, for the same permission', async () => {
    const ids = `${tenants.healthy},${tenants.troubled},${tenants.empty}`;
    const list = await t.http().get('/v1/tenants').set(supportKey).expect(200);
    expect(list.body.map((x: { tenantId: string }) => x.tenantId)).toEqual(
      expect.arrayContaining(Object.values(tenants)),
    );
    const sync = await t.http().get(`/v1/tenant-health/sync?tenantIds=${ids}`).set(supportKey).expect(200);
    expect(sync.body.map((s: { worst: string }) => s.worst)).toEqual(['on_time', 'action_required', 'none']);
    expect(sync.body[0]).toMatchObject({ tenantId: tenants.healthy, connections: 1, onTime: 1, maxLagSeconds: 60 });
    expect(sync.body[1]).toMatchObject({ connections: 1, actionRequired: 1 });
    const delivery = await t.http().get(`/v1/tenant-health/delivery?tenantIds=${ids}`).set(supportKey).expect(200);
    expect(delivery.body.map((d: { state: string }) => d.state)).toEqual(['healthy', 'disabled', 'none']);
    expect(delivery.body[0]).toMatchObject({
      backlog: 1,
      endpoints: { active: 1, failing: 0, paused: 0, disabled: 0 },
    });
    expect(delivery.body[1]).toMatchObject({ backlog: 0, endpoints: { active: 0, disabled: 1 } });
    for (const secret of secrets) expect(JSON.stringify([sync.body, delivery.body])).not.toContain(secret);

    // Bad lists are a 400 naming the parameter; a seller's key is refused.
    const tooMany = Array.from({ length: 101 }, () => tenants.empty).join(',');
    for (const bad of ['', 'not-a-uuid', `${tenants.healthy},x`, tooMany]) {
      const res = await t.http().get(`/v1/tenant-health/sync?tenantIds=${bad}`).set(supportKey);
      expect([bad.slice(0, 20), res.status]).toEqual([bad.slice(0, 20), 400]);
      expect(JSON.stringify(res.body)).toContain('tenantIds');
    }
    await t.http().get(`/v1/tenant-health/delivery?tenantIds=${tenants.healthy}`).set(ownerKey).expect(403);
  });

  it("lets staff into one seller's pages by naming it in the URL, only under the seller's grant", async () => {
    const orders = `/console/orders?tenant=${tenants.healthy}`;
    // Without a grant: refused as on the API; without a tenant: told to choose one.
    await get(orders, support).expect(403);
    const unnamed = await get('/console/orders', support).expect(400);
    expect(unnamed.text).toContain('choose the tenant first');
    await get('/console/orders?tenant=not-a-uuid', support).expect(400);

    // The seller grants this staff member access (until an hour from now).
    await t
      .http()
      .post('/v1/grants')
      .set(ownerKey)
      .send({
        granteeStaffId: supportStaffId,
        expiresAt: new Date(t.clock.nowMs() + 3_600_000).toISOString(),
      })
      .expect(201);

    const rollUp = await get('/console/tenants', support).expect(200);
    const row = rowOf(rollUp.text, tenants.healthy);
    expect(row).toContain('Granted until');
    expect(row).toContain(`href="/console/orders?tenant=${tenants.healthy}"`);

    const page = await get(orders, support).expect(200);
    expect(page.text).not.toContain('Ovsim');
    // Every link and form of the page names the tenant: the order, the filters, the navigation.
    expect(page.text).toContain(`href="/console/orders/${healthyOrderId}?tenant=${tenants.healthy}"`);
    expect(page.text).toContain(`<input type="hidden" name="tenant" value="${tenants.healthy}"/>`);
    expect(page.text).toContain(`href="/console/endpoints?tenant=${tenants.healthy}"`);
    // Every link to a page of the seller carries it; a GET form (whose action's query a browser drops) as a field.
    const links = [...page.text.matchAll(/href="(\/console\/(?:orders|endpoints|dead-letters)[^"]*)"/g)];
    expect(links.length).toBeGreaterThan(3);
    for (const [, link] of links) expect([link, link.includes(`tenant=${tenants.healthy}`)]).toEqual([link, true]);
    const getForms = [...page.text.matchAll(/<form method="get"[^>]*>([\s\S]*?)<\/form>/g)];
    expect(getForms.length).toBeGreaterThan(0);
    for (const [, body] of getForms) expect(body).toContain(`name="tenant" value="${tenants.healthy}"`);

    // Following the links works: the order (masked) and its reveal form, which posts with the tenant named.
    const order = await get(`/console/orders/${healthyOrderId}?tenant=${tenants.healthy}`, support).expect(200);
    expect(order.text).not.toContain('Ovsim');
    const reveal = `/console/orders/${healthyOrderId}/reveal?tenant=${tenants.healthy}`;
    expect(order.text).toContain(`action="${reveal}"`);
    const revealed = await t
      .http()
      .post(reveal)
      .set('Origin', ORIGIN)
      .set('Cookie', support.cookie)
      .type('form')
      .send({ _csrf: support.csrf, reason: 'Seller asked why the parcel went back (ticket 4711)' })
      .expect(200);
    expect(revealed.text).toContain('Ovsim');
    await get(`${orders}&status=unshipped&marketplace=`, support).expect(200);
    const hooks = await get(`/console/endpoints?tenant=${tenants.healthy}`, support).expect(200);
    expect(hooks.text).toMatch(new RegExp(`href="/console/endpoints/[0-9a-f-]{36}\\?tenant=${tenants.healthy}"`));
    await get(`/console/dead-letters?tenant=${tenants.healthy}&state=all`, support).expect(200);

    // The grant is for this seller only; another seller's pages stay closed.
    await get(`/console/orders?tenant=${tenants.troubled}`, support).expect(403);
  });

  it('never lets a seller name another tenant in the URL, and ignores the parameter for its own', async () => {
    await get(`/console/orders?tenant=${tenants.troubled}`, owner).expect(404);
    const own = await get(`/console/orders?tenant=${tenants.healthy}`, owner).expect(200);
    // A seller's links name no tenant: its own is implied.
    expect(own.text).not.toContain('tenant=');
    await t.http().get('/console/orders').set('Cookie', owner.cookie).set('Origin', ORIGIN).expect(200);
  });
});
