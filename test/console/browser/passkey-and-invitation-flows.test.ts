import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PasskeysService } from '../../../src/access/people/passkeys.service';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { fromBase32, totpAt } from '../../../src/access/people/totp';
import { ALL_TENANTS, AuditQueryService } from '../../../src/audit';
import { acceptInvitation, type InvitedPerson } from '../../support/console-people';
import { TEST_ACTOR } from '../../support/test-actor';
import { startTestApp, type TestApp } from '../../support/test-app';
import {
  freePort,
  launchChromium,
  listen,
  seriousAxeFindings,
  watchedContext,
  type CspViolation,
  signInWithTotp,
} from './chromium';

/**
 * The console's people flows in a real Chromium: a passkey registered after a
 * password and TOTP sign-in and then used to sign in (Chromium's virtual
 * authenticator, through the DevTools protocol), and an owner inviting a user
 * whose first sign-in follows the one-time link. No CSP violation, no serious
 * accessibility finding on the pages visited.
 */
describe('console people flows in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let tenant: string;
  let owner: InvitedPerson;

  beforeAll(async () => {
    browser = await launchChromium();
    // The passkeys' origin is the public URL's: the app is told the port it will listen on.
    const port = await freePort();
    t = await startTestApp({ env: { ORDERVAULT_PUBLIC_URL: `http://localhost:${port}` } });
    origin = await listen(t, port);
    tenant = await t.tenant('Passkey Seller');
    const users = t.app.get(SellerUsersService);
    owner = await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, 'owner')).link, 'owner@passkey.example');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(page: Page, person: { login: string; password: string; secret: Buffer }) {
    await signInWithTotp(t, page, person);
  }

  const axeOn = async (page: Page, where: string) => {
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  };

  /**
   * Chromium's virtual authenticator: by default a platform passkey that verifies its user, as a laptop's would;
   * `securityKey`: a USB key that keeps no discoverable credential (so it is found through the login typed first).
   */
  async function virtualAuthenticator(context: BrowserContext, page: Page, securityKey = false) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: securityKey ? 'usb' : 'internal',
        hasResidentKey: !securityKey,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    return { credentials };
  }

  it('registers a passkey after password and TOTP, signs out, and signs in with the passkey alone', async () => {
    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    const authenticator = await virtualAuthenticator(context, page);

    await page.goto(`${origin}/console/passkeys`);
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, owner);
    await page.waitForURL(`${origin}/console/passkeys`);
    await expect(page.getByText('You have no passkeys yet.').count()).resolves.toBe(1);
    await axeOn(page, 'passkeys (none)');

    await page.getByLabel('Name of this passkey').fill('Work laptop');
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await page.waitForURL(`${origin}/console/passkeys?added=yes`);
    await expect(page.getByRole('cell', { name: 'Work laptop', exact: true }).count()).resolves.toBe(1);
    expect(await authenticator.credentials()).toHaveLength(1);
    expect((await authenticator.credentials())[0]).toMatchObject({ isResidentCredential: true, signCount: 1 });
    await axeOn(page, 'passkeys (one)');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin}/console/sign-in?signedOut=yes`);
    await page.goto(`${origin}/console/sign-in?next=%2Fconsole%2Fpasskeys`);
    await axeOn(page, 'sign-in with the passkey button');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${origin}/console/passkeys`);
    await expect(page.getByText(`Signed in as ${owner.login.toLowerCase()} (owner)`).count()).resolves.toBe(1);
    const [passkey] = await t.app.get(PasskeysService).list(owner.accountId);
    expect(passkey).toMatchObject({ name: 'Work laptop', lastUsedAt: t.clock.now().toISOString() });

    const audit = t.app.get(AuditQueryService);
    expect((await audit.list(ALL_TENANTS, { action: 'passkey.registered' })).items).toEqual([
      expect.objectContaining({
        tenantId: tenant,
        outcome: 'allowed',
        targets: expect.objectContaining({ passkeyId: passkey.passkeyId }),
      }),
    ]);
    const started = (await audit.list(ALL_TENANTS, { action: 'session.started' })).items;
    expect(started.map((e) => e.reason)).toContain('signed in with a passkey (user verified)');
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });

  it('a security key without discoverable credentials signs in with the login typed first', async () => {
    // A seller of its own, so the invitation flow below counts only its tenant's acceptances.
    const keyTenant = await t.tenant('Key Holder Seller');
    const member = await acceptInvitation(
      t,
      (await t.app.get(SellerUsersService).invite(TEST_ACTOR, keyTenant, 'member')).link,
      'key-holder@passkey.example',
    );
    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    const authenticator = await virtualAuthenticator(context, page, true);

    await page.goto(`${origin}/console/passkeys`);
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, member);
    await page.waitForURL(`${origin}/console/passkeys`);
    await page.getByLabel('Name of this passkey').fill('USB key');
    await page.getByRole('button', { name: 'Add passkey' }).click();
    await page.waitForURL(`${origin}/console/passkeys?added=yes`);
    expect(await authenticator.credentials()).toEqual([expect.objectContaining({ isResidentCredential: false })]);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin}/console/sign-in?signedOut=yes`);
    await page.goto(`${origin}/console/sign-in?next=%2Fconsole%2Forders`);
    await page.getByLabel('Login').fill(member.login);
    await axeOn(page, 'sign-in, login typed for the passkey');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${origin}/console/orders`);
    await expect(page.getByText(`Signed in as ${member.login.toLowerCase()}`).count()).resolves.toBe(1);
    const [passkey] = await t.app.get(PasskeysService).list(member.accountId);
    expect(passkey).toMatchObject({ name: 'USB key', transports: ['usb'], lastUsedAt: t.clock.now().toISOString() });
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });

  it('an owner invites a user; the link is shown once, the user sets a password, enrols TOTP and signs in', async () => {
    const ownerSide = await watchedContext(browser);
    const page = await ownerSide.context.newPage();
    await page.goto(`${origin}/console/users`);
    await signIn(page, owner);
    await page.waitForURL(`${origin}/console/users`);
    await axeOn(page, 'users');
    await page.getByLabel('Role').first().selectOption('viewer');
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const shown = page.locator('#invitation-result code.secret');
    await shown.waitFor();
    const link = (await shown.textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${origin}/console/invitations/`));
    // Shown once: the users page lists the invitation, never its link again.
    await page.goto(`${origin}/console/users`);
    expect(await page.content()).not.toContain(link);
    expect(ownerSide.violations).toEqual<CspViolation[]>([]);
    await ownerSide.context.close();

    const { context, violations } = await watchedContext(browser);
    const invited = await context.newPage();
    await invited.goto(link);
    await axeOn(invited, 'accept invitation');
    const login = 'viewer@passkey.example';
    const password = 'a viewer chose this long passphrase';
    await invited.getByLabel('Choose a login').fill(login);
    await invited.getByLabel('Choose a password').fill(password);
    await invited.getByRole('button', { name: 'Continue' }).click();
    const key = (await invited.locator('code.secret').textContent())!.trim();
    const secret = fromBase32(key)!;
    await axeOn(invited, 'enrol TOTP');
    t.clock.advance(30_000);
    await invited.getByLabel('Code from your authenticator app').fill(totpAt(secret, t.clock.nowMs()));
    await invited.getByRole('button', { name: 'Confirm and finish' }).click();
    await invited.waitForURL(`${origin}/console/sign-in?accepted=yes`);
    await signIn(invited, { login, password, secret });
    await invited.waitForURL(`${origin}/console`);
    await expect(invited.getByText(`Signed in as ${login} (viewer)`).count()).resolves.toBe(1);
    const accepted = (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'invitation.accepted' })).items;
    expect(accepted.filter((e) => e.tenantId === tenant)).toHaveLength(2);
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });
});
