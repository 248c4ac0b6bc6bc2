import type { Browser, BrowserContext } from 'playwright-core';
import { SellerUsersService } from '../../../src/access/people/seller-users.service';
import { TEST_ACTOR } from '../../support/test-actor';
import { acceptInvitation, enrolStaff } from '../../support/console-people';
import { seedOrders } from '../../support/order-factory';
import { routeInventory } from '../../support/route-inventory';
import { startTestApp, type TestApp } from '../../support/test-app';
import { DeliveriesService } from '../../../src/delivery/dispatch/deliveries.service';
import { EndpointsService } from '../../../src/delivery/endpoints/endpoints.service';
import { DeliveryReplaysService } from '../../../src/delivery/replay/delivery-replays.service';
import { ManualClock } from '../../../src/platform/clock/clock';
import {
  launchChromium,
  listen,
  seriousAxeFindings,
  signInWithTotp,
  watchedContext,
  type AxeFinding,
  type CspViolation,
} from './chromium';

/** GET routes under /console that are not pages a signed-in person browses, and why. */
const NOT_PAGES: Record<string, string> = {
  '/console/accounts/consent-result':
    'a landing page that forwards at once (swept, held in place, by tenant-and-consent-flows.test.ts)',
  '/console/assets/:name': 'static files (their integrity is checked in console-pages.test.ts)',
  '/console/invitations/:token': 'a one-time link; its pages are swept by the invitation flow',
  '/console/replays/:replayId/progress': 'a fragment htmx swaps into the replay page (swept with it)',
  '/console/sign-in': 'shown to the signed-out (swept first, before signing in)',
};

/**
 * The invariant behind "an accessibility check on each page": every GET page the console serves, found from
 * the routes the application registered (a new page is swept without being listed), opened in Chromium by a
 * person allowed to see it (the seller's owner, else a support member, else an auditor), answers 200, has no
 * serious or critical axe finding, and raises no Content-Security-Policy violation.
 */
describe('every console page in Chromium', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  const params: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    origin = await listen(t);
    const tenant = await t.tenant('Swept Seller');
    params.tenant = tenant;
    [params.orderId] = await seedOrders(t.app, tenant, 3, 7700);
    const endpoint = await t.app.get(EndpointsService).create(TEST_ACTOR, tenant, {
      url: 'http://127.0.0.1:9/hooks',
      description: 'ERP',
      payloadMode: 'thin',
    });
    params.endpointId = endpoint.endpointId;
    params.deliveryId = (await t.app.get(DeliveriesService).ping(tenant, endpoint.endpointId)).deliveryId;
    params.replayId = (
      await t.app
        .get(DeliveryReplaysService)
        .start(TEST_ACTOR, tenant, endpoint.endpointId, new Date(Date.now() - 3600_000))
    ).replayId;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('answers every page with 200, no serious accessibility finding and no CSP violation', async () => {
    const pages = [
      ...new Set(
        routeInventory(t.app)
          .filter((r) => r.method === 'GET' && r.path.startsWith('/console') && !(r.path in NOT_PAGES))
          .map((r) => r.path),
      ),
    ].sort();
    const unfilled = pages.filter((p) => ![...p.matchAll(/:(\w+)/g)].every((m) => m[1] in params));
    expect(unfilled).toEqual([]);

    const people: Array<{ name: string; context: BrowserContext; violations: CspViolation[] }> = [];
    const users = t.app.get(SellerUsersService);
    const owner = await acceptInvitation(
      t,
      (await users.invite(TEST_ACTOR, params.tenant, 'owner')).link,
      'owner@swept.example',
    );
    for (const [name, person] of [
      ['owner', owner],
      ['support', await enrolStaff(t, 'support', 'Sweep Support')],
      ['auditor', await enrolStaff(t, 'auditor', 'Sweep Auditor')],
    ] as const) {
      const watched = await watchedContext(browser);
      const page = await watched.context.newPage();
      await page.goto(`${origin}/console/sign-in`);
      if (name === 'owner') {
        const signInFindings = await seriousAxeFindings(page);
        expect({ path: '/console/sign-in', signInFindings }).toEqual({ path: '/console/sign-in', signInFindings: [] });
      }
      await signInWithTotp(t, page, person);
      await page.waitForURL((u) => !u.pathname.startsWith('/console/sign-in'));
      await page.close();
      people.push({ name, ...watched });
    }

    const seen: Array<{ path: string; by: string; findings: AxeFinding[] }> = [];
    for (const path of pages) {
      const url = path.replace(/:(\w+)/g, (_, n: string) => params[n]);
      let opened = false;
      for (const person of people) {
        const page = await person.context.newPage();
        const res = await page.goto(`${origin}${url}`);
        if (res?.status() === 200) {
          seen.push({ path, by: person.name, findings: await seriousAxeFindings(page) });
          opened = true;
        }
        await page.close();
        if (opened) break;
      }
      expect({ path, opened }).toEqual({ path, opened: true });
    }
    expect(seen.filter((s) => s.findings.length)).toEqual([]);
    for (const person of people) {
      expect({ person: person.name, violations: person.violations }).toEqual({ person: person.name, violations: [] });
      await person.context.close();
    }
    process.stdout.write(`swept ${seen.length} pages: ${seen.map((s) => `${s.path} (${s.by})`).join(', ')}\n`);
  }, 120_000);
});
