import type { Browser, Page } from 'playwright-core';
import { GrantsService } from '../../../src/access/grants.service';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { ALL_TENANTS, AuditQueryService } from '../../../src/audit';
import { BUYER_MARKER } from '../../../src/sandbox/buyers';
import { acceptInvitation, enrolStaff, type ConsolePerson, type InvitedPerson } from '../../support/console-people';
import { canonicalOrder, seedOrders } from '../../support/order-factory';
import { TEST_ACTOR } from '../../support/test-actor';
import { startTestApp, type TestApp } from '../../support/test-app';
import {
  launchChromium,
  listen,
  seriousAxeFindings,
  watchedContext,
  type CspViolation,
  signInWithTotp,
} from './chromium';

const FIRST_INDEX = 8200;

/**
 * The console in a real Chromium against the real application: signing in with
 * a password and a TOTP code, revealing an order's buyer data with a reason
 * (htmx swapping the answer in), a staff member's reveal under a grant shown to
 * the seller, no Content-Security-Policy violation anywhere, and no serious
 * accessibility violation on the pages visited.
 */
describe('console in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let tenant: string;
  let orderIds: string[];
  let member: InvitedPerson;
  let owner: InvitedPerson;
  let support: ConsolePerson;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    origin = await listen(t);
    tenant = await t.tenant('Browser Seller');
    orderIds = await seedOrders(t.app, tenant, 2, FIRST_INDEX);
    const users = t.app.get(SellerUsersService);
    owner = await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, 'owner')).link, 'owner@browser.example');
    member = await acceptInvitation(
      t,
      (await users.invite(TEST_ACTOR, tenant, 'member')).link,
      'member@browser.example',
    );
    support = await enrolStaff(t, 'support', 'Browser Support');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The sign-in form as a person fills it, with the authenticator's code of a fresh 30-second step. */
  async function signIn(page: Page, person: { login: string; password: string; secret: Buffer }) {
    await signInWithTotp(t, page, person);
  }

  const axeOn = async (page: Page, where: string) => {
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  };

  it('a seller member signs in with password and TOTP, opens an order and reveals it with a reason', async () => {
    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(`${origin}/console/orders`);
    await expect(page.getByRole('heading', { name: 'Sign in' }).count()).resolves.toBe(1);
    await axeOn(page, 'sign-in');
    await signIn(page, member);
    await page.waitForURL(`${origin}/console/orders`);
    await axeOn(page, 'orders');
    expect(await page.content()).not.toContain(BUYER_MARKER);

    const order = canonicalOrder(FIRST_INDEX + 1);
    await page.getByRole('link', { name: order.marketplaceOrderId }).click();
    await page.waitForURL(`${origin}/console/orders/${orderIds[1]}`);
    await axeOn(page, 'order');
    expect(await page.content()).not.toContain(BUYER_MARKER);

    const reason = 'Buyer phoned: the parcel went to the old address';
    await page.getByLabel("Why do you need this buyer's data?").fill(reason);
    await page.getByLabel('Ticket (optional)').fill('CASE-81');
    await page.getByRole('button', { name: 'Reveal buyer data' }).click();
    const revealed = page.locator('#buyer-data .revealed');
    await revealed.waitFor();
    expect(await revealed.textContent()).toContain(order.pii!.buyerName!);
    // htmx swapped the answer into this page: no navigation happened.
    expect(page.url()).toBe(`${origin}/console/orders/${orderIds[1]}`);
    await axeOn(page, 'order with revealed buyer');

    const entries = (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'pii.revealed' })).items;
    expect(entries.find((e) => e.reason === reason)).toMatchObject({
      outcome: 'allowed',
      tenantId: tenant,
      ticketRef: 'CASE-81',
      targets: { orderIds: [orderIds[1]] },
      actor: { kind: 'seller', id: `person:${member.accountId}` },
    });
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });

  it('works without script: the reveal form posts and the order page comes back with the buyer', async () => {
    const { context, violations } = await watchedContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}/console/orders/${orderIds[0]}`);
    await signIn(page, member);
    await page.waitForURL(`${origin}/console/orders/${orderIds[0]}`);
    const reason = 'Checking the invoice address without script';
    await page.getByLabel("Why do you need this buyer's data?").fill(reason);
    await page.getByRole('button', { name: 'Reveal buyer data' }).click();
    await page.waitForURL(`${origin}/console/orders/${orderIds[0]}/reveal`);
    expect(await page.locator('#buyer-data .revealed').textContent()).toContain(
      canonicalOrder(FIRST_INDEX).pii!.buyerName!,
    );
    const entries = (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'pii.revealed' })).items;
    expect(entries.find((e) => e.reason === reason)).toMatchObject({
      outcome: 'allowed',
      targets: { orderIds: [orderIds[0]] },
    });
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });

  it('a support member signs in and reveals under a grant; the seller sees it in "staff access" and revokes', async () => {
    const grant = await t.app.get(GrantsService).create(TEST_ACTOR, tenant, {
      granteeStaffId: support.staffId,
      expiresAt: new Date(t.clock.nowMs() + 8 * 3600_000),
      ticketRef: 'CASE-90',
    });
    // The support member signs in and reveals in the browser; staff name the tenant they act on in X-Tenant-Id.
    const staff = await watchedContext(browser);
    await staff.context.setExtraHTTPHeaders({ 'X-Tenant-Id': tenant });
    const staffPage = await staff.context.newPage();
    await staffPage.goto(`${origin}/console/orders/${orderIds[0]}`);
    await signIn(staffPage, support);
    await staffPage.waitForURL(`${origin}/console/orders/${orderIds[0]}`);
    await staffPage
      .getByLabel("Why do you need this buyer's data?")
      .fill('Seller asked us to check the address format');
    await staffPage.getByLabel('Ticket (optional)').fill('CASE-90');
    await staffPage.getByRole('button', { name: 'Reveal buyer data' }).click();
    await staffPage.locator('#buyer-data .revealed').waitFor();
    expect(staff.violations).toEqual<CspViolation[]>([]);
    await staff.context.close();

    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(`${origin}/console/staff-access`);
    await signIn(page, owner);
    await page.waitForURL(`${origin}/console/staff-access`);
    const table = page.getByRole('table').first();
    await expect(table.textContent()).resolves.toContain('Seller asked us to check the address format');
    await expect(table.textContent()).resolves.toContain(support.staffId);
    await expect(page.getByRole('button', { name: `Revoke grant ${grant.grantId}` }).count()).resolves.toBe(1);
    await axeOn(page, 'staff access');

    await page.getByRole('button', { name: `Revoke grant ${grant.grantId}` }).click();
    await page.waitForURL(`${origin}/console/staff-access`);
    await expect(page.getByRole('button', { name: `Revoke grant ${grant.grantId}` }).count()).resolves.toBe(0);
    expect((await t.app.get(GrantsService).list(tenant)).find((g) => g.grantId === grant.grantId)?.active).toBe(false);
    expect(violations).toEqual<CspViolation[]>([]);

    // The watch itself works: an inline script (which the policy forbids) is reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.append(s);
    });
    const seenBoth = () => violations.some((v) => v.directive.startsWith('script-src')) && violations.length >= 2;
    for (let i = 0; i < 100 && !seenBoth(); i++) await page.waitForTimeout(20);
    // Both channels saw it: the page's event and the console's error line.
    expect(violations.map((v) => v.directive.split(/[- ]/)[0]).sort()).toEqual(['console', 'script']);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    await context.close();
  });
});
