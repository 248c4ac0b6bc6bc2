import type { Browser, Page } from 'playwright-core';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { AccessRequestsService } from '../../../src/access/requests/access-requests.service';
import { ALL_TENANTS, AuditQueryService } from '../../../src/audit';
import type { ActorContext } from '../../../src/auth';
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

const FIRST_INDEX = 8400;

/**
 * A support access request end to end in Chromium: a support member asks for
 * access to one order, the seller's owner signs in and approves it for fewer
 * hours, the support member reveals the order with a reason under the grant,
 * and the seller sees that reveal in "staff access to your data". No
 * Content-Security-Policy violation and no serious accessibility finding on
 * the pages on the way.
 */
describe('support access request in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let tenant: string;
  let orderIds: string[];
  let owner: InvitedPerson;
  let support: ConsolePerson;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    origin = await listen(t);
    tenant = await t.tenant('Requested Seller');
    orderIds = await seedOrders(t.app, tenant, 2, FIRST_INDEX);
    const users = t.app.get(SellerUsersService);
    owner = await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, 'owner')).link, 'owner@request.example');
    support = await enrolStaff(t, 'support', 'Request Support');
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

  it('staff request → seller approves narrowed → staff reveal with a reason → seller sees it', async () => {
    // The support member asks.
    const staff = await watchedContext(browser);
    const staffPage = await staff.context.newPage();
    await staffPage.goto(`${origin}/console/access-requests`);
    await signIn(staffPage, support);
    await staffPage.waitForURL(`${origin}/console/access-requests`);
    await axeOn(staffPage, 'access requests (empty)');
    await staffPage.getByLabel('Tenant id').fill(tenant);
    await staffPage.getByLabel('Access', { exact: true }).selectOption('reveal');
    await staffPage.getByLabel('Orders', { exact: true }).fill(orderIds[1]);
    await staffPage.getByLabel('Duration (hours)').fill('24');
    await staffPage.getByLabel('Why does the case need it?').fill('Buyer disputes the delivery address');
    await staffPage.getByLabel('Ticket').fill('CASE-314');
    await staffPage.getByRole('button', { name: 'Send request' }).click();
    await staffPage.waitForURL(`${origin}/console/access-requests`);
    const mine = staffPage.getByRole('table');
    await expect(mine.textContent()).resolves.toContain('pending');
    await axeOn(staffPage, 'access requests (pending)');
    const [request] = await t.app.get(AccessRequestsService).list(asStaff(support.staffId));
    expect(request).toMatchObject({ status: 'pending', durationHours: 24, orderIds: [orderIds[1]] });

    // The seller's owner approves, for fewer hours than asked.
    const seller = await watchedContext(browser);
    const sellerPage = await seller.context.newPage();
    await sellerPage.goto(`${origin}/console/staff-access`);
    await signIn(sellerPage, owner);
    await sellerPage.waitForURL(`${origin}/console/staff-access`);
    const pending = sellerPage.getByRole('article');
    await expect(pending.textContent()).resolves.toContain('Buyer disputes the delivery address');
    await expect(pending.textContent()).resolves.toContain('CASE-314');
    await axeOn(sellerPage, 'staff access with a pending request');
    await sellerPage.getByLabel('Hours').fill('4');
    await sellerPage.getByRole('button', { name: 'Approve' }).click();
    await sellerPage.waitForURL(`${origin}/console/staff-access`);
    await expect(sellerPage.getByText('No staff member is waiting for your answer.').count()).resolves.toBe(1);
    const approved = await t.app.get(AccessRequestsService).get(asStaff(support.staffId), request.requestId);
    expect(approved).toMatchObject({ status: 'approved', approved: { access: 'reveal', durationHours: 4 } });
    await expect(sellerPage.getByRole('button', { name: `Revoke grant ${approved.grantId}` }).count()).resolves.toBe(1);

    // The support member reveals the order under the grant, with a reason; htmx swaps the buyer in.
    await staffPage.reload();
    await expect(staffPage.getByRole('table').textContent()).resolves.toContain('approved');
    await axeOn(staffPage, 'access requests (approved)');
    await staffPage
      .getByLabel("Why do you need this buyer's data?")
      .fill('Comparing the address with the carrier scan');
    await staffPage.getByRole('button', { name: 'Reveal buyer data' }).click();
    const revealed = staffPage.locator('#buyer-data .revealed');
    await revealed.waitFor();
    expect(await revealed.textContent()).toContain(canonicalOrder(FIRST_INDEX + 1).pii!.buyerName!);
    expect(staffPage.url()).toBe(`${origin}/console/access-requests`);
    await axeOn(staffPage, 'access requests (revealed)');

    // The seller sees that reveal in "staff access to your data".
    await sellerPage.reload();
    const reveals = sellerPage.getByRole('table').first();
    await expect(reveals.textContent()).resolves.toContain('Comparing the address with the carrier scan');
    await expect(reveals.textContent()).resolves.toContain(support.staffId);
    await expect(reveals.textContent()).resolves.toContain(`grant ${approved.grantId}`);
    await axeOn(sellerPage, 'staff access with the reveal');

    const entries = (await t.app.get(AuditQueryService).list(ALL_TENANTS, {})).items.filter(
      (e) => e.tenantId === tenant,
    );
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['access_request.created', 'access_request.approved', 'grant.created', 'pii.revealed']),
    );
    expect(entries.find((e) => e.action === 'pii.revealed')).toMatchObject({
      outcome: 'allowed',
      ticketRef: 'CASE-314',
      actor: { kind: 'staff', id: support.staffId },
      targets: { orderIds: [orderIds[1]], grantId: approved.grantId },
    });
    expect(staff.violations).toEqual<CspViolation[]>([]);
    expect(seller.violations).toEqual<CspViolation[]>([]);
    await staff.context.close();
    await seller.context.close();
  });
});

/** The support member as the service sees them (to read their requests back outside the browser). */
const asStaff = (staffId: string): ActorContext => ({
  actor: { kind: 'staff', id: staffId, role: 'support', keyId: '' },
  requestId: null,
});
