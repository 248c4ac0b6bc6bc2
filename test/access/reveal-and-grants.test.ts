import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { buyerStrings, simulatedBuyer } from '../../src/sandbox/buyers';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

describe('revealing buyer data: who may, with what reason, and what the access log records', () => {
  let t: TestApp;
  let tenantId: string;
  let orderIds: string[];
  let owner: AuthHeader;
  let ownerKeyId: string;
  let support: { staffId: string; auth: AuthHeader };
  let admin: { staffId: string; auth: AuthHeader };
  let auditor: { staffId: string; auth: AuthHeader };
  let ds: DataSource;

  const reveal = (auth: AuthHeader, orderId: string, reason?: string, tenant = tenantId) => {
    const r = t.http().post(`/v1/orders/${orderId}/reveal`).set(auth).set('X-Tenant-Id', tenant);
    return reason === undefined ? r : r.set('X-Access-Reason', reason);
  };
  const auditRows = (action: string) =>
    ds.query(`SELECT * FROM audit_entries WHERE action = $1 ORDER BY occurred_at, seq`, [action]);

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    tenantId = await t.tenant('Acme');
    orderIds = await seedOrders(t.app, tenantId, 3, 500);
    const ownerKey = await t.seller(tenantId, [...SELLER_SCOPES]);
    owner = ownerKey.auth;
    ownerKeyId = ownerKey.keyId;
    support = await t.staff('support', 'Sam Support');
    admin = await t.staff('admin', 'Ada Admin');
    auditor = await t.staff('auditor', 'Audrey Auditor');
  });
  afterAll(() => t.close());

  it('is masked everywhere by default', async () => {
    const masked = await t.http().get(`/v1/orders/${orderIds[0]}`).set(owner).expect(200);
    expect(masked.body.buyer).toEqual({ pii: 'sealed' });
    expect(JSON.stringify(masked.body)).not.toMatch(/Ovsim/);
  });

  it('lets the seller reveal with orders:read_pii and a reason, logging who, what and why', async () => {
    await reveal(owner, orderIds[0]).expect(400);
    const res = await reveal(owner, orderIds[0], 'customer asked to change the address').expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.buyer.data.buyerName).toBe(simulatedBuyer('factory', 500).fullName);
    const [refused, entry] = await auditRows('pii.revealed');
    // The attempt without a reason was refused and still logged.
    expect(refused).toMatchObject({ outcome: 'denied', reason: expect.stringContaining('[denied:') });
    expect(entry).toMatchObject({
      tenant_id: tenantId,
      actor_kind: 'seller',
      outcome: 'allowed',
      reason: 'customer asked to change the address',
      break_glass: false,
    });
    expect(entry.targets).toEqual({ orderIds: [orderIds[0]], actorKeyId: ownerKeyId });
    const readOnly = await t.seller(tenantId, ['orders:read']);
    await reveal(readOnly.auth, orderIds[0], 'no scope for this').expect(403);
    // Refused at the permission check, before the reveal itself: an entry all the same, naming the key.
    const [scopeRefusal] = (await auditRows('pii.revealed')).slice(-1);
    expect(scopeRefusal).toMatchObject({ outcome: 'denied', actor_id: `key:${readOnly.keyId}` });
    expect(scopeRefusal.targets).toEqual({ orderIds: [orderIds[0]], actorKeyId: readOnly.keyId });
  });

  it('grant lifecycle: none → denied; active → allowed and logged with the grant id; revoked/expired → denied', async () => {
    await reveal(support.auth, orderIds[1], 'ticket 4711 shipping question').expect(403);
    const grant = await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({
        granteeStaffId: support.staffId,
        orderIds: [orderIds[1]],
        expiresAt: new Date(t.clock.nowMs() + 2 * DAY).toISOString(),
        ticketRef: 'T-4711',
      })
      .expect(201);
    expect(grant.body).toMatchObject({ basis: 'support_ticket', ticketRef: 'T-4711', active: true });
    const ok = await reveal(support.auth, orderIds[1], 'ticket 4711 shipping question').expect(200);
    expect(ok.body.buyer.pii).toBe('revealed');
    // The grant names one order: the next one stays sealed.
    await reveal(support.auth, orderIds[2], 'ticket 4711 shipping question').expect(403);
    const used = (await auditRows('pii.revealed')).filter(
      (e: any) => e.actor_id === support.staffId && e.outcome === 'allowed',
    );
    expect(used).toHaveLength(1);
    expect(used[0].targets).toEqual({
      orderIds: [orderIds[1]],
      grantId: grant.body.grantId,
      actorKeyId: expect.stringMatching(/^[a-z2-9]{16}$/),
    });

    await t.http().delete(`/v1/grants/${grant.body.grantId}`).set(owner).expect(200);
    await reveal(support.auth, orderIds[1], 'ticket 4711 shipping question').expect(403);

    const short = await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ granteeRole: 'support', expiresAt: new Date(t.clock.nowMs() + 3600_000).toISOString() })
      .expect(201);
    await reveal(support.auth, orderIds[2], 'role grant for the support team').expect(200);
    t.clock.advance(2 * 3600_000);
    await reveal(support.auth, orderIds[2], 'role grant for the support team').expect(403);
    const actions = (
      await ds.query(`SELECT action, outcome FROM audit_entries WHERE tenant_id = $1 ORDER BY seq`, [tenantId])
    ).map((r: any) => `${r.action}:${r.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(['grant.created:allowed', 'grant.revoked:allowed', 'pii.revealed:denied']),
    );
    expect(short.body.grantId).toBeDefined();
  });

  it('refuses grants longer than 30 days or naming nobody', async () => {
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ granteeRole: 'support', expiresAt: new Date(t.clock.nowMs() + 31 * DAY).toISOString() })
      .expect(400);
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ expiresAt: new Date(t.clock.nowMs() + DAY).toISOString() })
      .expect(400);
  });

  it('admin break-glass: refused with a short reason, allowed with a long one, flagged and counted', async () => {
    await reveal(admin.auth, orderIds[0], 'need it').expect(403);
    await reveal(admin.auth, orderIds[0], 'legal request LR-2026-11 from the seller').expect(200);
    const flagged = (await auditRows('pii.revealed')).filter((e: any) => e.break_glass);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ actor_id: admin.staffId, actor_role: 'admin', outcome: 'allowed' });
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      new RegExp(`ordervault_break_glass_reveals_total\\{[^}]*tenant_id="${tenantId}"[^}]*\\} 1`),
    );
    expect(t.logs.text()).toMatch(/ALERT break-glass reveal/);
  });

  it('auditors never see buyer data, even with a long reason', async () => {
    await reveal(auditor.auth, orderIds[0], 'auditor curiosity is not a legal basis').expect(403);
    await t.http().get(`/v1/orders/${orderIds[0]}`).set(auditor.auth).set('X-Tenant-Id', tenantId).expect(403);
  });

  it('fails closed: when the access-log entry cannot be written, nothing is revealed', async () => {
    // As the database owner, make every insert of a reveal entry fail.
    await ds.query(`CREATE FUNCTION test_block_reveal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'pii.revealed' AND NEW.outcome = 'allowed' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await ds.query(
      `CREATE TRIGGER test_block_reveal BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION test_block_reveal()`,
    );
    try {
      const before = (await auditRows('pii.revealed')).length;
      const res = await reveal(owner, orderIds[0], 'customer asked to change the address').expect(503);
      expect(JSON.stringify(res.body)).not.toMatch(/Ovsim/);
      expect(res.body.error.code).toBe('unavailable');
      expect((await auditRows('pii.revealed')).length).toBe(before);
    } finally {
      await ds.query(`DROP TRIGGER test_block_reveal ON audit_entries`);
      await ds.query(`DROP FUNCTION test_block_reveal()`);
    }
  });

  it('keeps every buyer datum out of the access log', async () => {
    const all = JSON.stringify(await ds.query(`SELECT row_to_json(a)::text AS j FROM audit_entries a`));
    const needles = [500, 501, 502].flatMap((i) => buyerStrings(simulatedBuyer('factory', i)));
    expect(all.length).toBeGreaterThan(1000);
    expect(needles.filter((n) => all.includes(n))).toEqual([]);
  });
});
