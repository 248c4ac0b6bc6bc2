import { chainIdFor, verifyExport } from '../../src/audit';
import { parseEd25519PublicKey } from '../../src/crypto';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/** Scope rules end to end, with real staff and seller keys (the lead's access module and test harness). */
describe('access log over HTTP: who sees what', () => {
  let t: TestApp;
  let tenantA: string;
  let tenantB: string;
  let auditor: AuthHeader;
  let sellerA: AuthHeader;

  beforeAll(async () => {
    t = await startTestApp();
    tenantA = await t.tenant('Seller A');
    tenantB = await t.tenant('Seller B');
    auditor = (await t.staff('auditor')).auth;
    sellerA = (await t.seller(tenantA, ['audit:read'])).auth;
  });
  afterAll(() => t.close());

  it('an auditor reads every tenant; a seller only its own, and another tenant is a 404', async () => {
    const all = await t.http().get('/v1/audit/entries?limit=500').set(auditor).expect(200);
    const chains = new Set(all.body.items.map((e: { chainId: string }) => e.chainId));
    expect([...chains]).toEqual(expect.arrayContaining([chainIdFor(tenantA), 'platform']));

    const own = await t.http().get('/v1/audit/entries').set(sellerA).expect(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((e: { tenantId: string }) => e.tenantId === tenantA)).toBe(true);
    const other = await t.http().get(`/v1/audit/entries?tenantId=${tenantB}`).set(sellerA).expect(404);
    expect(other.body.error.code).toBe('not_found');
    await t.http().get(`/v1/audit/export?tenantId=${tenantB}`).set(sellerA).expect(404);
    const b = await t.http().get(`/v1/audit/entries?tenantId=${tenantB}`).set(auditor).expect(200);
    expect(b.body.items.every((e: { tenantId: string }) => e.tenantId === tenantB)).toBe(true);
    await t.http().get('/v1/audit/entries?limit=501').set(auditor).expect(400);
  });

  it("a seller's export verifies offline with the public key; only auditors may request a checkpoint", async () => {
    await t.http().post('/v1/audit/checkpoints').set(sellerA).expect(403);
    await t.http().post('/v1/audit/checkpoints').set(t.admin).expect(403);
    const cp = await t.http().post('/v1/audit/checkpoints').set(auditor).expect(201);
    expect(cp.body).toMatchObject({ checkpointSeq: '1' });
    const exported = await t.http().get('/v1/audit/export').set(sellerA).expect(200);
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = exported.text.trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ scope: 'tenant', tenantId: tenantA });
    expect(exported.text).not.toContain(tenantB);
    const key = (await t.http().get('/v1/audit/public-key').expect(200)).body.current.publicKey;
    expect(verifyExport(lines, parseEd25519PublicKey(key))).toMatchObject({ ok: true });
    const verified = await t.http().get('/v1/audit/verify').set(auditor).expect(200);
    expect(verified.body).toMatchObject({ ok: true });
  });
});
