import type { StaffRole } from '../../src/auth';
import { PersonEnrolmentService } from '../../src/access/people/person-enrolment.service';
import { PersonAccountsRepository } from '../../src/access/people/person-accounts.repository';
import { fromBase32, totpAt } from '../../src/access/people/totp';
import { TEST_ACTOR } from './test-actor';
import type { TestApp } from './test-app';

/** A staff member enrolled for the console: what they would type, and their authenticator. */
export interface ConsolePerson {
  readonly staffId: string;
  readonly login: string;
  readonly password: string;
  readonly accountId: string;
  readonly secret: Buffer;
  /** The authenticator app's code at the test clock's now. */
  code(): string;
}

let counter = 0;

/** A new staff member of the role, enrolled as `ordervault console enrol` does. */
export async function enrolStaff(t: TestApp, role: StaffRole, name = `Console ${role}`): Promise<ConsolePerson> {
  const { staffId } = await t.staff(role, name);
  const login = `${role}-${++counter}-${staffId.slice(0, 8)}@example.test`;
  const password = `correct horse battery ${counter} staple`;
  const enrolment = await t.app.get(PersonEnrolmentService).enrolStaff(TEST_ACTOR, { staffId, login, password });
  const secret = fromBase32(new URL(enrolment.otpauthUri).searchParams.get('secret')!)!;
  return {
    staffId,
    login,
    password,
    accountId: enrolment.accountId,
    secret,
    code: () => totpAt(secret, t.clock.nowMs()),
  };
}

/** What a browser holds after signing in: the cookie to send, and the page's CSRF token. */
export interface BrowserSession {
  readonly cookie: string;
  readonly csrf: string;
}

export const ORIGIN = 'http://localhost:3000';

/**
 * Signs in through the form, as a browser would (same-origin header, form
 * encoding). Each sign-in takes a new TOTP step, so the clock moves 30 s first.
 */
export async function signIn(
  t: TestApp,
  p: Pick<ConsolePerson, 'login' | 'password' | 'code'>,
): Promise<BrowserSession> {
  t.clock.advance(30_000);
  const res = await t
    .http()
    .post('/console/sign-in')
    .set('Origin', t.config.publicBaseUrl.origin)
    .type('form')
    .send({ login: p.login, password: p.password, code: p.code(), next: '/console' });
  if (res.status !== 303) throw new Error(`sign-in failed with ${res.status}: ${res.text.slice(0, 300)}`);
  const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
  const home = await t.http().get('/console').set('Cookie', cookie);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)?.[1];
  if (!csrf) throw new Error('no CSRF token on the home page');
  return { cookie, csrf };
}

/** A seller user who accepted an invitation through the browser pages. */
export interface InvitedPerson {
  readonly login: string;
  readonly password: string;
  readonly accountId: string;
  readonly secret: Buffer;
  code(): string;
}

/** Follows an invitation link as a browser: the form, login and password, then a code from the new secret. */
export async function acceptInvitation(t: TestApp, link: string, login: string): Promise<InvitedPerson> {
  const path = new URL(link).pathname;
  const password = `invited person ${login} passphrase`;
  const form = await t.http().get(path);
  if (form.status !== 200) throw new Error(`invitation page answered ${form.status}`);
  const step1 = await t
    .http()
    .post(path)
    .set('Origin', t.config.publicBaseUrl.origin)
    .type('form')
    .send({ login, password });
  if (step1.status !== 200) throw new Error(`accepting answered ${step1.status}: ${step1.text.slice(0, 300)}`);
  const secretText = /Key: <code class="secret">([A-Z2-7]+)<\/code>/.exec(step1.text)?.[1];
  if (!secretText) throw new Error('no TOTP key on the confirmation page');
  const secret = fromBase32(secretText)!;
  t.clock.advance(30_000);
  const step2 = await t
    .http()
    .post(`${path}/confirm`)
    .set('Origin', t.config.publicBaseUrl.origin)
    .type('form')
    .send({ code: totpAt(secret, t.clock.nowMs()) });
  if (step2.status !== 303) throw new Error(`confirming answered ${step2.status}: ${step2.text.slice(0, 300)}`);
  const account = await t.app.get(PersonAccountsRepository).findByLogin(login.toLowerCase());
  return { login, password, accountId: account!.accountId, secret, code: () => totpAt(secret, t.clock.nowMs()) };
}
