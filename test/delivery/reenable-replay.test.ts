import { deliverOnce } from '../../src/cli/delivery-commands';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';
import { replayUntilDone } from './support/replays';

/** An endpoint enabled again says what it missed while disabled; a replay since then recovers all of it. */
describe('re-enabling an endpoint: what it missed, and the replay that recovers it', () => {
  let t: TestApp;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;
  let endpointId: string;
  let cancelledOnly: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    tenantId = await t.tenant('Paused');
    owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    receiver = await Receiver.start();
    const create = (body: object) => t.http().post('/v1/endpoints').set(owner).send(body).expect(201);
    endpointId = (await create({ url: receiver.url, payloadMode: 'thin' })).body.endpointId;
    // A second endpoint that wants cancellations only: its filter holds for what it is sent again too.
    cancelledOnly = (await create({ url: receiver.url, payloadMode: 'thin', eventTypes: ['order.cancelled'] })).body
      .endpointId;
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const patch = (id: string, body: object) => t.http().patch(`/v1/endpoints/${id}`).set(owner).send(body).expect(200);
  const receivedIds = () => receiver.bodies().map((b) => b.data.orderId as string);

  it('counts the events fanned out while it was disabled, and the replay queues them, each once', async () => {
    const before = await seedOrders(t.app, tenantId, 2, 1);
    await deliverOnce(t.app);
    expect(receivedIds().sort()).toEqual([...before].sort());

    t.clock.advance(60_000);
    const paused = (await patch(endpointId, { enabled: false })).body;
    expect(paused).toMatchObject({ enabled: false, disabledReason: 'manual', disabledAt: t.clock.now().toISOString() });
    expect(paused.missedWhileDisabled).toBeUndefined();
    const disabledAt = paused.disabledAt as string;

    t.clock.advance(60_000);
    const missed = await seedOrders(t.app, tenantId, 3, 10);
    // Fanned out while it is disabled: nothing is queued for it, nothing is sent.
    expect(await deliverOnce(t.app)).toMatchObject({ events: 3, queued: 0 });
    expect(receiver.received).toHaveLength(2);

    t.clock.advance(60_000);
    const resumed = (await patch(endpointId, { enabled: true })).body;
    expect(resumed).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
    expect(resumed.missedWhileDisabled).toEqual({
      disabledAt,
      disabledReason: 'manual',
      since: disabledAt,
      failedOrGivenUp: 0,
      notQueued: 3,
      replay: { method: 'POST', path: `/v1/endpoints/${endpointId}/replay?since=${encodeURIComponent(disabledAt)}` },
    });

    expect(await replayUntilDone(t, owner, resumed.missedWhileDisabled.replay.path)).toMatchObject({
      replayed: 0,
      queued: 3,
    });
    // Replaying again queues nothing twice.
    expect(await replayUntilDone(t, owner, resumed.missedWhileDisabled.replay.path)).toMatchObject({
      replayed: 0,
      queued: 0,
    });
    await deliverOnce(t.app);
    expect(receivedIds().sort()).toEqual([...before, ...missed].sort());
    // The cancellations-only endpoint was never disabled and got none of these created orders.
    const ofOther = await t.http().get(`/v1/endpoints/${cancelledOnly}/deliveries`).set(owner).expect(200);
    expect(ofOther.body.items).toEqual([]);
  });

  it('a replay honours the endpoint’s event-type filter', async () => {
    await patch(cancelledOnly, { enabled: false });
    const since = t.clock.now().toISOString();
    await seedOrders(t.app, tenantId, 2, 30);
    await deliverOnce(t.app);
    const resumed = (await patch(cancelledOnly, { enabled: true })).body;
    expect(resumed.missedWhileDisabled).toMatchObject({ since, notQueued: 0 });
    expect(await replayUntilDone(t, owner, `/v1/endpoints/${cancelledOnly}/replay`, { since })).toMatchObject({
      replayed: 0,
      queued: 0,
    });
  });
});
