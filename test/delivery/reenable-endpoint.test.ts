import { deliverOnce } from '../../src/cli/delivery-commands';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';

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
      replay: {
        method: 'POST',
        path: `/v1/endpoints/${endpointId}/replay?since=${encodeURIComponent(failedAt)}`,
      },
    });

    // The named replay sends exactly those again.
    receiver.answer = () => ({ status: 204 });
    const replay = await t.http().post(enabled.missedWhileDisabled.replay.path).set(owner).expect(202);
    expect(replay.body).toEqual({ replayed: 3 });
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
});
