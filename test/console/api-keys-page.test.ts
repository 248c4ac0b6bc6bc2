import { ApiKeysService } from '../../src/access/api-keys.service';
import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { ALL_TENANTS, AuditQueryService } from '../../src/audit';
import { acceptInvitation, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';

/** The API-keys screen: the same service and permission as /v1/api-keys, the key shown once. */
describe('console API keys page', () => {
  let t: TestApp;
  let tenant: string;
  let owner: BrowserSession;
  let viewer: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await t.tenant('Keys Seller');
    const users = t.app.get(SellerUsersService);
    const invite = async (role: 'owner' | 'viewer', login: string) =>
      signIn(t, await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, role)).link, login));
    owner = await invite('owner', 'owner@keys.example');
    viewer = await invite('viewer', 'viewer@keys.example');
  });
  afterAll(() => t?.close());

  const form = (path: string, s: BrowserSession, body: Record<string, unknown>) =>
    t
      .http()
      .post(path)
      .set('Origin', ORIGIN)
      .set('Cookie', s.cookie)
      .type('form')
      .send({ _csrf: s.csrf, ...body });

  it('creates a key shown once, lists it by prefix, scopes and dates, and revokes it', async () => {
    const hostile = '<script>alert(1)</script>';
    const created = await form('/console/api-keys', owner, { label: hostile, scopes: 'orders:read' });
    expect(created.status).toBe(201);
    const key = /<code class="secret">(ov_live_[a-z2-9]{16}_[A-Za-z0-9_-]{43})<\/code>/.exec(created.text)?.[1];
    expect(key).toBeDefined();
    expect(created.text).not.toContain(hostile);
    expect(created.text).toContain('&lt;script>');
    const keyId = key!.split('_')[2];
    // The new key works on the API.
    expect((await t.http().get('/v1/orders').set('Authorization', `Bearer ${key}`)).status).toBe(200);

    const page = await t.http().get('/console/api-keys').set('Cookie', owner.cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`ov_live_${keyId}_…`);
    expect(page.text).toContain('orders:read');
    expect(page.text).not.toContain(key!);
    expect(page.headers['cache-control']).toBe('no-store');

    const two = await form('/console/api-keys', owner, { label: 'sync', scopes: ['orders:read', 'endpoints:read'] });
    expect(two.status).toBe(201);
    expect((await t.app.get(ApiKeysService).listForTenant(tenant)).map((k) => k.scopes)).toContainEqual([
      'endpoints:read',
      'orders:read',
    ]);
    // As on the API: never a scope the person's own role does not hold.
    expect((await form('/console/api-keys', owner, { label: 'ack', scopes: 'orders:acknowledge' })).status).toBe(403);

    const revoked = await form(`/console/api-keys/${keyId}/revoke`, owner, {});
    expect(revoked.status).toBe(303);
    expect((await t.http().get('/v1/orders').set('Authorization', `Bearer ${key}`)).status).toBe(401);
    const entries = (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'key.revoked' })).items;
    expect(entries.find((e) => (e.targets as Record<string, unknown>).keyId === keyId)).toMatchObject({
      tenantId: tenant,
      outcome: 'allowed',
    });
  });

  it('refuses a viewer, a form without its token, no scope and an unknown scope', async () => {
    expect((await t.http().get('/console/api-keys').set('Cookie', viewer.cookie)).status).toBe(403);
    const noToken = await t
      .http()
      .post('/console/api-keys')
      .set('Origin', ORIGIN)
      .set('Cookie', owner.cookie)
      .type('form')
      .send({ label: 'x', scopes: 'orders:read' });
    expect(noToken.status).toBe(403);
    expect((await form('/console/api-keys', owner, { label: 'none' })).status).toBe(400);
    expect((await form('/console/api-keys', owner, { label: 'bad', scopes: 'staff:manage' })).status).toBe(400);
  });
});
