import { ALL_TENANTS, AuditQueryService, chainIdFor } from '../../src/audit';
import { CONSOLE_CSP } from '../../src/console/console-headers';
import { enrolStaff, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/**
 * The auditor's integrity pages over HTTP: the verification report and the
 * export with its signed manifest, per role, each logged in the access log;
 * the in-browser verifier page and its script under the strict CSP.
 */
describe('console: verification report, signed export and in-browser verifier', () => {
  let t: TestApp;
  let auditor: BrowserSession;
  let support: BrowserSession;
  let admin: BrowserSession;
  let tenantA: string;
  let tenantB: string;
  let sellerA: AuthHeader;
  let sellerNoAudit: AuthHeader;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await signIn(t, await enrolStaff(t, 'auditor'));
    support = await signIn(t, await enrolStaff(t, 'support'));
    admin = await signIn(t, await enrolStaff(t, 'admin'));
    tenantA = await t.tenant('Alpha');
    tenantB = await t.tenant('Bravo');
    sellerA = (await t.seller(tenantA, ['audit:read'])).auth;
    sellerNoAudit = (await t.seller(tenantA, ['orders:read'])).auth;
  });
  afterAll(() => t.close());

  const get = (path: string, who?: BrowserSession | AuthHeader) => {
    const req = t.http().get(path);
    if (who && 'cookie' in who) req.set('Cookie', who.cookie);
    else if (who) req.set(who);
    return req;
  };
  /** Entries of one action in one tenant's chain (the test clock stands still, so order among them is not asserted). */
  const entries = async (action: string, tenantId: string) =>
    (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action, tenantId })).items;

  it('shows the report to auditors (every chain) and sellers (their own), refuses the other roles', async () => {
    await get('/console/audit/verification').expect(401);
    await get('/console/audit/verification', support).expect(403);
    await get('/console/audit/verification', admin).expect(403);
    await get('/console/audit/verification', sellerNoAudit).expect(403);
    const page = await get('/console/audit/verification', auditor).expect(200);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('The access log verifies');
    expect(page.text).toMatch(/Checkpoints valid<\/th><td>(\d+)\/\1</);
    expect(page.text).toContain('every chain, from its first entry');
    const seller = await get('/console/audit/verification', sellerA).expect(200);
    expect(seller.text).toContain(`the chain of tenant ${tenantA}`);
    expect(seller.text).not.toContain(tenantB);
    expect(seller.text).not.toContain('name="tenant" value=""');
    await get(`/console/audit/verification?tenant=${tenantB}`, sellerA).expect(404);
    await get('/console/audit/verification?tenant=not-a-uuid', auditor).expect(400);
    const byAuditor = await get(`/console/audit/verification?tenant=${tenantB}`, auditor).expect(200);
    expect(byAuditor.text).toContain(`the chain of tenant ${tenantB}`);
  });

  it('logs every report asked for (audit.verified) in the chain it verified', async () => {
    const before = (await entries('audit.verified', tenantA)).length;
    await get('/console/audit/verification', sellerA).expect(200);
    const after = await entries('audit.verified', tenantA);
    expect(after.length).toBe(before + 1);
    expect(after.every((e) => e.chainId === chainIdFor(tenantA))).toBe(true);
    expect(after[0]).toMatchObject({ targets: { tenantId: tenantA }, actor: { kind: 'seller' } });
  });

  it('exports with a signed manifest from a same-origin form with the page token, and logs it', async () => {
    const post = (who: BrowserSession, fields: Record<string, string>) =>
      t.http().post('/console/audit/exports').set('Cookie', who.cookie).set('Origin', ORIGIN).type('form').send(fields);
    await post(auditor, { format: 'csv' }).expect(403); // no CSRF token
    await post(support, { format: 'csv', _csrf: support.csrf }).expect(403);
    await post(auditor, { format: 'xml', _csrf: auditor.csrf }).expect(400);
    const before = (await entries('audit.exported', tenantA)).length;
    const res = await post(auditor, { format: 'csv', _csrf: auditor.csrf, tenant: tenantA }).expect(200);
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const links = [...res.text.matchAll(/href="data:([^;]+);base64,([^"]+)" download="([^"]+)"/g)];
    expect(links.map((l) => [l[1], l[3].replace(/-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\./, '-T.')])).toEqual([
      ['text/csv', `ordervault-audit-${tenantA}-T.csv`],
      ['application/json', `ordervault-audit-${tenantA}-T.csv.manifest.json`],
    ]);
    const manifest = JSON.parse(Buffer.from(links[1][2], 'base64').toString('utf8'));
    expect(manifest).toMatchObject({ scope: { kind: 'tenant', tenantId: tenantA }, file: { format: 'csv' } });
    const after = await entries('audit.exported', tenantA);
    expect(after.length).toBe(before + 1);
    expect(after.every((e) => e.chainId === chainIdFor(tenantA))).toBe(true);
  });

  it('offers the same export to API clients (POST /v1/audit/exports), a seller only its own chain', async () => {
    const res = await t.http().post('/v1/audit/exports').set(sellerA).send({ format: 'ndjson' }).expect(200);
    expect(res.body.manifest).toMatchObject({
      scope: { kind: 'tenant', tenantId: tenantA },
      file: { format: 'ndjson' },
    });
    expect(res.body.content).toContain(`"chainId":"tenant:${tenantA}"`);
    await t.http().post('/v1/audit/exports').set(sellerA).send({ format: 'ndjson', tenantId: tenantB }).expect(404);
    await t.http().post('/v1/audit/exports').set(sellerA).send({ format: 'pdf' }).expect(400);
    await t.http().post('/v1/audit/exports').set(sellerNoAudit).send({ format: 'csv' }).expect(403);
  });

  it('serves the in-browser verifier page with the published keys and its script from our own origin', async () => {
    const page = await get('/console/audit/verify-export', auditor).expect(200);
    await get('/console/audit/verify-export', support).expect(403);
    const keys = (await t.http().get('/v1/audit/public-key').expect(200)).body.keys as Array<{ publicKey: string }>;
    expect(page.text).toContain(keys[0].publicKey);
    const src = /<script src="(\/console\/assets\/export-verifier-[0-9a-f]{12}\.js)" integrity="([^"]+)"/.exec(
      page.text,
    );
    expect(src).not.toBeNull();
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const script = await get(src![1]).expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.text).toContain('Ed25519');
    expect(script.text).not.toMatch(/require\(|node:crypto/);
  });
});
