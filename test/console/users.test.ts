import { ALL_TENANTS, AuditQueryService } from '../../src/audit';
import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { fromBase32, totpAt } from '../../src/access/people/totp';
import { CONSOLE_CSP } from '../../src/console/console-headers';
import { acceptInvitation, ORIGIN, signIn, type BrowserSession, type InvitedPerson } from '../support/console-people';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const HOSTILE = `<script>alert("x")</script>"'&`;

/**
 * Seller users: an operator invites the first owner (the link shown once);
 * accepting sets a password and a confirmed TOTP secret; the owner invites
 * the rest with roles mapped onto seller scopes; role changes follow the
 * owner rule and keep an owner; every step is an access-log entry. The pages
 * and the JSON API are the same service behind the same permission.
 */
describe('seller users and invitations', () => {
  let t: TestApp;
  let tenant: string;
  let other: string;
  let owner: InvitedPerson;
  let ownerSession: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await t.tenant('Users Seller');
    other = await t.tenant('Other Seller');
    const first = await t.app.get(SellerUsersService).invite(TEST_ACTOR, tenant, 'owner');
    expect(first.link).toMatch(/^http:\/\/localhost:3000\/console\/invitations\/[A-Za-z0-9_-]{43}$/);
    owner = await acceptInvitation(t, first.link, 'owner@seller.example');
    ownerSession = await signIn(t, owner);
  });
  afterAll(() => t.close());

  const entries = async (action: string) =>
    (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action, limit: 500 })).items;
  const page = (path: string, s: BrowserSession | AuthHeader) => {
    const req = t.http().get(path);
    return 'cookie' in s ? req.set('Cookie', s.cookie) : req.set(s);
  };
  const post = (path: string, s: BrowserSession, fields: Record<string, string>, hx = false) => {
    const req = t.http().post(path).set('Cookie', s.cookie).set('Origin', ORIGIN).type('form');
    if (hx) req.set('HX-Request', 'true');
    return req.send({ _csrf: s.csrf, ...fields });
  };
  const inviteInConsole = async (s: BrowserSession, role: string): Promise<string> => {
    const res = await post('/console/users/invitations', s, { role }, true).expect(201);
    return /<code class="secret">([^<]+)<\/code>/.exec(res.text)![1];
  };

  it('the first owner accepted with password and TOTP: logged, signed in, and the invitation is used up', async () => {
    const accepted = (await entries('invitation.accepted')).filter((e) => e.tenantId === tenant);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ outcome: 'allowed', targets: { accountId: owner.accountId } });
    const created = (await entries('invitation.created')).filter((e) => e.tenantId === tenant);
    expect(created[0]).toMatchObject({ actor: { kind: 'system' }, reason: 'invited a owner' });
    const started = (await entries('session.started')).find((e) => e.actor.id === `person:${owner.accountId}`);
    expect(started).toMatchObject({ tenantId: tenant, actor: { kind: 'seller' } });
    const home = await page('/console', ownerSession).expect(200);
    expect(home.text).toContain('href="/console/users"');
    const [invitation] = await t.app.get(SellerUsersService).listInvitations(tenant);
    expect(invitation.state).toBe('accepted');
    // The link's secret is nowhere in what the log or the list keep.
    expect(JSON.stringify(invitation)).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  it('a used, revoked, expired or made-up link opens nothing, with one message', async () => {
    const svc = t.app.get(SellerUsersService);
    const used = (await svc.invite(TEST_ACTOR, tenant, 'viewer')).link;
    await acceptInvitation(t, used, 'used-once@seller.example');
    const revoked = await svc.invite(TEST_ACTOR, tenant, 'viewer');
    await svc.revokeInvitation(TEST_ACTOR, tenant, revoked.invitationId);
    const expired = (await svc.invite(TEST_ACTOR, tenant, 'viewer')).link;
    t.clock.advance(72 * 3600_000 + 1000);
    ownerSession = await signIn(t, owner);
    const texts: string[] = [];
    for (const link of [used, revoked.link, expired, `${ORIGIN}/console/invitations/${'A'.repeat(43)}`]) {
      const res = await t.http().get(new URL(link).pathname).expect(404);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      texts.push(/<p[^>]*>(this invitation link[^<]*)</.exec(res.text)?.[1] ?? res.text);
    }
    expect(new Set(texts).size).toBe(1);
    await t.http().get('/console/invitations/short').expect(400);
  });

  it('the owner invites in the console: the link is shown once, and the invitee becomes a member', async () => {
    const users = await page('/console/users', ownerSession).expect(200);
    expect(users.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(users.headers['cache-control']).toBe('no-store');
    expect(users.text).toContain('owner@seller.example');
    const link = await inviteInConsole(ownerSession, 'member');
    const again = await page('/console/users', ownerSession).expect(200);
    expect(again.text).not.toContain(link);
    const member = await acceptInvitation(t, link, 'member@seller.example');
    const memberSession = await signIn(t, member);
    // A member has orders and the log, but no users page.
    await page('/console/users', memberSession).expect(403);
    await page('/console/audit', memberSession).expect(200);
    const list = await t.app.get(SellerUsersService).listUsers(tenant);
    expect(list.find((u) => u.login === 'member@seller.example')).toMatchObject({
      role: 'member',
      scopes: expect.arrayContaining(['orders:read', 'orders:read_pii']),
    });
  });

  it('accepting refuses a taken login, a short password and a wrong code, and asks again', async () => {
    const svc = t.app.get(SellerUsersService);
    const { link } = await svc.invite(TEST_ACTOR, tenant, 'viewer');
    const path = new URL(link).pathname;
    const send = (p: string, fields: Record<string, string>) =>
      t.http().post(p).set('Origin', ORIGIN).type('form').send(fields);
    const taken = await send(path, { login: 'owner@seller.example', password: 'long enough password' }).expect(409);
    expect(taken.text).toContain('that login is taken');
    await send(path, { login: 'fresh@seller.example', password: 'short' }).expect(400);
    const hostile = await send(path, { login: HOSTILE, password: 'long enough password' }).expect(400);
    expect(hostile.text).not.toContain('<script>alert');
    await send(path, { login: 'fresh@seller.example', password: 'long enough password' }).expect(200);
    const wrong = await send(`${path}/confirm`, { code: '000000' });
    expect([400]).toContain(wrong.status);
    expect(wrong.text).toContain('that code does not match');
    // From another site, nothing happens.
    await t
      .http()
      .post(`${path}/confirm`)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ code: '123456' })
      .expect(403);
    await t.http().post(path).type('form').send({ login: 'x@y.example', password: 'long enough password' }).expect(400);
  });

  it('roles: an admin may not make or touch owners, the last owner stays, changes are logged and end sessions', async () => {
    const adminLink = await inviteInConsole(ownerSession, 'admin');
    const admin = await acceptInvitation(t, adminLink, 'admin@seller.example');
    const adminSession = await signIn(t, admin);
    // An admin cannot invite an owner, nor demote the owner.
    await post('/console/users/invitations', adminSession, { role: 'owner' }).expect(403);
    await post(`/console/users/${owner.accountId}/role`, adminSession, { role: 'viewer' }).expect(403);
    // The owner cannot demote themselves while the only owner.
    const last = await post(`/console/users/${owner.accountId}/role`, ownerSession, { role: 'admin' }).expect(409);
    expect(last.text).toContain('at least one owner');
    // The owner makes the admin a viewer: logged, and the admin's session ends.
    await post(`/console/users/${admin.accountId}/role`, ownerSession, { role: 'viewer' }).expect(303);
    await page('/console/users', adminSession).expect(401);
    const change = (await entries('user.role_changed')).find(
      (e) => (e.targets as { accountId?: string }).accountId === admin.accountId,
    );
    expect(change).toMatchObject({
      tenantId: tenant,
      reason: 'role admin → viewer',
      actor: { kind: 'seller', id: `person:${owner.accountId}` },
    });
    const viewer = await signIn(t, admin);
    await page('/console/users', viewer).expect(403);
    // Changing without the page token, or from elsewhere, is refused.
    await t
      .http()
      .post(`/console/users/${admin.accountId}/role`)
      .set('Cookie', ownerSession.cookie)
      .set('Origin', ORIGIN)
      .type('form')
      .send({ role: 'member' })
      .expect(403);
  });

  it('the JSON API does the same: list, invite, revoke, change role, and accept in two steps', async () => {
    const key = (await t.seller(tenant, ['users:manage', 'orders:read', 'endpoints:read', 'audit:read'])).auth;
    const users = await t.http().get('/v1/users').set(key).expect(200);
    expect(users.body.map((u: { login: string }) => u.login)).toContain('owner@seller.example');
    // A narrow key may invite a viewer (whose scopes it holds), never a member or an owner.
    await t.http().post('/v1/invitations').set(key).send({ role: 'member' }).expect(403);
    await t.http().post('/v1/invitations').set(key).send({ role: 'owner' }).expect(403);
    await t.http().post('/v1/invitations').set(key).send({ role: 'king' }).expect(400);
    // Without an SMTP relay an address cannot be used: 412, nothing created, and the page offers no such field.
    const pending = (await t.http().get('/v1/invitations').set(key).expect(200)).body.length;
    const unsent = await t.http().post('/v1/invitations').set(key).send({ role: 'viewer', email: 'vi@seller.example' });
    expect(unsent.status).toBe(412);
    expect(unsent.body.error.message).toContain('sends no email');
    expect((await t.http().get('/v1/invitations').set(key).expect(200)).body).toHaveLength(pending);
    expect((await page('/console/users', ownerSession).expect(200)).text).not.toContain('name="email"');
    const created = await t.http().post('/v1/invitations').set(key).send({ role: 'viewer' }).expect(201);
    expect(created.body).toMatchObject({ role: 'viewer', state: 'pending', link: expect.any(String) });
    const token = created.body.link.split('/').pop();
    const listed = await t.http().get('/v1/invitations').set(key).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const step1 = await t
      .http()
      .post('/v1/invitation-acceptances')
      .send({ token, login: 'api-viewer@seller.example', password: 'api viewer password' })
      .expect(200);
    const secret = fromBase32(new URL(step1.body.otpauthUri).searchParams.get('secret')!)!;
    t.clock.advance(30_000);
    const made = await t
      .http()
      .post('/v1/invitation-acceptances/confirm')
      .send({ token, code: totpAt(secret, t.clock.nowMs()) })
      .expect(201);
    expect(made.body).toMatchObject({ role: 'viewer', scopes: ['orders:read', 'endpoints:read', 'audit:read'] });
    await t.http().post('/v1/invitation-acceptances/confirm').send({ token, code: '000000' }).expect(404);
    const revocable = await t.http().post('/v1/invitations').set(key).send({ role: 'viewer' }).expect(201);
    await t.http().delete(`/v1/invitations/${revocable.body.invitationId}`).set(key).expect(200);
    await t.http().delete(`/v1/invitations/${revocable.body.invitationId}`).set(key).expect(409);
    expect((await entries('invitation.revoked')).length).toBeGreaterThanOrEqual(2);
    // Another tenant's key sees none of this tenant's users, and cannot change them.
    const stranger = (await t.seller(other, ['users:manage'])).auth;
    const theirs = await t.http().get('/v1/users').set(stranger).expect(200);
    expect(theirs.body).toEqual([]);
    await t.http().patch(`/v1/users/${owner.accountId}`).set(stranger).send({ role: 'viewer' }).expect(404);
    // A staff admin manages users for onboarding; support staff do not.
    await t.http().get('/v1/users').set(t.admin).set('X-Tenant-Id', tenant).expect(200);
    const support = (await t.staff('support')).auth;
    await t.http().get('/v1/users').set(support).set('X-Tenant-Id', tenant).expect(403);
  });
});
