import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { Dispatcher } from '../../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../../src/delivery/dispatch/fan-out.service';
import { ManualClock } from '../../../src/platform/clock/clock';
import { Receiver, waitFor } from '../../delivery/support/receiver';
import { acceptInvitation, type InvitedPerson } from '../../support/console-people';
import { seedOrders } from '../../support/order-factory';
import { TEST_ACTOR } from '../../support/test-actor';
import { usingServer } from '../../support/test-database';
import { startTestApp, type TestApp } from '../../support/test-app';
import {
  launchChromium,
  listen,
  seriousAxeFindings,
  signInWithTotp,
  watchedContext,
  type CspViolation,
} from './chromium';

/**
 * A seller's webhook endpoint in Chromium: the owner adds one (the secret shown once), rotates its secret with an
 * overlap and sends a test event that verifies with both secrets; later, with deliveries failed while the
 * receiver was down, recovers them since an hour ago and watches the progress panel (polled by htmx) reach done.
 * No Content-Security-Policy violation and no serious accessibility finding on the pages on the way.
 */
describe('webhook endpoints in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let tenant: string;
  let owner: InvitedPerson;
  let receiver: Receiver;

  beforeAll(async () => {
    browser = await launchChromium();
    // Near real time: the receiver's library checks webhook-timestamp against its own clock.
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    origin = await listen(t);
    tenant = await t.tenant('Hooked Seller');
    const users = t.app.get(SellerUsersService);
    owner = await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, 'owner')).link, 'owner@hooked.example');
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await t?.close();
  });

  const axeOn = async (page: Page, where: string) => {
    expect({ where, findings: await seriousAxeFindings(page) }).toEqual({ where, findings: [] });
  };
  const dispatch = async () => {
    await t.app.get(FanOutService).fanOutAll();
    return t.app.get(Dispatcher).dispatchAllDue();
  };

  it('add an endpoint, rotate its secret, send a test event; recover failed deliveries with progress', async () => {
    const seller = await watchedContext(browser);
    const page = await seller.context.newPage();
    await page.goto(`${origin}/console/endpoints`);
    await signInWithTotp(t, page, owner);
    await page.waitForURL(`${origin}/console/endpoints`);
    await axeOn(page, 'endpoints (none)');

    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Our ERP');
    await page.getByLabel('order.created').check();
    await page.getByLabel(/^thin:/).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: 'Endpoint added' }).waitFor();
    const first = (await page.locator('code.secret').textContent())!;
    expect(first).toMatch(/^whsec_/);
    await axeOn(page, 'endpoint added');

    await page.getByRole('link', { name: 'Go to the endpoint' }).click();
    await page.getByRole('heading', { name: receiver.url }).waitFor();
    await axeOn(page, 'endpoint');
    await page.getByLabel(/Previous secret keeps signing for/).fill('2');
    await page.getByRole('button', { name: 'Rotate signing secret' }).click();
    await page.getByRole('heading', { name: 'Signing secret rotated' }).waitFor();
    const second = (await page.locator('code.secret').textContent())!;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);

    await page.getByRole('link', { name: 'Go to the endpoint' }).click();
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByRole('heading', { name: 'Delivery of ping' }).waitFor();
    await dispatch();
    const ping = receiver.received.at(-1)!;
    for (const secret of [first, second]) {
      expect(new Webhook(secret).verify(ping.body, ping.headers as Record<string, string>)).toMatchObject({
        type: 'ping',
      });
    }
    await page.reload();
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('succeeded');
    await axeOn(page, 'delivery');

    // The receiver is down while two orders are forwarded: both deliveries fail.
    receiver.answer = () => ({ status: 503, body: 'maintenance' });
    await seedOrders(t.app, tenant, 2);
    expect(await dispatch()).toMatchObject({ claimed: 2, retrying: 2 });
    receiver.answer = () => ({ status: 200, body: 'ok' });
    const before = receiver.received.length;

    await page.getByRole('link', { name: 'Back to the deliveries' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=failed/);
    await expect(page.getByRole('table').locator('tbody tr').count()).resolves.toBe(2);
    await axeOn(page, 'failed deliveries');

    await page.getByRole('link', { name: 'Back to the endpoint' }).click();
    await page.getByLabel('an hour ago').check();
    // On a server, the failed rows are held a moment, so the recovery is still queued when its page first shows
    // and the panel must be brought up to date by htmx's polling (on the embedded database one session serves
    // all, and nothing can be held beside the test).
    const hold = usingServer() ? await holdFailedDeliveries() : null;
    try {
      await page.getByRole('button', { name: 'Recover failed deliveries' }).click();
      await page.getByRole('heading', { name: /Recovering failed deliveries since/ }).waitFor();
      if (hold) await expect(page.locator('#replay-progress').textContent()).resolves.toContain('Queued');
      await axeOn(page, 'recovery in progress');
    } finally {
      await hold?.release();
    }
    await page.locator('#replay-progress', { hasText: 'Done' }).waitFor({ timeout: 20_000 });
    await expect(page.locator('#replay-progress').textContent()).resolves.toContain('2 of 2 failed delivery(ies)');
    expect(await dispatch()).toMatchObject({ succeeded: 2 });
    await waitFor(() => receiver.received.length === before + 2, 'the recovered deliveries');

    expect(seller.violations).toEqual<CspViolation[]>([]);
    await seller.context.close();
  }, 120_000);

  /** Locks the endpoint's failed deliveries in a transaction of its own until released. */
  async function holdFailedDeliveries(): Promise<{ release(): Promise<void> }> {
    const runner = t.app.get(DataSource).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT 1 FROM deliveries WHERE tenant_id = $1 AND status = 'failed_retrying' FOR UPDATE`, [
      tenant,
    ]);
    return {
      release: async () => {
        await runner.rollbackTransaction();
        await runner.release();
      },
    };
  }
});
