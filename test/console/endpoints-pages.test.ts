import { Webhook } from 'standardwebhooks';
import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { ALL_TENANTS, AuditQueryService } from '../../src/audit';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { DeliveryReplayWorker } from '../../src/delivery/replay/delivery-replay.worker';
import { ManualClock } from '../../src/platform/clock/clock';
import { acceptInvitation, ORIGIN, signIn, type BrowserSession } from '../support/console-people';
import { seedOrders } from '../support/order-factory';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type TestApp } from '../support/test-app';
import { Receiver } from '../delivery/support/receiver';

const HOSTILE = '<script>alert(1)</script>';

/**
 * The webhook screens: endpoints, their deliveries, recoveries and the event catalog, through the same services
 * and permissions as /v1/endpoints; secrets shown once; hostile text escaped; every page with the console's headers.
 */
describe('console webhook endpoints, deliveries and recoveries', () => {
  let t: TestApp;
  let tenant: string;
  let owner: BrowserSession;
  let viewer: BrowserSession;
  let stranger: BrowserSession;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    tenant = await t.tenant('Webhook Seller');
    const users = t.app.get(SellerUsersService);
    const invite = async (tenantId: string, role: 'owner' | 'viewer', login: string) =>
      signIn(t, await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenantId, role)).link, login));
    owner = await invite(tenant, 'owner', 'owner@hooks.example');
    viewer = await invite(tenant, 'viewer', 'viewer@hooks.example');
    stranger = await invite(await t.tenant('Another Seller'), 'owner', 'owner@other.example');
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const get = (path: string, s: BrowserSession) => t.http().get(path).set('Cookie', s.cookie);
  const form = (path: string, s: BrowserSession, body: Record<string, unknown>) =>
    t
      .http()
      .post(path)
      .set('Origin', ORIGIN)
      .set('Cookie', s.cookie)
      .type('form')
      .send({ _csrf: s.csrf, ...body });
  const secretIn = (html: string) => /<code class="secret">(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(html)?.[1];
  let endpointId: string;
  let firstSecret: string;

  it('adds an endpoint (the secret shown once), lists it with its figures, and escapes what the seller typed', async () => {
    const created = await form('/console/endpoints', owner, {
      url: receiver.url,
      description: HOSTILE,
      eventTypes: ['order.created', 'order.updated'],
      payloadMode: 'thin',
      rateLimitPerSecond: '',
      sealingPublicKey: '',
    });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    firstSecret = secretIn(created.text)!;
    expect(firstSecret).toMatch(/^whsec_/);
    endpointId = /href="\/console\/endpoints\/([0-9a-f-]{36})"/.exec(created.text)![1];

    const list = await get('/console/endpoints', owner).expect(200);
    expect(list.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(list.text).toContain(receiver.url);
    expect(list.text).not.toContain(HOSTILE);
    expect(list.text).toContain('&lt;script>alert(1)&lt;/script>');
    expect(list.text).toContain('order.created, order.updated');
    expect(list.text).not.toContain(firstSecret);
    const page = await get(`/console/endpoints/${endpointId}`, owner).expect(200);
    expect(page.text).not.toContain(firstSecret);
    expect(page.text).not.toContain(HOSTILE);
    const [entry] = (await t.app.get(AuditQueryService).list(ALL_TENANTS, { action: 'endpoint.created' })).items;
    expect(entry).toMatchObject({ tenantId: tenant, targets: { endpointId } });
  });

  it('edits, pauses and resumes (showing what it missed), rotates the secret (both sign meanwhile) and sends a test', async () => {
    expect(
      (await form(`/console/endpoints/${endpointId}`, owner, { description: 'ERP', payloadMode: 'thin' })).status,
    ).toBe(303);
    expect((await get(`/console/endpoints/${endpointId}`, owner)).text).toContain('every order event');
    expect((await form(`/console/endpoints/${endpointId}/enabled`, owner, { enabled: 'no' })).text).toContain('paused');
    const resumed = await form(`/console/endpoints/${endpointId}/enabled`, owner, { enabled: 'yes' });
    expect(resumed.status).toBe(200);
    expect(resumed.text).toContain('Resumed. While it was paused');

    const rotated = await form(`/console/endpoints/${endpointId}/rotate-secret`, owner, { overlapHours: '2' });
    expect(rotated.status).toBe(200);
    const secret = secretIn(rotated.text)!;
    expect(secret).not.toBe(firstSecret);
    expect(rotated.text).toContain('The previous secret also signs until');

    const test = await form(`/console/endpoints/${endpointId}/test`, owner, {});
    expect(test.status).toBe(303);
    await t.app.get(Dispatcher).dispatchAllDue();
    const ping = receiver.received.at(-1)!;
    for (const s of [secret, firstSecret]) {
      expect(new Webhook(s).verify(ping.body, ping.headers as Record<string, string>)).toMatchObject({ type: 'ping' });
    }
    const delivery = await get(test.headers.location, owner).expect(200);
    expect(delivery.text).toContain('Delivery of ping');
    expect(delivery.text).toMatch(/<td>succeeded|<dd>succeeded/);
  });

  it('lists deliveries with filters kept in the URL, refuses filters it cannot read, and resends one', async () => {
    receiver.answer = () => ({ status: 500, body: 'down' });
    await seedOrders(t.app, tenant, 3);
    await t.app.get(FanOutService).fanOutAll();
    await t.app.get(Dispatcher).dispatchAllDue();
    const failed = await get(
      `/console/endpoints/${endpointId}/deliveries?status=failed&eventType=order.created&period=24h`,
      owner,
    ).expect(200);
    const ids = [...failed.text.matchAll(/href="\/console\/deliveries\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(3);
    expect(failed.text).toContain('<option value="failed" selected="">failed</option>'.replace('=""', ''));
    const bad = await get(
      `/console/endpoints/${endpointId}/deliveries?status=${encodeURIComponent(HOSTILE)}&orderId=x`,
      owner,
    );
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain(HOSTILE);
    expect(bad.text).toContain('order id: an order id (uuid)');

    const detail = await get(`/console/deliveries/${ids[0]}`, owner).expect(200);
    expect(detail.text).toContain('failed_retrying');
    expect(detail.text).not.toContain('down'); // the receiver's answer is kept sealed, never shown
    receiver.answer = () => ({ status: 200, body: 'ok' });
    expect((await form(`/console/deliveries/${ids[0]}/retry`, owner, {})).status).toBe(303);
    await t.app.get(Dispatcher).dispatchAllDue();
    expect((await get(`/console/deliveries/${ids[0]}`, owner)).text).toContain('succeeded');
  });

  it('recovers failed deliveries since a preset in the background, with a progress panel htmx polls until done', async () => {
    const started = await form(`/console/endpoints/${endpointId}/replay`, owner, { preset: '24h', since: '' });
    expect(started.status).toBe(303);
    const replayPath = started.headers.location as string;
    expect(replayPath).toMatch(/^\/console\/replays\/[0-9a-f-]{36}$/);
    await t.app.get(DeliveryReplayWorker).idle();
    const progress = await get(`${replayPath}/progress`, owner).expect(200);
    expect(progress.text).toMatch(/^<div id="replay-progress"/);
    expect(progress.text).toContain('Done');
    expect(progress.text).not.toContain('hx-trigger'); // done: nothing left to poll
    expect(progress.text).toContain('2 of 2 failed delivery(ies) sent again');
    await t.app.get(Dispatcher).dispatchAllDue();
    expect((await get(`/console/endpoints/${endpointId}/deliveries?status=failed`, owner)).text).toContain(
      'No deliveries match.',
    );
    // An instant that cannot be read is refused, nothing started.
    expect(
      (await form(`/console/endpoints/${endpointId}/replay`, owner, { preset: 'at', since: 'yesterday' })).status,
    ).toBe(400);
  });

  it('shows the event catalog with an example per payload mode', async () => {
    const page = await get('/console/event-types', viewer).expect(200);
    for (const type of ['order.created', 'order.cancelled', 'endpoint.disabled', 'ping'])
      expect(page.text).toContain(type);
    expect(page.text).toContain('Example, sealed payload');
  });

  it('lets a viewer read but not act, keeps tenants apart, and sends the signed-out to sign in', async () => {
    const list = await get('/console/endpoints', viewer).expect(200);
    expect(list.text).not.toContain('Add an endpoint');
    expect((await get(`/console/endpoints/${endpointId}`, viewer).expect(200)).text).not.toContain(
      'Rotate signing secret',
    );
    for (const [path, body] of [
      ['/console/endpoints', { url: receiver.url, payloadMode: 'thin' }],
      [`/console/endpoints/${endpointId}/rotate-secret`, { overlapHours: '1' }],
      [`/console/endpoints/${endpointId}/replay`, { preset: '1h' }],
      [`/console/endpoints/${endpointId}/delete`, { confirm: 'yes' }],
    ] as const) {
      expect([path, (await form(path, viewer, body)).status]).toEqual([path, 403]);
    }
    expect((await get(`/console/endpoints/${endpointId}`, stranger)).status).toBe(404);
    expect((await get(`/console/endpoints/${endpointId}/deliveries`, stranger)).status).toBe(404);
    expect((await form(`/console/endpoints/${endpointId}/delete`, stranger, { confirm: 'yes' })).status).toBe(404);
    const anonymous = await t.http().get('/console/endpoints').expect(401);
    expect(anonymous.text).toContain('<form method="post" action="/console/sign-in"');
    // Deleting needs the box ticked; then the endpoint is gone from the list.
    expect((await form(`/console/endpoints/${endpointId}/delete`, owner, {})).status).toBe(400);
    expect((await form(`/console/endpoints/${endpointId}/delete`, owner, { confirm: 'yes' })).status).toBe(303);
    expect((await get('/console/endpoints', owner)).text).not.toContain(`/console/endpoints/${endpointId}"`);
  });
});
