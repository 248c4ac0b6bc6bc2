import { ALL_TENANTS, AuditQueryService, type AuditEntryView } from '../../src/audit';
import { PersonSessionsService } from '../../src/access/people/person-sessions.service';
import { enrolStaff, ORIGIN, signIn, type ConsolePerson } from '../support/console-people';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';
import { PersonEnrolmentService } from '../../src/access/people/person-enrolment.service';

/**
 * People sign in with login, password and a TOTP code; sessions live in
 * PostgreSQL behind an HttpOnly, Secure, SameSite=Strict cookie and end by
 * signing out, by idle or absolute timeout; ten failures in a row lock an
 * account. Every sign-in, refusal, lock and session end is an access-log entry.
 */
describe('console sign-in and sessions', () => {
  let t: TestApp;
  let auditor: ConsolePerson;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await enrolStaff(t, 'auditor', 'Ada Auditor');
  });
  afterAll(() => t.close());

  const entries = async (action: string): Promise<AuditEntryView[]> =>
    (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action, limit: 500 })).items;
  const attempt = (fields: Record<string, string>, origin: string | null = ORIGIN) => {
    const req = t.http().post('/console/sign-in');
    if (origin) req.set('Origin', origin);
    return req.type('form').send(fields);
  };
  const page = (cookie: string) => t.http().get('/console/audit').set('Cookie', cookie);

  it('signs in with password and code: a __Host- cookie that scripts and other sites never get, and an entry', async () => {
    t.clock.advance(30_000);
    const res = await attempt({
      login: auditor.login.toUpperCase(),
      password: auditor.password,
      code: auditor.code(),
      next: '/console/audit?action=pii.revealed',
    }).expect(303);
    expect(res.headers.location).toBe('/console/audit?action=pii.revealed');
    const cookie = String(res.headers['set-cookie'][0]);
    expect(cookie).toMatch(
      /^__Host-ov_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; Secure; SameSite=Strict$/,
    );
    await page(cookie.split(';')[0]).expect(200);
    const started = (await entries('session.started')).find((e) => e.actor.id === auditor.staffId);
    expect(started).toMatchObject({
      chainId: 'platform',
      outcome: 'allowed',
      actor: { kind: 'staff', role: 'auditor', keyId: expect.stringMatching(/^session:[0-9a-f-]{36}$/) },
      targets: { accountId: auditor.accountId, sessionId: expect.any(String) },
    });
  });

  it('refuses a wrong password, a wrong code, a replayed code and an unknown login with one message, each logged', async () => {
    t.clock.advance(30_000);
    const code = auditor.code();
    const cases = [
      { login: auditor.login, password: 'not the password at all', code },
      { login: auditor.login, password: auditor.password, code: code === '000000' ? '111111' : '000000' },
      { login: 'nobody@example.test', password: auditor.password, code },
    ];
    const texts: string[] = [];
    for (const fields of cases) {
      const res = await attempt(fields).expect(401);
      expect(res.headers['set-cookie']).toBeUndefined();
      texts.push(/<p class="error"[^>]*>([^<]*)</.exec(res.text)![1]);
    }
    // The right code, used once, then again.
    await attempt({ login: auditor.login, password: auditor.password, code }).expect(303);
    const replay = await attempt({ login: auditor.login, password: auditor.password, code }).expect(401);
    texts.push(/<p class="error"[^>]*>([^<]*)</.exec(replay.text)![1]);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toMatch(/^sign-in failed: check your login, password and code/);
    const failed = await entries('signin.failed');
    const reasons = failed.map((e) => e.reason ?? '');
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^wrong password \(\d+ in a row\)$/),
        expect.stringMatching(/^wrong TOTP code \(\d+ in a row\)$/),
        'unknown login',
        expect.stringMatching(/^code already used \(\d+ in a row\)$/),
      ]),
    );
    // Nothing a person typed reaches the log: no password, no unknown login.
    const text = JSON.stringify(failed);
    expect(text).not.toContain(auditor.password);
    expect(text).not.toContain('nobody@example.test');
    expect(failed.every((e) => e.outcome === 'denied' && e.actor.kind === 'anonymous')).toBe(true);
  });

  it('locks an account after ten failures in a row, refuses even the right credentials for 30 minutes, then lets them in', async () => {
    const victim = await enrolStaff(t, 'support', 'Locked Out');
    for (let i = 0; i < 10; i++) {
      await attempt({ login: victim.login, password: `wrong password number ${i}`, code: victim.code() }).expect(401);
    }
    t.clock.advance(30_000);
    await attempt({ login: victim.login, password: victim.password, code: victim.code() }).expect(401);
    const locks = (await entries('account.locked')).filter(
      (e) => (e.targets as { accountId?: string }).accountId === victim.accountId,
    );
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ outcome: 'denied', targets: { staffId: victim.staffId } });
    const whileLocked = (await entries('signin.failed')).find(
      (e) => (e.targets as { accountId?: string }).accountId === victim.accountId && e.reason === 'account locked',
    );
    expect(whileLocked).toBeDefined();
    t.clock.advance(30 * 60_000);
    await attempt({ login: victim.login, password: victim.password, code: victim.code() }).expect(303);
  });

  it('counts concurrent failures exactly: one of them is the one that locks', async () => {
    const target = await enrolStaff(t, 'support', 'Concurrent');
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        attempt({ login: target.login, password: `concurrent wrong ${i}`, code: '000000' }),
      ),
    );
    const locks = (await entries('account.locked')).filter(
      (e) => (e.targets as { accountId?: string }).accountId === target.accountId,
    );
    expect(locks).toHaveLength(1);
  });

  it('refuses a sign-in form posted from another site (login CSRF), or not from a browser at all', async () => {
    t.clock.advance(30_000);
    const fields = { login: auditor.login, password: auditor.password, code: auditor.code() };
    await attempt(fields, 'https://evil.example').expect(403);
    await attempt(fields, null).expect(400);
    const site = await t.http().post('/console/sign-in').set('Sec-Fetch-Site', 'cross-site').type('form').send(fields);
    expect(site.status).toBe(403);
  });

  it('ends a session after 30 idle minutes, logged once, and then asks to sign in again', async () => {
    const s = await signIn(t, auditor);
    t.clock.advance(29 * 60_000);
    await page(s.cookie).expect(200);
    t.clock.advance(29 * 60_000);
    await page(s.cookie).expect(200);
    t.clock.advance(31 * 60_000);
    const after = await page(s.cookie).expect(401);
    expect(after.text).toContain('action="/console/sign-in"');
    expect(after.text).toContain('name="next" value="/console/audit"');
    await page(s.cookie).expect(401);
    const ended = (await entries('session.ended')).filter((e) => e.reason?.startsWith('idle timeout'));
    expect(ended.filter((e) => e.actor.id === 'console-session')).toHaveLength(1);
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const s = await signIn(t, auditor);
    for (let elapsed = 0; elapsed < 11 * 60; elapsed += 20) {
      t.clock.advance(20 * 60_000);
      await page(s.cookie).expect(200);
    }
    t.clock.advance(61 * 60_000);
    await page(s.cookie).expect(401);
    expect((await entries('session.ended')).some((e) => e.reason?.startsWith('absolute timeout'))).toBe(true);
  });

  it('the sweep ends sessions nobody presents again, once, even with two sweepers', async () => {
    const a = await enrolStaff(t, 'auditor', 'Swept');
    await signIn(t, a);
    await signIn(t, a);
    t.clock.advance(31 * 60_000);
    const sweeper = t.app.get(PersonSessionsService);
    const [first, second] = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
    expect(first + second).toBeGreaterThanOrEqual(2);
    const ends = (await entries('session.ended')).filter(
      (e) => (e.targets as { accountId?: string }).accountId === a.accountId,
    );
    expect(ends).toHaveLength(2);
    expect(ends.every((e) => e.actor.id === 'job:console-session-sweep')).toBe(true);
    expect(await sweeper.sweep()).toBe(0);
  });

  it('signs out only with the page token from our own origin; the old cookie then opens nothing', async () => {
    const s = await signIn(t, auditor);
    const out = (fields: Record<string, string>, origin = ORIGIN) =>
      t.http().post('/console/sign-out').set('Cookie', s.cookie).set('Origin', origin).type('form').send(fields);
    await out({}).expect(403);
    await out({ _csrf: 'x'.repeat(43) }).expect(403);
    await out({ _csrf: s.csrf }, 'https://evil.example').expect(403);
    await page(s.cookie).expect(200);
    const res = await out({ _csrf: s.csrf }).expect(303);
    expect(res.headers.location).toBe('/console/sign-in?signedOut=yes');
    expect(String(res.headers['set-cookie'][0])).toMatch(/^__Host-ov_session=; Path=\/; Max-Age=0;/);
    await page(s.cookie).expect(401);
    const ended = (await entries('session.ended')).find((e) => e.reason === 'signed out');
    expect(ended).toMatchObject({ actor: { kind: 'staff', id: auditor.staffId } });
  });

  it('signing out everywhere ends every session of the person, and enrolling again ends them too', async () => {
    const one = await signIn(t, auditor);
    const two = await signIn(t, auditor);
    await t
      .http()
      .post('/console/sign-out')
      .set('Cookie', one.cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ _csrf: one.csrf, everywhere: 'yes' })
      .expect(303);
    await page(one.cookie).expect(401);
    await page(two.cookie).expect(401);

    const three = await signIn(t, auditor);
    await t.app.get(PersonEnrolmentService).enrolStaff(TEST_ACTOR, {
      staffId: auditor.staffId,
      login: auditor.login,
      password: 'a brand new password 2026',
    });
    await page(three.cookie).expect(401);
    expect((await entries('account.enrolled')).length).toBeGreaterThanOrEqual(2);
  });
});
