import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { GrantsService } from '../../../src/access/grants.service';
import { acceptInvitation, enrolStaff, type ConsolePerson, type InvitedPerson } from '../../support/console-people';
import { seedOrders } from '../../support/order-factory';
import { TEST_ACTOR } from '../../support/test-actor';
import { startTestApp, type TestApp } from '../../support/test-app';
import { launchChromium, listen, seriousAxeFindings, signInWithTotp, watchedContext } from './chromium';

/**
 * Two ways into a page that plain links alone could not give before, in Chromium:
 * - a marketplace's consent ends on another site, whose redirect brings the browser back without the
 *   SameSite=Strict session cookie; the landing page forwards it from our own origin and the person arrives,
 *   still signed in, on their accounts page saying what happened;
 * - a support member goes from the tenants roll-up to one seller's orders by links only (the seller named in the
 *   URL), under the seller's grant.
 * No Content-Security-Policy violation and no serious accessibility finding on the way.
 */
describe('consent landing and staff tenant pages in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let tenant: string;
  let owner: InvitedPerson;
  let support: ConsolePerson;
  let marketplace: Server;
  let marketplaceOrigin: string;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    origin = await listen(t);
    tenant = await t.tenant('Landing Seller');
    await seedOrders(t.app, tenant, 3, 8100);
    const users = t.app.get(SellerUsersService);
    owner = await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, 'owner')).link, 'owner@landing.example');
    support = await enrolStaff(t, 'support', 'Landing Support');
    // "The marketplace": another site (127.0.0.1 is not localhost's site) that sends the browser back to us.
    marketplace = createServer((req, res) => {
      const back = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
      res.writeHead(302, { Location: `${origin}${back}` }).end();
    });
    await new Promise<void>((resolve) => marketplace.listen(0, '127.0.0.1', resolve));
    marketplaceOrigin = `http://127.0.0.1:${(marketplace.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => marketplace?.close(resolve));
    await t?.close();
  });

  const axeOn = async (page: Page, where: string) => {
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  };

  it("comes back from the marketplace's site signed in, on the accounts page, told what happened", async () => {
    const watched = await watchedContext(browser);
    const page = await watched.context.newPage();
    await page.goto(`${origin}/console/accounts`);
    await signInWithTotp(t, page, owner);
    await page.waitForURL(`${origin}/console/accounts`);

    const landing = `/console/accounts/consent-result?marketplace=ebay&outcome=declined&tenant=${tenant}`;
    const cookieOnLanding: Array<string | undefined> = [];
    page.on('request', (r) => {
      if (r.url().includes('/console/accounts/consent-result')) cookieOnLanding.push(r.headers().cookie);
    });
    await page.goto(`${marketplaceOrigin}/back?to=${encodeURIComponent(landing)}`);
    await page.waitForURL((u) => u.pathname === '/console/accounts' && u.searchParams.get('consent') === 'declined');
    await page.getByRole('heading', { name: 'Marketplace accounts' }).waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Your eBay account was not connected: the authorisation was declined at the marketplace.',
    );
    await axeOn(page, 'accounts after the consent');
    // The landing request itself came from another site's redirect: the session cookie was not sent with it.
    expect(cookieOnLanding).toEqual([undefined]);

    // The landing page itself, held in place (its onward navigation answered 204, which keeps the document): its
    // words, a link on, no serious finding.
    const held = await watched.context.newPage();
    await held.route('**/console/accounts?*', (route) => route.fulfill({ status: 204 }));
    await held.goto(`${origin}${landing}`);
    await held.getByRole('link', { name: 'Continue to your marketplace accounts' }).waitFor();
    await axeOn(held, 'consent landing page');
    expect(watched.violations).toEqual([]);
    await watched.context.close();
  });

  it("takes a support member from the tenants roll-up to a seller's orders by links, under the seller's grant", async () => {
    await t.app.get(GrantsService).create(TEST_ACTOR, tenant, {
      granteeStaffId: support.staffId,
      expiresAt: new Date(t.clock.nowMs() + 3_600_000),
    });
    const watched = await watchedContext(browser);
    const page = await watched.context.newPage();
    await page.goto(`${origin}/console/tenants`);
    await signInWithTotp(t, page, support);
    await page.waitForURL(`${origin}/console/tenants`);
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
    await axeOn(page, 'tenants');

    await page.getByRole('link', { name: 'Orders of Landing Seller' }).click();
    await page.waitForURL(`${origin}/console/orders?tenant=${tenant}`);
    await page.getByRole('note').filter({ hasText: tenant }).waitFor();
    await axeOn(page, "a seller's orders, as support");

    // Filtering keeps the seller (the form carries it), and an order opens from its link.
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((u) => u.pathname === '/console/orders' && u.searchParams.get('tenant') === tenant);
    await page.locator('table a').first().click();
    await page.waitForURL((u) => u.pathname.startsWith('/console/orders/') && u.searchParams.get('tenant') === tenant);
    await page.getByRole('heading', { name: /^Order / }).waitFor();
    await axeOn(page, 'an order, as support');
    expect(watched.violations).toEqual([]);
    await watched.context.close();
  });
});
