import { deliverOnce, endpointEnabledText, setEndpointEnabled } from '../../src/cli/delivery-commands';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';
import { replayUntilDone } from './support/replays';

describe('enabling a disabled endpoint reports what it missed', () => {
  let t: TestApp;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    tenantId = await t.tenant('Re-enabled');
    owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('counts the deliveries failed since the failing stretch began and names the replay that recovers them', async () => {
    const { endpointId } = (await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201))
      .body;
    receiver.answer = () => ({ status: 500 });
    await seedOrders(t.app, tenantId, 3);
    const failedAt = t.clock.now().toISOString();
    expect(await deliverOnce(t.app)).toMatchObject({ claimed: 3, retrying: 3 });

    t.clock.advance(60_000);
    const disabled = (
      await t.http().patch(`/v1/endpoints/${endpointId}`).set(owner).send({ enabled: false }).expect(200)
    ).body;
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: 'manual',
      disabledAt: t.clock.now().toISOString(),
    });
    expect(disabled.missedWhileDisabled).toBeUndefined();

    // A change that does not enable it reports nothing; enabling it reports the three failed deliveries.
    const renamed = (
      await t.http().patch(`/v1/endpoints/${endpointId}`).set(owner).send({ description: 'back soon' }).expect(200)
    ).body;
    expect(renamed.missedWhileDisabled).toBeUndefined();
    t.clock.advance(3600_000);
    const enabled = (await t.http().patch(`/v1/endpoints/${endpointId}`).set(owner).send({ enabled: true }).expect(200))
      .body;
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
    expect(enabled.missedWhileDisabled).toEqual({
      disabledAt: disabled.disabledAt,
      disabledReason: 'manual',
      since: failedAt,
      failedOrGivenUp: 3,
      notQueued: 0,
      replay: {
        method: 'POST',
        path: `/v1/endpoints/${endpointId}/replay?since=${encodeURIComponent(failedAt)}`,
      },
    });

    // The named replay sends exactly those again.
    receiver.answer = () => ({ status: 204 });
    const replay = await replayUntilDone(t, owner, enabled.missedWhileDisabled.replay.path);
    expect(replay).toMatchObject({ toReplay: 3, replayed: 3, queued: 0 });
    expect(await deliverOnce(t.app)).toMatchObject({ claimed: 3, succeeded: 3 });
  });

  it('records when a 410 answer disabled it', async () => {
    const { endpointId } = (await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201))
      .body;
    receiver.answer = () => ({ status: 410 });
    await seedOrders(t.app, tenantId, 1);
    const at = t.clock.now().toISOString();
    await deliverOnce(t.app);
    const gone = (await t.http().get(`/v1/endpoints/${endpointId}`).set(owner).expect(200)).body;
    expect(gone).toMatchObject({ enabled: false, disabledReason: 'gone', disabledAt: at });
    const enabled = (await t.http().patch(`/v1/endpoints/${endpointId}`).set(owner).send({ enabled: true }).expect(200))
      .body;
    expect(enabled.missedWhileDisabled).toMatchObject({ disabledAt: at, disabledReason: 'gone' });
    expect(enabled.missedWhileDisabled.replay.path).toContain(`/v1/endpoints/${endpointId}/replay?since=`);
  });

  it('endpoint disable / enable for operators: enabling prints what was missed and the replay', async () => {
    // Deliveries are stamped by the database's clock; the service's, moved an hour on above, comes back to it.
    t.clock.set(Date.now());
    const { endpointId } = (await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201))
      .body;
    receiver.answer = () => ({ status: 500 });
    await seedOrders(t.app, tenantId, 2);
    const failedAt = t.clock.now().toISOString();
    // Two orders to this endpoint and to the one enabled again above.
    expect(await deliverOnce(t.app)).toMatchObject({ claimed: 4, retrying: 4 });
    const off = await setEndpointEnabled(t.app, endpointId, false);
    expect(endpointEnabledText(off)).toBe(`endpoint ${endpointId} disabled (manual)`);
    const on = await setEndpointEnabled(t.app, endpointId, true);
    expect(on.missedWhileDisabled).toMatchObject({ failedOrGivenUp: 2, since: failedAt });
    const text = endpointEnabledText(on);
    expect(text).toContain(`endpoint ${endpointId} enabled`);
    expect(text).toContain(`2 deliveries failed or were given up since ${failedAt}`);
    expect(text).toContain(`ordervault replay --endpoint ${endpointId} --since ${failedAt}`);
  });
});
