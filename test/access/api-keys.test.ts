import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app';

describe('API keys', () => {
  let t: TestApp;
  let tenantId: string;
  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Keys');
  });
  afterAll(() => t.close());

  it('are shown once, prefixed, stored as a hash, and revocable and rotatable', async () => {
    const manager = await t.seller(tenantId, ['orders:read', 'keys:manage']);
    const created = await t
      .http()
      .post('/v1/api-keys')
      .set(manager.auth)
      .send({ label: 'erp', scopes: ['orders:read', 'keys:manage'] })
      .expect(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^ov_live_[a-z2-9]{16}_[A-Za-z0-9_-]{43}$/);
    const rows = await t.app.get(DataSource).query(`SELECT row_to_json(k)::text AS j FROM api_keys k`);
    // The secret is everything after `ov_live_<16-char id>_` (it may itself contain `_`).
    const secret = key.slice('ov_live_'.length + 17);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(rows)).not.toContain(secret);
    const listed = await t
      .http()
      .get('/v1/api-keys')
      .set({ Authorization: `Bearer ${key}` })
      .expect(200);
    expect(listed.body.find((k: any) => k.keyId === created.body.keyId)).toMatchObject({
      label: 'erp',
      lastUsedAt: expect.any(String),
    });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const rotated = await t
      .http()
      .post(`/v1/api-keys/${created.body.keyId}/rotate`)
      .set({ Authorization: `Bearer ${key}` })
      .expect(201);
    expect(rotated.body.rotatedFrom).toBe(created.body.keyId);
    await t
      .http()
      .get('/v1/api-keys')
      .set({ Authorization: `Bearer ${key}` })
      .expect(401);
    const next = { Authorization: `Bearer ${rotated.body.key}` };
    await t.http().delete(`/v1/api-keys/${rotated.body.keyId}`).set(next).expect(200);
    await t.http().get('/v1/api-keys').set(next).expect(401);
  });

  it('answers unknown, malformed, wrong-secret and revoked keys with the same 401', async () => {
    const good = await t.seller(tenantId, ['orders:read']);
    const [, , id] = good.auth.Authorization.split(' ')[1].split('_');
    const bodies = [];
    for (const key of ['nonsense', `ov_live_${id}_${'A'.repeat(43)}`, `ov_live_aaaaaaaaaaaaaaaa_${'B'.repeat(43)}`]) {
      const res = await t.http().get('/v1/orders').set('Authorization', `Bearer ${key}`).expect(401);
      bodies.push({ code: res.body.error.code, message: res.body.error.message });
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    const failures = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM audit_entries WHERE action = 'auth.failed'`);
    expect(failures[0].n).toBeGreaterThanOrEqual(3);
  });

  it('lets staff be created only by an admin, with a first key shown once', async () => {
    const res = await t
      .http()
      .post('/v1/staff')
      .set(t.admin)
      .send({ name: 'Sue Support', role: 'support' })
      .expect(201);
    expect(res.body.staff).toMatchObject({ name: 'Sue Support', role: 'support', status: 'active' });
    const support = { Authorization: `Bearer ${res.body.key.key}` };
    await t.http().post('/v1/staff').set(support).send({ name: 'Eve', role: 'admin' }).expect(403);
    await t.http().get('/v1/staff').set(t.admin).expect(200);
  });
});
