import { createHash } from 'node:crypto';
import { ALL_TENANTS, AuditLog, AuditQueryService } from '../../src/audit';
import { CONSOLE_CSP } from '../../src/console/console-headers';
import { enrolStaff, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>"'&`;

/**
 * Every console page over HTTP: who gets what (status per role), the strict
 * headers on every response, and text from anyone (names, reasons, the URL)
 * rendered as text, never as markup.
 */
describe('console pages', () => {
  let t: TestApp;
  let auditor: BrowserSession;
  let support: BrowserSession;
  let admin: BrowserSession;
  let tenantA: string;
  let tenantB: string;
  let sellerA: AuthHeader;
  let sellerNoAudit: AuthHeader;
  let hostileStaffId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const hostile = await enrolStaff(t, 'auditor', HOSTILE);
    hostileStaffId = hostile.staffId;
    auditor = await signIn(t, hostile);
    support = await signIn(t, await enrolStaff(t, 'support'));
    admin = await signIn(t, await enrolStaff(t, 'admin'));
    tenantA = await t.tenant('Alpha');
    tenantB = await t.tenant('Bravo');
    sellerA = (await t.seller(tenantA, ['audit:read'])).auth;
    sellerNoAudit = (await t.seller(tenantA, ['orders:read'])).auth;
    await t.app.get(AuditLog).record({
      tenantId: tenantB,
      actor: { kind: 'system', id: 'test-setup' },
      action: 'grant.created',
      reason: HOSTILE,
      outcome: 'allowed',
    });
  });
  afterAll(() => t.close());

  const get = (path: string, who?: BrowserSession | AuthHeader) => {
    const req = t.http().get(path);
    if (who && 'cookie' in who) req.set('Cookie', who.cookie);
    else if (who) req.set(who);
    return req;
  };

  it('serves the access log to auditors and to sellers holding audit:read, refuses the other roles, asks strangers to sign in', async () => {
    const anonymous = await get('/console/audit').expect(401);
    expect(anonymous.text).toContain('<form method="post" action="/console/sign-in"');
    await get('/console/audit', auditor).expect(200);
    await get('/console/audit', support).expect(403);
    await get('/console/audit', admin).expect(403);
    await get('/console/audit', sellerNoAudit).expect(403);
    const seller = await get('/console/audit', sellerA).expect(200);
    // A seller sees its own chain only, and has no tenant filter to try.
    expect(seller.text).toContain(`tenant:${tenantA}`);
    expect(seller.text).not.toContain(tenantB);
    expect(seller.text).not.toContain('name="tenant"');
    await get(`/console/audit?tenant=${tenantB}`, sellerA).expect(404);
    // A cookie that is not a session is no one.
    await get('/console/audit', { cookie: '__Host-ov_session=' + 'A'.repeat(43), csrf: '' }).expect(401);
  });

  it('lets an auditor sign a checkpoint with the page token, from our origin only', async () => {
    const post = (who: BrowserSession, fields: Record<string, string>, origin = ORIGIN) =>
      t
        .http()
        .post('/console/audit/checkpoints')
        .set('Cookie', who.cookie)
        .set('Origin', origin)
        .set('HX-Request', 'true')
        .type('form')
        .send(fields);
    await post(auditor, {}).expect(403);
    await post(auditor, { _csrf: auditor.csrf }, 'https://evil.example').expect(403);
    await post(support, { _csrf: support.csrf }).expect(403);
    const ok = await post(auditor, { _csrf: auditor.csrf }).expect(201);
    expect(ok.text).toMatch(/^<p class="notice">Checkpoint \d+ signed at /);
    // The header htmx sends works as well as the form field.
    await t
      .http()
      .post('/console/audit/checkpoints')
      .set('Cookie', auditor.cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('X-CSRF-Token', auditor.csrf)
      .expect(201);
    await t.http().post('/console/audit/checkpoints').set('Origin', ORIGIN).expect(401);
  });

  it('puts the strict headers on every console response: pages, errors, redirects and assets', async () => {
    const responses = [
      await get('/console'),
      await get('/console/sign-in'),
      await get('/console/audit'),
      await get('/console/audit', auditor),
      await get('/console/audit', support),
      await get('/console/audit?from=yesterday', auditor),
      await get('/console/assets/nothing-here.js'),
      await t.http().post('/console/sign-in').type('form').send({}),
    ];
    for (const res of responses) {
      const csp = res.headers['content-security-policy'];
      expect([res.status, csp]).toEqual([res.status, CONSOLE_CSP]);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves htmx, the passkey script and the stylesheet from our own origin, with the integrity the pages name', async () => {
    const html = (await get('/console/sign-in').expect(200)).text;
    const tags = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)" integrity="([^"]+)"/g)];
    // The sign-in page also names the passkey script (an ES module, content-hashed).
    expect(tags.map((m) => m[1])).toEqual([
      expect.stringMatching(/\.css$/),
      '/console/assets/htmx-4.0.1.min.js',
      expect.stringMatching(/^\/console\/assets\/passkeys-[0-9a-f]{12}\.js$/),
    ]);
    for (const [, path, integrity] of tags) {
      const res = await get(path).expect(200);
      const body = Buffer.isBuffer(res.body) ? res.body : Buffer.from(res.text);
      expect(`sha384-${createHash('sha384').update(body).digest('base64')}`).toBe(integrity);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type']).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    }
    // No script or style inline, no handler attributes, nothing from another origin.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|https?:\/\//i);
  });

  it('renders hostile text as text: a staff name, an entry reason, a reflected filter value', async () => {
    const page = (await get('/console/audit', auditor).expect(200)).text;
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toMatch(/<script>alert|<img src=x/);
    const escaped = "&lt;script>alert(&quot;x&quot;)&lt;/script>&lt;img src=x onerror=alert(1)>&quot;'&amp;";
    expect(page).toContain(`Signed in as ${escaped} (auditor)`);
    expect(page).toContain(escaped); // the reason of tenant B's entry
    const reflected = await get(`/console/audit?actor=${encodeURIComponent(HOSTILE)}`, auditor).expect(400);
    expect(reflected.text).not.toContain(HOSTILE);
    expect(reflected.text).toContain('actor: an actor id');
    expect(reflected.text).toMatch(/name="actor" value="&lt;script>alert\(&quot;x&quot;\)/);
  });

  it('combines filters, keeps them in the URL across pages, and logs each view', async () => {
    const base = `/console/audit?actor=${hostileStaffId}&action=session.started&outcome=allowed`;
    const res = (await get(base, auditor).expect(200)).text;
    const rows = res.match(/<tr><td class="mono">/g) ?? [];
    expect(rows.length).toBe(1);
    expect(res).toContain('session.started');
    // A field given twice is not a filter this form makes.
    await get(`${base}&outcome=denied`, auditor).expect(400);
    const none = (await get(`/console/audit?actor=${hostileStaffId}&outcome=denied`, auditor).expect(200)).text;
    expect(none).toContain('No entries match these filters.');
    // Paging: every link keeps the filters.
    for (let i = 0; i < 60; i++) await get('/console/audit?action=tenant.created', auditor);
    const first = (await get('/console/audit?action=audit.viewed&outcome=allowed', auditor).expect(200)).text;
    const older = /href="(\/console\/audit\?[^"]+cursor=[^"]+)"/.exec(first)![1].replace(/&amp;/g, '&');
    expect(older).toContain('action=audit.viewed&outcome=allowed&cursor=');
    const second = (await get(older, auditor).expect(200)).text;
    expect(second).toContain('Newest entries');
    const views = await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'audit.viewed', limit: 500 });
    expect(
      views.items.find((e) => e.reason === 'filters: action=audit.viewed outcome=allowed next page'),
    ).toMatchObject({
      actor: { kind: 'staff', id: hostileStaffId, keyId: expect.stringMatching(/^session:/) },
      chainId: 'platform',
    });
    // Actor kind, role and words in the reason or ticket combine with the rest and stay in the URL.
    const byKind = (await get('/console/audit?kind=staff&role=auditor&action=session.started', auditor).expect(200))
      .text;
    expect(byKind.match(/<tr><td class="mono">/g)?.length).toBeGreaterThan(0);
    expect(byKind).toMatch(/<option value="staff" selected/);
    const bySeller = (await get('/console/audit?kind=seller&role=auditor', auditor).expect(200)).text;
    expect(bySeller).toContain('No entries match these filters.');
    const sellerViews = await t.app
      .get(AuditQueryService)
      .list({ kind: 'tenant', tenantId: tenantA }, { action: 'audit.viewed' });
    expect(sellerViews.items.length).toBeGreaterThan(0);
  });

  it('answers bad filter values with the form and what was wrong, never a 5xx', async () => {
    for (const q of [
      'from=2026-13-01',
      'to=yesterday',
      'action=pii.stolen',
      'outcome=maybe',
      'order=12',
      'tenant=x',
      'from=2026-11-02&to=2026-11-01',
      'kind=robot',
      'role=Admin',
      `text=${'x'.repeat(101)}`,
    ]) {
      const res = await get(`/console/audit?${q}`, auditor);
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.text).toContain('These filters could not be read');
    }
    await get('/console/audit?cursor=not-a-cursor', auditor).expect(400);
    await get(`/console/audit?unknown=1`, auditor).expect(400);
  });
});
