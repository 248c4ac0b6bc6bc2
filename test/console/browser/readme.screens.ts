import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { GrantsService } from '../../../src/access/grants.service';
import { ConnectionsService } from '../../../src/connections/connections.service';
import { FanOutService } from '../../../src/delivery/dispatch/fan-out.service';
import { EndpointsService } from '../../../src/delivery/endpoints/endpoints.service';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { acceptInvitation, enrolStaff, type ConsolePerson, type InvitedPerson } from '../../support/console-people';
import { seedOrders } from '../../support/order-factory';
import { TEST_ACTOR } from '../../support/test-actor';
import { startTestApp, type TestApp } from '../../support/test-app';
import { launchChromium, listen, watchedContext, type CspViolation, signInWithTotp } from './chromium';

/** Where the README's screenshots live. */
const OUT = path.join(__dirname, '..', '..', '..', 'docs', 'screenshots');

/**
 * The README's console screenshots: a seller and a support member sign in to
 * a tenant with orders, a staff reveal under a grant, and each main page is
 * captured at 1280 px wide. Every page must load without a CSP violation.
 */
describe('console screenshots for the README', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let tenant: string;
  let orderIds: string[];
  let owner: InvitedPerson;
  let support: ConsolePerson;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launchChromium();
    // A loopback receiver URL for the endpoint shown (nothing listens: the screenshots need no deliveries).
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    origin = await listen(t);
    tenant = await t.tenant('Nordic Outdoor GmbH');
    orderIds = await seedOrders(t.app, tenant, 12, 9100);
    owner = await acceptInvitation(
      t,
      (await t.app.get(SellerUsersService).invite(TEST_ACTOR, tenant, 'owner')).link,
      'owner@nordic-outdoor.example',
    );
    support = await enrolStaff(t, 'support', 'Sam Support');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(page: Page, person: { login: string; password: string; secret: Buffer }) {
    await signInWithTotp(t, page, person);
  }

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  }

  it('captures the sign-in page and the seller pages', async () => {
    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${origin}/console/orders`);
    await shoot(page, 'sign-in');
    await signIn(page, owner);
    await page.waitForURL(`${origin}/console/orders`);
    await shoot(page, 'orders');

    await page.goto(`${origin}/console/orders/${orderIds[0]}`);
    await page.getByLabel("Why do you need this buyer's data?").fill('Buyer asked to change the delivery address');
    await page.getByLabel('Ticket (optional)').fill('CASE-1042');
    await page.getByRole('button', { name: 'Reveal buyer data' }).click();
    await page.locator('#buyer-data .revealed').waitFor();
    await shoot(page, 'order-revealed');

    // A staff reveal under the seller's grant, so "staff access to your data" has something to show.
    await t.app.get(GrantsService).create(TEST_ACTOR, tenant, {
      granteeStaffId: support.staffId,
      expiresAt: new Date(t.clock.nowMs() + 8 * 3600_000),
      ticketRef: 'CASE-1042',
    });
    const staff = await watchedContext(browser);
    const staffPage = await staff.context.newPage();
    const staffOrder = `${origin}/console/orders/${orderIds[1]}?tenant=${tenant}`;
    await staffPage.goto(staffOrder);
    await signIn(staffPage, support);
    await staffPage.waitForURL(staffOrder);
    await staffPage.getByLabel("Why do you need this buyer's data?").fill('Seller asked us to check an address');
    await staffPage.getByLabel('Ticket (optional)').fill('CASE-1042');
    await staffPage.getByRole('button', { name: 'Reveal buyer data' }).click();
    await staffPage.locator('#buyer-data .revealed').waitFor();
    await staff.context.close();
    expect(staff.violations).toEqual<CspViolation[]>([]);

    // A pending access request from another support member, for the seller to answer.
    const asker = await t.staff('support', 'Riley Support');
    await t
      .http()
      .post('/v1/access-requests')
      .set(asker.auth)
      .send({
        tenantId: tenant,
        access: 'reveal',
        orderIds: [orderIds[2]],
        durationHours: 8,
        reason: 'Buyer says the parcel never arrived; the seller asked us to check the address',
        ticketRef: 'CASE-1077',
      })
      .expect(201);

    const endpoint = await t.app.get(EndpointsService).create(TEST_ACTOR, tenant, {
      url: 'http://127.0.0.1:9/hooks/ordervault',
      description: 'ERP order import',
      eventTypes: ['order.created', 'order.updated', 'order.cancelled'],
      payloadMode: 'thin',
    });
    await t.app.get(FanOutService).fanOutAll();

    for (const [name, url] of [
      ['webhook-endpoints', '/console/endpoints'],
      ['webhook-endpoint', `/console/endpoints/${endpoint.endpointId}`],
      ['event-catalog', '/console/event-types'],
      ['api-keys', '/console/api-keys'],
      ['staff-access', '/console/staff-access'],
      ['audit-log', '/console/audit'],
      ['users', '/console/users'],
    ] as const) {
      const res = await page.goto(`${origin}${url}`);
      expect({ url, status: res?.status() }).toEqual({ url, status: 200 });
      await shoot(page, name);
    }
    expect(violations).toEqual<CspViolation[]>([]);
    await context.close();
  });

  it('captures the auditor’s verification report and the support member’s access requests', async () => {
    const auditor = await enrolStaff(t, 'auditor', 'Avery Auditor');
    const { context, violations } = await watchedContext(browser);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${origin}/console/audit/verification`);
    await signIn(page, auditor);
    await page.waitForURL(`${origin}/console/audit/verification`);
    await shoot(page, 'audit-verification');
    await context.close();

    const staff = await watchedContext(browser);
    const staffPage = await staff.context.newPage();
    await staffPage.setViewportSize({ width: 1280, height: 800 });
    await staffPage.goto(`${origin}/console/access-requests`);
    await signIn(staffPage, support);
    await staffPage.waitForURL(`${origin}/console/access-requests`);
    await shoot(staffPage, 'access-requests');
    // Support's roll-up: another seller beside this one, whose only account needs a new authorisation.
    const alpine = await t.tenant('Alpine Gear AG');
    const connections = t.app.get(ConnectionsService);
    const { connectionId } = await connections.connect(TEST_ACTOR, {
      tenantId: alpine,
      marketplace: 'ebay',
      region: 'EBAY_AT',
      marketplaceIds: [],
      accountId: 'alpine-gear-at',
      credentials: { refreshToken: 'refresh-token-alpine' },
    });
    await connections.markAuthFailed(TEST_ACTOR, alpine, connectionId, 'invalid_grant');
    const res = await staffPage.goto(`${origin}/console/tenants`);
    expect(res?.status()).toBe(200);
    await shoot(staffPage, 'tenants');
    await staffPage.getByRole('link', { name: 'Orders of Nordic Outdoor GmbH' }).click();
    await staffPage.waitForURL(`${origin}/console/orders?tenant=${tenant}`);
    await shoot(staffPage, 'staff-orders');
    await staff.context.close();
    expect([...violations, ...staff.violations]).toEqual<CspViolation[]>([]);
  });
});
