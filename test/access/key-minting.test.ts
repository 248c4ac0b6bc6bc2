import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const MINUTE = 60_000;

/**
 * One rule behind every way a key comes into being (creation, rotation, a
 * staff member's own keys): no key ever carries more than the key that made it
 * (scopes, owner, lifetime), and nobody mints a key for someone else.
 */
describe('minting keys: never more than the maker holds', () => {
  let t: TestApp;
  let tenantId: string;
  let orderId: string;
  let ds: DataSource;

  const reveal = (auth: AuthHeader) =>
    t.http().post(`/v1/orders/${orderId}/reveal`).set(auth).set('X-Access-Reason', 'checking an address');

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    tenantId = await t.tenant('Minting');
    [orderId] = await seedOrders(t.app, tenantId, 1);
  });
  afterAll(() => t.close());

  it('refuses to rotate a key carrying a scope the caller lacks, and leaves that key working', async () => {
    const pii = await t.seller(tenantId, ['orders:read', 'orders:read_pii']);
    const manager = await t.seller(tenantId, ['keys:manage']);
    await t
      .http()
      .post('/v1/api-keys')
      .set(manager.auth)
      .send({ label: 'x', scopes: ['orders:read_pii'] })
      .expect(403);
    const listed = await t.http().get('/v1/api-keys').set(manager.auth).expect(200);
    expect(listed.body.map((k: { keyId: string }) => k.keyId)).toContain(pii.keyId);
    const rotated = await t.http().post(`/v1/api-keys/${pii.keyId}/rotate`).set(manager.auth).expect(403);
    expect(rotated.body.key).toBeUndefined();
    // Not revoked as a side effect: the owner's key still reveals.
    await reveal(pii.auth).expect(200);
  });

  it('holds every minted key within the caller: a property over scope sets', async () => {
    // Deterministic pseudo-random subsets, so a failure reproduces.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) as number;
    const subset = () => SELLER_SCOPES.filter(() => rnd() < 0.5);
    for (let i = 0; i < 12; i++) {
      const callerScopes = [...new Set(['keys:manage', ...subset()])];
      const caller = await t.seller(tenantId, callerScopes);
      const target = await t.seller(tenantId, subset().length ? subset() : ['orders:read']);
      const targetScopes: string[] = (
        await ds.query(`SELECT scopes FROM api_keys WHERE key_id = $1`, [target.keyId])
      )[0].scopes;
      const asked = subset().length ? subset() : ['orders:read'];
      const within = (scopes: string[]) => scopes.every((s) => callerScopes.includes(s));

      const created = await t.http().post('/v1/api-keys').set(caller.auth).send({ label: 'p', scopes: asked });
      expect(created.status).toBe(within(asked) ? 201 : 403);
      const rotation = await t.http().post(`/v1/api-keys/${target.keyId}/rotate`).set(caller.auth);
      expect(rotation.status).toBe(within(targetScopes) ? 201 : 403);
      for (const res of [created, rotation]) {
        if (res.status === 201) expect(within(res.body.scopes)).toBe(true);
      }
    }
  });

  it('never lets a key outlive its maker, by creation or by rotation', async () => {
    const shortLived = await t
      .http()
      .post('/v1/api-keys')
      .set((await t.seller(tenantId, ['keys:manage', 'orders:read'])).auth)
      .send({
        label: 'short',
        scopes: ['keys:manage', 'orders:read'],
        expiresAt: new Date(t.clock.nowMs() + 10 * MINUTE),
      })
      .expect(201);
    const short = { Authorization: `Bearer ${shortLived.body.key}` };
    // No expiry asked: it gets the maker's.
    const child = await t
      .http()
      .post('/v1/api-keys')
      .set(short)
      .send({ label: 'c', scopes: ['orders:read'] })
      .expect(201);
    expect(child.body.expiresAt).toBe(shortLived.body.expiresAt);
    // A later expiry is refused, naming the limit.
    const later = await t
      .http()
      .post('/v1/api-keys')
      .set(short)
      .send({ label: 'c', scopes: ['orders:read'], expiresAt: new Date(t.clock.nowMs() + 60 * MINUTE) })
      .expect(403);
    expect(later.body.error.details).toEqual([{ field: 'expiresAt', issue: `at most ${shortLived.body.expiresAt}` }]);
    // Rotating a key that never expires would mint one that outlives the caller.
    const forever = await t.seller(tenantId, ['orders:read']);
    await t.http().post(`/v1/api-keys/${forever.keyId}/rotate`).set(short).expect(403);
  });

  it('lets no staff member mint or rotate a seller key, with or without a grant', async () => {
    const owner = await t.seller(tenantId, [...SELLER_SCOPES]);
    const admin = await t.staff('admin', 'Ada Admin');
    await t
      .http()
      .post('/v1/grants')
      .set(owner.auth)
      .send({ granteeStaffId: admin.staffId, expiresAt: new Date(t.clock.nowMs() + 60 * MINUTE).toISOString() })
      .expect(201);
    for (const staff of [t.admin, admin.auth]) {
      for (const scopes of [['orders:read_pii'], ['orders:read']]) {
        await t
          .http()
          .post('/v1/api-keys')
          .set(staff)
          .set('X-Tenant-Id', tenantId)
          .send({ label: 's', scopes })
          .expect(403);
      }
      await t.http().post(`/v1/api-keys/${owner.keyId}/rotate`).set(staff).set('X-Tenant-Id', tenantId).expect(403);
    }
    // Revoking takes power away, so an admin may (incident response).
    const leaked = await t.seller(tenantId, ['orders:read']);
    await t.http().delete(`/v1/api-keys/${leaked.keyId}`).set(t.admin).set('X-Tenant-Id', tenantId).expect(200);
  });

  it("refuses to mint or rotate another person's key; an admin only revokes it, and only on its owner's path", async () => {
    const sam = await t.staff('support', 'Sam Support');
    const sue = await t.staff('support', 'Sue Support');
    await t.http().post(`/v1/staff/${sam.staffId}/keys`).set(t.admin).send({ label: 'laptop' }).expect(403);
    const own = await t.http().post('/v1/me/keys').set(sam.auth).send({ label: 'laptop' }).expect(201);
    await t.http().post(`/v1/staff/${sam.staffId}/keys/${own.body.keyId}/rotate`).set(t.admin).expect(403);
    await t.http().post(`/v1/me/keys/${own.body.keyId}/rotate`).set(sue.auth).expect(404);
    // The path names Sue, the key is Sam's: not found, and Sam's key keeps working.
    await t.http().delete(`/v1/staff/${sue.staffId}/keys/${own.body.keyId}`).set(t.admin).expect(404);
    await t
      .http()
      .get('/v1/me/keys')
      .set({ Authorization: `Bearer ${own.body.key}` })
      .expect(200);
    await t.http().delete(`/v1/staff/${sam.staffId}/keys/${own.body.keyId}`).set(t.admin).expect(200);
    await t
      .http()
      .get('/v1/me/keys')
      .set({ Authorization: `Bearer ${own.body.key}` })
      .expect(401);
    // An admin's own extra key, through either path.
    await t.http().post(`/v1/staff/${t.adminStaffId}/keys`).set(t.admin).send({ label: 'second' }).expect(201);
  });

  it('records the exact key in every entry, so two keys of one person are told apart', async () => {
    const sam = await t.staff('support', 'Sam Keys');
    const second = await t.http().post('/v1/me/keys').set(sam.auth).send({ label: 'phone' }).expect(201);
    const owner = await t.seller(tenantId, [...SELLER_SCOPES]);
    await t
      .http()
      .post('/v1/grants')
      .set(owner.auth)
      .send({ granteeStaffId: sam.staffId, expiresAt: new Date(t.clock.nowMs() + 60 * MINUTE).toISOString() })
      .expect(201);
    for (const auth of [sam.auth, { Authorization: `Bearer ${second.body.key}` }]) {
      await reveal(auth).set('X-Tenant-Id', tenantId).expect(200);
    }
    const entries = await ds.query(
      `SELECT targets->>'actorKeyId' AS key FROM audit_entries WHERE action = 'pii.revealed' AND actor_id = $1 ORDER BY seq`,
      [sam.staffId],
    );
    expect(entries).toHaveLength(2);
    expect(entries[1].key).toBe(second.body.keyId);
    expect(entries[0].key).not.toBe(entries[1].key);
    const view = await t
      .http()
      .get(`/v1/audit/entries?tenantId=${tenantId}&action=pii.revealed`)
      .set(owner.auth)
      .expect(200);
    expect(view.body.items.map((e: { actor: { keyId: string } }) => e.actor.keyId)).toContain(second.body.keyId);
  });
});
