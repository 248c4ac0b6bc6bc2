import { DataSource } from 'typeorm';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';

const DAY = 24 * 3600_000;

describe('an endpoint failing continuously', () => {
  let t: TestApp;
  let db: DataSource;
  let owner: AuthHeader;
  let tenantId: string;
  let failing: Receiver;
  let watcher: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    db = t.app.get(DataSource);
    tenantId = await t.tenant('Failing');
    owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    failing = await Receiver.start();
    watcher = await Receiver.start();
    failing.answer = () => ({ status: 500 });
  });
  afterAll(async () => {
    await failing.close();
    await watcher.close();
    await t.close();
  });

  it('is warned about at 50 % and 90 % of five days and disabled at the end, each step logged and announced', async () => {
    const bad = (await t.http().post('/v1/endpoints').set(owner).send({ url: failing.url }).expect(201)).body;
    await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: watcher.url, eventTypes: ['endpoint.failing', 'endpoint.disabled'] })
      .expect(201);
    const pass = async () => {
      await t.app.get(FanOutService).fanOutAll();
      await t.app.get(Dispatcher).dispatchAllDue();
    };
    await seedOrders(t.app, tenantId, 1);
    await pass();
    const status = async () =>
      (await t.http().get(`/v1/endpoints/${bad.endpointId}`).set(owner).expect(200)).body as Record<string, any>;
    const since = Date.parse((await status()).failingSince);
    expect(Number.isNaN(since)).toBe(false);

    // A new order every so often keeps attempts coming; the stretch is counted from the first failure.
    for (const at of [1, 2.6, 3.5, 4.6, 5.1]) {
      t.clock.set(since + at * DAY);
      await seedOrders(t.app, tenantId, 1);
      await pass();
    }
    const view = await status();
    expect(view).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const reasons = (
      await db.query(
        `SELECT reason FROM audit_entries WHERE action = 'endpoint.updated' AND targets->>'endpointId' = $1 ORDER BY seq`,
        [bad.endpointId],
      )
    ).map((r: { reason: string }) => r.reason);
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/^warning/);
    expect(reasons[1]).toMatch(/^warning/);
    expect(reasons[2]).toBe('disabled: every attempt failed for 5 days');
    const announced = watcher.bodies().filter((b) => b.type !== 'order.created');
    expect(announced.map((b) => b.type)).toEqual(['endpoint.failing', 'endpoint.failing', 'endpoint.disabled']);
    expect(announced[0].data).toMatchObject({ endpointId: bad.endpointId, failingSince: view.failingSince });
    // The watcher subscribes to operational events only: it got no order.
    expect(watcher.bodies().every((b) => b.type.startsWith('endpoint.'))).toBe(true);

    // Re-enabling starts afresh.
    const enabled = (
      await t.http().patch(`/v1/endpoints/${bad.endpointId}`).set(owner).send({ enabled: true }).expect(200)
    ).body;
    expect(enabled).toMatchObject({ enabled: true, failingSince: null });
  });

  it('ends with a success: the stretch is cleared and the answer kept sealed', async () => {
    const other = await t.tenant('Recovering');
    const auth = (await t.seller(other, ['endpoints:manage'])).auth;
    const flaky = await Receiver.start();
    try {
      flaky.answer = (_req, i) => (i === 0 ? { status: 500 } : { status: 200, body: 'accepted: thank you' });
      const ep = (await t.http().post('/v1/endpoints').set(auth).send({ url: flaky.url }).expect(201)).body;
      const [orderId] = await seedOrders(t.app, other, 1);
      await t.app.get(FanOutService).fanOutAll();
      expect(await t.app.get(Dispatcher).dispatchAllDue()).toMatchObject({ retrying: 1 });
      const view = async () =>
        (await t.http().get(`/v1/endpoints/${ep.endpointId}`).set(auth).expect(200)).body as Record<string, any>;
      expect((await view()).failingSince).not.toBeNull();

      t.clock.advance(10 * 60_000);
      expect(await t.app.get(Dispatcher).dispatchAllDue()).toMatchObject({ succeeded: 1 });
      expect((await view()).failingSince).toBeNull();
      const attempts = await db.query(
        `SELECT status_code, counted, response_ciphertext IS NOT NULL AS kept,
                position('thank you' in encode(coalesce(response_ciphertext, ''), 'escape')) AS in_clear
           FROM delivery_attempts WHERE tenant_id = $1 AND order_id = $2 ORDER BY attempt_number`,
        [other, orderId],
      );
      expect(attempts).toEqual([
        { status_code: 500, counted: true, kept: false, in_clear: 0 },
        { status_code: 200, counted: true, kept: true, in_clear: 0 },
      ]);
    } finally {
      await flaky.close();
    }
  });
});
