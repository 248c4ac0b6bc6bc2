import { DispatchLoop } from '../../src/delivery/dispatch/dispatch-loop';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { usingServer } from '../support/test-database';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver, waitFor } from './support/receiver';

describe('the dispatcher loop', () => {
  let t: TestApp;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        // On a server only the commit notification can wake the loop in time; embedded databases poll.
        DELIVERY_POLL_MS: usingServer() ? '60000' : '100',
        // Far longer than any wait below: a receiver that hangs is still hanging when the others are checked.
        WEBHOOK_TIMEOUT_MS: '60000',
        // As many as the hanging receivers below, each in a claim of its own.
        DELIVERY_LANES: '2',
      },
      clock: new ManualClock(Date.now()),
    });
    tenantId = await t.tenant('Loop');
    owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    receiver = await Receiver.start();
    await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201);
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('is off when the scheduler is off', async () => {
    await seedOrders(t.app, tenantId, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(0);
  });

  it('wakes on the ingest commit (LISTEN/NOTIFY on a server) and on a ping, and stops cleanly', async () => {
    const loop = t.app.get(DispatchLoop);
    await loop.start();
    // The order queued while the loop was off goes at once.
    await waitFor(() => receiver.received.length === 1, 'the order queued before the start');
    const committed = Date.now();
    await seedOrders(t.app, tenantId, 3);
    await waitFor(() => receiver.received.length === 4, 'orders committed while the loop runs', 20_000);
    process.stdout.write(`commit → delivery with the loop idle: ${Date.now() - committed} ms for 3 orders\n`);
    const ping = await t
      .http()
      .post(`/v1/endpoints/${(await t.http().get('/v1/endpoints').set(owner)).body[0].endpointId}/test`)
      .set(owner)
      .expect(202);
    await waitFor(() => receiver.received.some((r) => r.headers['webhook-id'] === ping.body.eventId), 'the ping');
    await loop.stop();
    await seedOrders(t.app, tenantId, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(5);
  });

  it('endpoints with backlogs keep the loop from fanning out no other seller’s new orders', async () => {
    // Several, each claimed again as its deliveries settle: fanning out runs beside claiming, so the new order is
    // fanned out and sent while they are still being worked off.
    const busy = await Promise.all(Array.from({ length: 8 }, () => Receiver.start()));
    const perEndpoint = 100;
    for (const [i, r] of busy.entries()) {
      const busyTenant = await t.tenant(`Backlog ${i}`);
      const busyOwner = (await t.seller(busyTenant, ['endpoints:manage'])).auth;
      await t.http().post('/v1/endpoints').set(busyOwner).send({ url: r.url }).expect(201);
      await seedOrders(t.app, busyTenant, perEndpoint);
    }
    const sent = () => busy.reduce((n, r) => n + r.received.length, 0);
    const loop = t.app.get(DispatchLoop);
    await loop.start();
    try {
      await waitFor(() => sent() >= 40, 'the backlogs to be on their way');
      const before = receiver.received.length;
      await seedOrders(t.app, tenantId, 1);
      await waitFor(() => receiver.received.length === before + 1, 'the other seller’s order', 20_000);
      // Committed while the backlogs were being sent, and sent before they were done.
      expect(sent()).toBeLessThan(busy.length * perEndpoint);
      await waitFor(() => sent() === busy.length * perEndpoint, 'the rest of the backlogs', 60_000);
    } finally {
      await loop.stop();
      for (const r of busy) await r.close();
    }
  });
  it('receivers that hang hold back no other endpoint, even in as many claims as there are lanes', async () => {
    const hanging = await Promise.all(['Slow receiver', 'Another slow receiver'].map(() => Receiver.start()));
    const hangingTenants: string[] = [];
    for (const [i, slow] of hanging.entries()) {
      slow.answer = () => 'hang';
      const slowTenant = await t.tenant(`Slow receiver ${i}`);
      const slowOwner = (await t.seller(slowTenant, ['endpoints:manage'])).auth;
      await t.http().post('/v1/endpoints').set(slowOwner).send({ url: slow.url }).expect(201);
      hangingTenants.push(slowTenant);
    }
    const loop = t.app.get(DispatchLoop);
    await loop.start();
    try {
      // One after the other, so each hanging request is in a claim of its own: a claim per lane.
      for (const [i, slow] of hanging.entries()) {
        await seedOrders(t.app, hangingTenants[i], 1);
        await waitFor(() => slow.received.length === 1, `hanging receiver ${i} to get its order`);
      }
      const before = receiver.received.length;
      await seedOrders(t.app, tenantId, 2);
      await waitFor(
        () => receiver.received.length === before + 2,
        'orders to the other endpoint while the hanging requests are open',
        20_000,
      );
      for (const slow of hanging) {
        expect(slow.received).toHaveLength(1);
        expect(slow.hangingOpen).toBe(1);
      }
    } finally {
      // The hanging requests fail now; stopping waits for their outcomes to be recorded.
      for (const slow of hanging) await slow.close();
      await loop.stop();
    }
  });
});
