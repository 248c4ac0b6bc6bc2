import { DataSource } from 'typeorm';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';
import { replicaDispatcher } from './support/replica-dispatcher';

/** Pacing is judged at the receiver in real time, so the service's clock follows real time here. */
class WallClock extends ManualClock {
  override now(): Date {
    return new Date();
  }
}

/** The most requests that arrived within any one second (each window starts at an arrival). */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j] < sorted[i] + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('per-endpoint rate limit', () => {
  let t: TestApp;
  let limited: Receiver;
  let unlimited: Receiver;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new WallClock() });
    limited = await Receiver.start();
    unlimited = await Receiver.start();
  });
  afterAll(async () => {
    await limited.close();
    await unlimited.close();
    await t.close();
  });

  it('two dispatchers together never send a limited endpoint more than its rate in any second; nothing is lost', async () => {
    const tenantId = await t.tenant('Paced');
    const owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    await t.http().post('/v1/endpoints').set(owner).send({ url: limited.url, rateLimitPerSecond: 4 }).expect(201);
    await t.http().post('/v1/endpoints').set(owner).send({ url: unlimited.url }).expect(201);
    const orderIds = await seedOrders(t.app, tenantId, 14);
    await t.app.get(FanOutService).fanOutAll();

    // A second dispatcher, as another replica would run: same database, its own identity.
    const a = t.app.get(Dispatcher);
    const b = replicaDispatcher(t.app, t.clock);
    const db = t.app.get(DataSource);
    const open = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status IN ('pending', 'failed_retrying')`,
          [tenantId],
        )
      )[0].n as number;
    const deadline = Date.now() + 60_000;
    while ((await open()) > 0 && Date.now() < deadline) {
      await Promise.all([a.dispatchAllDue(), b.dispatchAllDue()]);
      await new Promise((r) => setTimeout(r, 50));
    }

    expect(await open()).toBe(0);
    // Every order reached both receivers exactly once.
    for (const r of [limited, unlimited]) {
      expect(r.received).toHaveLength(14);
      expect(new Set(r.bodies().map((body) => body.data.orderId))).toEqual(new Set(orderIds));
    }
    // The limited receiver never saw more than 4 requests within one second, so 14 took more than 3 seconds;
    // the other endpoint was not held back with it.
    const times = limited.received.map((r) => r.at);
    expect(busiestSecond(times)).toBeLessThanOrEqual(4);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(3000);
    expect(busiestSecond(unlimited.received.map((r) => r.at))).toBeGreaterThan(4);
  }, 90_000);
});
