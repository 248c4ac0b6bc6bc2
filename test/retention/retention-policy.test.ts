import { DataSource } from 'typeorm';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/** Sellers' buyer-data windows over HTTP: defaults, shortening, caps, audit. */
describe('GET/PUT /v1/retention', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  let ownerKeyId: string;
  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Windows');
    const ownerKey = await t.seller(tenantId, ['retention:manage']);
    owner = ownerKey.auth;
    ownerKeyId = ownerKey.keyId;
  });
  afterAll(() => t.close());

  const entries = () =>
    t.app
      .get(DataSource)
      .query(
        `SELECT action, actor_kind, reason, targets FROM audit_entries WHERE tenant_id = $1 AND action = 'retention.changed' ORDER BY seq`,
        [tenantId],
      );
  const window = (body: { marketplaces: Array<{ marketplace: string }> }, marketplace: string) =>
    body.marketplaces.find((m) => m.marketplace === marketplace);

  it('defaults are the caps: Amazon 30 days, eBay 90 days', async () => {
    const res = await t.http().get('/v1/retention').set(owner).expect(200);
    expect(res.body).toEqual({
      tenantId,
      marketplaces: [
        expect.objectContaining({ marketplace: 'amazon', piiWindowDays: 30, piiWindowCapDays: 30, isDefault: true }),
        expect.objectContaining({ marketplace: 'ebay', piiWindowDays: 90, piiWindowCapDays: 90, isDefault: true }),
      ],
    });
  });

  it('a shorter window is stored and logged as retention.changed; the other marketplace keeps its own', async () => {
    const res = await t
      .http()
      .put('/v1/retention')
      .set(owner)
      .send({ amazon: { piiWindowDays: 14 } })
      .expect(200);
    expect(window(res.body, 'amazon')).toMatchObject({ piiWindowDays: 14, isDefault: false });
    expect(window(res.body, 'ebay')).toMatchObject({ piiWindowDays: 90, isDefault: true });
    expect(await entries()).toEqual([
      {
        action: 'retention.changed',
        actor_kind: 'seller',
        reason: 'amazon buyer-data window 30 -> 14 days',
        // The exact key that acted, as on every entry.
        targets: { tenantId, actorKeyId: ownerKeyId },
      },
    ]);
    const again = await t.http().get('/v1/retention').set(owner).expect(200);
    expect(window(again.body, 'amazon')).toMatchObject({ piiWindowDays: 14 });
  });

  it('setting the same window again logs nothing', async () => {
    await t
      .http()
      .put('/v1/retention')
      .set(owner)
      .send({ amazon: { piiWindowDays: 14 } })
      .expect(200);
    expect(await entries()).toHaveLength(1);
  });

  it('above the cap is refused with an error naming the cap and its basis; nothing changes', async () => {
    const amazon = await t
      .http()
      .put('/v1/retention')
      .set(owner)
      .send({ amazon: { piiWindowDays: 31 }, ebay: { piiWindowDays: 30 } })
      .expect(400);
    expect(amazon.body.error.code).toBe('validation_failed');
    expect(amazon.body.error.message).toContain('at most 30 days');
    expect(amazon.body.error.message).toContain('Amazon Data Protection Policy');
    const ebay = await t
      .http()
      .put('/v1/retention')
      .set(owner)
      .send({ ebay: { piiWindowDays: 91 } })
      .expect(400);
    expect(ebay.body.error.message).toContain('at most 90 days');
    const now = await t.http().get('/v1/retention').set(owner).expect(200);
    expect(window(now.body, 'amazon')).toMatchObject({ piiWindowDays: 14 });
    expect(window(now.body, 'ebay')).toMatchObject({ piiWindowDays: 90, isDefault: true });
    expect(await entries()).toHaveLength(1);
  });

  it('a window may be lengthened back up to the cap', async () => {
    await t
      .http()
      .put('/v1/retention')
      .set(owner)
      .send({ amazon: { piiWindowDays: 30 }, ebay: { piiWindowDays: 0 } })
      .expect(200);
    const rows = await entries();
    expect(rows[rows.length - 1].reason).toBe(
      'amazon buyer-data window 14 -> 30 days; ebay buyer-data window 90 -> 0 days',
    );
  });

  it('bad bodies are 400s, never 500s', async () => {
    for (const body of [
      {},
      { amazon: { piiWindowDays: -1 } },
      { amazon: { piiWindowDays: 1.5 } },
      { amazon: { piiWindowDays: '10' } },
      { amazon: { piiWindowDays: 1e12 } },
      { amazon: 10 },
      { etsy: { piiWindowDays: 10 } },
      { amazon: { piiWindowDays: 10, extra: true } },
    ]) {
      const res = await t.http().put('/v1/retention').set(owner).send(body);
      expect([res.status, body]).toEqual([400, body]);
    }
  });

  it('needs retention:manage', async () => {
    const reader = (await t.seller(tenantId, ['orders:read'])).auth;
    await t.http().get('/v1/retention').set(reader).expect(403);
    await t
      .http()
      .put('/v1/retention')
      .set(reader)
      .send({ amazon: { piiWindowDays: 1 } })
      .expect(403);
  });
});
