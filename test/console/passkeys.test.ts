import { ApiKeysService } from '../../src/access/api-keys.service';
import { CHALLENGE_TTL_MS, PasskeysService } from '../../src/access/people/passkeys.service';
import { LOCKOUT_THRESHOLD } from '../../src/access/people/sign-in.service';
import { systemActor } from '../../src/auth';
import { ALL_TENANTS, AuditQueryService } from '../../src/audit';
import { enrolStaff, ORIGIN, signIn, type BrowserSession, type ConsolePerson } from '../support/console-people';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Passkeys of console people through the console's JSON calls, as the page's
 * script makes them: registering (challenge bound to the account, used once,
 * expiring), signing in instead of password and code (counter must grow, only
 * registered credentials of their owner), removing; each an access-log entry.
 */
describe('console passkeys', () => {
  let t: TestApp;
  let person: ConsolePerson;
  let session: BrowserSession;

  beforeAll(async () => {
    t = await startTestApp();
    person = await enrolStaff(t, 'support', 'Passkey Person');
    session = await signIn(t, person);
  });
  afterAll(() => t?.close());

  const newAuthenticator = () => new SoftwareAuthenticator(t.config.webauthn.rpId, t.config.webauthn.origin);
  const post = (path: string, s: BrowserSession | null, body: object) => {
    const req = t.http().post(path).set('Origin', ORIGIN).set('Content-Type', 'application/json');
    return (s ? req.set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf) : req).send(body);
  };
  const entries = async (action: 'passkey.registered' | 'passkey.removed' | 'session.started' | 'signin.failed') =>
    (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action, limit: 200 })).items;

  async function register(a: SoftwareAuthenticator, s = session, name = 'Laptop') {
    const options = await post('/console/passkeys/options', s, {});
    expect(options.status).toBe(200);
    return post('/console/passkeys', s, { name, response: a.create(options.body) });
  }

  async function passkeySignIn(a: SoftwareAuthenticator, o: { counter?: number; userHandle?: string } = {}) {
    const options = await post('/console/sign-in/passkey/options', null, {});
    expect(options.status).toBe(200);
    return post('/console/sign-in/passkey', null, { response: a.get(options.body, o), next: '/console/orders' });
  }

  it('registers a passkey, signs in with it instead of password and code, and logs both', async () => {
    const a = newAuthenticator();
    const registered = await register(a);
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ name: 'Laptop', transports: ['internal'], lastUsedAt: null });
    const passkeyId = registered.body.passkeyId as string;

    const page = await t.http().get('/console/passkeys').set('Cookie', session.cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Laptop');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");

    const signedIn = await passkeySignIn(a);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({ next: '/console/orders' });
    const cookie = String(signedIn.headers['set-cookie']?.[0] ?? '').split(';')[0];
    expect((await t.http().get('/console/passkeys').set('Cookie', cookie)).text).toContain('Passkey Person');

    expect(
      (await entries('passkey.registered')).find((e) => (e.targets as Record<string, unknown>).passkeyId === passkeyId),
    ).toMatchObject({
      outcome: 'allowed',
      actor: { kind: 'staff', id: person.staffId },
      targets: { accountId: person.accountId, passkeyId },
    });
    expect(
      (await entries('session.started')).find(
        (e) =>
          (e.targets as Record<string, unknown>).accountId === person.accountId &&
          e.reason === 'signed in with a passkey (user verified)',
      ),
    ).toBeDefined();
    const [listed] = await t.app.get(PasskeysService).list(person.accountId);
    expect(listed.lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it('takes a sign-in challenge once: the same answer again is refused and logged', async () => {
    const a = newAuthenticator();
    expect((await register(a)).status).toBe(201);
    const options = await post('/console/sign-in/passkey/options', null, {});
    const answer = a.get(options.body);
    expect((await post('/console/sign-in/passkey', null, { response: answer })).status).toBe(200);
    const again = await post('/console/sign-in/passkey', null, { response: answer });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((await entries('signin.failed')).map((e) => e.reason)).toContainEqual(
      expect.stringContaining('passkey: unknown, used or expired challenge'),
    );
  });

  it('refuses a sign-in challenge answered after five minutes', async () => {
    const a = newAuthenticator();
    expect((await register(a)).status).toBe(201);
    const options = await post('/console/sign-in/passkey/options', null, {});
    t.clock.advance(CHALLENGE_TTL_MS + 1_000);
    expect((await post('/console/sign-in/passkey', null, { response: a.get(options.body) })).status).toBe(401);
    // A fresh challenge works: the refusal was the expiry, not the passkey.
    expect((await passkeySignIn(a)).status).toBe(200);
  });

  it('refuses a registration with a used, expired or another account’s challenge', async () => {
    const a = newAuthenticator();
    const options = await post('/console/passkeys/options', session, {});
    const answer = a.create(options.body);
    expect((await post('/console/passkeys', session, { name: 'Once', response: answer })).status).toBe(201);
    const reused = await post('/console/passkeys', session, { name: 'Twice', response: answer });
    expect(reused.status).toBe(400);

    const late = await post('/console/passkeys/options', session, {});
    t.clock.advance(CHALLENGE_TTL_MS + 1_000);
    expect(
      (await post('/console/passkeys', session, { name: 'Late', response: newAuthenticator().create(late.body) }))
        .status,
    ).toBe(400);

    const other = await enrolStaff(t, 'auditor', 'Other Person');
    const otherSession = await signIn(t, other);
    const theirs = await post('/console/passkeys/options', otherSession, {});
    const stolen = newAuthenticator().create(theirs.body);
    expect((await post('/console/passkeys', session, { name: 'Stolen', response: stolen })).status).toBe(400);
    expect((await t.app.get(PasskeysService).list(other.accountId)).length).toBe(0);
  });

  it('refuses an assertion whose counter did not grow (a cloned authenticator)', async () => {
    const a = newAuthenticator();
    expect((await register(a)).status).toBe(201);
    expect((await passkeySignIn(a, { counter: 5 })).status).toBe(200);
    expect((await passkeySignIn(a, { counter: 5 })).status).toBe(401);
    expect((await passkeySignIn(a, { counter: 3 })).status).toBe(401);
    const reasons = (await entries('signin.failed')).map((e) => e.reason);
    expect(reasons).toContainEqual(expect.stringContaining('signature counter did not grow'));
    expect((await passkeySignIn(a, { counter: 6 })).status).toBe(200);
  });

  it('refuses a credential nobody registered, and a passkey presented for another account', async () => {
    const stranger = newAuthenticator();
    stranger.userHandle = Buffer.from(person.accountId, 'utf8').toString('base64url');
    expect((await passkeySignIn(stranger)).status).toBe(401);
    expect((await entries('signin.failed')).map((e) => e.reason)).toContainEqual('passkey: credential not registered');

    const a = newAuthenticator();
    expect((await register(a)).status).toBe(201);
    const other = await enrolStaff(t, 'auditor', 'Handle Owner');
    const foreignHandle = Buffer.from(other.accountId, 'utf8').toString('base64url');
    expect((await passkeySignIn(a, { userHandle: foreignHandle })).status).toBe(401);
    expect((await entries('signin.failed')).map((e) => e.reason)).toContainEqual(
      expect.stringContaining('user handle is not the credential owner'),
    );
  });

  it('removes only one’s own passkey, logged; the API lists and removes a staff member’s own', async () => {
    const a = newAuthenticator();
    const { passkeyId } = (await register(a, session, 'To remove')).body as { passkeyId: string };
    const other = await enrolStaff(t, 'auditor', 'Not The Owner');
    const otherSession = await signIn(t, other);
    const foreign = await post(`/console/passkeys/${passkeyId}/remove`, otherSession, {});
    expect(foreign.status).toBe(404);
    const noToken = await t
      .http()
      .post(`/console/passkeys/${passkeyId}/remove`)
      .set('Origin', ORIGIN)
      .set('Cookie', session.cookie)
      .type('form')
      .send({});
    expect(noToken.status).toBe(403);

    const removed = await t
      .http()
      .post(`/console/passkeys/${passkeyId}/remove`)
      .set('Origin', ORIGIN)
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf });
    expect(removed.status).toBe(303);
    expect((await passkeySignIn(a)).status).toBe(401);
    expect(
      (await entries('passkey.removed')).find((e) => (e.targets as Record<string, unknown>).passkeyId === passkeyId),
    ).toMatchObject({
      outcome: 'allowed',
      targets: { accountId: person.accountId, passkeyId },
    });

    // The JSON API: a staff member's own passkeys with their key.
    const staffKey = await t.staff('support', 'API Passkey Person');
    // A staff member who never enrolled for the console has none.
    expect((await t.http().get('/v1/me/passkeys').set(staffKey.auth)).body).toEqual([]);
    const auth = await keyOf(person.staffId);
    const listed = await t.http().get('/v1/me/passkeys').set(auth);
    expect(listed.status).toBe(200);
    const mine = listed.body as Array<{ passkeyId: string; name: string }>;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((p) => p.passkeyId)).not.toContain(passkeyId);
    const gone = await t.http().delete(`/v1/me/passkeys/${mine[0].passkeyId}`).set(auth);
    expect(gone.status).toBe(200);
    expect((await t.http().delete(`/v1/me/passkeys/${mine[0].passkeyId}`).set(auth)).status).toBe(404);
  });

  it('applies the lockout: after ten refusals even a good passkey is refused', async () => {
    const locked = await enrolStaff(t, 'support', 'Locked Person');
    const lockedSession = await signIn(t, locked);
    const a = newAuthenticator();
    expect((await register(a, lockedSession)).status).toBe(201);
    expect((await passkeySignIn(a, { counter: 5 })).status).toBe(200);
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) expect((await passkeySignIn(a, { counter: 1 })).status).toBe(401);
    expect((await passkeySignIn(a, { counter: 100 })).status).toBe(401);
    const reasons = (await entries('signin.failed'))
      .filter((e) => (e.targets as Record<string, unknown>).accountId === locked.accountId)
      .map((e) => e.reason);
    expect(reasons).toContain('account locked');
  });

  it('rejects malformed answers with a 400, never a 500', async () => {
    const bad = await post('/console/sign-in/passkey', null, { response: { id: 'x', type: 'public-key' } });
    expect(bad.status).toBe(400);
    const svc = t.app.get(PasskeysService);
    await expect(svc.signIn(systemActor('test', null), 'not an object')).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  describe('username first (a passkey the authenticator does not keep as discoverable)', () => {
    /** Options asked for with a login typed on the sign-in page. */
    const optionsFor = (login: unknown) => post('/console/sign-in/passkey/options', null, { login });
    /** A non-discoverable credential's answer: no user handle (the authenticator does not store one). */
    const answerWithoutHandle = (a: SoftwareAuthenticator, options: { challenge: string }) =>
      a.get(options, { userHandle: '' });

    it("lists the account's passkeys and signs in with one that sends no user handle", async () => {
      const someone = await enrolStaff(t, 'support', 'Username First');
      const a = newAuthenticator();
      expect((await register(a, await signIn(t, someone), 'Security key')).status).toBe(201);

      const options = await optionsFor(someone.login.toUpperCase());
      expect(options.status).toBe(200);
      expect(options.body.allowCredentials).toEqual([
        { id: a.answerId(), type: 'public-key', transports: ['internal'] },
      ]);
      expect(options.body.userVerification).toBe('required');
      const done = await post('/console/sign-in/passkey', null, { response: answerWithoutHandle(a, options.body) });
      expect(done.status).toBe(200);
      expect(done.headers['set-cookie']?.[0]).toMatch(/^__Host-/);
    });

    it("refuses a credential of another account answering a challenge asked for with this account's login", async () => {
      const alice = await enrolStaff(t, 'support', 'Alice Keys');
      const bob = await enrolStaff(t, 'support', 'Bob Keys');
      const aliceKey = newAuthenticator();
      const bobKey = newAuthenticator();
      expect((await register(aliceKey, await signIn(t, alice))).status).toBe(201);
      expect((await register(bobKey, await signIn(t, bob))).status).toBe(201);

      const forAlice = await optionsFor(alice.login);
      const refused = await post('/console/sign-in/passkey', null, { response: bobKey.get(forAlice.body) });
      expect(refused.status).toBe(401);
      expect(refused.headers['set-cookie']).toBeUndefined();
      const reasons = (await entries('signin.failed'))
        .filter((e) => (e.targets as Record<string, unknown>).accountId === bob.accountId)
        .map((e) => e.reason);
      expect(reasons).toContainEqual(
        expect.stringContaining("passkey: the challenge was issued for another account's login"),
      );
      // The challenge was taken by the refusal: Alice's own answer to it is refused too, a fresh one works.
      expect((await post('/console/sign-in/passkey', null, { response: aliceKey.get(forAlice.body) })).status).toBe(
        401,
      );
      const fresh = await optionsFor(alice.login);
      expect((await post('/console/sign-in/passkey', null, { response: aliceKey.get(fresh.body) })).status).toBe(200);
    });

    it('answers an unknown login, or one without passkeys, in the same shape, and nothing can answer it', async () => {
      const withoutPasskeys = await enrolStaff(t, 'support', 'No Passkeys');
      const unknown = await optionsFor('nobody-here@example.test');
      const none = await optionsFor(withoutPasskeys.login);
      for (const res of [unknown, none]) {
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual([
          'allowCredentials',
          'challenge',
          'rpId',
          'timeout',
          'userVerification',
        ]);
        expect(res.body.allowCredentials.length).toBeGreaterThanOrEqual(1);
        expect(res.body.allowCredentials.length).toBeLessThanOrEqual(3);
        for (const c of res.body.allowCredentials) {
          expect(c).toEqual({
            id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
            type: 'public-key',
            transports: expect.any(Array),
          });
          expect([16, 20, 32, 48, 64]).toContain(Buffer.from(c.id, 'base64url').length);
          expect(c.transports.length).toBeGreaterThan(0);
        }
      }
      // Stand-ins do not all look alike: over many unknown logins their number, id lengths and transports vary,
      // as real accounts' lists do.
      const many = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          optionsFor(`nobody-${i}@example.test`).then((r) => r.body.allowCredentials),
        ),
      );
      const shapes = (f: (list: Array<{ id: string; transports: string[] }>) => unknown[]) =>
        new Set(many.flatMap((list) => f(list).map((x) => JSON.stringify(x)))).size;
      expect(shapes((list) => [list.length])).toBeGreaterThan(1);
      expect(shapes((list) => list.map((c) => Buffer.from(c.id, 'base64url').length))).toBeGreaterThan(1);
      expect(shapes((list) => list.map((c) => c.transports))).toBeGreaterThan(1);
      // The same login gets the same stand-in every time (as a real account's list stays the same).
      expect((await optionsFor('nobody-here@example.test')).body.allowCredentials).toEqual(
        unknown.body.allowCredentials,
      );
      expect(none.body.allowCredentials).not.toEqual(unknown.body.allowCredentials);
      // A real passkey answering a stand-in challenge is refused.
      const a = newAuthenticator();
      const someone = await enrolStaff(t, 'support', 'Stand-in Check');
      expect((await register(a, await signIn(t, someone))).status).toBe(201);
      expect((await post('/console/sign-in/passkey', null, { response: a.get(unknown.body) })).status).toBe(401);
    });

    it('applies the lockout and refuses a malformed login with a 400', async () => {
      const locked = await enrolStaff(t, 'support', 'Locked Username');
      const a = newAuthenticator();
      expect((await register(a, await signIn(t, locked))).status).toBe(201);
      const first = await optionsFor(locked.login);
      expect(
        (await post('/console/sign-in/passkey', null, { response: a.get(first.body, { counter: 50 }) })).status,
      ).toBe(200);
      for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
        const o = await optionsFor(locked.login);
        expect((await post('/console/sign-in/passkey', null, { response: a.get(o.body, { counter: 1 }) })).status).toBe(
          401,
        );
      }
      const after = await optionsFor(locked.login);
      expect(
        (await post('/console/sign-in/passkey', null, { response: a.get(after.body, { counter: 99 }) })).status,
      ).toBe(401);

      for (const bad of ['a', 'has space@example.test', 'x'.repeat(300), 42, '\u0000root']) {
        const res = await optionsFor(bad);
        expect([String(bad).slice(0, 20), res.status]).toEqual([String(bad).slice(0, 20), 400]);
      }
    });
  });

  /** A key of the staff member's own, as the API authenticates them. */
  async function keyOf(staffId: string) {
    const issued = await t.app.get(ApiKeysService).createStaffKey(TEST_ACTOR, staffId, 'passkeys test');
    return { Authorization: `Bearer ${issued.key}` };
  }
});
