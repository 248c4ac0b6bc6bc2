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

  it('a receiver that hangs holds back no other endpoint: later orders go while its request is still open', async () => {
    const slow = await Receiver.start();
    slow.answer = () => 'hang';
    const slowTenant = await t.tenant('Slow receiver');
    const slowOwner = (await t.seller(slowTenant, ['endpoints:manage'])).auth;
    await t.http().post('/v1/endpoints').set(slowOwner).send({ url: slow.url }).expect(201);
    const loop = t.app.get(DispatchLoop);
    await loop.start();
    try {
      await seedOrders(t.app, slowTenant, 1);
      await waitFor(() => slow.received.length === 1, 'the hanging receiver to get its order');
      const before = receiver.received.length;
      await seedOrders(t.app, tenantId, 2);
      await waitFor(
        () => receiver.received.length === before + 2,
        'orders to the other endpoint while the hanging request is open',
        20_000,
      );
      expect(slow.received).toHaveLength(1);
    } finally {
      await slow.close(); // the hanging request fails now; stopping waits for its outcome to be recorded
      await loop.stop();
    }
  });
});
